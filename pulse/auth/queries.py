"""Reading accounts, resets and areas for the account pages, admin pages and CLI."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Area, PasswordReset, User, UserArea
from ..models.user import ADMIN
from .scope import area_ids_in_scope


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    stmt = select(User).options(selectinload(User.areas)).order_by(User.email)
    return list(db.session.scalars(stmt))


def _manageable_by(stmt, actor: User):
    """Narrow a ``select(User)`` to the accounts ``actor`` may manage.

    An admin of the whole tree manages everyone. A scoped admin manages only accounts whose
    every area lies in their scope: not admins without areas (they see everything), and not
    someone who also holds an area elsewhere (changing them would touch another's tree).
    """
    if actor.sees_all_areas:
        return stmt
    has_areas = select(UserArea.user_id).where(UserArea.user_id == User.id).exists()
    elsewhere = (select(UserArea.user_id)
                 .where(UserArea.user_id == User.id,
                        UserArea.area_id.not_in(area_ids_in_scope(actor)))
                 .exists())
    return stmt.where(has_areas, ~elsewhere)


def users_managed_by(actor: User) -> list[User]:
    stmt = select(User).options(selectinload(User.areas)).order_by(User.email)
    return list(db.session.scalars(_manageable_by(stmt, actor)))


def user_managed_by(user_id: int, actor: User) -> User | None:
    """The account if ``actor`` may manage it; one they may not reads as absent."""
    return db.session.scalar(_manageable_by(select(User).where(User.id == user_id), actor))


def active_admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == ADMIN, User.disabled_at.is_(None))) or 0


def reset_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_reset(token: str, now: datetime) -> PasswordReset | None:
    """The unused, unexpired reset for ``token``, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == reset_token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    if not row.user.is_active:
        return None
    return row


def areas_by_codes(codes: list[str]) -> tuple[list[Area], list[str]]:
    """The areas with these codes, and the codes that matched none."""
    wanted = list(dict.fromkeys(c for c in codes if c))
    if not wanted:
        return [], []
    found = {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_(wanted)))}
    return [found[c] for c in wanted if c in found], [c for c in wanted if c not in found]
