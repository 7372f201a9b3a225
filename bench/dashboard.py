"""Officer pages served from stored estimates: 600 wards x 36 months.

    python -m bench.dashboard                 # SQLite
    python -m bench.dashboard --postgres      # PostgreSQL too (PULSE_TEST_DATABASE_URL or default)

Server time through Flask's test client, in one run, each beside the bare /healthz endpoint of
the same app: the overview (601 areas x 10 measures, rolling year, map of 600 boundaries) and
an area page (10 trend charts of 36 months with the parent's line, subgroups, comments).
Target: p50 under 300 ms for both.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.auth import PASSWORD  # noqa: E402
from bench.timing import postgres_schema, print_header, show, timed  # noqa: E402

WARDS, MONTHS = 600, 36
MEASURES = ("safe_day", "safe_night", "trust", "respect", "listen", "fair", "relied_on",
            "things_that_matter", "informed", "good_job")
GROUPS = ("age_band=16-24", "age_band=25-34", "age_band=35-44", "age_band=45-54",
          "age_band=55-64", "age_band=65+", "sex=female", "sex=male", "ethnicity=asian",
          "ethnicity=black", "ethnicity=mixed", "ethnicity=other", "ethnicity=white")


def _square(i: int) -> dict:
    x, y = -0.2 + (i % 25) * 0.01, 51.4 + (i // 25) * 0.01
    return {"type": "Polygon", "coordinates": [[[x, y], [x + .01, y], [x + .01, y + .01],
                                                [x, y + .01], [x, y]]]}


def estimate_rows(area_ids: list[int], rng: random.Random):
    """Stored estimates as bench.dashboard, bench.api and bench.export use them: per area,
    36 months, 12 quarters and 25 rolling years of 10 measures, the latest rolling year also
    by 13 groups (516,860 rows for 601 areas), 5% suppressed."""
    first = 2024 * 12
    periods = [(f"{m // 12}-{m % 12 + 1:02d}", "month", m) for m in range(first, first + MONTHS)]
    periods += [(f"{m // 12}-Q{m % 12 // 3 + 1}", "quarter", m)
                for m in range(first + 2, first + MONTHS, 3)]
    periods += [(f"R12-{m // 12}-{m % 12 + 1:02d}", "r12", m)
                for m in range(first + 11, first + MONTHS)]
    latest_r12 = periods[-1]
    now = datetime.now(UTC)
    for area_id in area_ids:
        for label, kind, end in periods:
            groups = ("all",) + (GROUPS if (label, kind, end) == latest_r12 else ())
            for measure in MEASURES:
                for group in groups:
                    value = rng.uniform(30, 80)
                    small = rng.random() < 0.05
                    yield dict(area_id=area_id, period=label, period_kind=kind, period_end=end,
                               measure=measure, group_label=group, unit="score",
                               n=None if small else 40, effective_n=None if small else 30.0,
                               estimate=None if small else value, std_error=3.0,
                               ci_low=None if small else value - 6,
                               ci_high=None if small else value + 6, suppressed=small,
                               suppressed_reason="fewer than 10" if small else None,
                               weighted=True, change=rng.uniform(-10, 10),
                               change_significant=rng.random() < 0.05,
                               modelled_estimate=None if small else value + 1,
                               computed_at=now)


def insert_estimates(area_ids: list[int]) -> int:
    """Insert :func:`estimate_rows` for ``area_ids`` (20,000 a statement) and commit."""
    from sqlalchemy import insert

    from pulse.extensions import db
    from pulse.models import Estimate

    batch, count = [], 0
    for row in estimate_rows(area_ids, random.Random(5)):
        batch.append(row)
        if len(batch) == 20_000:
            db.session.execute(insert(Estimate), batch)
            count += len(batch)
            batch = []
    db.session.execute(insert(Estimate), batch)
    db.session.commit()
    return count + len(batch)


def setup(url: str, label: str):
    """An app on ``url`` filled with the bench data, and a test client signed in as an officer."""
    from flask_migrate import upgrade

    from pulse import create_app
    from pulse.areas.operations import ensure_area
    from pulse.auth import operations as ops
    from pulse.extensions import db
    from tests.support import form_tokens

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        borough = ensure_area("B0", "Borough", "borough")
        wards = [ensure_area(f"W{i:03d}", f"Ward {i}", "ward", borough) for i in range(WARDS)]
        for i, ward in enumerate(wards):
            ward.boundary = _square(i)
        ops.create_user("officer@example.org", "officer", [borough], password=PASSWORD,
                        now=datetime.now(UTC))
        db.session.commit()
        ids = [borough.id] + [w.id for w in wards]
        count = insert_estimates(ids)
        print(f"{label}: {count:,} estimate rows for {len(ids)} areas")
        db.session.remove()
    client = app.test_client()
    token = form_tokens(client.get("/login").get_data(as_text=True))["csrf_token"]
    assert client.post("/login", data={"csrf_token": token, "email": "officer@example.org",
                                       "password": PASSWORD}).status_code == 302
    for path in ("/officer/", "/officer/area/W123"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return app, client


def profile(client, path: str, n: int = 10, top: int = 30) -> None:
    """cProfile ``n`` requests of ``path``: where the overview's time goes, by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def bench_backend(url: str, label: str, profile_path: str | None = None) -> None:
    from pulse.extensions import db

    app, client = setup(url, label)
    if profile_path:
        profile(client, profile_path)
    print(f"{label}: server time per request (Flask test client)")
    show("GET /officer/ (overview, r12, map of 600)", timed(lambda: client.get("/officer/"), 30))
    show("GET /officer/?kind=month&measure=safe_night",
         timed(lambda: client.get("/officer/?kind=month&measure=safe_night"), 30))
    show("GET /officer/area/W123 (36 months)", timed(lambda: client.get("/officer/area/W123"), 30))
    show("baseline: GET /healthz (bare endpoint)", timed(lambda: client.get("/healthz"), 300))
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--profile", metavar="PATH",
                        help="also print a cProfile of 10 requests of PATH (e.g. /officer/)")
    args = parser.parse_args()
    print_header("bench.dashboard")
    with tempfile.TemporaryDirectory() as tmp:
        bench_backend(f"sqlite:///{tmp}/bench.db", "SQLite", args.profile)
    if args.postgres:
        with postgres_schema("bench_dash") as url:
            bench_backend(url, "PostgreSQL", args.profile)


if __name__ == "__main__":
    main()
