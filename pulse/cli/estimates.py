"""``flask --app pulse aggregate``, ``estimates export``, ``scheduler`` and ``jobs history``."""
from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .database_errors import refused


@click.command("aggregate")
@click.option("--full", is_flag=True, help="Rebuild every estimate, not only changed cells.")
@with_appcontext
def aggregate(full: bool) -> None:
    """Recompute neighbourhood estimates now (only changed areas and months unless --full)."""
    from ..estimates.operations import aggregate as run

    try:
        outcome = run(full=full, minimum=int(current_app.config["PULSE_MIN_RESPONSES"]))
        db.session.commit()
    except SQLAlchemyError as err:
        db.session.rollback()
        raise refused(err, f"the database refused the aggregation ({type(err).__name__}); "
                      "the previous estimates are unchanged") from None
    if outcome.mode == "nothing":
        click.echo("estimates are up to date")
        return
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in outcome.seconds.items())
    added = f" ({outcome.added} added to kept month sums)" if outcome.added else ""
    click.echo(f"{outcome.mode}: {outcome.responses} responses{added}, "
               f"{len(outcome.periods)} periods, {outcome.rows} rows stored ({timing})")


@click.group(help="Stored neighbourhood estimates.")
def estimates() -> None:
    pass


@estimates.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write.")
@click.option("--period", help="Only this period (2026-10, 2026-Q4 or R12-2026-10).")
@click.option("--area", "area_code", help="Only this area and the areas below it.")
@with_appcontext
def export(out: Path, period: str | None, area_code: str | None) -> None:
    """Write stored estimates as CSV (the same as `export estimates --format csv`)."""
    from .exports import run_export

    run_export("estimates", out, "csv", area_code, period)


@click.command("scheduler")
@click.option("--aggregate-seconds", default=600, show_default=True, type=click.IntRange(1),
              help="Aggregation interval (a divisor of 60 seconds or of 60 minutes).")
@click.option("--max-runtime", type=click.FloatRange(0, min_open=True),
              help="Stop after this many seconds (for tests and one-off runs).")
@with_appcontext
def scheduler(aggregate_seconds: int, max_runtime: float | None) -> None:
    """Run every scheduled job in this process: aggregate, retention, retrain, packs,
    scheduled-packs, exports and topic-shares (the start-up line says when each runs)."""
    from ..jobs.scheduler import schedule

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sched = schedule(app, aggregate_seconds=aggregate_seconds)

    stopping = threading.Event()

    def shut_down() -> None:
        for _ in range(100):  # a signal may come a moment before the scheduler runs
            if sched.running:
                sched.shutdown(wait=True)
                return
            time.sleep(0.05)

    def stop(*_args) -> None:
        # Once only: a service manager and the demo script's trap may both send SIGTERM, and a
        # second shutdown raised SchedulerNotRunningError. Not in the handler itself either: it
        # runs on the main thread, perhaps inside the scheduler's loop holding its locks, where
        # a shutdown let the loop hand the next job to a closed executor; from another thread
        # shutdown waits for the loop.
        if stopping.is_set():
            return
        stopping.set()
        threading.Thread(target=shut_down, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    if max_runtime:
        timer = threading.Timer(max_runtime, stop)
        timer.daemon = True
        timer.start()
    click.echo("scheduler started: " + ", ".join(job.name for job in sched.get_jobs()))
    if not stopping.is_set():
        sched.start()


@click.group(help="Scheduled jobs.")
def jobs() -> None:
    pass


def _known_job(_ctx, _param, name: str | None) -> str | None:
    # Checked against the scheduler's own table, imported only when asked (it loads every job).
    from ..jobs.tasks import JOBS

    if name is not None and name not in JOBS:
        raise click.BadParameter(f"{name!r} is not a job; one of: {', '.join(JOBS)}")
    return name


@jobs.command("history")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1))
@click.option("--job", callback=_known_job,
              help="Only this job's runs (any job the scheduler runs).")
@with_appcontext
def history(limit: int, job: str | None) -> None:
    """Show recent job runs: window, status, duration, rows touched, error."""
    from ..jobs.runner import history as runs

    found = runs(limit, job)
    if not found:
        # Silence would look like a broken command; a new database has simply run nothing yet.
        click.echo(f"no {job + ' ' if job else ''}runs recorded yet")
    for run in found:
        took = (f"{(run.finished_at - run.started_at).total_seconds():.1f}s"
                if run.finished_at else "-")
        click.echo(f"{run.job:15} {run.window:22} {run.status:10} {took:>8} "
                   f"{run.rows_touched if run.rows_touched is not None else '-':>8} "
                   f"{run.error or ''}")
