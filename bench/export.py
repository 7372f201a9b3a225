"""Export benchmark: estimates (600 areas x 36 months) and response-level data (peak memory).

    python bench/export.py estimates [--postgres] [--rounds 3] [--xlsx]
    python bench/export.py responses [--sizes 100000,300000,1000000] [--formats csv,xlsx]

estimates: bench.dashboard's 516,860 stored estimates (600 wards and a borough, 36 months,
quarters and rolling years, 10 measures, 13 groups for the latest rolling year). In one
process, interleaved for --rounds rounds (medians, wall and this process's CPU seconds): two
baselines (the 14 columns SELECTed into a list through SQLAlchemy, as RESULTS.md always
measured; the driver cursor's fetchall, a stricter floor), the previous row-by-row CSV writer,
the export's CSV file (pulse.exports.operations.write_file, as the command line) and the
download (stream_csv: COUNT, audit row, body). --xlsx adds one XLSX file. Then one period
across every ward (the API page and a one-period CSV) with migration 0012's index, without it,
and with it again, beside /healthz. Target: the whole export under 5 s.

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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import postgres_schema, print_header, timed  # noqa: E402

WARDS = 600


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


def sqlite_url(name: str) -> str:
    path = Path(f"/tmp/bench-export-{name}.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _server_pid() -> int | None:
    """The PostgreSQL backend serving the session (None on SQLite, which runs in-process)."""
    from sqlalchemy import text

    from pulse.extensions import db

    if db.engine.dialect.name != "postgresql":
        return None
    return db.session.execute(text("SELECT pg_backend_pid()")).scalar()


def _server_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def once(fn) -> tuple[float, float, float]:
    """Wall seconds (bench.timing.timed), this process's CPU seconds and, on PostgreSQL, the
    CPU seconds of the backend serving the session (same machine, read from /proc): under a
    shared machine's load, wall time stretches with other people's work; CPU time does not."""
    pid = _server_pid()
    cpu, server = time.process_time(), _server_cpu(pid)
    wall = timed(fn, 1)[0] / 1000
    return wall, time.process_time() - cpu, _server_cpu(pid) - server


def median_of(runs: list[tuple[float, float, float]]) -> dict:
    return {"wall_s": round(statistics.median(r[0] for r in runs), 2),
            "cpu_s": round(statistics.median(r[1] for r in runs), 2),
            "server_cpu_s": round(statistics.median(r[2] for r in runs), 2),
            "all_wall_s": [round(r[0], 2) for r in runs]}


def bench_estimates(url: str, label: str, rounds: int, xlsx: bool) -> None:
    """Baselines and exports interleaved, ``rounds`` times, in this one process."""
    from sqlalchemy import select

    from bench.dashboard import insert_estimates
    from pulse.areas.operations import ensure_area
    from pulse.estimates.queries import EXPORT_COLUMNS
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import stream_csv, write_file
    from pulse.exports.sources import estimate_rows
    from pulse.exports.writers import Tally, csv_chunks
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    app = make_app(url)
    with app.app_context():
        borough = ensure_area("B0", "Borough", "borough")
        wards = [ensure_area(f"W{i:03d}", f"Ward {i}", "ward", borough) for i in range(WARDS)]
        db.session.commit()
        count = insert_estimates([borough.id] + [w.id for w in wards])
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        f = ExportFilter.build()
        columns = (Area.code, Estimate.period, Estimate.measure, Estimate.group_label,
                   Estimate.n, Estimate.effective_n, Estimate.estimate, Estimate.ci_low,
                   Estimate.ci_high, Estimate.suppressed, Estimate.suppressed_reason,
                   Estimate.change, Estimate.change_significant, Estimate.modelled_estimate)
        select_all = select(*columns).join(Area, Area.id == Estimate.area_id)
        raw_sql = str(select_all.compile(dialect=db.engine.dialect))

        def baseline_core():
            # The figure RESULTS.md has used since the first run: the 14 columns into a list.
            assert len(db.session.execute(select_all).all()) == count
            db.session.commit()

        def baseline_driver():
            # A stricter floor: the driver's own cursor, no SQLAlchemy result processing.
            cur = db.session.connection().connection.driver_connection.cursor()
            cur.execute(raw_sql)
            assert len(cur.fetchall()) == count
            cur.close()
            db.session.commit()

        def previous_csv():
            # The row-by-row writer the estimates CSV used before (still the XLSX's rows).
            with open("/tmp/bench-export-estimates-rows.csv", "w", newline="") as fh:
                for chunk in csv_chunks(EXPORT_COLUMNS, estimate_rows(f), Tally()):
                    fh.write(chunk)
            db.session.commit()

        def csv_file():
            assert write_file("estimates", "csv", f, Path("/tmp/bench-export-estimates.csv"),
                              actor="bench") == count
            db.session.commit()

        def csv_stream():
            # The download: COUNT, audit row, commit, then the body as the page streams it.
            export = stream_csv("estimates", f, actor="bench")
            db.session.commit()
            for _chunk in export.chunks:
                pass
            assert export.tally.rows == export.expected_rows == count
            db.session.commit()

        steps = {"baseline_select_all": baseline_core, "baseline_driver_fetchall": baseline_driver,
                 "csv_previous_row_by_row": previous_csv, "csv_file": csv_file,
                 "csv_download": csv_stream}
        runs: dict[str, list] = {name: [] for name in steps}
        for _ in range(rounds):
            for name, fn in steps.items():
                runs[name].append(once(fn))
        out = {"backend": label, "estimate_rows": count, "rounds": rounds,
               "load_before": round(os.getloadavg()[0], 1)}
        for name, got in runs.items():
            out[name] = median_of(got)
        base = out["baseline_select_all"]["wall_s"]
        driver = out["baseline_driver_fetchall"]["wall_s"]

        def cpu(name):   # this process and the PostgreSQL backend together
            return out[name]["cpu_s"] + out[name]["server_cpu_s"]

        for name in ("csv_previous_row_by_row", "csv_file", "csv_download"):
            out[name]["x_select_all"] = round(out[name]["wall_s"] / base, 2)
            out[name]["x_driver_fetchall"] = round(out[name]["wall_s"] / driver, 2)
            out[name]["cpu_x_select_all"] = round(cpu(name) / cpu("baseline_select_all"), 2)
            out[name]["cpu_x_driver_fetchall"] = round(
                cpu(name) / cpu("baseline_driver_fetchall"), 2)
        out["csv_mb"] = round(Path("/tmp/bench-export-estimates.csv").stat().st_size / 2**20, 1)
        if xlsx:
            path = Path("/tmp/bench-export-estimates.xlsx")
            got = once(lambda: (write_file("estimates", "xlsx", f, path, actor="bench"),
                                db.session.commit()))
            out["xlsx"] = median_of([got]) | {"x_select_all": round(got[0] / base, 1)}
        out["load_after"] = round(os.getloadavg()[0], 1)
        out["peak_rss_mb"] = round(peak_mb())
    print(json.dumps(out), flush=True)
    # Outside the export's app context: a request inside it would share that context's
    # session, whose open transaction would then block the DROP INDEX below.
    print(json.dumps({"backend": label, "across": across(app, db),
                      "load": round(os.getloadavg()[0], 1)}), flush=True)
    with app.app_context():
        db.engine.dispose()


ACROSS = "/api/v1/estimates?period=R12-2026-12&group=all&measure=trust&per_page=200"


def across(app, db) -> dict:
    """One period across every ward (the API page, a one-period CSV), with the period index
    this backend has (migration 0012 on SQLite, 0015 on PostgreSQL) and without it, beside
    /healthz, in this process."""
    from sqlalchemy import inspect
    from sqlalchemy.schema import CreateIndex, DropIndex

    from pulse.estimates.rebuild import table_indexes
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import write_file

    from analysis.periods import parse

    client = app.test_client()
    assert client.get(ACROSS).status_code == 200
    one = ExportFilter.build(period=parse("R12-2026-12"))
    with app.app_context():
        index = next(i for i in table_indexes() if i.name.startswith("ix_estimate_period"))
    out = {}
    for state in ("with_index", "without_index", "with_index_again"):
        with app.app_context():
            present = any(i["name"] == index.name
                          for i in inspect(db.engine).get_indexes("estimate"))
            if state == "without_index" and present:
                db.session.execute(DropIndex(index))
            elif state != "without_index" and not present:
                db.session.execute(CreateIndex(index))
            if db.engine.dialect.name == "postgresql":
                db.session.execute(db.text("ANALYZE estimate"))
            db.session.commit()
        api = sorted(timed(lambda: client.get(ACROSS), 30))
        health = sorted(timed(lambda: client.get("/healthz"), 300))

        def one_period():
            with app.app_context():
                write_file("estimates", "csv", one, Path("/tmp/bench-export-one.csv"),
                           actor="bench")
                db.session.commit()

        export = sorted(timed(one_period, 5))
        out[state] = {"api_p50_ms": round(statistics.median(api), 1),
                      "healthz_p50_ms": round(statistics.median(health), 2),
                      "api_x_healthz": round(statistics.median(api) / statistics.median(health), 1),
                      "one_period_csv_p50_ms": round(statistics.median(export), 1)}
    return out


def build_responses(size: int) -> None:
    """A SQLite file with ``size`` responses (kept for the export runs that follow)."""
    from sqlalchemy import text

    import bench.aggregate as agg
    from pulse.extensions import db

    app = make_app(sqlite_url(f"responses-{size}"))
    with app.app_context():
        leaves = agg.build_areas()
        db.session.execute(text("CREATE TABLE bench_leaf (k INTEGER PRIMARY KEY, id INTEGER)"))

        def load():
            for start in range(0, size, 250_000):
                agg.generate(min(250_000, size - start), leaves, start,
                             (agg.FIRST_MONTH, agg.FIRST_MONTH + agg.MONTHS - 1))
                db.session.commit()

        wall, _cpu, _server = once(load)
        print(json.dumps({"built": size, "load_s": round(wall, 1)}), flush=True)


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
        kept: list = []       # the baseline's rows stay in memory until the peak is read

        def measured() -> int:
            if what == "baseline":
                kept.extend(db.session.execute(
                    select(Response.id, Area.code, Response.submitted_at, Response.channel,
                           Response.language, Response.version_id, Response.age_band,
                           Response.sex, Response.ethnicity)
                    .join(Area, Area.id == Response.area_id)).all())
                return len(kept)
            path = Path(f"/tmp/bench-export-responses-{size}.{what}")
            rows = write_file("responses", what, ExportFilter.build(), path, actor="bench")
            db.session.commit()
            return rows

        written: list[int] = []
        seconds, cpu, _server = once(lambda: written.append(measured()))
    peak = peak_mb()
    print(json.dumps({"responses": size, "what": what, "rows": written[0],
                      "seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
                      "rss_before_mb": round(before),
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
    parser.add_argument("--rounds", type=int, default=3, help="estimates: interleaved rounds")
    parser.add_argument("--xlsx", action="store_true", help="estimates: the XLSX once too")
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--what", default="csv")
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args()
    if args.part in ("estimates", "responses"):
        print_header(f"bench/export.py {args.part}")
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    if args.part == "estimates":
        with tempfile.TemporaryDirectory() as tmp:
            bench_estimates(f"sqlite:///{tmp}/bench.db", "sqlite", args.rounds, args.xlsx)
        if args.postgres:
            with postgres_schema("bench_export") as url:
                bench_estimates(url, "postgresql", args.rounds, args.xlsx)
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
