"""Instructions per request, counted by valgrind: the survey submit against the ceiling.

    python -m bench.submit_instructions                      # SQLite and PostgreSQL
    python -m bench.submit_instructions --backend sqlite --requests 200

bench/submit.py and bench/submit_parts.py time the submit; on this shared two-core machine the
same code's CPU per submit has moved by half from one run to the next, minutes apart, and the
ceiling's by a fifth, so a change of a few per cent cannot be seen in them. This counts
instructions instead (callgrind), which do not depend on what else the machine is doing: the
same requests as bench.submit_parts (bench/ceiling_app.py's one-row INSERT, the product's
``GET /healthz``, a complete valid survey ``POST``), through Flask's test client in one Python
process run under ``valgrind --tool=callgrind``. Instrumentation is off while Python imports and
warms up; each kind of request is counted alone between callgrind's own start and stop requests
(a ten-line C shim, compiled here with the machine's gcc against valgrind's callgrind.h, called
through ctypes), and the questions pages that give the submits their tokens are fetched outside
the counted window.

What it counts is the application's own process. PostgreSQL's server work and the HTTP server
around a request under gunicorn are not in it (both add the same kind of cost to the ceiling and
the submit alike, so under gunicorn the submit's share of the ceiling is higher than the ratio
here). It is the figure to compare one revision of the submit path with another.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import submit
from .timing import print_header

SHIM = r"""
#include <valgrind/callgrind.h>
/* Zeroed after instrumentation starts and dumped before it stops: the other way round, the
   labelled dump's totals read 0. */
void pulse_cg_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void pulse_cg_stop(const char *label) { CALLGRIND_DUMP_STATS_AT(label); CALLGRIND_STOP_INSTRUMENTATION; }
"""
KINDS = ("ceiling", "healthz", "survey")
LABELS = {"ceiling": "ceiling (bare Flask, one INSERT)",
          "healthz": "pulse, one SELECT (GET /healthz)",
          "survey": "survey submit (POST, 13 answers)"}
WARM = 30


def build_shim(workdir: Path) -> Path:
    """The shim as a shared library; a clear message if gcc or valgrind's header is missing."""
    header = Path("/usr/include/valgrind/callgrind.h")
    if not header.exists() or not shutil.which("gcc") or not shutil.which("valgrind"):
        raise SystemExit("bench.submit_instructions needs valgrind (with callgrind.h) and gcc: "
                         "apt-get install valgrind gcc")
    source, library = workdir / "cgshim.c", workdir / "cgshim.so"
    source.write_text(SHIM)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
                   check=True)
    return library


# --- inside valgrind -------------------------------------------------------------------------

def child(url: str, requests: int, library: str) -> None:
    """Warm every path, then count each kind of request alone (called under callgrind)."""
    from .submit_parts import Runner, _apps

    shim = ctypes.CDLL(library)
    runner = Runner(*_apps(url))
    runner.run_ceiling(WARM), runner.run_health(WARM), runner.run_survey(WARM)

    forms = runner.forms(requests)       # the questions pages: not counted
    kinds = (("ceiling", lambda: runner.run_ceiling(requests)),
             ("healthz", lambda: runner.run_health(requests)),
             ("survey", lambda: runner.post_forms(forms)))
    for kind, run in kinds:
        shim.pulse_cg_start()
        run()
        shim.pulse_cg_stop(kind.encode())


# --- outside ---------------------------------------------------------------------------------

def count(backend: str, url: str, requests: int, library: Path, workdir: Path) -> dict[str, int]:
    """Run the child under callgrind; instructions of each kind, from its labelled dumps."""
    out = workdir / f"cg-{backend}"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(submit.ROOT), "PYTHONHASHSEED": "0"}
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no",
         f"--callgrind-out-file={out}/callgrind.out", sys.executable, "-m",
         "bench.submit_instructions", "--child", url, str(requests), str(library)],
        cwd=submit.ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    found: dict[str, int] = {}
    for dump in out.iterdir():
        text = dump.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
        totals = re.search(r"^(?:totals|summary): (\d+)", text, re.M)
        if trigger and totals and trigger.group(1) in KINDS:
            found[trigger.group(1)] = int(totals.group(1))
    if set(found) != set(KINDS):
        raise SystemExit(f"callgrind dumps missing for {sorted(set(KINDS) - set(found))}")
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1], int(argv[2]), argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100,
                        help="requests of each kind counted (default 100)")
    parser.add_argument("--pg-url", default=os.environ.get("PULSE_BENCH_DATABASE_URL",
                                                           submit.DEFAULT_PG))
    args = parser.parse_args(argv)
    print_header("bench.submit_instructions")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=submit.ROOT,
                            capture_output=True, text=True).stdout.strip()
    print(f"code at {commit or 'unknown'}; {args.requests} requests of each kind, "
          f"after {WARM} of each to warm every path\n")
    workdir = Path(tempfile.mkdtemp(prefix="pulse-instr-"))
    try:
        library = build_shim(workdir)
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            url, cleanup = submit.prepare_database(backend, workdir, args.pg_url)
            try:
                found = count(backend, url, args.requests, library, workdir)
            finally:
                cleanup()
            ceiling = found["ceiling"] / args.requests
            print(f"**{backend}** — instructions per request (millions), this process only:\n")
            print("| request | M instructions | × ceiling | ceiling ÷ it |")
            print("| --- | ---: | ---: | ---: |")
            for kind in KINDS:
                each = found[kind] / args.requests
                print(f"| {LABELS[kind]} | {each / 1e6:.3f} | {each / ceiling:.2f} | "
                      f"{ceiling / each:.0%} |")
            print(f"\nA submit at 60 % of the ceiling could take {ceiling / 0.6 / 1e6:.2f} M.\n")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
