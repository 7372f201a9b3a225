"""Large exports (CSV or XLSX) built in the background: one row per run, polled by its
owner's page."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

EXPORT_QUEUED, EXPORT_RUNNING, EXPORT_DONE, EXPORT_FAILED = "queued", "running", "done", "failed"


class ExportRun(db.Model):
    """One queued export. The token is the run's URL (32 random hex digits, never logged);
    only ``user_id`` may see it. ``attempt`` grows with every claim, so a build cut off by a
    dead process and started again cannot overwrite the state of the build that replaced it."""

    __tablename__ = "export_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8), default="xlsx")
    # Plain values (area id and code, period label, ISO dates); the owner's scope is read
    # again when the run is built, so the filter can be rebuilt in any process.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8), default=EXPORT_QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    # A short kind ("write", "interrupted"), never the error's text (it may quote data).
    error: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched at every claim and progress report: a running run not touched for a while
    # lost its process.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
