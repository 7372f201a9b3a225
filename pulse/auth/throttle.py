"""Per-account back-off after failed sign-ins.

Each run of failures beyond a few free ones locks the address for a while, doubling each
time up to a cap; the lock always expires on its own, so nobody can lock an account for good.
Attempts made while locked are refused without being counted, so hammering a locked account
does not lengthen its lock. Counting is by a keyed hash of the address, known or not, so a
lock says nothing about whether an account exists. The per-client rate limit (Flask-Limiter)
stops one client from working through many accounts.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from surveys.integrity import hash_token

from ..extensions import db
from ..models import LoginThrottle

#: Failures older than this are forgotten when the next one comes.
FORGET_AFTER = timedelta(hours=24)


def key_for(email: str) -> str:
    return hash_token(current_app.config["SECRET_KEY"], "login:" + email.strip().lower())[:64]


def locked_for(email: str, now: datetime) -> timedelta | None:
    """How long the address stays locked, or None if it may try now."""
    row = db.session.get(LoginThrottle, key_for(email))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until - now


def _insert_ignoring_duplicates(key: str, now: datetime) -> None:
    # Two failures for a new address may arrive at once; neither may fail on the primary key.
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    db.session.execute(insert(LoginThrottle).values(key=key, failures=0, last_failure_at=now)
                       .on_conflict_do_nothing(index_elements=["key"]))


def record_failure(email: str, now: datetime) -> LoginThrottle:
    cfg = current_app.config
    key = key_for(email)
    _insert_ignoring_duplicates(key, now)
    # One UPDATE, so that concurrent failures all count.
    db.session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key).values(
            failures=case((LoginThrottle.last_failure_at < now - FORGET_AFTER, 1),
                          else_=LoginThrottle.failures + 1),
            last_failure_at=now),
        execution_options={"synchronize_session": False})
    row = db.session.get(LoginThrottle, key, populate_existing=True)
    free = int(cfg["PULSE_LOGIN_FREE_FAILURES"])
    if row.failures >= free:
        lock = int(cfg["PULSE_LOGIN_LOCK_SECONDS"]) * 2 ** min(row.failures - free, 20)
        row.locked_until = now + timedelta(seconds=min(lock, int(cfg["PULSE_LOGIN_LOCK_MAX_SECONDS"])))
    db.session.flush()
    return row


def clear(email: str) -> None:
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key_for(email)))
    db.session.flush()


def prune(now: datetime) -> int:
    """Drop rows nobody has failed on for a day (the job or CLI may call this)."""
    result = db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - FORGET_AFTER))
    return result.rowcount or 0
