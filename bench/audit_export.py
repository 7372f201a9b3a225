"""The audit log's CSV download: rows a second, beside the way it read them before.

    python -m bench.audit_export                      # SQLite, 200,000 audit rows
    python -m bench.audit_export --rows 500000 --postgres --rounds 3

The download (/admin/audit/export.csv) streams in the request, and a synchronous gunicorn
worker is ended after 30 s of one request, so its rate says how large a log can be downloaded
whole. In one process, interleaved for --rounds rounds (medians of wall and CPU seconds), the
same CSV body (pulse.exports.writers.csv_chunks, every chunk consumed):

* **baseline** — the rows read as AuditEvent objects through the ORM, as the download did
  before (the same filter, order and ``yield_per``);
* **shipped** — ``pulse.admin.audit_log.csv_rows``, the download's own reader.

The two bodies are compared byte for byte first. Figures go to bench/RESULTS.md by hand.
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import postgres_schema, print_header  # noqa: E402

ACTIONS = ("export.estimates.csv", "export.comments.xlsx", "pack.area", "auth.login",
           "admin.user.update", "export.audit.csv")


def fill(rows: int) -> None:
    """``rows`` audit events over the last two years, in batches (inside an app context)."""
    from sqlalchemy import insert

    from pulse.extensions import db
    from pulse.models import AuditEvent

    start = datetime.now(UTC) - timedelta(days=730)
    step = timedelta(days=730) / max(1, rows)
    batch = []
    for i in range(rows):
        batch.append({"at": start + step * i, "user_id": None,
                      "actor": f"officer{i % 200}@force.example",
                      "action": ACTIONS[i % len(ACTIONS)],
                      "scope": f"E0500{i % 600:04d} 2026-{i % 12 + 1:02d}",
                      "rows": i % 5000, "detail": f"format=csv area=E0500{i % 600:04d}"})
        if len(batch) == 10_000:
            db.session.execute(insert(AuditEvent.__table__), batch)
            batch = []
    if batch:
        db.session.execute(insert(AuditEvent.__table__), batch)
    db.session.commit()


def orm_rows(f):
    """The reader the download used before: one AuditEvent object per row."""
    from pulse.admin.audit_log import statement
    from pulse.extensions import db

    stmt = statement(f).execution_options(yield_per=1000, stream_results=True)
    for event in db.session.scalars(stmt):
        yield (event.at.replace(tzinfo=None), event.actor, event.action, event.scope,
               event.rows, event.detail)


def body(rows) -> tuple[int, int, bytes]:
    """(rows, bytes) of the CSV body; the first 64 KB kept for the comparison."""
    from pulse.admin.audit_log import COLUMNS
    from pulse.exports.writers import Tally, csv_chunks

    tally, size, head = Tally(), 0, b""
    for chunk in csv_chunks(COLUMNS, rows, tally):
        data = chunk.encode()
        size += len(data)
        if len(head) < 65536:
            head += data
    return tally.rows, size, head[:65536]


def run(url: str, args) -> None:
    from flask_migrate import upgrade

    from pulse import create_app
    from pulse.admin.audit_log import LogFilter, csv_rows
    from pulse.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 26})
    with app.app_context():
        upgrade()
        clock = time.perf_counter()
        fill(args.rows)
        print(f"  {args.rows:,} audit rows written in {time.perf_counter() - clock:.1f} s")
        f = LogFilter()
        readers = {"baseline: AuditEvent objects": lambda: orm_rows(f),
                   "shipped: audit_log.csv_rows": lambda: csv_rows(f)}
        outputs = {name: body(read()) for name, read in readers.items()}
        db.session.rollback()
        if len(set(outputs.values())) != 1:
            raise SystemExit("the two readers gave different CSV bodies")
        print(f"  both bodies: {outputs[next(iter(outputs))][0]:,} rows, "
              f"{outputs[next(iter(outputs))][1] / 1e6:.1f} MB, identical")
        wall = {name: [] for name in readers}
        cpu = {name: [] for name in readers}
        for _ in range(args.rounds):
            for name, read in readers.items():
                w, c = time.perf_counter(), time.process_time()
                body(read())
                wall[name].append(time.perf_counter() - w)
                cpu[name].append(time.process_time() - c)
                db.session.rollback()
        base = statistics.median(wall[next(iter(readers))])
        for name in readers:
            median = statistics.median(wall[name])
            print(f"  {name:<32} wall {median:6.2f} s (min {min(wall[name]):.2f}, max "
                  f"{max(wall[name]):.2f})  CPU {statistics.median(cpu[name]):6.2f} s  "
                  f"{args.rows / median:9,.0f} rows/s  × baseline {median / base:.2f}")
        db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args(argv)
    print_header("bench.audit_export")
    with tempfile.TemporaryDirectory(prefix="pulse-audit-") as tmp:
        print("sqlite:")
        run("sqlite:///" + str(Path(tmp) / "audit.db"), args)
    if args.postgres:
        with contextlib.ExitStack() as stack:
            print("postgresql:")
            run(stack.enter_context(postgres_schema("pulse_bench_audit")), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
