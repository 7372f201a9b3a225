"""The garbage collector's pauses inside survey submits, with and without ``gc.freeze()``.

    python -m bench.gc_pauses [--submits 1500] [--backend sqlite|postgresql]

A worker holds everything the application loaded (Flask, SQLAlchemy, scikit-learn, the
safeguarding screen): a collection of the oldest generation walks all of it, and that pause
lands inside whichever request is running. gunicorn.conf.py freezes what a worker has loaded
once it is ready (``post_worker_init``). This runs the same complete, valid submits as
bench/submit_parts.py through Flask's test client in one process, first as loaded, then after
``gc.freeze()``, and prints every collection's count, total and longest pause per generation.
"""
from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import submit
from .submit_parts import Runner, _apps
from .timing import print_header


class Pauses:
    """Each collection's wall time, by generation, while installed as a gc callback."""

    def __init__(self) -> None:
        self.started = 0.0
        self.ms: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.ms[info["generation"]].append((time.perf_counter() - self.started) * 1000)


def measure(runner: Runner, submits: int) -> Pauses:
    forms = runner.forms(submits)          # the GETs before, outside the measurement
    pauses = Pauses()
    gc.callbacks.append(pauses)
    try:
        for client, data in forms:
            if client.post(runner.path, data=data).status_code != 302:
                raise RuntimeError("survey POST failed")
    finally:
        gc.callbacks.remove(pauses)
    return pauses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--submits", type=int, default=1500)
    parser.add_argument("--pg-url", default=os.environ.get("PULSE_BENCH_DATABASE_URL",
                                                           submit.DEFAULT_PG))
    args = parser.parse_args(argv)
    print_header("bench.gc_pauses")
    workdir = Path(tempfile.mkdtemp(prefix="pulse-gc-"))
    url, cleanup = submit.prepare_database(args.backend, workdir, args.pg_url)
    try:
        runner = Runner(*_apps(url))
        runner.run_survey(100)            # warm every path, as a worker does after its start
        print(f"{args.backend}, {args.submits} submits in one process; objects tracked by the "
              f"collector after warm-up: {len(gc.get_objects()):,}\n")
        print("| | generation | collections | total ms | longest ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label in ("as loaded", "after gc.freeze()"):
            if label != "as loaded":
                gc.freeze()
            pauses = measure(runner, args.submits)
            for generation, ms in pauses.ms.items():
                print(f"| {label} | {generation} | {len(ms)} | {sum(ms):.1f} | "
                      f"{max(ms, default=0.0):.1f} |")
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
