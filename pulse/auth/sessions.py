"""Server-side login sessions: the cookie carries a random token, the database decides.

Logging out, a password change, a reset or disabling the account ends the rows, so a copied
cookie is worthless afterwards. Idle and absolute timeouts are checked on every request.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import LoginSession, User

#: Key of the session token in Flask's (signed) session cookie.
SESSION_KEY = "_pulse_sid"


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a plain fast hash is enough to make a stolen table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    cfg = current_app.config
    return (timedelta(seconds=int(cfg["PULSE_SESSION_IDLE_SECONDS"])),
            timedelta(seconds=int(cfg["PULSE_SESSION_MAX_SECONDS"])))


def start(user: User, now: datetime) -> str:
    """Open a session for ``user`` and return the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=token_hash(token),
                                created_at=now, last_seen_at=now))
    _prune(user, now)
    db.session.flush()
    return token


def _prune(user: User, now: datetime) -> None:
    """Forget this user's sessions that ended or expired more than a day ago."""
    _idle, longest = _limits()
    horizon = now - max(longest, timedelta(days=1))
    db.session.execute(
        LoginSession.__table__.delete()
        .where(LoginSession.user_id == user.id)
        .where(LoginSession.created_at < horizon))


def prune_all(now: datetime) -> int:
    """Forget every session that ended or expired more than a day ago (all users)."""
    _idle, longest = _limits()
    horizon = now - max(longest, timedelta(days=1))
    result = db.session.execute(LoginSession.__table__.delete().where(
        LoginSession.created_at < horizon))
    return result.rowcount or 0


def check(token: str, now: datetime) -> tuple[LoginSession | None, str | None]:
    """Return (the live session for ``token``, None) or (None, why it is not live)."""
    row = db.session.scalar(select(LoginSession).options(joinedload(LoginSession.user))
                            .where(LoginSession.token_hash == token_hash(token)))
    if row is None:
        return None, "unknown"
    if row.ended_at is not None:
        return None, row.ended_reason or "ended"
    idle, longest = _limits()
    reason = None
    if now - row.created_at >= longest:
        reason = "expired"
    elif now - row.last_seen_at >= idle:
        reason = "idle"
    elif not row.user.is_active:
        reason = "disabled"
    if reason:
        _write_apart(update(LoginSession).where(LoginSession.id == row.id,
                                                LoginSession.ended_at.is_(None))
                     .values(ended_at=now, ended_reason=reason))
        return None, reason
    # Write at most every tenth of the idle limit (and at least every minute), not per request.
    if now - row.last_seen_at >= min(idle / 10, timedelta(minutes=1)):
        _write_apart(update(LoginSession).where(LoginSession.id == row.id)
                     .values(last_seen_at=now))
    return row, None


def _write_apart(stmt) -> None:
    """Commit a session-keeping write on its own connection.

    Loading the user happens inside whatever request is running; committing the request's
    own session there could commit a view's unfinished work, so this write goes alone.
    """
    with db.engine.begin() as conn:
        conn.execute(stmt)


def end(row: LoginSession, now: datetime, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_reason = now, reason
        db.session.flush()


def end_all(user: User, now: datetime, reason: str, *, keep: LoginSession | None = None) -> int:
    """End every live session of ``user`` (except ``keep``); return how many ended."""
    stmt = (update(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
            .values(ended_at=now, ended_reason=reason))
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep.id)
    result = db.session.execute(stmt, execution_options={"synchronize_session": "fetch"})
    db.session.flush()
    return result.rowcount or 0


def live_count(user: User) -> int:
    return len(db.session.scalars(select(LoginSession.id).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))).all())
