"""A database lock per job, so that two scheduler processes never run a job at once.

PostgreSQL: a session advisory lock on a connection held for the run; if the process dies,
the server drops the connection and the lock with it. SQLite has no such thing: a lease row
(``job_lock``) is taken with a conditional UPDATE and expires, so a killed holder blocks the
job for at most the lease.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

DEFAULT_LEASE = timedelta(minutes=30)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a job name."""
    return int.from_bytes(hashlib.sha256(f"pulse-job:{name}".encode()).digest()[:8], "big",
                          signed=True)


@contextmanager
def job_lock(engine: Engine, name: str, holder: str,
             lease: timedelta = DEFAULT_LEASE) -> Iterator[bool]:
    """Yield True while this process holds the job's lock, False if someone else does."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = advisory_key(name)
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    got = _take_lease(engine, name, holder, lease)
    try:
        yield got
    finally:
        if got:
            with engine.begin() as conn:
                conn.execute(text("UPDATE job_lock SET holder = NULL, expires_at = NULL "
                                  "WHERE name = :n AND holder = :h"), {"n": name, "h": holder})


def _naive(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _take_lease(engine: Engine, name: str, holder: str, lease: timedelta) -> bool:
    now = datetime.now(UTC)
    params = {"n": name, "h": holder, "now": _naive(now), "exp": _naive(now + lease)}
    with engine.begin() as conn:
        taken = conn.execute(text(
            "UPDATE job_lock SET holder = :h, expires_at = :exp WHERE name = :n "
            "AND (holder IS NULL OR expires_at IS NULL OR expires_at < :now)"), params).rowcount
    if taken:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO job_lock (name, holder, expires_at) "
                              "VALUES (:n, :h, :exp)"), params)
        return True
    except IntegrityError:
        return False
