"""Writing areas and waves. Operations add and flush; the caller commits."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from surveys import geo

from ..extensions import db
from ..models import Area, Instrument, Wave

#: GeoJSON property names that carry an area's code and name, in order of preference.
CODE_KEYS = ("code", "WD13CD", "WD23CD", "LAD13CD", "LAD23CD", "precinct", "id")
NAME_KEYS = ("name", "WD13NM", "WD23NM", "LAD13NM", "LAD23NM", "precinct")
#: A code is part of every address of its area (/admin/areas/<code>, /s/<code>, the API's
#: ?area=): a "/" or other punctuation would make an area no page can reach. Same set as the API.
CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class ImportError_(ValueError):
    """A whole file was unusable (as opposed to one bad feature)."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _first(props: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = props.get(key)
        # Text or a number (some files hold codes as numbers); an object or a list is no name.
        if isinstance(value, str | int | float) and not isinstance(value, bool) and value != "":
            return str(value).strip()
    return None


def import_geojson(path: Path, *, parent: Area | None = None, level: str = "neighbourhood",
                   code_prefix: str = "", scope: set[int] | None = None) -> ImportReport:
    """Create or update one area per feature of a GeoJSON FeatureCollection.

    Features without a usable code or polygon are reported with their position and skipped;
    the rest are imported. Existing areas keep their history and get the new boundary.
    ``scope`` (area ids; None for the whole tree) limits which existing areas a feature may
    update: a feature naming one outside it is rejected and nothing of it is stored. New areas
    go under ``parent``, which the caller has checked lies in the scope.
    """
    if not 1 <= len(level) <= 32:
        raise ImportError_("the level must be 1 to 32 characters")
    try:
        # utf-8-sig: a byte-order mark, as some GIS tools write, is not a reason to refuse.
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ImportError_(f"cannot read {path}: {err}") from None
    except RecursionError:
        raise ImportError_(f"cannot read {path}: JSON nested too deeply") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportError_(f"{path} is not a GeoJSON FeatureCollection")
    features = data.get("features") or []
    if not isinstance(features, list):
        raise ImportError_(f"{path}: \"features\" is not a list")
    report = ImportReport()
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or not isinstance(props or {}, dict):
            report.rejected.append((number, "not a GeoJSON Feature with properties"))
            continue
        props = props or {}
        geometry = feature.get("geometry")
        code = _first(props, CODE_KEYS)
        name = _first(props, NAME_KEYS) or code
        if not code:
            report.rejected.append((number, "no code property (" + ", ".join(CODE_KEYS) + ")"))
            continue
        code = code_prefix + code
        if len(code) > 32 or code in seen:
            report.rejected.append((number, f"code {code!r} is too long or repeated in the file"))
            continue
        if not CODE.fullmatch(code):
            report.rejected.append((number, f"code {code!r} may only hold letters, digits and "
                                            "_ . - (it is part of the area's web addresses)"))
            continue
        if len(name) > 200 or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
            report.rejected.append((number, f"{code}: the name is longer than 200 characters "
                                            "or holds control characters"))
            continue
        problem = geo.problem(geometry)
        if problem:
            report.rejected.append((number, f"{code}: {problem}"))
            continue
        seen.add(code)
        area = db.session.scalar(select(Area).where(Area.code == code))
        if area is not None and scope is not None and area.id not in scope:
            report.rejected.append((number, f"{code}: outside your areas"))
            continue
        if area is None:
            area = Area(code=code, name=name, level=level, parent=parent, boundary=geometry)
            db.session.add(area)
            report.created.append(code)
        else:
            if parent is not None and (parent.id == area.id or area in parent.ancestors()):
                report.rejected.append((number, f"{code}: the parent sits inside it"))
                continue
            area.name, area.boundary = name, geometry
            # A scoped admin's top area stays where it is: its parent is someone else's tree.
            if parent is not None and (scope is None or area.parent_id in scope):
                area.parent = parent
            report.updated.append(code)
    db.session.flush()
    return report


def ensure_area(code: str, name: str, level: str, parent: Area | None = None) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None:
        area = Area(code=code, name=name, level=level, parent=parent)
        db.session.add(area)
        db.session.flush()
    return area


def open_wave(area: Area, instrument: Instrument, *, name: str, opens_at: datetime,
              closes_at: datetime | None = None, target: int | None = None) -> Wave:
    if closes_at is not None and closes_at <= opens_at:
        raise ValueError("a wave must close after it opens")
    wave = Wave(area=area, instrument=instrument, name=name, opens_at=opens_at,
                closes_at=closes_at, target_responses=target)
    db.session.add(wave)
    db.session.flush()
    return wave


def close_wave(wave: Wave, at: datetime) -> None:
    wave.closes_at = at
    db.session.flush()
