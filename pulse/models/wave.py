"""Collection windows: a wave opens an area (and every area below it) to responses."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .area import Area
from .instrument import Instrument
from .types import UTCDateTime, utcnow


#: Who may answer: anyone with the link, only holders of a single-use code, or either.
ACCESS_MODES = ("open", "code", "both")


class Wave(db.Model):
    __tablename__ = "wave"
    __table_args__ = (CheckConstraint("access IN ('open', 'code', 'both')", name="access"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"))
    name: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No closing time: always-on collection.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    target_responses: Mapped[int | None] = mapped_column(Integer)
    access: Mapped[str] = mapped_column(String(8), default="open", server_default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship()
    instrument: Mapped[Instrument] = relationship()

    def is_open(self, at: datetime) -> bool:
        return self.opens_at <= at and (self.closes_at is None or at < self.closes_at)
