"""The open-data API over 600 wards x 36 months of stored estimates (bench.dashboard's data).

    python -m bench.api                 # SQLite
    python -m bench.api --postgres      # PostgreSQL too (PULSE_TEST_DATABASE_URL or default)

Server time through Flask's test client, each beside the bare /healthz endpoint of the same
app: what a dashboard elsewhere polls (one ward's monthly series of one measure, with and
without If-None-Match), a page of one period across every ward, and a page of areas.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.auth import DEFAULT_PG, show, timed  # noqa: E402
from bench.dashboard import setup  # noqa: E402

SERIES = "/api/v1/estimates?area=W123&kind=month&measure=trust&per_page=50"
ACROSS = "/api/v1/estimates?period=R12-2026-12&group=all&measure=trust&per_page=200"
AREAS = "/api/v1/areas?per_page=200&include=boundary"


def bench_backend(url: str, label: str) -> None:
    from pulse.extensions import db

    app, client = setup(url, label)
    etag = client.get(SERIES).headers["ETag"]
    for path in (SERIES, ACROSS, AREAS):
        assert client.get(path).status_code == 200, path
    assert client.get(SERIES, headers={"If-None-Match": etag}).status_code == 304
    print(f"{label}: server time per request (Flask test client)")
    show("one ward, 36 months of one measure", timed(lambda: client.get(SERIES), 100))
    show("the same with If-None-Match (304)",
         timed(lambda: client.get(SERIES, headers={"If-None-Match": etag}), 100))
    show("one period, one measure, 200 of 601 areas", timed(lambda: client.get(ACROSS), 30))
    show("200 areas with boundaries", timed(lambda: client.get(AREAS), 30))
    show("baseline: GET /healthz (bare endpoint)", timed(lambda: client.get("/healthz"), 300))
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print(f"bench.api on {platform.node()} ({platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cpus), Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp:
        bench_backend(f"sqlite:///{tmp}/bench.db", "SQLite")
    if args.postgres:
        from sqlalchemy import create_engine, text

        from pulse.config import normalise_database_url
        from tests.support import postgres_url_with_schema

        base = normalise_database_url(os.environ.get("PULSE_TEST_DATABASE_URL", DEFAULT_PG))
        schema = f"bench_api_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            bench_backend(postgres_url_with_schema(base, schema), "PostgreSQL")
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
