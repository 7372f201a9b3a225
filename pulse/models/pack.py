"""Briefing packs: background runs (one pack or a bulk ZIP) and scheduled subscriptions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

PACK_QUEUED, PACK_RUNNING, PACK_DONE, PACK_FAILED = "queued", "running", "done", "failed"
PACK_FREQUENCIES = ("weekly", "monthly")


class PackRun(db.Model):
    """One requested build, run in the background; the browser polls its progress."""

    __tablename__ = "pack_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    # "single": one PDF for the area; "bulk": a ZIP of one PDF per neighbourhood under it.
    kind: Mapped[str] = mapped_column(String(8), default="single")
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(8), default=PACK_QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # Where the finished file was written (under the configured pack folder).
    path: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PackSubscription(db.Model):
    """An area's standing order for a weekly or monthly pack, written to the pack folder."""

    __tablename__ = "pack_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    frequency: Mapped[str] = mapped_column(String(8))
    # Comma-separated addresses; e-mailed only when SMTP is configured.
    email_to: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
