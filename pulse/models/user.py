"""Staff accounts: users, their area scope, server-side login sessions, throttles and resets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .area import Area
from .types import UTCDateTime, utcnow

ADMIN, ANALYST, OFFICER, VIEWER = "admin", "analyst", "officer", "viewer"
#: Every role, most powerful first (the order forms and lists show them in).
ROLES = (ADMIN, ANALYST, OFFICER, VIEWER)
#: Roles that may read anything in their scope.
STAFF = ROLES
#: Roles that may change things in their scope (labels, actions); viewers only read.
EDITORS = (ADMIN, ANALYST, OFFICER)


class User(db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'analyst', 'officer', 'viewer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased and trimmed, so that one person cannot hold two accounts by case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    # None until the user has set a password through a one-time reset link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Set once the user confirmed a code; a secret without it is an enrolment in progress.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time step a code was accepted for, so that one code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    areas: Mapped[list[Area]] = relationship(secondary="user_area", order_by="Area.name")

    # Flask-Login's protocol. Authentication is decided by the server-side session, not here.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def get_id(self) -> str:
        return str(self.id)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def must_enrol_totp(self) -> bool:
        return self.totp_required and not self.totp_enabled

    @property
    def sees_all_areas(self) -> bool:
        """An admin linked to no area manages the whole tree; one linked to areas, only those.

        A council's admin for one borough of a shared deployment is narrowed exactly as an
        officer is; the scope helpers only ever narrow, so linking areas never widens access.
        """
        return self.role == ADMIN and not self.areas

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserArea(db.Model):
    """One root of a user's scope: the area and everything below it."""

    __tablename__ = "user_area"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, index=True)


class LoginSession(db.Model):
    """A signed-in browser. The cookie holds a random token; only its hash is stored.

    Ending this row ends the session wherever the cookie is replayed from.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # logout, idle, expired, password, reset, disabled, admin
    ended_reason: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed sign-ins per email address, known or not, so a lock reveals nothing."""

    __tablename__ = "login_throttle"

    # A keyed hash of the normalised email: the table never holds an address.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordReset(db.Model):
    """A one-time link to set a password. Only a hash of the token is kept."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None when issued from the command line.
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
