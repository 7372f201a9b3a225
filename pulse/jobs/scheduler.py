"""The scheduler process: APScheduler's BlockingScheduler, never inside web workers.

Triggers are wall-clock (cron) so that every scheduler process computes the same windows;
the runner's ledger then lets exactly one of them process each window.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from .runner import run_job, window_of
from .tasks import JOBS

log = logging.getLogger("pulse.jobs")


def schedule(app: Flask, *, aggregate_seconds: int = 600) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 120})
    every = timedelta(seconds=aggregate_seconds)
    if aggregate_seconds % 60 == 0:
        trigger = CronTrigger(minute=f"*/{aggregate_seconds // 60}", timezone=UTC)
    else:
        trigger = CronTrigger(second=f"*/{aggregate_seconds}", timezone=UTC)

    def tick(name: str, slot: timedelta) -> None:
        run_job(app, name, window_of(datetime.now(UTC), slot), JOBS[name])

    def add(name: str, when: str, trigger, slot: timedelta, **options) -> None:
        # The job's name says when it runs: the start-up line and APScheduler's own log
        # lines read it, so an operator sees every job, not "schedule.<locals>.tick".
        scheduler.add_job(tick, trigger, args=(name, slot), id=name, name=f"{name} {when}",
                          **options)

    add("aggregate", f"every {aggregate_seconds}s", trigger, every,
        next_run_time=datetime.now(UTC))
    add("retention", "daily 03:30 UTC", CronTrigger(hour=3, minute=30, timezone=UTC),
        timedelta(days=1))
    add("retrain", "daily 02:00 UTC", CronTrigger(hour=2, minute=0, timezone=UTC),
        timedelta(days=1))
    # Briefing packs: runs left queued by a web process that ended, and subscriptions.
    add("packs", "every 5 minutes", CronTrigger(minute="*/5", timezone=UTC),
        timedelta(minutes=5))
    add("scheduled-packs", "daily 06:00 UTC", CronTrigger(hour=6, minute=0, timezone=UTC),
        timedelta(days=1))
    # Large XLSX exports left queued or running by a web process that ended; old runs deleted.
    add("exports", "every 5 minutes", CronTrigger(minute="*/5", timezone=UTC),
        timedelta(minutes=5))
    # Topic shares: hourly (new comments), and after each retrain (see retrain_job).
    add("topic-shares", "hourly at :15", CronTrigger(minute=15, timezone=UTC),
        timedelta(hours=1))
    return scheduler
