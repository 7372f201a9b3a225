"""Reading responses back: counts by the channel they came through."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import CHANNELS, Area, Response, Wave

#: How each stored channel is named to people: "web" is the plain link.
CHANNEL_LABELS = {"web": "link", "qr": "QR", "code": "code", "assisted": "door-to-door",
                  "import": "import"}


@dataclass(frozen=True)
class ChannelRow:
    """Responses for one area and wave, split by channel (every channel present, zeros too)."""

    area_code: str
    area_name: str
    wave_id: int | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def area_and_below(area: Area) -> list[int]:
    """``area``'s id and those of every area under it, walking the tree a level at a time."""
    ids, frontier = [area.id], [area.id]
    while frontier:
        frontier = list(db.session.scalars(select(Area.id).where(Area.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def channel_counts(area: Area | None = None, wave: Wave | None = None, *,
                   include_excluded: bool = False) -> list[ChannelRow]:
    """Responses per area and wave, by channel; for ``area`` and the areas below it if given.

    Excluded responses are left out unless asked for, as they are from every estimate.
    """
    query = (select(Area.code, Area.name, Response.wave_id, Response.channel, func.count())
             .join(Area, Area.id == Response.area_id)
             .group_by(Area.code, Area.name, Response.wave_id, Response.channel))
    if area is not None:
        query = query.where(Response.area_id.in_(area_and_below(area)))
    if wave is not None:
        query = query.where(Response.wave_id == wave.id)
    if not include_excluded:
        query = query.where(Response.excluded.is_(False))
    rows: dict[tuple[str, int | None], ChannelRow] = {}
    for code, name, wave_id, channel, n in db.session.execute(query):
        row = rows.setdefault((code, wave_id), ChannelRow(code, name, wave_id,
                                                          dict.fromkeys(CHANNELS, 0)))
        row.counts[channel] = row.counts.get(channel, 0) + n
    return sorted(rows.values(), key=lambda r: (r.area_code, r.wave_id or 0))
