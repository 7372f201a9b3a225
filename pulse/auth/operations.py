"""Writing accounts: sign-in, passwords, second factor, resets and user administration.

Operations add and flush; the view or command that called them commits once.
"""
from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from ..extensions import db
from ..models import Area, LoginSession, PasswordReset, User
from ..models.user import ADMIN, ROLES
from . import passwords, sessions, throttle, totp
from .scope import area_in_scope
from .queries import active_admin_count, normalise_email, reset_token_hash, user_by_email, valid_reset

# Security events go to this logger with user ids only: no address, password or token.
log = logging.getLogger("pulse.auth")

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A request that cannot be done; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SignIn:
    """The result of checking an email and password."""

    user: User | None = None
    locked_for: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(email: str, password: str, now: datetime) -> SignIn:
    """Check a password. Unknown, disabled and wrong all look alike and take alike long."""
    email = normalise_email(email)
    locked = throttle.locked_for(email, now)
    if locked is not None:
        passwords.dummy_verify(password)
        log.info("sign-in refused: locked")
        return SignIn(locked_for=locked)
    user = user_by_email(email)
    ok, rehash = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        row = throttle.record_failure(email, now)
        log.info("sign-in failed (failure %d for this address%s)", row.failures,
                 ", now locked" if row.locked_until and row.locked_until > now else "")
        return SignIn()
    if rehash:
        # Parameters were raised since this hash was made; upgrade it while we have the password.
        user.password_hash = passwords.hash_password(password)
    if not user.totp_enabled:
        throttle.clear(email)
    db.session.flush()
    return SignIn(user=user)


def check_second_factor(user: User, code: str, now: datetime) -> SignIn:
    """Check a one-time code for a user who has passed the password step."""
    locked = throttle.locked_for(user.email, now)
    if locked is not None:
        return SignIn(locked_for=locked)
    step = totp.matching_step(user.totp_secret or "", code, now, user.totp_last_step) \
        if user.totp_enabled and user.is_active else None
    if step is None:
        throttle.record_failure(user.email, now)
        log.info("second factor failed for user %d", user.id)
        return SignIn()
    user.totp_last_step = step
    throttle.clear(user.email)
    db.session.flush()
    return SignIn(user=user)


def sign_in(user: User, now: datetime) -> str:
    """Open a new server-side session; return its token for the cookie."""
    user.last_login_at = now
    log.info("user %d signed in", user.id)
    return sessions.start(user, now)


def sign_out(row: LoginSession | None, now: datetime) -> None:
    if row is not None:
        sessions.end(row, now, "logout")


def _set_password(user: User, new: str, now: datetime) -> None:
    problems = passwords.password_problems(new, user.email)
    if problems:
        raise AccountError(" ".join(problems), "new_password")
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now


def change_password(user: User, current: str, new: str, now: datetime,
                    keep: LoginSession | None) -> None:
    """Change a password after re-checking the current one; end the user's other sessions."""
    ok, _rehash = passwords.verify_password(user.password_hash, current)
    if not ok:
        raise AccountError(_("That is not your current password."), "current_password")
    _set_password(user, new, now)
    sessions.end_all(user, now, "password", keep=keep)
    db.session.flush()


def _areas_fit_role(role: str, areas: list[Area], actor: User | None) -> None:
    if role not in ROLES:
        raise AccountError(_("Choose a role."), "role")
    if role != ADMIN and not areas:
        raise AccountError(_("Give at least one area: this role sees only its areas."), "areas")
    if actor is None or actor.sees_all_areas:
        return      # the command line, or an admin of the whole tree
    # A scoped admin grants only what they manage themselves: access never widens through them.
    outside = [a.code for a in areas if not area_in_scope(a, actor)]
    if outside:
        raise AccountError(_("%(codes)s outside your areas: you can only give areas you manage.",
                             codes=", ".join(outside)[:200]), "areas")
    if role == ADMIN and not areas:
        raise AccountError(_("Give this admin at least one of your areas: an admin with no "
                             "areas manages every area, which only such an admin can grant."),
                           "areas")


