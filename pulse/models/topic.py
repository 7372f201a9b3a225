"""The topic taxonomy as admins keep it, and the registry of trained text models."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

MODEL_STATUSES = ("live", "archived", "rejected")


class Topic(db.Model):
    """A topic comments are sorted into. Codes never change; labels can be renamed and topics
    retired (kept for history, no longer offered)."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[float] = mapped_column(Float, default=0.5)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TextModel(db.Model):
    """One trained topic model: where its artifact is and the metadata written beside it.

    At most one row is ``live``; the others are ``archived`` (were live, can be rolled back to)
    or ``rejected`` (failed the promotion rule).
    """

    __tablename__ = "text_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    artifact_path: Mapped[str] = mapped_column(String(500))
    macro_f1: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="archived", index=True)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class TopicShare(db.Model):
    """One topic's share of an area's classified comments in a period, stored beside the
    estimates and written whole by :mod:`pulse.text.shares` (worked out by
    :mod:`analysis.topic_shares`). An area's comments include those of the areas below it.

    ``count``, ``total``, ``share`` and the interval are NULL when the period has fewer than
    the minimum comments (suppressed, as for estimates). Shares are percentages (0-100).
    """

    __tablename__ = "topic_share"
    # The unique key serves the reads too: by area, then period kind in time order.
    __table_args__ = (UniqueConstraint("area_id", "period_kind", "period_end", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))          # 2026-10, 2026-Q4, R12-2026-10
    period_kind: Mapped[str] = mapped_column(String(8))      # month, quarter, r12
    period_end: Mapped[int] = mapped_column(Integer)         # last month, year * 12 + month - 1
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"),
                                          index=True)
    count: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    share: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    suppressed_reason: Mapped[str | None] = mapped_column(String(80))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
