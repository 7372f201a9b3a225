"""Aggregation benchmark: full rebuild, incremental update and the plain GROUP BY floor.

    python bench/aggregate.py [--backends sqlite,postgresql] [--sizes 100000,300000,1000000]

For each backend and size, in a fresh database (a file for SQLite, a new schema on the
PostgreSQL at $BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test):
600 neighbourhoods in 30 boroughs with age/sex margins, N responses over 36 months with 10
answers each (9 closed questions and the free-text one), bulk-loaded (COPY / executemany).
Then, in that order and in one process per (backend, size) so peak memory is its own:
- floor: SELECT area, month, AVG(value) ... GROUP BY area, month over the same answers;
- full:  `aggregate(full=True)` and commit (load, compute, store every estimate);
- incremental: 1,000 new responses in the latest month, each marked as a resident's submit
  marks it (`--recount`: their cells marked as changed, so the month is counted again whole),
  then `aggregate()` and commit (on PostgreSQL with the estimate rows it inserted, updated,
  updated heap-only and deleted).
Prints one JSON line per run, with the 1-minute load average at each step and the CPU seconds
of each step (this process, plus the PostgreSQL backend serving it, read from /proc): the
machine is shared, and CPU time does not stretch with other people's work as wall time does.
The figures go to bench/RESULTS.md by hand with machine and date.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BOROUGHS, PER_BOROUGH, MONTHS = 30, 20, 36
FIRST_MONTH = 2023 * 12 + 11          # December 2023 .. November 2026


def make_app(url: str):
    from flask_migrate import upgrade

    from pulse import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return app


def build_areas() -> tuple[np.ndarray, dict[str, int]]:
    from surveys.core import AGE_BANDS

    from pulse.areas.operations import ensure_area
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import PopulationMargin

    ensure_core()
    leaves = []
    rng = np.random.default_rng(0)
    for b in range(BOROUGHS):
        borough = ensure_area(f"B{b:03d}", f"Borough {b}", "borough")
        for k in range(PER_BOROUGH):
            area = ensure_area(f"N{b:03d}{k:03d}", f"Neighbourhood {b}-{k}", "neighbourhood",
                               borough)
            leaves.append(area.id)
            for band, pop in zip(AGE_BANDS, rng.integers(300, 1500, len(AGE_BANDS))):
                db.session.add(PopulationMargin(area_id=area.id, dimension="age_band",
                                                category=band, population=int(pop)))
            for sex, pop in (("female", int(rng.integers(3000, 4000))),
                             ("male", int(rng.integers(3000, 4000)))):
                db.session.add(PopulationMargin(area_id=area.id, dimension="sex", category=sex,
                                                population=pop))
    db.session.commit()
    return np.array(leaves)


def _rand(dialect: str, n: int) -> str:
    """SQL for a random whole number 0..n-1 on either backend."""
    return f"CAST(floor(random() * {n}) AS INTEGER)" if dialect == "postgresql" \
        else f"(abs(random()) % {n})"


def generate(n: int, leaves: np.ndarray, base: int, months: tuple[int, int]) -> None:
    """Insert n responses (ids base+1..base+n) and their 10 answers each, inside the database.

    Rows are made by SQL (generate_series / a recursive CTE and random()), so a million
    responses load in a minute instead of being built as Python tuples.
    """
    from sqlalchemy import text

    from surveys.core import AGE_BANDS, ETHNICITIES, SEXES

    from pulse.extensions import db
    from pulse.instruments.queries import latest_version

    dialect = db.engine.dialect.name
    version = latest_version("core")
    r = lambda k: _rand(dialect, k)  # noqa: E731

    def pick(options) -> str:
        whens = " ".join(f"WHEN {i} THEN '{o}'" for i, o in enumerate(options))
        return f"CASE {r(len(options))} {whens} END"

    db.session.execute(text("DELETE FROM bench_leaf"))
    db.session.execute(text("INSERT INTO bench_leaf (k, id) VALUES (:k, :id)"),
                       [{"k": k, "id": int(a)} for k, a in enumerate(leaves)])
    span = months[1] - months[0] + 1
    first = f"{months[0] // 12:04d}-{months[0] % 12 + 1:02d}-01"
    if dialect == "postgresql":
        series = f"SELECT g FROM generate_series(1, {n}) AS g"
        when = (f"(TIMESTAMP '{first}' + make_interval(months => {r(span)}, days => {r(28)}, "
                f"secs => {r(86400)}))")
        key = "md5(random()::text || g::text)"
    else:
        series = (f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
                  f"WHERE g < {n}) SELECT g FROM s")
        when = (f"(datetime('{first}', '+' || {r(span)} || ' months', '+' || {r(28)} || ' days',"
                f" '+' || {r(86400)} || ' seconds') || '.000000')")
        key = "lower(hex(randomblob(16)))"
    sex = "CASE WHEN x < 50 THEN 'female' WHEN x < 94 THEN 'male' WHEN x < 96 THEN 'other' " \
          "ELSE 'prefer_not' END"
    db.session.execute(text(
        f"INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) "
        f"SELECT {base} + gs.g, l.id, {version.id}, {when}, 'en', 'import', "
        f"{pick(AGE_BANDS + ('prefer_not',))}, {sex.replace('x', r(100))}, "
        f"{pick(ETHNICITIES + ('prefer_not',))}, {key}, FALSE, CAST('[]' AS JSON) "
        f"FROM ({series}) AS gs JOIN bench_leaf l ON l.k = ((gs.g * 7919) % {len(leaves)})"))
    # 0-10 answers lean by area so neighbourhoods differ; 4% "don't know".
    least = "LEAST" if dialect == "postgresql" else "MIN"
    s10 = f"{least}(10, {r(9)} + (r.area_id % 7))"
    db.session.execute(text(
        f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) "
        f"SELECT r.id, q.id, CASE WHEN q.scale IS NULL OR d < 4 THEN NULL "
        f"WHEN q.scale = 's10' THEN {s10} ELSE 1 + {r(5)} END, "
        f"q.scale IS NOT NULL AND d < 4, "
        f"CASE WHEN q.scale IS NULL THEN 'more patrols near the station' END "
        f"FROM (SELECT *, {r(100)} AS d FROM response WHERE id > {base}) AS r "
        f"CROSS JOIN question q WHERE q.version_id = {version.id} AND NOT q.demographic"
        .replace("d < 4", "r.d < 4")))
    if dialect == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('response', 'id'), "
                                "(SELECT MAX(id) FROM response))"))


RESPONSE_COLUMNS = ("id", "area_id", "version_id", "submitted_at", "language", "channel",
                    "age_band", "sex", "ethnicity", "submission_key", "excluded",
                    "quality_flags")
ANSWER_COLUMNS = ("response_id", "question_id", "value", "dont_know", "text")


def floor_query() -> float:
    from sqlalchemy import text

    from pulse.estimates.loading import month_sql
    from pulse.extensions import db

    start = time.perf_counter()
    rows = db.session.execute(text(
        f"SELECT r.area_id, {month_sql('r.submitted_at')} AS m, AVG(a.value) "
        "FROM answer a JOIN response r ON r.id = a.response_id "
        "WHERE NOT r.excluded AND a.value IS NOT NULL "
        f"GROUP BY r.area_id, {month_sql('r.submitted_at')}")).all()
    assert rows
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU used so far by this process and, on PostgreSQL, by the server backend serving the
    session (same machine: read from /proc). Under a shared machine's load, wall time
    stretches with other people's work; CPU time does not."""
    from sqlalchemy import text

    from pulse.extensions import db

    used = time.process_time()
    if db.engine.dialect.name == "postgresql":
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def one(backend: str, size: int) -> dict:
    from sqlalchemy import create_engine, text

    from sqlalchemy import select

    from pulse.estimates.operations import aggregate, mark_added, mark_dirty
    from pulse.extensions import db
    from pulse.models import Response

    if backend == "sqlite":
        path = Path(f"/tmp/bench-aggregate-{size}.db")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        from tests.support import postgres_url_with_schema

        schema = f"bench_agg_{size}"
        admin = create_engine(PG)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = postgres_url_with_schema(PG, schema)
    app = make_app(url)
    # The machine is shared: the 1-minute load average beside each timed step says how much.
    out = {"backend": backend, "responses": size, "load_avg": {"start": os.getloadavg()[0]}}
    with app.app_context():
        leaves = build_areas()
        t = time.perf_counter()
        db.session.execute(text("CREATE TABLE bench_leaf (k INTEGER PRIMARY KEY, id INTEGER)"))
        chunk = 250_000
        for start in range(0, size, chunk):
            generate(min(chunk, size - start), leaves, start,
                     (FIRST_MONTH, FIRST_MONTH + MONTHS - 1))
            db.session.commit()
        if backend == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        out["load_s"] = round(time.perf_counter() - t, 1)
        cpu = cpu_seconds()
        out["floor_s"] = round(floor_query(), 2)
        out["floor_cpu_s"] = round(cpu_seconds() - cpu, 2)
        out["load_avg"]["floor"] = os.getloadavg()[0]
        db.session.commit()
        t, cpu = time.perf_counter(), cpu_seconds()
        full = aggregate(full=True)
        db.session.commit()
        out["full_s"] = round(time.perf_counter() - t, 2)
        out["full_cpu_s"] = round(cpu_seconds() - cpu, 2)
        out["ratio_cpu_full_to_floor"] = round(out["full_cpu_s"] / out["floor_cpu_s"], 1)
        out["full_parts"] = {k: round(v, 2) for k, v in full.seconds.items()}
        out["rows"] = full.rows
        out["ratio_full_to_floor"] = round(out["full_s"] / out["floor_s"], 1)
        out["load_avg"]["full"] = os.getloadavg()[0]
        last = FIRST_MONTH + MONTHS - 1
        generate(1000, leaves, size, (last, last))
        new = db.session.execute(select(Response.area_id, Response.submitted_at, Response.id)
                                 .where(Response.id > size)).all()
        # Marked as the survey marks a resident's response (one mark naming it), so the run
        # adds them to the month's kept sums; --recount marks their (area, month) cells as
        # an exclusion would, and the month is counted again whole.
        if os.environ.get("BENCH_RECOUNT"):
            mark_dirty((a, at) for a, at, _ in new)
        else:
            mark_added(new)
        db.session.commit()
        out["new_responses"] = len(new)
        t, cpu = time.perf_counter(), cpu_seconds()
        inc = aggregate()
        if backend == "postgresql":
            # This transaction's own row counts (gone at the commit): heap-only updates left
            # the indexes untouched.
            out["incremental_tuples"] = dict(db.session.execute(text(
                "SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del "
                "FROM pg_stat_xact_user_tables WHERE relid = 'estimate'::regclass"))
                .mappings().one())
        db.session.commit()
        out["incremental_s"] = round(time.perf_counter() - t, 2)
        out["incremental_cpu_s"] = round(cpu_seconds() - cpu, 2)
        out["incremental_parts"] = {k: round(v, 2) for k, v in inc.seconds.items()}
        out["incremental_rows"] = inc.rows
        out["incremental_responses_read"] = inc.responses
        out["incremental_added"] = inc.added
        out["load_avg"]["incremental"] = os.getloadavg()[0]
        if backend == "postgresql":
            out["estimate_table"] = db.session.execute(text(
                "SELECT reloptions::text AS options, pg_relation_size('estimate') / 1048576 "
                "AS heap_mb, pg_indexes_size('estimate') / 1048576 AS indexes_mb "
                "FROM pg_class WHERE oid = 'estimate'::regclass")).mappings().one()
            out["estimate_table"] = {k: str(v) for k, v in out["estimate_table"].items()}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per run")
    parser.add_argument("--recount", action="store_true",
                        help="mark the 1,000 new responses' cells as changed (the month is "
                             "counted again whole) instead of naming each added response")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))), flush=True)
        return
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            try:
                done = subprocess.run([sys.executable, __file__, "--one", backend, str(size)],
                                      capture_output=True, text=True, timeout=args.timeout,
                                      env={**os.environ, "PULSE_DEMO": "1",
                                           **({"BENCH_RECOUNT": "1"} if args.recount else {})})
                line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
                print(line or json.dumps({"backend": backend, "responses": size,
                                          "error": done.stderr[-800:]}), flush=True)
            except subprocess.TimeoutExpired:
                print(json.dumps({"backend": backend, "responses": size,
                                  "error": f"over {args.timeout}s"}), flush=True)


if __name__ == "__main__":
    main()
