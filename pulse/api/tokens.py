"""Personal API tokens: issue, revoke, list, and recognise one on a request.

A token is shown once, when it is made; the database keeps its SHA-256 and its first
characters (so people can tell their tokens apart). Making and revoking a token writes an
audit row in the caller's transaction; nothing here commits.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..audit import record
from ..auth.queries import user_managed_by, users_managed_by
from ..extensions import db
from ..models import ApiToken, User

#: Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
SCHEME = "npt_"
PREFIX_LENGTH = 12
MAX_DAYS = 365
DEFAULT_DAYS = 90
MAX_NAME = 100
#: last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


class TokenError(ValueError):
    """A token request that cannot be met; the message says why."""


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, never stored


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user: User, name: str, *, days: int | None, now: datetime, by: User | None = None) -> Issued:
    """A new token for ``user`` valid ``days`` days (None: the default, never unlimited)."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise TokenError(f"Give the token a name of 1 to {MAX_NAME} printable characters.")
    days = DEFAULT_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"A token lasts between 1 and {MAX_DAYS} days.")
    if user.disabled_at is not None:
        raise TokenError("This account is disabled.")
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=token_hash(secret),
                     prefix=secret[:PREFIX_LENGTH], created_at=now,
                     expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record("api.token.create", user=by or user, actor=None if by else user.email,
           detail=f"token {token.id} ({token.prefix}) for {user.email}, {days} days")
    return Issued(token, secret)


def revoke(token: ApiToken, *, by: User | None, now: datetime) -> bool:
    """Revoke ``token``; False if it already was. ``by`` None means the command line."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    owner = db.session.get(User, token.user_id)
    record("api.token.revoke", user=by,
           detail=f"token {token.id} ({token.prefix}) of {owner.email if owner else '?'}")
    return True


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def all_tokens(actor: User | None = None) -> list[tuple[ApiToken, str]]:
    """Tokens with their owner's e-mail, newest first: every one for the command line (no
    ``actor``), else those of the accounts ``actor`` manages.

    An admin limited to some areas sees and revokes only the tokens of the accounts they may
    manage (pulse.auth.queries decides which), as on the users pages.
    """
    stmt = (select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    if actor is not None:
        stmt = stmt.where(ApiToken.user_id.in_([u.id for u in users_managed_by(actor)]))
    return [(t, email) for t, email in db.session.execute(stmt)]


def token_managed_by(token_id: int, actor: User) -> ApiToken | None:
    """The token if ``actor`` manages its owner; any other reads as absent."""
    token = db.session.get(ApiToken, token_id)
    if token is None or user_managed_by(token.user_id, actor) is None:
        return None
    return token


def token_by_id(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def token_by_prefix(prefix: str) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)))


def status(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def bearer(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer ...`` header, or None."""
    scheme, _, value = (header or "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > 200:
        return None
    return value


@dataclass(frozen=True)
class Checked:
    """What a presented token turned out to be: its row and owner, or the reason it is not
    accepted (said to the client as is)."""
    token: ApiToken | None
    user: User | None
    reason: str


def check(secret: str | None, now: datetime) -> Checked:
    """Look a presented token up without changing anything."""
    if not secret:
        return Checked(None, None, "Send a personal token as 'Authorization: Bearer <token>'.")
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if token is None:
        return Checked(None, None, "The token is not recognised.")
    state = status(token, now)
    if state != "active":
        return Checked(token, None, f"The token is {state}.")
    user = db.session.get(User, token.user_id)
    if user is None or user.disabled_at is not None:
        return Checked(token, None, "The token's account is disabled.")
    return Checked(token, user, "")


def touch(token: ApiToken, now: datetime) -> None:
    """Note the token's use, at most every TOUCH_EVERY (the caller's transaction)."""
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
