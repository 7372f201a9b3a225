"""Aggregation benchmark: full rebuild, incremental update and the plain GROUP BY floor.

    python bench/aggregate.py [--backends sqlite,postgresql] [--sizes 100000,300000,1000000]

For each backend and size, in a fresh database (a file for SQLite, a new schema on the
PostgreSQL at $BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test):
600 neighbourhoods in 30 boroughs with age/sex margins, N responses over 36 months with 10
answers each (9 closed questions and the free-text one), bulk-loaded (COPY / executemany).
Then, in that order and in one process per (backend, size) so peak memory is its own:
- floor: SELECT area, month, AVG(value) ... GROUP BY area, month over the same answers;
- full:  `aggregate(full=True)` and commit (load, compute, store every estimate);
- incremental: 1,000 new responses in the latest month, then `aggregate()` and commit.
Prints one JSON line per run; the figures go to bench/RESULTS.md by hand with machine and date.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import uuid
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


def generate(n: int, leaves: np.ndarray, first_id: int, months: tuple[int, int], seed: int):
    """Response and answer rows as tuples, ready for COPY or executemany."""
    from surveys.core import AGE_BANDS, ETHNICITIES, SEXES

    from pulse.extensions import db
    from pulse.instruments.queries import latest_version

    version = latest_version("core")
    questions = [(q.id, q.scale, q.code) for q in version.questions if not q.demographic]
    rng = np.random.default_rng(seed)
    area = rng.choice(leaves, n)
    month = rng.integers(months[0], months[1] + 1, n)
    day, second = rng.integers(1, 29, n), rng.integers(0, 86400, n)
    age = np.array(AGE_BANDS + ("prefer_not",))[rng.integers(0, 7, n)]
    sex = np.array(SEXES + ("prefer_not",))[rng.choice(4, n, p=[.5, .44, .02, .04])]
    eth = np.array(ETHNICITIES + ("prefer_not",))[rng.integers(0, 6, n)]
    lean = (area % 7) - 3
    responses, answers = [], []
    for i in range(n):
        m = int(month[i])
        s = int(second[i])
        at = datetime(m // 12, m % 12 + 1, int(day[i]), s // 3600, s % 3600 // 60, s % 60)
        responses.append((first_id + i, int(area[i]), version.id, at, "en", "import",
                          str(age[i]), str(sex[i]), str(eth[i]), uuid.uuid4().hex, False, "[]"))
    values = {}
    for qid, scale, code in questions:
        if scale == "s10":
            v = np.clip(np.round(rng.normal(5.5 + lean * 0.4, 2.2, n)), 0, 10).astype(int)
        elif scale is not None:
            v = rng.integers(1, 6, n)
        else:
            v = None
        values[qid] = v
    dk = rng.random((n, len(questions))) < 0.04
    for i in range(n):
        rid = first_id + i
        for j, (qid, scale, _) in enumerate(questions):
            if scale is None:
                answers.append((rid, qid, None, False, "more patrols near the station"))
            elif dk[i, j]:
                answers.append((rid, qid, None, True, None))
            else:
                answers.append((rid, qid, int(values[qid][i]), False, None))
    return responses, answers


RESPONSE_COLUMNS = ("id", "area_id", "version_id", "submitted_at", "language", "channel",
                    "age_band", "sex", "ethnicity", "submission_key", "excluded",
                    "quality_flags")
ANSWER_COLUMNS = ("response_id", "question_id", "value", "dont_know", "text")


def bulk_load(responses, answers) -> None:
    from pulse.extensions import db

    raw = db.session.connection().connection.driver_connection
    if db.engine.dialect.name == "postgresql":
        with raw.cursor() as cur:
            with cur.copy(f"COPY response ({', '.join(RESPONSE_COLUMNS)}) FROM STDIN") as cp:
                for row in responses:
                    cp.write_row(row)
            with cur.copy(f"COPY answer ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as cp:
                for row in answers:
                    cp.write_row(row)
            cur.execute("SELECT setval(pg_get_serial_sequence('response', 'id'), "
                        "(SELECT MAX(id) FROM response))")
    else:
        cur = raw.cursor()
        cur.executemany(f"INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) VALUES "
                        f"({', '.join('?' * len(RESPONSE_COLUMNS))})",
                        [r[:3] + (r[3].isoformat(sep=' ') + '.000000',) + r[4:]
                         for r in responses])
        cur.executemany(f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) VALUES "
                        f"({', '.join('?' * len(ANSWER_COLUMNS))})", answers)
        cur.close()


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


def one(backend: str, size: int) -> dict:
    from sqlalchemy import create_engine, text

    from pulse.estimates.operations import aggregate, mark_dirty
    from pulse.extensions import db

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
    out = {"backend": backend, "responses": size}
    with app.app_context():
        leaves = build_areas()
        t = time.perf_counter()
        chunk = 100_000
        for start in range(0, size, chunk):
            r, a = generate(min(chunk, size - start), leaves, 1 + start,
                            (FIRST_MONTH, FIRST_MONTH + MONTHS - 1), seed=start)
            bulk_load(r, a)
            db.session.commit()
        if backend == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        out["load_s"] = round(time.perf_counter() - t, 1)
        out["floor_s"] = round(floor_query(), 2)
        db.session.commit()
        t = time.perf_counter()
        full = aggregate(full=True)
        db.session.commit()
        out["full_s"] = round(time.perf_counter() - t, 2)
        out["full_parts"] = {k: round(v, 2) for k, v in full.seconds.items()}
        out["rows"] = full.rows
        out["ratio_full_to_floor"] = round(out["full_s"] / out["floor_s"], 1)
        last = FIRST_MONTH + MONTHS - 1
        r, a = generate(1000, leaves, size + 1, (last, last), seed=99)
        bulk_load(r, a)
        mark_dirty((row[1], row[3].replace(tzinfo=UTC)) for row in r)
        db.session.commit()
        t = time.perf_counter()
        inc = aggregate()
        db.session.commit()
        out["incremental_s"] = round(time.perf_counter() - t, 2)
        out["incremental_parts"] = {k: round(v, 2) for k, v in inc.seconds.items()}
        out["incremental_rows"] = inc.rows
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per run")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))), flush=True)
        return
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            try:
                done = subprocess.run([sys.executable, __file__, "--one", backend, str(size)],
                                      capture_output=True, text=True, timeout=args.timeout,
                                      env={**os.environ, "PULSE_DEMO": "1"})
                line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
                print(line or json.dumps({"backend": backend, "responses": size,
                                          "error": done.stderr[-800:]}), flush=True)
            except subprocess.TimeoutExpired:
                print(json.dumps({"backend": backend, "responses": size,
                                  "error": f"over {args.timeout}s"}), flush=True)


if __name__ == "__main__":
    main()
