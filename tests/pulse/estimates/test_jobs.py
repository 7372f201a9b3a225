"""The scheduler's machinery: run ledger, locks, failures, killed runs, two real processes."""
import os
import secrets
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.pulse.estimates.support import add_margins, add_responses, make_tree, table_snapshot

ROOT = Path(__file__).resolve().parents[3]
MONTHS = [(2026, 6), (2026, 7), (2026, 8)]


@pytest.fixture
def aggregated(app):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db

    with app.app_context():
        make_tree()
        add_margins()
        add_responses(300, MONTHS, seed=4)
        aggregate()
        db.session.commit()
    return app


def _env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(16), PYTHONPATH=str(ROOT))
    env.pop("FLASK_APP", None)
    return env


def test_a_window_is_processed_once(app):
    from pulse.extensions import db
    from pulse.jobs.runner import run_job
    from pulse.models import JobRun

    calls = []

    def work():
        calls.append(1)
        return 7

    assert run_job(app, "aggregate", "2026-11-27T09:40:00Z", work) == "succeeded"
    assert run_job(app, "aggregate", "2026-11-27T09:40:00Z", work) == "done-before"
    assert run_job(app, "aggregate", "2026-11-27T09:50:00Z", work) == "succeeded"
    assert len(calls) == 2
    with app.app_context():
        runs = db.session.scalars(select(JobRun).order_by(JobRun.id)).all()
        assert [(r.window, r.status, r.rows_touched) for r in runs] == [
            ("2026-11-27T09:40:00Z", "succeeded", 7), ("2026-11-27T09:50:00Z", "succeeded", 7)]
        assert all(r.finished_at >= r.started_at for r in runs)


def test_a_failed_run_is_recorded_and_leaves_the_previous_estimates(aggregated):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.jobs.runner import history, run_job

    with aggregated.app_context():
        before = table_snapshot()
        add_responses(80, [(2026, 8)], seed=5)

    def work():
        aggregate(full=True)       # deletes and rewrites rows inside the transaction...
        raise RuntimeError("disk full")   # ...then fails before the commit

    assert run_job(aggregated, "aggregate", "2026-11-27T10:00:00Z", work) == "failed"
    with aggregated.app_context():
        assert table_snapshot() == before
        run = history(1)[0]
        assert run.status == "failed" and run.error == "RuntimeError: disk full"
        db.session.remove()


def test_a_lock_held_by_another_scheduler_skips_the_run(app):
    from pulse.extensions import db
    from pulse.jobs.locks import job_lock
    from pulse.jobs.runner import run_job

    with app.app_context():
        engine = db.engine
    with job_lock(engine, "aggregate", "elsewhere:1") as got:
        assert got
        assert run_job(app, "aggregate", "2026-11-27T10:10:00Z", lambda: 0) == "locked"
    assert run_job(app, "aggregate", "2026-11-27T10:10:00Z", lambda: 0) == "succeeded"


def test_an_expired_sqlite_lease_can_be_taken_over(app):
    from pulse.extensions import db
    from pulse.jobs.locks import job_lock

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("leases are the SQLite lock; PostgreSQL uses advisory locks")
    with job_lock(engine, "retention", "dead:1", lease=timedelta(seconds=-1)) as first:
        assert first
        with job_lock(engine, "retention", "alive:2") as second:
            assert second


def test_retention_purges_old_device_hashes_only(app):
    from pulse.extensions import db
    from pulse.jobs.tasks import retention_job
    from pulse.models import Response

    with app.app_context():
        make_tree()
        add_responses(4, [(2026, 1)], seed=6)
        rows = db.session.scalars(select(Response).order_by(Response.id)).all()
        now = datetime(2026, 6, 1, tzinfo=UTC)
        for i, r in enumerate(rows):
            r.device_hash = f"{i:064d}"
            r.submitted_at = now - timedelta(days=200 if i < 2 else 10)
        db.session.commit()
        assert retention_job(now) == 2
        db.session.commit()
        kept = db.session.scalars(select(Response.device_hash).order_by(Response.id)).all()
        assert kept[:2] == [None, None] and all(kept[2:])


