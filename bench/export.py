"""Export benchmark: estimates (600 areas x 36 months) and response-level data (peak memory).

    python bench/export.py estimates [--postgres]
    python bench/export.py responses [--sizes 100000,300000,1000000] [--formats csv,xlsx]

estimates: 600 wards under one borough, 36 months of stored estimates (months, quarters,
rolling years; 10 measures; 13 breakdown groups for the latest rolling year) = 516,860 rows,
inserted directly. Timed in one process: the baseline (the same columns SELECTed into a list,
no formatting), then `export estimates` to CSV and to XLSX through pulse.exports.operations
(the operation the page and the command line share). Target: under 5 s.

responses: N responses with 10 answers each over 600 neighbourhoods, generated inside SQLite
by bench/aggregate.py's generator. Each measurement runs in a fresh process so its peak RSS
is its own: RSS before the export, peak RSS after (ru_maxrss), and the difference. Beside it
the baseline a naive export would be: the same response rows SELECTed into a list.
Prints one JSON line per measurement; figures go to bench/RESULTS.md by hand.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WARDS, MONTHS = 600, 36
MEASURES = ("safe_day", "safe_night", "trust", "respect", "listen", "fair", "relied_on",
            "things_that_matter", "informed", "good_job")
GROUPS = ("age_band=16-24", "age_band=25-34", "age_band=35-44", "age_band=45-54",
          "age_band=55-64", "age_band=65+", "sex=female", "sex=male", "ethnicity=asian",
          "ethnicity=black", "ethnicity=mixed", "ethnicity=other", "ethnicity=white")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str):
    from flask_migrate import upgrade

    from pulse import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return app


def fresh_url(name: str, postgres: bool) -> str:
    if not postgres:
        path = Path(f"/tmp/bench-export-{name}.db")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text

    from tests.support import postgres_url_with_schema

    schema = f"bench_export_{name}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return postgres_url_with_schema(PG, schema)


def estimate_rows(area_ids: list[int], rng: random.Random):
    first = 2024 * 12
    periods = [(f"{m // 12}-{m % 12 + 1:02d}", "month", m) for m in range(first, first + MONTHS)]
    periods += [(f"{m // 12}-Q{m % 12 // 3 + 1}", "quarter", m)
                for m in range(first + 2, first + MONTHS, 3)]
    periods += [(f"R12-{m // 12}-{m % 12 + 1:02d}", "r12", m)
                for m in range(first + 11, first + MONTHS)]
    latest = periods[-1]
    now = datetime.now(UTC)
    for area_id in area_ids:
        for label, kind, end in periods:
            for measure in MEASURES:
                for group in ("all",) + (GROUPS if (label, kind, end) == latest else ()):
                    value, small = rng.uniform(30, 80), rng.random() < 0.05
                    yield dict(area_id=area_id, period=label, period_kind=kind, period_end=end,
                               measure=measure, group_label=group, unit="score",
                               n=None if small else 40, effective_n=None if small else 30.0,
                               estimate=None if small else value, std_error=3.0,
                               ci_low=None if small else value - 6,
                               ci_high=None if small else value + 6, suppressed=small,
                               suppressed_reason="fewer than 10" if small else None,
                               weighted=True, change=None if small else rng.uniform(-10, 10),
                               change_significant=rng.random() < 0.05,
                               modelled_estimate=None if small else value + 1, computed_at=now)


def bench_estimates(postgres: bool) -> None:
    from sqlalchemy import insert, select

    from pulse.areas.operations import ensure_area
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import write_file
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    label = "postgresql" if postgres else "sqlite"
    app = make_app(fresh_url("estimates", postgres))
    with app.app_context():
        borough = ensure_area("B0", "Borough", "borough")
        wards = [ensure_area(f"W{i:03d}", f"Ward {i}", "ward", borough) for i in range(WARDS)]
        db.session.commit()
        batch, count = [], 0
        for row in estimate_rows([borough.id] + [w.id for w in wards], random.Random(5)):
            batch.append(row)
            if len(batch) == 20_000:
                db.session.execute(insert(Estimate), batch)
                count += len(batch)
                batch = []
        db.session.execute(insert(Estimate), batch)
        count += len(batch)
        db.session.commit()
        if postgres:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        out = {"backend": label, "estimate_rows": count}
        t = time.perf_counter()
        rows = db.session.execute(
            select(Area.code, Estimate.period, Estimate.measure, Estimate.group_label,
                   Estimate.n, Estimate.effective_n, Estimate.estimate, Estimate.ci_low,
                   Estimate.ci_high, Estimate.suppressed, Estimate.suppressed_reason,
                   Estimate.change, Estimate.change_significant, Estimate.modelled_estimate)
            .join(Area, Area.id == Estimate.area_id)).all()
        out["baseline_select_all_s"] = round(time.perf_counter() - t, 2)
        assert len(rows) == count
        del rows
        db.session.commit()
        for fmt in ("csv", "xlsx"):
            path = Path(f"/tmp/bench-export-estimates.{fmt}")
            t = time.perf_counter()
            written = write_file("estimates", fmt, ExportFilter.build(), path, actor="bench")
            db.session.commit()
            out[f"{fmt}_s"] = round(time.perf_counter() - t, 2)
            out[f"{fmt}_rows"] = written
            out[f"{fmt}_mb"] = round(path.stat().st_size / 2**20, 1)
            out[f"{fmt}_ratio_to_baseline"] = round(
                out[f"{fmt}_s"] / out["baseline_select_all_s"], 1)
        out["peak_rss_mb"] = round(peak_mb())
    print(json.dumps(out), flush=True)


def build_responses(size: int) -> None:
    """A SQLite file with ``size`` responses (kept for the export runs that follow)."""
    from sqlalchemy import text

    import bench.aggregate as agg
    from pulse.extensions import db

    app = make_app(fresh_url(f"responses-{size}", False))
    with app.app_context():
        leaves = agg.build_areas()
        db.session.execute(text("CREATE TABLE bench_leaf (k INTEGER PRIMARY KEY, id INTEGER)"))
        t = time.perf_counter()
        for start in range(0, size, 250_000):
            agg.generate(min(250_000, size - start), leaves, start,
                         (agg.FIRST_MONTH, agg.FIRST_MONTH + agg.MONTHS - 1))
            db.session.commit()
        print(json.dumps({"built": size, "load_s": round(time.perf_counter() - t, 1)}),
              flush=True)


def measure_responses(size: int, what: str) -> None:
    """One measurement in this (fresh) process: 'csv', 'xlsx' or 'baseline'."""
    from sqlalchemy import select

    from pulse import create_app
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import write_file
    from pulse.extensions import db
    from pulse.models import Area, Response

    url = f"sqlite:////tmp/bench-export-responses-{size}.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.session.execute(select(Area.id).limit(1)).all()   # connect, load the mappers
        before = rss_mb()
        t = time.perf_counter()
        if what == "baseline":
            rows = db.session.execute(
                select(Response.id, Area.code, Response.submitted_at, Response.channel,
                       Response.language, Response.version_id, Response.age_band,
                       Response.sex, Response.ethnicity)
                .join(Area, Area.id == Response.area_id)).all()
            written = len(rows)
        else:
            path = Path(f"/tmp/bench-export-responses-{size}.{what}")
            written = write_file("responses", what, ExportFilter.build(), path, actor="bench")
            db.session.commit()
        seconds = time.perf_counter() - t
    peak = peak_mb()
    print(json.dumps({"responses": size, "what": what, "rows": written,
                      "seconds": round(seconds, 1), "rss_before_mb": round(before),
                      "peak_rss_mb": round(peak), "growth_mb": round(peak - before)}), flush=True)


def run(*args: str, timeout: int) -> None:
    try:
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, "PULSE_DEMO": "1"})
        line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        print(line or json.dumps({"args": args, "error": done.stderr[-800:]}), flush=True)
    except subprocess.TimeoutExpired:
        print(json.dumps({"args": args, "error": f"over {timeout}s"}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["estimates", "responses", "build", "measure"])
    parser.add_argument("--postgres", action="store_true", help="estimates on PostgreSQL too")
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--what", default="csv")
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args()
    print(f"# bench/export.py {args.part} on {platform.node()} ({platform.machine()}, "
          f"{os.cpu_count()} cpus), Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f}",
          file=sys.stderr, flush=True)
    if args.part == "estimates":
        bench_estimates(False)
        if args.postgres:
            bench_estimates(True)
    elif args.part == "build":
        build_responses(int(args.sizes))
    elif args.part == "measure":
        measure_responses(int(args.sizes), args.what)
    else:
        for size in (int(s) for s in args.sizes.split(",")):
            run("build", "--sizes", str(size), timeout=args.timeout)
            for what in ["baseline"] + args.formats.split(","):
                run("measure", "--sizes", str(size), "--what", what, timeout=args.timeout)


if __name__ == "__main__":
    main()
