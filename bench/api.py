"""The open-data API over 600 wards x 36 months of stored estimates (bench.dashboard's data).

    python -m bench.api                 # SQLite
    python -m bench.api --postgres      # PostgreSQL too (PULSE_TEST_DATABASE_URL or default)

Server time through Flask's test client, each beside the bare /healthz endpoint of the same
app: what a dashboard elsewhere polls (one ward's monthly series of one measure, with and
without If-None-Match), a page of one period across every ward, a page of areas, and the
series asked from another site (an Origin header, and the CORS preflight before it).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import postgres_schema, print_header, show, timed  # noqa: E402
from bench.dashboard import setup  # noqa: E402

SERIES = "/api/v1/estimates?area=W123&kind=month&measure=trust&per_page=50"
ACROSS = "/api/v1/estimates?period=R12-2026-12&group=all&measure=trust&per_page=200"
AREAS = "/api/v1/areas?per_page=200&include=boundary"
SITE = "https://dashboard.example"
PREFLIGHT = {"Origin": SITE, "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Headers": "If-None-Match"}


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
    # Cross-origin: the same poll from another site's page, and the preflight before it.
    show("the ward series with an Origin (CORS)",
         timed(lambda: client.get(SERIES, headers={"Origin": SITE}), 100))
    show("CORS preflight (OPTIONS)", timed(lambda: client.options(SERIES, headers=PREFLIGHT), 300))
    show("baseline: GET /healthz (bare endpoint)", timed(lambda: client.get("/healthz"), 300))
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print_header("bench.api")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        bench_backend(f"sqlite:///{tmp}/bench.db", "SQLite")
    if args.postgres:
        with postgres_schema("bench_api") as url:
            bench_backend(url, "PostgreSQL")
    print(f"load average after {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
