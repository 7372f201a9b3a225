"""What the request-timing benchmarks share: the clock, the p50/p99 line, the header, a PG schema.

bench.auth, bench.dashboard and bench.api print the same kind of figures; keeping the helpers in
one place keeps their lines alike, so RESULTS.md compares like with like.
"""
from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(fn, n: int) -> list[float]:
    """Call ``fn`` ``n`` times; each call's wall time in milliseconds."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(round(0.99 * (len(ms) - 1))))]
    print(f"  {label:<44} p50 {statistics.median(ms):8.3f} ms   p99 {p99:8.3f} ms   (n={len(ms)})")


def print_header(name: str) -> None:
    """The first line of a run: which benchmark, on what machine, when (RESULTS.md quotes it)."""
    print(f"{name} on {platform.node()} ({platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cpus), Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """A database URL on a fresh schema of the test PostgreSQL, dropped afterwards.

    A schema of its own per run, so a benchmark never touches the tests' tables.
    """
    from tests.support import postgres_schema as fresh_schema

    with fresh_schema(os.environ.get("PULSE_TEST_DATABASE_URL", DEFAULT_PG), prefix) as url:
        yield url
