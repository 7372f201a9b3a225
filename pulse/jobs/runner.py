"""Running one job for one scheduled window: lock, ledger, work, record.

The lock stops two schedulers running a job at the same moment; the ledger's unique
(job, window) key stops a window being processed twice when two schedulers fire at different
moments. A failed or killed run changes nothing but its ledger row (the work commits once, at
the end), and the next window retries.
"""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import JobRun
from ..models.job import FAILED, RUNNING, SUCCEEDED
from .locks import job_lock

log = logging.getLogger("pulse.jobs")


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def window_of(at: datetime, every: timedelta) -> str:
    """The scheduled window ``at`` falls in: the start of its slot, in UTC."""
    at = at.astimezone(UTC)
    step = int(every.total_seconds())
    start = datetime.fromtimestamp(int(at.timestamp()) // step * step, UTC)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_job(app: Flask, name: str, window: str, work: Callable[[], int]) -> str:
    """Run ``work`` (which returns rows touched and does not commit) once for this window.

    Returns what happened: "locked", "done-before", "succeeded" or "failed".
    """
    with app.app_context():
        me = runner_name()
        with job_lock(db.engine, name, me) as got:
            if not got:
                log.info("%s %s: another scheduler holds the lock", name, window)
                return "locked"
            run = JobRun(job=name, window=window, status=RUNNING, runner=me,
                         started_at=datetime.now(UTC))
            db.session.add(run)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                log.info("%s %s: already run", name, window)
                return "done-before"
            run_id = run.id
            try:
                rows = work()
                run = db.session.get(JobRun, run_id)
                run.status, run.rows_touched = SUCCEEDED, rows
                run.finished_at = datetime.now(UTC)
                db.session.commit()
                log.info("%s %s: %s rows", name, window, rows)
                return "succeeded"
            except Exception as err:  # noqa: BLE001 - any failure is recorded, then retried
                db.session.rollback()
                run = db.session.get(JobRun, run_id)
                run.status, run.finished_at = FAILED, datetime.now(UTC)
                run.error = f"{type(err).__name__}: {err}"[:2000]
                db.session.commit()
                log.exception("%s %s failed", name, window)
                return "failed"
            finally:
                db.session.remove()


def history(limit: int = 50, job: str | None = None) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job:
        query = query.where(JobRun.job == job)
    return list(db.session.scalars(query))
