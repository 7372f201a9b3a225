"""Instruments and their published versions; each version owns its questions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Instrument(db.Model):
    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[InstrumentVersion]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.version")


class InstrumentVersion(db.Model):
    """One published wording of an instrument. Responses point at the version they answered."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)
    languages: Mapped[list] = mapped_column(JSON)
    composites: Mapped[list] = mapped_column(JSON, default=list)
    # A digest of the definition, so that syncing an unchanged definition is a no-op.
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instrument: Mapped[Instrument] = relationship(back_populates="versions")
    questions: Mapped[list[Question]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan")


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"))
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    scale: Mapped[str | None] = mapped_column(String(16))
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    demographic: Mapped[bool] = mapped_column(Boolean, default=False)
    max_length: Mapped[int] = mapped_column(Integer, default=1000)
    # Per-language text: {"en": "...", "cy": "..."}; options as [{"value", "labels"}].
    wording: Mapped[dict] = mapped_column(JSON)
    hint: Mapped[dict] = mapped_column(JSON, default=dict)
    anchors: Mapped[dict] = mapped_column(JSON, default=dict)
    options: Mapped[list] = mapped_column(JSON, default=list)

    version: Mapped[InstrumentVersion] = relationship(back_populates="questions")
