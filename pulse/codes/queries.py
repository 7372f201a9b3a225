"""Reading access codes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import AccessCode, Area


@dataclass(frozen=True)
class CodeStatus:
    issued: int
    used: int

    @property
    def unused(self) -> int:
        return self.issued - self.used


def by_hash(hashed: str) -> AccessCode | None:
    return db.session.scalar(select(AccessCode).where(AccessCode.code_hash == hashed))


def is_used(hashed: str) -> bool:
    return bool(db.session.scalar(select(AccessCode.used).where(AccessCode.code_hash == hashed)))


def status(area: Area) -> CodeStatus:
    """How many codes were issued for ``area``, and how many of them have been used."""
    issued, used = db.session.execute(
        select(func.count(), func.count().filter(AccessCode.used.is_(True)))
        .where(AccessCode.area_id == area.id)
    ).one()
    return CodeStatus(issued=issued, used=used)
