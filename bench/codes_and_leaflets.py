"""Benchmark: issuing single-use codes and printing coded leaflets, each beside a baseline.

    python bench/codes_and_leaflets.py [--codes 5000] [--leaflets 1000] [--postgres URL]

- issue: ``issue_codes`` (keyed hashes, one bulk INSERT) against the baseline of one ORM add
  and flush per code, on a fresh database (SQLite in a temporary folder, or PostgreSQL in a
  throw-away schema when --postgres is given); compared as codes per second.
- print: ``code_sheets`` (lines broken once per run, one QR image) against the baseline of
  breaking every sentence and drawing the QR code again for every leaflet, on a tenth as
  many leaflets; compared as milliseconds per leaflet.
Prints the figures; record them in bench/RESULTS.md with the machine and date.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@contextmanager
def database(postgres: str | None, folder: str) -> Iterator[str]:
    if not postgres:
        yield "sqlite:///" + os.path.join(folder, "bench.db")
        return
    from tests.support import postgres_schema

    with postgres_schema(postgres, "bench") as url:
        yield url


def bench_issue(url: str, n: int, n_baseline: int) -> dict:
    from flask_migrate import upgrade

    from pulse import create_app
    from pulse.areas.operations import ensure_area
    from pulse.codes.operations import issue_codes
    from pulse.extensions import db
    from pulse.models import AccessCode
    from surveys.access_codes import code_hash, new_code

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        area = ensure_area("E05000437", "Bellingham", "ward")
        db.session.commit()
        secret = app.config["SECRET_KEY"]

        start = time.perf_counter()
        issue_codes(area, n, secret)
        db.session.commit()
        bulk = time.perf_counter() - start

        start = time.perf_counter()
        for _ in range(n_baseline):
            db.session.add(AccessCode(area=area, code_hash=code_hash(secret, new_code()),
                                      issued_at=datetime.now(UTC)))
            db.session.flush()
        db.session.commit()
        baseline = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    return {"bulk_per_s": n / bulk, "baseline_per_s": n_baseline / baseline, "bulk_s": bulk}


def bench_print(n: int, n_baseline: int) -> dict:
    from pulse.distribution import printed
    from pulse.distribution.qr import qr_png
    from surveys.access_codes import new_code

    material = printed.Material(
        "cy", "E05000437", "Bellingham", "Eich cymdogaeth: diogelwch a phlismona",
        "https://pulse.example.org/s/E05000437/code?via=qr&lang=cy",
        "pulse.example.org/s/E05000437/code", None, True)
    codes = [new_code() for _ in range(n)]

    start = time.perf_counter()
    data = printed.code_sheets(material, codes)
    fast = time.perf_counter() - start

    # The baseline: no reuse at all, as a straightforward layout would do it.
    cached_wrap, cached_qr = printed._wrapped, printed.qr_png
    printed._wrapped = lambda pdf, words, width: pdf.multi_cell(
        width, 1, words, align="C", dry_run=True, output="LINES")
    printed.qr_png = qr_png.__wrapped__
    try:
        start = time.perf_counter()
        printed.code_sheets(material, codes[:n_baseline])
        slow = time.perf_counter() - start
    finally:
        printed._wrapped, printed.qr_png = cached_wrap, cached_qr
    return {"ms_per_leaflet": fast / n * 1000, "baseline_ms_per_leaflet": slow / n_baseline * 1000,
            "seconds": fast, "pages": -(-n // 4), "kib": len(data) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=5000)
    parser.add_argument("--leaflets", type=int, default=1000)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    print(f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as folder:
        with database(args.postgres, folder) as url:
            issued = bench_issue(url, args.codes, max(1, args.codes // 5))
    backend = "postgresql" if args.postgres else "sqlite"
    print(f"issue {args.codes} codes ({backend}): {issued['bulk_per_s']:,.0f} codes/s "
          f"({issued['bulk_s']:.2f} s); baseline add+flush per code: "
          f"{issued['baseline_per_s']:,.0f} codes/s; ratio "
          f"{issued['bulk_per_s'] / issued['baseline_per_s']:.1f}x")
    printed_ = bench_print(args.leaflets, max(1, args.leaflets // 10))
    print(f"print {args.leaflets} coded leaflets: {printed_['seconds']:.1f} s, "
          f"{printed_['ms_per_leaflet']:.1f} ms/leaflet, {printed_['pages']} A4 sheets, "
          f"{printed_['kib']:,.0f} KiB; baseline without reuse: "
          f"{printed_['baseline_ms_per_leaflet']:.1f} ms/leaflet; ratio "
          f"{printed_['baseline_ms_per_leaflet'] / printed_['ms_per_leaflet']:.1f}x")


if __name__ == "__main__":
    main()
