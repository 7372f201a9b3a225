"""A gunicorn worker killed with SIGKILL under load loses no acknowledged response.

Two workers, several client processes (each request with its own cookie jar), one worker
killed mid-run. Every submission answered with the thank-you redirect is stored exactly once,
and every stored response has all its answers. Bounded: the clients send 15 submissions.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Answer, Response
from tests.faults.clients import submit_many, thanked
from tests.pulse.test_live_server import _stop, _wait_healthy, free_port
from tests.support import GOOD_ANSWERS

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, EACH = 3, 5
DEADLINE = 50  # seconds for the whole load; the test fails rather than hangs

pytestmark = pytest.mark.slow


def start_gunicorn(database_url: str, log: Path, secret: str, **extra: str):
    port = free_port()
    env = {**os.environ, "SECRET_KEY": secret, "DATABASE_URL": database_url,
           "PULSE_BIND": f"127.0.0.1:{port}", "PULSE_WORKERS": "2", "PULSE_DEMO": "",
           "REDIS_URL": "", "PULSE_ACCESS_LOG": "-", "PULSE_ERROR_LOG": "-",
           # Every client is 127.0.0.1; the per-address limit is not what is under test here.
           "PULSE_SUBMIT_LIMIT": "10000 per minute", **extra}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(process, base, log)
    except BaseException:
        _stop(process)
        raise
    return process, base


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Field 4 (after the parenthesised command name) is the parent pid.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_acknowledged_submissions_survive_a_killed_worker(app, survey_area, tmp_path):
    secret = "fault-" + os.urandom(16).hex()
    process, base = start_gunicorn(app.config["SQLALCHEMY_DATABASE_URI"],
                                   tmp_path / "gunicorn.log", secret)
    killed = None
    try:
        context = multiprocessing.get_context("spawn")
        with context.Pool(CLIENTS) as pool:
            jobs = [pool.apply_async(submit_many, (base, survey_area.ward, EACH, GOOD_ANSWERS, f"c{i}"))
                    for i in range(CLIENTS)]
            # Kill a worker once the load is properly under way.
            deadline = time.monotonic() + DEADLINE
            while stored(app) < CLIENTS and time.monotonic() < deadline:
                time.sleep(0.05)
            workers = worker_pids(process.pid)
            assert len(workers) == 2, workers
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
            results = [r for job in jobs for r in job.get(timeout=DEADLINE)]
    finally:
        _stop(process)

    assert len(results) == CLIENTS * EACH
    serializer = URLSafeTimedSerializer(secret, salt="pulse-started")
    acknowledged = [serializer.loads(token) for token, status, location in results
                    if thanked(status, location)]
    # Most of the load was answered: the surviving and the respawned workers carried on.
    assert len(acknowledged) >= CLIENTS * EACH // 2, results
    assert len(set(acknowledged)) == len(acknowledged)

    with app.app_context():
        keys = db.session.execute(
            select(Response.submission_key, func.count()).group_by(Response.submission_key)).all()
        per_key = dict(keys)
        answers = db.session.execute(
            select(Response.id, func.count(Answer.id)).outerjoin(Answer)
            .group_by(Response.id)).all()
    for key in acknowledged:
        assert per_key.get(key) == 1, f"acknowledged submission {key} stored {per_key.get(key)}"
    # No half-written response: each has every answer the form sent (a "dk" is an answer too).
    counts = {count for _, count in answers}
    assert len(counts) == 1 and counts.pop() > 0, counts
