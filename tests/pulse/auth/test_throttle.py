"""Back-off and lockout after failed sign-ins, and why they cannot lock everyone out."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.support import STAFF_PASSWORD, make_user, sign_in


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _expire_locks(app):
    """Move every lock into the past, as if the wait were over."""
    from pulse.extensions import db
    from pulse.models import LoginThrottle

    with app.app_context():
        for row in db.session.scalars(select(LoginThrottle)):
            row.locked_until = row.locked_until - timedelta(hours=1) if row.locked_until else None
        db.session.commit()


def _lock_seconds(app) -> list[float]:
    from pulse.extensions import db
    from pulse.models import LoginThrottle

    with app.app_context():
        rows = db.session.scalars(select(LoginThrottle)).all()
        return [(r.locked_until - r.last_failure_at).total_seconds() for r in rows if r.locked_until]


def test_lock_after_free_failures_then_back_off_doubles(app, tree):
    app.config.update(PULSE_LOGIN_FREE_FAILURES=3, PULSE_LOGIN_LOCK_SECONDS=30,
                      PULSE_LOGIN_LOCK_MAX_SECONDS=100)
    with app.app_context():
        make_user("victim@example.org", "officer", [tree.ward_a])
    client = _client(app, "10.0.0.1")
    for _ in range(2):
        assert sign_in(client, "victim@example.org", "wrong guess number").status_code == 200
    third = sign_in(client, "victim@example.org", "wrong guess number")
    assert third.status_code == 200 and _lock_seconds(app) == [30]
    # Locked: even the right password is refused, with a message that says to wait.
    locked = sign_in(client, "victim@example.org", STAFF_PASSWORD)
    assert locked.status_code == 429
    assert "wait 1 minute" in locked.get_data(as_text=True)
    assert _lock_seconds(app) == [30]  # attempts while locked do not lengthen the lock

    _expire_locks(app)
    sign_in(client, "victim@example.org", "wrong guess number")
    assert _lock_seconds(app) == [60]
    _expire_locks(app)
    sign_in(client, "victim@example.org", "wrong guess number")
    assert _lock_seconds(app) == [100]  # capped

    # The lock always runs out; then the right password works and the count is cleared.
    _expire_locks(app)
    assert sign_in(client, "victim@example.org", STAFF_PASSWORD).status_code == 302
    assert _lock_seconds(app) == []


def test_hammering_one_account_locks_no_one_else(app, tree):
    app.config.update(PULSE_LOGIN_LIMIT="10 per minute")
    with app.app_context():
        make_user("victim@example.org", "officer", [tree.ward_a])
        make_user("colleague@example.org", "officer", [tree.ward_a])
    attacker = _client(app, "203.0.113.9")
    statuses = [sign_in(attacker, "victim@example.org", f"guess number {i:04d}").status_code
                for i in range(14)]
    assert statuses[:5] == [200] * 5
    assert 429 in statuses[5:10]          # the account lock answers
    assert statuses[-1] == 429            # and the client's rate limit stops it outright
    # A colleague, from their own address, signs in as normal.
    assert sign_in(_client(app, "198.51.100.7"), "colleague@example.org").status_code == 302


def test_unknown_addresses_lock_exactly_like_real_ones(app, tree):
    """A lock must not reveal which addresses have accounts."""
    app.config.update(PULSE_LOGIN_FREE_FAILURES=2)
    with app.app_context():
        make_user("real@example.org", "officer", [tree.ward_a])
    pages = {}
    for email in ("real@example.org", "ghost@example.org"):
        client = _client(app, "10.0.0.2")
        for _ in range(2):
            sign_in(client, email, "wrong guess number")
        response = sign_in(client, email, "wrong guess number")
        page = response.get_data(as_text=True).replace(email, "")
        pages[email] = (response.status_code, re.sub(r'value="[^"]*"', "", page))
    assert pages["real@example.org"] == pages["ghost@example.org"]
    assert pages["real@example.org"][0] == 429


def test_throttle_stores_no_email_address(app, tree):
    from pulse.extensions import db
    from pulse.models import LoginThrottle

    sign_in(app.test_client(), "someone@example.org", "wrong guess number")
    with app.app_context():
        (row,) = db.session.scalars(select(LoginThrottle)).all()
        assert "someone" not in row.key and len(row.key) == 64 and row.failures == 1


def test_old_failures_are_forgotten(app, tree):
    from pulse.auth import throttle
    from pulse.extensions import db
    from pulse.models.types import utcnow

    app.config.update(PULSE_LOGIN_FREE_FAILURES=3)
    with app.test_request_context():
        now = utcnow()
        throttle.record_failure("a@example.org", now - timedelta(days=2))
        throttle.record_failure("a@example.org", now - timedelta(days=2))
        row = throttle.record_failure("a@example.org", now)
        assert row.failures == 1 and row.locked_until is None
        assert throttle.prune(now + timedelta(days=2)) == 1
        db.session.commit()