KILLED = textwrap.dedent("""
    import os, signal
    from pulse import create_app
    from pulse.estimates.operations import aggregate
    app = create_app()
    with app.app_context():
        outcome = aggregate(full=True)
        assert outcome.rows > 0
        print("rewritten, not committed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.slow
def test_a_killed_aggregation_leaves_the_old_estimates(aggregated, database_url):
    with aggregated.app_context():
        before = table_snapshot()
        add_responses(50, [(2026, 8)], seed=7)
    done = subprocess.run([sys.executable, "-c", KILLED], env=_env(database_url), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert "rewritten, not committed" in done.stdout
    with aggregated.app_context():
        from pulse.extensions import db

        assert table_snapshot() == before
        db.session.remove()


@pytest.mark.slow
def test_two_scheduler_processes_never_run_a_window_twice_or_overlap(aggregated, database_url):
    from pulse.extensions import db
    from pulse.models import JobRun

    command = [sys.executable, "-m", "flask", "--app", "pulse", "scheduler",
               "--aggregate-seconds", "2", "--max-runtime", "9"]
    env = _env(database_url)
    first = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        import time
        time.sleep(0.7)   # the second starts at a different moment, as in real life
        second = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        outputs = [p.communicate(timeout=60) for p in (first, second)]
    finally:
        for p in (first, locals().get("second")):
            if p is not None and p.poll() is None:
                p.kill()
    assert first.returncode == 0 and second.returncode == 0, outputs
    logs = "".join(err for _, err in outputs)
    with aggregated.app_context():
        runs = db.session.scalars(select(JobRun).where(JobRun.job == "aggregate")
                                  .order_by(JobRun.started_at)).all()
        db.session.remove()
    assert len(runs) >= 3, logs
    assert len({r.window for r in runs}) == len(runs)
    assert all(r.status == "succeeded" for r in runs), [(r.status, r.error) for r in runs]
    for a, b in zip(runs, runs[1:]):
        assert a.finished_at <= b.started_at, "two runs overlapped"
    # Both processes fired for the same windows: the one that lost said why it skipped.
    assert "already run" in logs or "holds the lock" in logs, logs
    started = "".join(out for out, _ in outputs)
    assert started.count("scheduler started") == 2


def test_the_scheduler_stops_quietly_on_a_second_sigterm(app, database_url):
    """A service manager and the demo script may both send SIGTERM: the second is no error."""
    import time

    command = [sys.executable, "-m", "flask", "--app", "pulse", "scheduler",
               "--max-runtime", "60"]
    with subprocess.Popen(command, env=_env(database_url), cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert "scheduler started" in proc.stdout.readline()
            for line in proc.stderr:  # APScheduler's own line: its loop is running
                if "Scheduler started" in line:
                    break
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.005)  # two signals sent at once would arrive as one
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    # The second may also land while Python is exiting, when SIGTERM ends the process as usual.
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Traceback" not in err and "Error" not in err, err


def test_retention_forgets_old_sign_in_failures_and_sessions(app):
    """The daily job does what ``users prune`` does: nobody has to remember to run it."""
    from sqlalchemy import func

    from pulse.auth import sessions, throttle
    from pulse.extensions import db
    from pulse.jobs.tasks import retention_job
    from pulse.models import LoginSession, LoginThrottle, User
    from tests.pulse.estimates.support import WARDS
    from tests.support import make_user

    now = datetime(2026, 6, 1, tzinfo=UTC)
    with app.app_context():
        make_tree()
        old, recent = (db.session.get(User, make_user(f"{who}@example.org", "officer", [WARDS[0]]))
                       for who in ("old", "recent"))
        throttle.record_failure("old@example.org", now - timedelta(days=2))
        throttle.record_failure("recent@example.org", now - timedelta(hours=2))
        sessions.start(old, now - timedelta(days=40))
        sessions.start(recent, now - timedelta(hours=1))
        db.session.commit()
        assert retention_job(now) == 2          # one failure record, one session
        db.session.commit()
        assert db.session.scalars(select(LoginThrottle.key)).all() == [
            throttle.key_for("recent@example.org")]
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
        assert db.session.scalar(select(LoginSession.user_id)) == recent.id
