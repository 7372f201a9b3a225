"""PostgreSQL stopped under load and started again: residents are asked to try again, nothing
they were thanked for is lost, nothing is half-written, and the service recovers by itself.

The test runs its own PostgreSQL (tests/faults/private_postgres.py), never the machine's
shared one. gunicorn with 2 workers serves it; client processes keep answering the survey
while the server is stopped (``pg_ctl stop -m fast``: open transactions are cut off) and
started again. gunicorn is not restarted. Every wait is bounded.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import re
import time

import pytest

from pulse import create_app
from pulse.extensions import db
from tests.faults.clients import HIDDEN, Browser, answer_once, submit_until, thanked
from tests.faults.private_postgres import PrivatePostgres, binaries
from tests.faults.support import (acknowledged_keys, answers_per_response, responses_per_key,
                                  start_gunicorn, stop, stored, worker_pids)
from tests.support import GOOD_ANSWERS, make_survey_area, migrate_to_head

CLIENTS = 3
LIMIT = 400  # answers per client at most, whatever happens
DEADLINE = 90  # seconds for each phase; the test fails rather than hangs
WELSH_TRY_AGAIN = "Rhowch gynnig arall arni mewn munud"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(binaries() is None,
                       reason="no PostgreSQL server binaries (initdb, pg_ctl) on this machine"),
]


@pytest.fixture
def private_postgres():
    server = PrivatePostgres(binaries())
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def outage_app(private_postgres):
    url = private_postgres.create_database("pulse")
    migrate_to_head(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        area = make_survey_area()
    yield app, area
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Load:
    """Client processes answering until told to stop; their outcomes read as they arrive."""

    def __init__(self, base: str, ward: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.results, self.done = context.Queue(), context.Event()
        self.outcomes: list[tuple[str, str, int, str]] = []
        self.processes = [
            context.Process(target=submit_until, daemon=True,
                            args=(base, ward, GOOD_ANSWERS, f"c{i}", self.results, self.done,
                                  LIMIT))
            for i in range(CLIENTS)]
        for process in self.processes:
            process.start()

    def wait_for(self, what: str, condition) -> None:
        """Read outcomes until ``condition(new outcomes)`` holds; fail after DEADLINE."""
        new: list = []
        deadline = time.monotonic() + DEADLINE
        while not condition(new):
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}; outcomes since: {new[-10:]}")
            try:
                new.append(self.results.get(timeout=1))
            except queue.Empty:
                continue
        self.outcomes.extend(new)

    def finish(self) -> None:
        self.done.set()
        deadline = time.monotonic() + DEADLINE
        while any(p.is_alive() for p in self.processes) and time.monotonic() < deadline:
            try:  # a child cannot exit while what it queued is unread
                self.outcomes.append(self.results.get(timeout=0.5))
            except queue.Empty:
                pass
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        while True:
            try:
                self.outcomes.append(self.results.get(timeout=0.5))
            except queue.Empty:
                break


def count(status: int, at_least: int):
    return lambda outcomes: sum(o[2] == status for o in outcomes) >= at_least


def assert_try_again_page(status: int, headers: dict, page: str, words: str) -> None:
    assert status == 503, (status, page[:300])
    assert words in page
    assert int(headers["Retry-After"]) > 0


def test_postgres_stopped_and_started_under_load(outage_app, private_postgres, tmp_path):
    app, area = outage_app
    secret = "outage-" + os.urandom(16).hex()
    log = tmp_path / "gunicorn.log"
    process, base = start_gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], log, secret)
    load = None
    try:
        workers = sorted(worker_pids(process.pid))
        # Residents who opened the survey (one in Welsh) before the outage and press Send
        # during it. (The questions page itself may well be served from what a worker keeps.)
        forms = {}
        for language in ("en", "cy"):
            browser = Browser(base)
            status, _, page = browser.request(
                f"/s/{area.ward}/questions?consent=yes&lang={language}")
            assert status == 200
            forms[language] = (browser, {**dict(HIDDEN.findall(page)), **GOOD_ANSWERS})

        load = Load(base, area.ward)
        load.wait_for("answers stored before the outage", count(302, CLIENTS))
        private_postgres.stop("fast")

        for language, words in (("en", "try again"), ("cy", WELSH_TRY_AGAIN)):
            browser, form = forms[language]
            assert_try_again_page(*browser.request(f"/s/{area.ward}/questions", form), words)
        load.wait_for("residents asked to try again", count(503, CLIENTS))

        private_postgres.start()
        # Recovery by itself: the workers that served the outage serve again, unrestarted.
        for n in range(4):
            token, status, location = answer_once(base, area.ward, GOOD_ANSWERS)
            assert thanked(status, location), (n, status)
            load.outcomes.append(("main", token, status, location))
        # Sending the same form again now stores it (nothing of it was half-saved).
        for language, (browser, form) in forms.items():
            status, headers, _ = browser.request(f"/s/{area.ward}/questions", form)
            assert thanked(status, headers.get("Location", "")), (language, status)
            load.outcomes.append((language, form["started"], status, headers["Location"]))
        load.wait_for("answers stored after the restart", count(302, CLIENTS))
        load.finish()
        assert process.poll() is None and sorted(worker_pids(process.pid)) == workers
    finally:
        if load is not None:
            load.done.set()
        stop(process)

    statuses = [o[2] for o in load.outcomes]
    server_log = log.read_text(errors="replace")
    # Every answer was thanked or asked to try again, never a 500. (-1: a client gave up waiting
    # on a loaded machine; what the server then did is in its log, checked next.)
    assert set(statuses) <= {302, 503, -1}, sorted(set(statuses))
    assert not re.search(r'" 5(?!03)\d\d ', server_log), server_log[-4000:]
    assert "Error handling request" not in server_log, server_log[-4000:]

    acknowledged = acknowledged_keys(secret, [o[1:] for o in load.outcomes])
    assert len(set(acknowledged)) == len(acknowledged)
    per_key = responses_per_key(app)
    for key in acknowledged:
        assert per_key.get(key) == 1, f"acknowledged submission {key} stored {per_key.get(key)}"
    # Nothing half-written: every stored response has every answer the form sent.
    counts = answers_per_response(app)
    assert len(counts) == stored(app) and set(counts.values()) == {len(GOOD_ANSWERS) - 3}, counts