def create_user(email: str, role: str, areas: list[Area], *, name: str = "",
                totp_required: bool = False, password: str | None = None,
                now: datetime, actor: User | None = None) -> User:
    """Add an account; ``actor`` is the admin creating it (None from the command line)."""
    email = normalise_email(email)
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(_("Enter an email address like name@example.org."), "email")
    if user_by_email(email) is not None:
        raise AccountError(_("There is already an account for that email address."), "email")
    _areas_fit_role(role, areas, actor)
    user = User(email=email, name=name.strip(), role=role, totp_required=totp_required,
                created_at=now)
    user.areas = list(areas)
    if password is not None:
        _set_password(user, password, now)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, role: str, areas: list[Area], name: str,
                totp_required: bool, now: datetime, actor: User | None = None) -> None:
    _areas_fit_role(role, areas, actor)
    if user.role == ADMIN and role != ADMIN and user.is_active and active_admin_count() <= 1:
        raise AccountError(_("This is the last active admin; make someone else admin first."),
                           "role")
    changed_access = role != user.role or {a.id for a in areas} != {a.id for a in user.areas}
    user.role, user.name, user.totp_required = role, name.strip(), totp_required
    user.areas = list(areas)
    if changed_access:
        # What they may see changed: make them sign in again rather than keep stale pages.
        sessions.end_all(user, now, "admin")
    db.session.flush()


def set_disabled(user: User, disabled: bool, now: datetime) -> None:
    if disabled and user.role == ADMIN and user.is_active and active_admin_count() <= 1:
        raise AccountError(_("This is the last active admin and cannot be disabled."))
    if disabled and user.disabled_at is None:
        user.disabled_at = now
        sessions.end_all(user, now, "disabled")
        log.info("user %d disabled", user.id)
    elif not disabled:
        user.disabled_at = None
    db.session.flush()


def issue_reset(user: User, now: datetime, *, issued_by: User | None = None,
                clear_totp: bool = False) -> str:
    """Make a one-time password link; earlier unused links for the user stop working."""
    if not user.is_active:
        raise AccountError(_("Enable the account before issuing a reset."))
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now),
        execution_options={"synchronize_session": "fetch"})
    log.info("password reset issued for user %d by %s", user.id,
             f"user {issued_by.id}" if issued_by else "the command line")
    token = secrets.token_urlsafe(32)
    hours = int(current_app.config["PULSE_RESET_HOURS"])
    db.session.add(PasswordReset(user_id=user.id, token_hash=reset_token_hash(token),
                                 created_at=now, expires_at=now + timedelta(hours=hours),
                                 issued_by_id=issued_by.id if issued_by else None))
    if clear_totp:
        remove_totp(user)
    db.session.flush()
    return token


def redeem_reset(token: str, new: str, now: datetime) -> User:
    """Set a password from a reset link; the link is spent and every session of the user ends."""
    row = valid_reset(token, now)
    if row is None:
        raise AccountError(_("This link has expired or has already been used. "
                             "Ask an administrator for a new one."))
    user = row.user
    _set_password(user, new, now)
    row.used_at = now
    sessions.end_all(user, now, "reset")
    throttle.clear(user.email)
    log.info("password reset used by user %d", user.id)
    db.session.flush()
    return user


def begin_totp(user: User) -> None:
    """Start (or restart) enrolment with a fresh secret; nothing changes until confirmed."""
    if user.totp_enabled:
        raise AccountError(_("A second factor is already set up."))
    user.totp_secret = totp.new_secret()
    user.totp_last_step = None
    db.session.flush()


def confirm_totp(user: User, code: str, now: datetime) -> None:
    if user.totp_enabled or not user.totp_secret:
        raise AccountError(_("Start setting up first."), "code")
    step = totp.matching_step(user.totp_secret, code, now, None)
    if step is None:
        raise AccountError(_("That code did not match. Check the time on your phone and "
                             "enter the newest code."), "code")
    user.totp_enabled_at, user.totp_last_step = now, step
    db.session.flush()


def remove_totp(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.flush()


def forget_old(now: datetime) -> tuple[int, int]:
    """Forget sign-in failures nobody has added to for a day and sessions that ended or expired
    more than a day ago: (failure records, sessions) deleted. The daily retention job and
    ``flask users prune`` both call this."""
    return throttle.prune(now), sessions.prune_all(now)
