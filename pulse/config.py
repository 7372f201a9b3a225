"""Configuration: defaults here, then the environment, then ``instance/pulse.cfg``, then tests.

Nothing reads configuration at import time; :func:`load` is called by the factory.
"""
from __future__ import annotations

import os
import re
import secrets
from datetime import date
from pathlib import Path

import click

DEFAULTS = {
    # Errors never echo statement parameters: they may hold a resident's free text.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    # A whole survey is a few kilobytes; anything larger is not a survey.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_FORM_PARTS": 200,
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Europe/London",
    "PULSE_LANGUAGES": ("en", "cy"),
    "PULSE_MIN_COMPLETION_SECONDS": 10,
    # Published figures need at least this many responses; never configurable below 10.
    "PULSE_MIN_RESPONSES": 10,
    "PULSE_SUBMIT_LIMIT": "10 per minute;30 per hour",
    # Assisted mode: a tablet sends many residents' answers from one address, often in a burst
    # when it comes back online; its signed token (area only, no officer) lasts this long.
    "PULSE_ASSIST_SUBMIT_LIMIT": "60 per minute;1000 per hour",
    "PULSE_ASSIST_TOKEN_HOURS": 12,
    # Areas, waves and versions a worker keeps between requests; a change made by another
    # process is seen within this many seconds (pulse/survey/places.py). 0 turns it off.
    "PULSE_SURVEY_CACHE_SECONDS": 10,
    "RATELIMIT_HEADERS_ENABLED": True,
    # One process's memory (pulse/ratelimit.py: limits' memory:// without a thread per hit);
    # replaced by REDIS_URL when that is set, as every deployment with several workers needs.
    "RATELIMIT_STORAGE_URI": "pulse-memory://",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "PULSE_DEMO": False,
    # The site's public address (https://host), printed on posters, leaflets and code letters.
    "PULSE_PUBLIC_URL": "",
    # Who runs the survey, as the privacy notice and the accessibility statement name them: the
    # organisation (the data controller), an address residents can write to about their data,
    # accessibility or another format, the operator's full privacy notice, and the date the
    # accessibility statement was last reviewed (YYYY-MM-DD). pulse/main/site.py.
    "PULSE_OPERATOR_NAME": "",
    "PULSE_CONTACT_EMAIL": "",
    "PULSE_PRIVACY_URL": "",
    "PULSE_ACCESSIBILITY_REVIEWED": "",
    # Staff accounts (pulse/auth). Sessions end after this long idle, and this long at most.
    "PULSE_SESSION_IDLE_SECONDS": 30 * 60,
    "PULSE_SESSION_MAX_SECONDS": 12 * 3600,
    "PULSE_LOGIN_LIMIT": "10 per minute;100 per hour",
    "PULSE_LOGIN_FREE_FAILURES": 5,
    "PULSE_LOGIN_LOCK_SECONDS": 30,
    "PULSE_LOGIN_LOCK_MAX_SECONDS": 15 * 60,
    "PULSE_RESET_HOURS": 24,
    # Keyword arguments for argon2.PasswordHasher; empty means argon2-cffi's defaults.
    "PULSE_ARGON2": {},
    "PULSE_TOTP_ISSUER": "Neighbourhood Pulse",
    # Free text: raw comments are deleted this many days after they were recorded (the
    # redacted copy stays); trained topic models are kept here (default: instance/text-models).
    "PULSE_COMMENT_RETENTION_DAYS": 30,
    "PULSE_TEXT_MODEL_DIR": "",
    # Briefing packs are written here (default: instance/packs); scheduled packs are e-mailed
    # through this SMTP server when SMTP_HOST is set.
    "PACK_FOLDER": "",
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_FROM": "",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
}

