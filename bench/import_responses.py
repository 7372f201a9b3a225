"""Benchmark: `responses import` of a 50,000-row CSV, beside one-flush-per-row as the baseline.

    python bench/import_responses.py [--rows 50000] [--baseline-rows 5000] [--postgres URL]

Builds a fresh database (SQLite in a temporary folder; PostgreSQL in a throw-away schema when
--postgres is given), loads the Lewisham wards, writes a CSV of simulated responses, then:
- bulk: the import operation as the CLI runs it (parse, check, bulk insert, commit);
- baseline: the same kind of rows through ``record_response``, one add + flush per row
  (run on fewer rows, and compared as rows per second).
Prints the figures; record them in bench/RESULTS.md with the machine and date.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from pulse.demo import simulate  # noqa: E402
from pulse.demo.seed import DATA, _wards  # noqa: E402

CODES = ("safe_day", "safe_night", "respect", "listen", "fair", "relied_on", "things_that_matter",
         "informed", "good_job", "top_issue", "age_band", "sex", "ethnicity")


def write_csv(path: Path, rows: int) -> None:
    wards = _wards(DATA / "lewisham_wards_2013.geojson")
    with open(DATA / "pas_lewisham_quarterly.csv", encoding="utf-8", newline="") as fh:
        levels = simulate.monthly_levels(simulate.read_pas(fh), 12)
    months = simulate.month_starts(simulate.last_complete_month(date.today()), 12)
    made = simulate.Simulator(wards, levels, months, seed=1, scale=rows / 5000 + 1).run()[:rows]
    if len(made) < rows:
        raise SystemExit(f"simulated only {len(made)} rows")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["area_code", "submitted_at", *CODES])
        for r in made:
            out.writerow([r.area_code, r.submitted_at.isoformat(), *(r.answers.get(c, "") for c in CODES)])


def make_app(url: str):
    from tests.support import migrate_to_head

    from pulse import create_app

    migrate_to_head(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from pulse.areas.operations import ensure_area, import_geojson
        from pulse.extensions import db
        from pulse.instruments.operations import ensure_core

        ensure_core()
        import_geojson(DATA / "lewisham_wards_2013.geojson",
                       parent=ensure_area("E09000023", "Lewisham", "borough"), level="ward")
        db.session.commit()
    return app


def clear_responses(app) -> None:
    from pulse.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM answer"))
        conn.execute(text("DELETE FROM response"))


def bulk(app, path: Path) -> tuple[float, int]:
    from pulse.extensions import db
    from pulse.responses.importing import import_csv

    with app.app_context():
        start = time.perf_counter()
        outcome = import_csv(path)
        db.session.commit()
        return time.perf_counter() - start, outcome.imported


def baseline(app, path: Path) -> tuple[float, int]:
    """The same rows, checked the same way, stored with one add + flush per response."""
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.instruments.queries import definition_of
    from pulse.models import Area
    from pulse.survey.operations import Meta, record_response
    from surveys.importing import parse_csv

    with app.app_context():
        start = time.perf_counter()
        version = ensure_core()
        instrument = definition_of(version)
        areas = {a.code: a for a in db.session.scalars(select(Area))}
        with open(path, encoding="utf-8-sig", newline="") as fh:
            parsed = parse_csv(fh, instrument, {c: None for c in areas}, now=datetime.now(UTC))
        for row in parsed.good:
            record_response(areas[row.area_code], None, version, row.submission,
                            Meta(submitted_at=row.submitted_at, language="en", channel="import",
                                 submission_key=row.key, quality_flags=row.flags))
        db.session.commit()
        return time.perf_counter() - start, len(parsed.good)


def run(label: str, url: str, rows: int, baseline_rows: int, folder: Path) -> None:
    from pulse.extensions import db
    from pulse.models import Answer

    big, small = folder / "big.csv", folder / "small.csv"
    write_csv(big, rows)
    write_csv(small, baseline_rows)
    app = make_app(url)
    b_seconds, b_rows = baseline(app, small)
    clear_responses(app)
    s_seconds, s_rows = bulk(app, small)
    clear_responses(app)
    l_seconds, l_rows = bulk(app, big)
    with app.app_context():
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        db.engine.dispose()
    print(f"{label}: baseline (flush per row) {b_rows} rows in {b_seconds:.2f} s = "
          f"{b_rows / b_seconds:,.0f} rows/s")
    print(f"{label}: bulk import          {s_rows} rows in {s_seconds:.2f} s = "
          f"{s_rows / s_seconds:,.0f} rows/s  ({(s_rows / s_seconds) / (b_rows / b_seconds):.1f}x)")
    print(f"{label}: bulk import          {l_rows} rows in {l_seconds:.2f} s = "
          f"{l_rows / l_seconds:,.0f} rows/s  ({answers:,} answer rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--postgres", help="postgresql+psycopg://... to measure PostgreSQL too")
    args = parser.parse_args()
    os.environ.setdefault("PULSE_DEMO", "1")
    print(f"{platform.node()} {platform.processor() or platform.machine()} "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}")
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", "sqlite:///" + str(Path(tmp) / "bench.db"), args.rows, args.baseline_rows,
            Path(tmp))
        if args.postgres:
            from tests.support import postgres_schema

            with postgres_schema(args.postgres, "bench") as url:
                run("postgresql", url, args.rows, args.baseline_rows, Path(tmp))


if __name__ == "__main__":
    main()
