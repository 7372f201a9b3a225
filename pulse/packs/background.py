"""Running pack builds off the request: a small in-process executor, and a sweep for runs
left behind.

The POST that queues a run hands its id to a one-thread executor in the same process, so
the response returns at once and builds never pile up on a small machine. Should the process
end first, the run stays queued; the scheduler's ``packs`` job (pulse.jobs.packs) picks it
up. ``claim`` in operations makes sure a run is built once, whoever gets to it.
"""
from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select, update

from ..background import OneThread
from ..extensions import db
from ..models import PackRun
from ..models.pack import PACK_FAILED, PACK_QUEUED, PACK_RUNNING
from .operations import run_pack

#: A run "running" this long was cut off (its process ended); the sweep marks it failed.
STALE = timedelta(minutes=30)

_queue = OneThread("pulse-pack")


def start(app: Flask, run_id: int) -> Future:
    """Build the queued run in the background; the caller has committed it already."""
    return _queue.submit(app, run_pack, run_id)


def sweep(now: datetime | None = None) -> int:
    """Build every queued run here and now; mark runs stuck in "running" as failed.

    Returns the runs built. Commits as it goes (each run records its own progress).
    """
    now = now or datetime.now(UTC)
    db.session.execute(
        update(PackRun).where(PackRun.status == PACK_RUNNING,
                              PackRun.requested_at < now - STALE)
        .values(status=PACK_FAILED, finished_at=now,
                error="interrupted before it finished; please ask for it again"))
    db.session.commit()
    built = 0
    for run_id in list(db.session.scalars(select(PackRun.id).where(
            PackRun.status == PACK_QUEUED).order_by(PackRun.id))):
        built += int(run_pack(run_id))
    return built
