"""Large exports (CSV or XLSX) built off the request: each run is an ``export_run`` row and a
folder.

The row (pulse.models.ExportRun) holds the run's state, so any process can build, resume or
show it; the folder ``EXPORT_FOLDER/<token>/`` (default: ``exports`` in the instance folder)
holds the file (``export.csv`` or ``export.xlsx``), renamed into place only once complete.
The token is 32 random hex digits; only the user who asked can see the run. A run is built
by whoever claims it (``claim``: one UPDATE from queued, checked by its rowcount); the
scheduler's ``exports`` job (pulse.jobs.exports) builds runs left queued and starts again
runs whose process died.
Runs and their files older than KEEP are deleted by that job and when a new run is queued.
"""
from __future__ import annotations

import re
import secrets
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import ExportRun
from ..models.export_run import EXPORT_FAILED, EXPORT_QUEUED, EXPORT_RUNNING

#: A finished file stays this long for its owner to download.
KEEP = timedelta(hours=24)
#: A running run not touched for this long lost its process (progress is reported every
#: writers.PROGRESS_ROWS rows, seconds apart); the sweep queues it again.
STALE = timedelta(minutes=30)
#: Builds started per run before it is given up as interrupted.
ATTEMPTS = 3
_TOKEN = re.compile(r"[0-9a-f]{32}")


def folder() -> Path:
    path = Path(current_app.config.get("EXPORT_FOLDER") or
                Path(current_app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def output(token: str, fmt: str) -> Path:
    """Where a run's finished file is (``fmt`` is the run's format, one the code wrote)."""
    return folder() / token / f"export.{fmt}"


def create(*, user_id: int, kind: str, fmt: str, filename: str, total: int,
           filters: dict) -> ExportRun:
    """Add a queued run and its folder; the caller commits."""
    expire()
    run = ExportRun(token=secrets.token_hex(16), user_id=user_id, kind=kind, format=fmt,
                    filters=filters, filename=filename, total=total, done=0,
                    status=EXPORT_QUEUED, attempt=0)
    db.session.add(run)
    db.session.flush()
    (folder() / run.token).mkdir(parents=True, exist_ok=True)
    return run


def load(token: str) -> ExportRun | None:
    """The run, or None for anything that is not a run's token."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    return db.session.scalar(select(ExportRun).where(ExportRun.token == token))


def claim(run_id: int) -> int | None:
    """Move a queued run to running and return its attempt number; None when another
    process took it first. Commits, so the claim is seen at once."""
    now = datetime.now(UTC)
    result = db.session.execute(
        update(ExportRun).where(ExportRun.id == run_id, ExportRun.status == EXPORT_QUEUED)
        .values(status=EXPORT_RUNNING, attempt=ExportRun.attempt + 1, started_at=now,
                heartbeat_at=now, done=0)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.scalar(select(ExportRun.attempt).where(ExportRun.id == run_id))


def report(run_id: int, attempt: int, done: int) -> None:
    """Record progress on a connection of its own: the build's session is streaming rows."""
    with db.engine.begin() as conn:
        conn.execute(update(ExportRun).where(ExportRun.id == run_id,
                                             ExportRun.attempt == attempt,
                                             ExportRun.status == EXPORT_RUNNING)
                     .values(done=done, heartbeat_at=datetime.now(UTC)))


def finish(run_id: int, attempt: int, **values) -> bool:
    """End this attempt (done or failed); False when the run was taken from it meanwhile."""
    result = db.session.execute(
        update(ExportRun).where(ExportRun.id == run_id, ExportRun.attempt == attempt,
                                ExportRun.status == EXPORT_RUNNING)
        .values(finished_at=datetime.now(UTC), **values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def requeue_stale(now: datetime) -> int:
    """Queue again the runs whose process died while building them; give up on a run
    after ATTEMPTS builds. Returns the runs queued again. Commits."""
    stale = (ExportRun.status == EXPORT_RUNNING) & (ExportRun.heartbeat_at < now - STALE)
    db.session.execute(
        update(ExportRun).where(stale, ExportRun.attempt >= ATTEMPTS)
        .values(status=EXPORT_FAILED, error="interrupted", finished_at=now)
        .execution_options(synchronize_session=False))
    result = db.session.execute(
        update(ExportRun).where(stale).values(status=EXPORT_QUEUED, heartbeat_at=now, done=0)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def waiting(run: ExportRun) -> bool:
    return run.status in (EXPORT_QUEUED, EXPORT_RUNNING)


def interrupted(run: ExportRun, now: datetime | None = None) -> bool:
    """Given up (ATTEMPTS builds cut off), or waiting so long that no scheduler can be
    running to pick it up: the page stops refreshing and says so."""
    if run.status == EXPORT_FAILED:
        return run.error == "interrupted"
    return waiting(run) and (now or datetime.now(UTC)) - run.heartbeat_at > 2 * STALE


def queued_ids() -> list[int]:
    return list(db.session.scalars(
        select(ExportRun.id).where(ExportRun.status == EXPORT_QUEUED).order_by(ExportRun.id)))


def expire(now: datetime | None = None) -> int:
    """Delete runs older than KEEP with their folders, and folders no run owns (left by a
    run deleted with its owner, or by the status files before migration 0013). The caller
    commits. Returns the runs deleted."""
    cutoff = (now or datetime.now(UTC)) - KEEP
    old = list(db.session.scalars(select(ExportRun.token).where(ExportRun.created_at < cutoff)))
    if old:
        db.session.execute(delete(ExportRun).where(ExportRun.token.in_(old))
                           .execution_options(synchronize_session=False))
    keep = set(db.session.scalars(select(ExportRun.token))) - set(old)
    for path in folder().iterdir():
        if not (_TOKEN.fullmatch(path.name) and path.is_dir()) or path.name in keep:
            continue
        if path.name in old or datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
            shutil.rmtree(path, ignore_errors=True)
    return len(old)
