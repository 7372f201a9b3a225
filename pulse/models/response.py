"""A resident's response and its answers, written together or not at all."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .area import Area
from .instrument import InstrumentVersion, Question
from .types import UTCDateTime, utcnow
from .wave import Wave

CHANNELS = ("web", "qr", "code", "assisted", "import")


class Response(db.Model):
    __tablename__ = "response"
    # One response per device per area per wave, enforced by the database: it holds across
    # processes and between two tabs, where a SELECT before the INSERT did not. NULLs are
    # distinct, so assisted and imported responses (no device) are not limited.
    __table_args__ = (Index("uq_response_device_area_wave", "device_hash", "area_id", "wave_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    channel: Mapped[str] = mapped_column(String(16), default="web")
    age_band: Mapped[str | None] = mapped_column(String(16))
    sex: Mapped[str | None] = mapped_column(String(16))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    # Keyed hash of the browser's random device token; never the token itself.
    device_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # One per rendered form: a resubmitted form (double tap, retry) is recognised, not doubled.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    quality_flags: Mapped[list] = mapped_column(JSON, default=list)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    excluded_reason: Mapped[str | None] = mapped_column(String(500))

    area: Mapped[Area] = relationship()
    wave: Mapped[Wave | None] = relationship()
    version: Mapped[InstrumentVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan")

    @property
    def flagged(self) -> bool:
        return bool(self.quality_flags)


class Answer(db.Model):
    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    value: Mapped[int | None] = mapped_column(Integer)
    dont_know: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
