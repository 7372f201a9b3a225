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

    scheduler.add_job(tick, trigger, args=("aggregate", every), id="aggregate",
                      next_run_time=datetime.now(UTC))
    scheduler.add_job(tick, CronTrigger(hour=3, minute=30, timezone=UTC),
                      args=("retention", timedelta(days=1)), id="retention")
    scheduler.add_job(tick, CronTrigger(hour=2, minute=0, timezone=UTC),
                      args=("retrain", timedelta(days=1)), id="retrain")
    # Briefing packs: runs left queued by a web process that ended, and subscriptions.
    scheduler.add_job(tick, CronTrigger(minute="*/5", timezone=UTC),
                      args=("packs", timedelta(minutes=5)), id="packs")
    scheduler.add_job(tick, CronTrigger(hour=6, minute=0, timezone=UTC),
                      args=("scheduled-packs", timedelta(days=1)), id="scheduled-packs")
    # Large XLSX exports left queued or running by a web process that ended; old runs deleted.
    scheduler.add_job(tick, CronTrigger(minute="*/5", timezone=UTC),
                      args=("exports", timedelta(minutes=5)), id="exports")
    # Topic shares: hourly (new comments), and after each retrain (see retrain_job).
    scheduler.add_job(tick, CronTrigger(minute=15, timezone=UTC),
                      args=("topic-shares", timedelta(hours=1)), id="topic-shares")
    return scheduler
