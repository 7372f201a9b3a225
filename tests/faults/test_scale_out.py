"""Two application processes on different ports, sharing the database and Redis.

As deployed behind a proxy: the one-response rule (same device, same wave) and the rate limit
hold across processes, because both live in the shared stores and not in a process.
"""
from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Response
from tests.faults.clients import Browser, answer_once, thanked
from tests.faults.support import start_gunicorn
from tests.faults.support import stop as _stop
from tests.support import GOOD_ANSWERS

REDIS = ("127.0.0.1", 6379)
LIMIT = 5

pytestmark = pytest.mark.slow


def redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def two_processes(app, tmp_path):
    if not redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379 (scripts/test-deps.sh starts one)")
    secret = "scale-" + os.urandom(16).hex()
    # The rate-limit key is a hash keyed by SECRET_KEY, so other runs sharing this Redis never
    # count against this one.
    settings = {"PULSE_WORKERS": "1", "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
                "PULSE_SUBMIT_LIMIT": f"{LIMIT} per minute"}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = start_gunicorn(url, tmp_path / "a.log", secret, **settings)
    try:
        second = start_gunicorn(url, tmp_path / "b.log", secret, **settings)
        try:
            yield first[1], second[1]
        finally:
            _stop(second[0])
    finally:
        _stop(first[0])


def _forget_answered_cookie(browser: Browser) -> None:
    # Without its "answered" cookie the browser is still the same device: the server must
    # find the earlier response by the device hash in the shared database.
    for handler in browser.opener.handlers:
        cookies = getattr(handler, "cookiejar", None)
        if cookies is not None:
            for cookie in list(cookies):
                if cookie.name == "pulse_answered":
                    cookies.clear(cookie.domain, cookie.path, cookie.name)


def test_one_response_and_rate_limit_hold_across_processes(app, survey_area, two_processes):
    first, second = two_processes
    ward = survey_area.ward

    device = Browser(first)
    token, status, location = answer_once(first, ward, GOOD_ANSWERS, device)
    assert thanked(status, location), status
    _forget_answered_cookie(device)
    device.base = second
    _, again, _ = answer_once(second, ward, GOOD_ANSWERS, device)
    assert again == 409

    # One client (one address) alternating between the processes, a new device each time.
    statuses = {first: [], second: []}
    for n in range(2 * LIMIT):
        base = (first, second)[n % 2]
        _, status, location = answer_once(base, ward, GOOD_ANSWERS)
        statuses[base].append(status)
    posts_so_far = 2  # the device above posted once on each process
    accepted = sum(status == 302 for s in statuses.values() for status in s)
    assert accepted == LIMIT - posts_so_far, statuses
    # Each process alone stayed under the limit, yet both refused: the count is shared.
    assert all(len(s) < LIMIT + 1 for s in statuses.values())
    assert 429 in statuses[first] and 429 in statuses[second], statuses
    assert set(statuses[first] + statuses[second]) <= {302, 429}, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1 + accepted
