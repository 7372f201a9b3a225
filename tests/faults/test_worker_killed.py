"""A gunicorn worker killed with SIGKILL under load loses no acknowledged response.

Two workers, several client processes (each request with its own cookie jar), one worker
killed mid-run. Every submission answered with the thank-you redirect is stored exactly once,
and every stored response has all its answers. Bounded: the clients send 15 submissions.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from tests.faults.clients import submit_many
from tests.faults.support import (acknowledged_keys, answers_per_response, responses_per_key,
                                  start_gunicorn, stop, stored, worker_pids)
from tests.support import GOOD_ANSWERS

CLIENTS, EACH = 3, 5
DEADLINE = 50  # seconds for the whole load; the test fails rather than hangs

pytestmark = pytest.mark.slow


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
        stop(process)

    assert len(results) == CLIENTS * EACH
    acknowledged = acknowledged_keys(secret, results)
    # Most of the load was answered: the surviving and the respawned workers carried on.
    assert len(acknowledged) >= CLIENTS * EACH // 2, results
    assert len(set(acknowledged)) == len(acknowledged)

    per_key = responses_per_key(app)
    for key in acknowledged:
        assert per_key.get(key) == 1, f"acknowledged submission {key} stored {per_key.get(key)}"
    # No half-written response: each has every answer the form sent (a "dk" is an answer too).
    counts = set(answers_per_response(app).values())
    assert len(counts) == 1 and counts.pop() > 0, counts
