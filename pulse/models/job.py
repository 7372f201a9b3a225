"""Scheduled jobs: a ledger of runs (one per job and window) and lease locks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"


class JobRun(db.Model):
    """One run of a job for one scheduled window; the unique key makes a window run once."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "window_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    # "window" is an SQL keyword; the column has a plainer name.
    window: Mapped[str] = mapped_column("window_key", String(32))  # e.g. 2026-11-27T09:40Z
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    rows_touched: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    runner: Mapped[str | None] = mapped_column(String(64))


class JobLock(db.Model):
    """A lease lock for databases without advisory locks (SQLite): held until expires_at."""

    __tablename__ = "job_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
