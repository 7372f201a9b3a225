"""The single-process rate-limit storage (pulse/ratelimit.py): same counting as limits'
memory storage, no thread started per hit, expired counters still freed; and which storage
the application picks."""
from __future__ import annotations

import threading
import time

import pytest
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from pulse.config import finalise
from pulse.ratelimit import SweptMemoryStorage
from tests.support import submit


@pytest.fixture
def storage():
    store = storage_from_string("pulse-memory://")
    store.timer.join()  # the one timer the parent class starts when it is built
    return store


def test_the_scheme_selects_the_swept_storage(storage):
    assert isinstance(storage, SweptMemoryStorage)
    # The storage replaces a private method of limits' MemoryStorage; if limits renames it,
    # the per-hit timer would quietly come back.
    assert hasattr(MemoryStorage, "_MemoryStorage__schedule_expiry")
    assert hasattr(MemoryStorage, "_MemoryStorage__expire_events")


@pytest.mark.parametrize("strategy", [FixedWindowRateLimiter, MovingWindowRateLimiter])
def test_it_counts_like_memory_storage_and_starts_no_thread(storage, strategy):
    limiter = strategy(storage)
    limit = parse("3 per minute")
    threads = threading.active_count()
    outcomes = [limiter.hit(limit, "client-a") for _ in range(5)]
    others = [limiter.hit(limit, "client-b") for _ in range(200)]
    assert outcomes == [True, True, True, False, False]
    assert others[:3] == [True] * 3 and not any(others[3:])
    assert threading.active_count() == threads


def test_expired_counters_are_swept_inline(storage):
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("5 per minute")
    assert limiter.hit(limit, "gone")
    gone = next(key for key in storage.storage if "gone" in key)
    storage.expirations[gone] = time.time() - 1     # its window ended
    storage._next_sweep = 0.0                       # and a sweep is due
    assert limiter.hit(limit, "someone-else")
    assert gone not in storage.storage and gone not in storage.expirations
    # A counter still in its window is kept by the sweep.
    assert any("someone-else" in key for key in storage.storage)


def test_default_storage_is_swept_memory_and_redis_url_replaces_it(tmp_path):
    config = {"RATELIMIT_STORAGE_URI": "pulse-memory://", "PULSE_MIN_RESPONSES": 10,
              "SECRET_KEY": "k" * 32}
    alone = dict(config)
    finalise(alone, str(tmp_path))
    assert alone["RATELIMIT_STORAGE_URI"] == "pulse-memory://"
    shared = {**config, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    finalise(shared, str(tmp_path))
    assert shared["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_survey_submit_limit_holds_with_the_swept_storage(database_url, tmp_path):
    from pulse import create_app
    from pulse.extensions import db, limiter
    from tests.support import clean_tables, make_survey_area

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "PULSE_MIN_COMPLETION_SECONDS": 0, "PULSE_SUBMIT_LIMIT": "2 per minute"})
    app.instance_path = str(tmp_path / "instance")
    try:
        with app.app_context():
            clean_tables(db)
            area = make_survey_area()
            assert isinstance(limiter.storage, SweptMemoryStorage)
        replies = [submit(app.test_client(), area.ward).status_code for _ in range(3)]
        assert replies == [302, 302, 429]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
