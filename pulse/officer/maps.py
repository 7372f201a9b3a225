"""Projected map geometry for a set of areas, kept between requests.

Decoding every boundary's JSON and projecting every point is the same work on each overview
of the same areas. The cache key is a digest of the boundaries as stored, so an edited or
newly uploaded boundary gives a new key in every worker process without any message between
them; old keys fall out of a small LRU.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from sqlalchemy import Text, cast, select

from ..charts.svg import project_paths
from ..extensions import db
from ..models import Area
from .id_lists import id_in

MAX_SETS = 32
_cache: OrderedDict[str, dict[str, str]] = OrderedDict()
_lock = threading.Lock()


def _stored_boundaries(area_ids: list[int]) -> list[tuple[int, int | None, str, str]]:
    """(id, parent id, code, boundary text) of the areas with a boundary, by id.

    The text is read as stored (cast, not decoded) so that a cache hit costs no JSON parsing.
    """
    stmt = (select(Area.id, Area.parent_id, Area.code, cast(Area.boundary, Text))
            .where(id_in(Area.id, area_ids), Area.boundary.is_not(None)).order_by(Area.id))
    return [(i, p, c, t) for i, p, c, t in db.session.execute(stmt) if t and t != "null"]


def area_paths(area_ids: list[int], *, width: int = 640, height: int = 480) -> dict[str, str]:
    """Code -> SVG path data for the lowest level drawn of these areas.

    Only the lowest level is drawn: a borough's outline would cover its wards.
    """
    rows = _stored_boundaries(area_ids)
    digest = hashlib.blake2b(f"{width}x{height}".encode(), digest_size=16)
    for area_id, parent_id, code, text in rows:
        digest.update(f"\0{area_id}\0{parent_id}\0{code}\0".encode())
        digest.update(text.encode())
    key = digest.hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    parents = {parent_id for _, parent_id, _, _ in rows}
    paths = project_paths([(code, json.loads(text)) for area_id, _, code, text in rows
                           if area_id not in parents], width=width, height=height)
    with _lock:
        _cache[key] = paths
        while len(_cache) > MAX_SETS:
            _cache.popitem(last=False)
    return paths
