"""Building queued exports (CSV or XLSX) off the request: a one-thread executor, and a sweep
for runs left behind.

As for briefing packs (pulse.packs.background): the POST that queues a run hands its id to a
one-thread executor and returns at once, so builds never pile up on a small machine.
Should the process end first, the run stays queued (or running, with no progress reported);
the scheduler's ``exports`` job (pulse.jobs.exports) calls :func:`sweep`, which builds it.
``runs.claim`` makes sure a run is built by one process at a time, whoever gets to it.
"""
from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime

from flask import Flask

from ..background import OneThread
from ..extensions import db
from . import runs
from .operations import build_run

_queue = OneThread("pulse-export")


def start(app: Flask, run_id: int) -> Future:
    """Build the queued run in the background; the caller has committed it already."""
    return _queue.submit(app, build_run, run_id)


def sweep(now: datetime | None = None) -> int:
    """Queue again runs whose process died, build every queued run here and now, and delete
    runs (and files) older than runs.KEEP. Returns the runs built. Commits as it goes."""
    now = now or datetime.now(UTC)
    runs.requeue_stale(now)
    built = sum(build_run(run_id) for run_id in runs.queued_ids())
    runs.expire(now)
    db.session.commit()
    return built