#: Environment variables read at start-up, and the config keys they set.
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "REDIS_URL": "REDIS_URL",
    "PULSE_DEMO": "PULSE_DEMO",
    "PULSE_PUBLIC_URL": "PULSE_PUBLIC_URL",
    "PULSE_OPERATOR_NAME": "PULSE_OPERATOR_NAME",
    "PULSE_CONTACT_EMAIL": "PULSE_CONTACT_EMAIL",
    "PULSE_PRIVACY_URL": "PULSE_PRIVACY_URL",
    "PULSE_ACCESSIBILITY_REVIEWED": "PULSE_ACCESSIBILITY_REVIEWED",
    "PULSE_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    "PULSE_MIN_RESPONSES": "PULSE_MIN_RESPONSES",
    "PULSE_SUBMIT_LIMIT": "PULSE_SUBMIT_LIMIT",
    "PULSE_SURVEY_CACHE_SECONDS": "PULSE_SURVEY_CACHE_SECONDS",
    "PULSE_SESSION_IDLE_SECONDS": "PULSE_SESSION_IDLE_SECONDS",
    "PULSE_SESSION_MAX_SECONDS": "PULSE_SESSION_MAX_SECONDS",
    "PULSE_LOGIN_LIMIT": "PULSE_LOGIN_LIMIT",
    "PULSE_COMMENT_RETENTION_DAYS": "PULSE_COMMENT_RETENTION_DAYS",
    "PULSE_TEXT_MODEL_DIR": "PULSE_TEXT_MODEL_DIR",
    "PACK_FOLDER": "PACK_FOLDER",
    "SMTP_HOST": "SMTP_HOST",
    "SMTP_PORT": "SMTP_PORT",
    "SMTP_FROM": "SMTP_FROM",
    "SMTP_USER": "SMTP_USER",
    "SMTP_PASSWORD": "SMTP_PASSWORD",
    "SMTP_STARTTLS": "SMTP_STARTTLS",
}
_BOOLEANS = {"PULSE_DEMO", "SESSION_COOKIE_SECURE", "SMTP_STARTTLS"}
_INTEGERS = {"PULSE_MIN_RESPONSES", "PULSE_SESSION_IDLE_SECONDS", "PULSE_SESSION_MAX_SECONDS",
             "PULSE_COMMENT_RETENTION_DAYS", "SMTP_PORT"}


def from_environment(environ: dict[str, str]) -> dict:
    out: dict = {}
    for var, key in ENVIRONMENT.items():
        if var not in environ or environ[var] == "":
            continue
        value: object = environ[var]
        if key in _BOOLEANS:
            value = str(value).lower() in ("1", "true", "yes", "on")
        elif key in _INTEGERS:
            value = int(str(value))
        out[key] = value
    return out


class ConfigurationError(click.ClickException, RuntimeError):
    """A setting the app refuses to start with.

    Still a RuntimeError to callers. It is a ClickException too because the flask command loads
    the app before any command runs: that way `flask --app pulse ...` prints the reason as one
    "Error: ..." line and exits 1, instead of a traceback that hides it. wsgi.py does the same
    for gunicorn.
    """


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the common short ways."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def finalise(config: dict, instance_path: str) -> None:
    """Fill derived settings and refuse to start with an unsafe configuration."""
    if config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    else:
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(instance_path) / "pulse.db")
    if config.get("REDIS_URL") and config.get("RATELIMIT_STORAGE_URI") in ("memory://",
                                                                          "pulse-memory://"):
        # In-memory limits count per worker; any real deployment shares them through Redis.
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    if int(config["PULSE_MIN_RESPONSES"]) < 10:
        raise ConfigurationError("PULSE_MIN_RESPONSES may be raised but never set below 10")
    _check_operator(config)
    if not config.get("SECRET_KEY"):
        if config.get("TESTING"):
            config["SECRET_KEY"] = secrets.token_hex(32)
        elif config.get("PULSE_DEMO"):
            config["SECRET_KEY"] = _demo_secret(instance_path)
        else:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
                "or PULSE_DEMO=1 for a local demonstration."
            )


def _check_operator(config: dict) -> None:
    """Refuse operator details that would print a broken link or date on a resident page."""
    email = str(config.get("PULSE_CONTACT_EMAIL") or "")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise ConfigurationError(f"PULSE_CONTACT_EMAIL is not an e-mail address: {email!r}")
    url = str(config.get("PULSE_PRIVACY_URL") or "")
    if url and not re.fullmatch(r"https?://[^\s/]+\S*", url):
        raise ConfigurationError(
            f"PULSE_PRIVACY_URL must be an http:// or https:// address: {url!r}")
    reviewed = str(config.get("PULSE_ACCESSIBILITY_REVIEWED") or "")
    if reviewed:
        try:
            date.fromisoformat(reviewed)
        except ValueError:
            raise ConfigurationError("PULSE_ACCESSIBILITY_REVIEWED must be a date written "
                                     f"YYYY-MM-DD, not {reviewed!r}") from None


def _demo_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so a demo's cookies survive a restart."""
    path = Path(instance_path) / "demo-secret-key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
