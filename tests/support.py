"""Helpers for tests: database set-up and a resident filling in the survey."""
from __future__ import annotations

import os
import re
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


def backends() -> list[str]:
    names = ["sqlite"]
    if os.environ.get("PULSE_TEST_DATABASE_URL"):
        names.append("postgresql")
    return names


def postgres_url_with_schema(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote('-csearch_path=' + schema)}"


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
