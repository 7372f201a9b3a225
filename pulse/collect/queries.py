"""Reads for collection: what a stored submission key answered."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Area, Response


@dataclass(frozen=True)
class Stored:
    """A response already stored under a submission key, as plain values."""

    response_id: int
    area_code: str


def stored(key: str) -> Stored | None:
    row = db.session.execute(
        select(Response.id, Area.code).join(Area, Area.id == Response.area_id)
        .where(Response.submission_key == key)).first()
    return Stored(row[0], row[1]) if row else None
