"""Helpers for tests: database set-up and a resident filling in the survey."""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import text

#: A complete, valid set of answers to the core instrument.
GOOD_ANSWERS = {
    "safe_day": "8", "safe_night": "5", "respect": "7", "listen": "6", "fair": "6",
    "relied_on": "4", "things_that_matter": "3", "informed": "dk", "good_job": "4",
    "top_issue": "Better lighting on the path by the station",
    "age_band": "35-44", "sex": "female", "ethnicity": "prefer_not",
}


#: The fixtures parametrized by ``backends()``; ``one_backend`` tests keep only their SQLite copy.
BACKEND_FIXTURES = ("database_url", "fresh_url")


def backends() -> list[str]:
    names = ["sqlite"]
    if os.environ.get("PULSE_TEST_DATABASE_URL"):
        names.append("postgresql")
    return names


def postgres_url_with_schema(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote('-csearch_path=' + schema)}"


@contextmanager
def postgres_schema(base: str, prefix: str) -> Iterator[str]:
    """A URL on a fresh, empty schema of the PostgreSQL at ``base``, dropped afterwards.

    A schema per test session, migration test or benchmark run keeps them out of one
    another's tables on a shared server.
    """
    from sqlalchemy import create_engine

    from pulse.config import normalise_database_url

    base = normalise_database_url(base)
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_url_with_schema(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def migrate_to_head(url: str) -> None:
    """Build the schema with the migrations, exactly as `flask db upgrade` does."""
    from flask_migrate import upgrade

    from pulse import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        from pulse.extensions import db

        db.engine.dispose()


def clean_tables(db) -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@dataclass(frozen=True)
class SurveyArea:
    borough: str
    ward: str
    other_ward: str
    wave_id: int


def make_survey_area() -> SurveyArea:
    from pulse.areas.operations import ensure_area, open_wave
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core

    version = ensure_core()
    borough = ensure_area("E09000023", "Lewisham", "borough")
    ensure_area("E05000437", "Bellingham", "ward", borough)
    ensure_area("E05000438", "Blackheath", "ward", borough)
    wave = open_wave(borough, version.instrument, name="Always on",
                     opens_at=datetime.now(UTC) - timedelta(days=1))
    db.session.commit()
    return SurveyArea("E09000023", "E05000437", "E05000438", wave.id)


HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|started|via)"[^>]*value="([^"]*)"')


def form_tokens(html: str) -> dict[str, str]:
    return {name: value for name, value in HIDDEN.findall(html)}


def open_survey(client, code: str, **params) -> dict[str, str]:
    """GET the questions page after consent; return its hidden fields."""
    query = "&".join(f"{k}={v}" for k, v in {"consent": "yes", **params}.items())
    page = client.get(f"/s/{code}/questions?{query}")
    assert page.status_code == 200, page.data[:500]
    return form_tokens(page.get_data(as_text=True))


def submit(client, code: str, answers: dict[str, str] | None = None, **params):
    tokens = open_survey(client, code, **params)
    return client.post(f"/s/{code}/questions", data={**tokens, **(answers or GOOD_ANSWERS)})


#: Password given to users made by tests (long enough, and on no common list).
STAFF_PASSWORD = "lantern orbit gravel meadow"


def make_user(email: str, role: str, area_codes=(), *, password: str | None = STAFF_PASSWORD,
              totp_secret: str | None = None, totp_required: bool = False) -> int:
    """Create a staff user (inside an app context) and return its id."""
    from pulse.auth import operations as ops
    from pulse.auth.queries import areas_by_codes
    from pulse.extensions import db

    now = datetime.now(UTC)
    areas, missing = areas_by_codes(list(area_codes))
    assert not missing, f"no areas {missing}"
    user = ops.create_user(email, role, areas, password=password, totp_required=totp_required,
                           now=now)
    if totp_secret:
        user.totp_secret, user.totp_enabled_at = totp_secret, now
    db.session.commit()
    return user.id


def sign_in(client, email: str, password: str = STAFF_PASSWORD, next: str | None = None):
    """Post the sign-in form as a browser would (CSRF token from the page)."""
    url = "/login" + (f"?next={quote(next)}" if next else "")
    page = client.get(url)
    token = form_tokens(page.get_data(as_text=True)).get("csrf_token", "")
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


def csrf_from(client, path: str) -> str:
    return form_tokens(client.get(path).get_data(as_text=True))["csrf_token"]


class AuthActions:
    """The ``auth`` fixture: make a user of a role and sign the test client in as them."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def login(self, role: str = "officer", areas=(), email: str | None = None):
        email = email or f"{role}@example.org"
        with self.app.app_context():
            from pulse.auth.queries import user_by_email

            if user_by_email(email) is None:
                make_user(email, role, areas)
        response = sign_in(self.client, email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_from(self.client, "/account")})
