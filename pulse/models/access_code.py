"""Single-use access codes for leaflets and letters: a keyed hash and whether it was used.

Deliberately no link to a response, and the day of use rather than the moment: a precise
time could be matched against a response's ``submitted_at`` and, through a mail-merge list,
tie an address to its answers.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .area import Area
from .types import UTCDateTime, utcnow


class AccessCode(db.Model):
    __tablename__ = "access_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    # HMAC-SHA256 of the code under SECRET_KEY (surveys.access_codes.code_hash).
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    used_on: Mapped[date | None] = mapped_column(Date)

    area: Mapped[Area] = relationship()
