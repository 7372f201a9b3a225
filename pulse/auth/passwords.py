"""Password hashing (argon2id) and the rules a new password must meet."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12
# Long enough for any passphrase; short enough that hashing it is never a denial of service.
MAX_LENGTH = 256


@lru_cache(maxsize=8)
def _hasher(params: tuple) -> PasswordHasher:
    # argon2-cffi's defaults are argon2id with the RFC 9106 low-memory profile.
    return PasswordHasher(**dict(params))


def hasher() -> PasswordHasher:
    return _hasher(tuple(sorted(current_app.config.get("PULSE_ARGON2", {}).items())))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str | None, password: str) -> tuple[bool, bool]:
    """Check a password; return (matches, needs_rehash with today's parameters)."""
    ph = hasher()
    if not stored:
        dummy_verify(password)
        return False, False
    try:
        ph.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, ph.check_needs_rehash(stored)


@lru_cache(maxsize=8)
def _dummy_hash(params: tuple) -> str:
    return _hasher(params).hash("not a password anyone has")


def dummy_verify(password: str) -> None:
    """Spend the same time as a real check, so a missing account does not answer faster."""
    params = tuple(sorted(current_app.config.get("PULSE_ARGON2", {}).items()))
    try:
        _hasher(params).verify(_dummy_hash(params), password)
    except VerificationError:
        pass


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def password_problems(password: str, email: str = "") -> list[str]:
    """Why a proposed password is not acceptable (empty when it is)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    elif len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords():
        problems.append(_("That password is on a list of common passwords. Choose another."))
    elif len(set(password)) < 4:
        problems.append(_("That password repeats too few characters. Choose another."))
    elif email and (lowered == email.lower() or lowered == email.split("@")[0].lower()):
        problems.append(_("Do not use your email address as your password."))
    return problems
