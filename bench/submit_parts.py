"""Where a survey submit's server time goes, set against the ceiling in the same process.

    python -m bench.submit_parts                    # SQLite and PostgreSQL
    python -m bench.submit_parts --backend sqlite --rounds 9 --per-round 200

bench/submit.py measures the whole server under gunicorn. This one takes the requests apart
in one process, through Flask's test client, with CPU time (``time.process_time``) rather than
wall time, so that a machine shared with other work moves every figure alike. In interleaved
rounds it times:

* **ceiling** — bench/ceiling_app.py's ``POST /insert`` (a bare Flask app, one INSERT);
* **pulse, one SELECT** — the product's own ``GET /healthz``: everything the application does
  for any request (its extensions, hooks, session, security headers) plus one statement;
* **survey submit** — a complete, valid ``POST /s/<ward>/questions``, as in bench/submit.py.

Then a cProfile of the survey submits gives each part's inclusive share. The two first rows
say how much of the 60 %-of-the-ceiling allowance the application's fixed per-request work
uses up before a submit does anything of its own.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import submit
from .timing import print_header

#: (label, [(file fragment, function name)]) — inclusive time of each; parts may nest.
PARTS = [
    ("rate limiter (Flask-Limiter, both checks)", [("flask_limiter", "_check_request_limit")]),
    ("session cookie read (the CSRF token lives there)", [("flask/sessions", "open_session")]),
    ("answers read and validated, CSRF checked", [("pulse/survey/forms", "valid_submission")]),
    ("timing token read", [("pulse/survey/tokens", "read_started_token")]),
    ("answered-cookie check and write", [("pulse/survey/tokens", "answered_keys"),
                                         ("pulse/survey/tokens", "remember_answered")]),
    ("all rows written (add_response), of which:", [("pulse/survey/operations", "add_response")]),
    ("· safeguarding screen of the comment", [("pulse/text/operations", "screen_comments")]),
    ("· redaction of the comment", [("analysis/text/redact", "redact")]),
    ("· estimates dirty mark (names the new response)",
     [("pulse/estimates/operations", "mark_added")]),
    ("commit", [("sqlalchemy/orm/scoping", "commit")]),
    ("response headers and cookies (Flask process_response)", [("flask/app", "process_response")]),
]


def _apps(url: str):
    from bench.ceiling_app import create_app as ceiling_app
    from bench.ceiling_app import make_engine, metadata
    from pulse import create_app

    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    os.environ["DATABASE_URL"] = url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 26,
                      "PULSE_SUBMIT_LIMIT": submit.BENCH_LIMIT})
    return ceiling_app(), app


class Runner:
    """The three kinds of request, each callable ``n`` times; returns CPU seconds spent."""

    path = f"/s/{submit.WARD}/questions"

    def __init__(self, ceiling, app) -> None:
        self.app = app
        self.ceiling = ceiling.test_client()
        self.health = app.test_client()

    def forms(self, n: int) -> list:
        """``n`` residents who have opened the questions page (tokens and cookies kept)."""
        out = []
        for _ in range(n):
            client = self.app.test_client()
            page = client.get(self.path + "?consent=yes").get_data(as_text=True)
            out.append((client, {**dict(submit.HIDDEN.findall(page)), **submit.ANSWERS}))
        return out

    def run_ceiling(self, n: int) -> float:
        start = time.process_time()
        for _ in range(n):
            if self.ceiling.post("/insert", data={"x": "a" * 40}).status_code != 302:
                raise RuntimeError("ceiling POST failed")
        return time.process_time() - start

    def run_health(self, n: int) -> float:
        start = time.process_time()
        for _ in range(n):
            if self.health.get("/healthz").status_code != 200:
                raise RuntimeError("healthz failed")
        return time.process_time() - start

    def post_forms(self, forms: list) -> None:
        """Send each resident's complete answers (from :meth:`forms`)."""
        for client, data in forms:
            reply = client.post(self.path, data=data)
            if reply.status_code != 302:
                raise RuntimeError(f"survey POST gave {reply.status_code}")

    def run_survey(self, n: int, profile: cProfile.Profile | None = None) -> float:
        forms = self.forms(n)            # the GETs are not timed
        if profile:
            profile.enable()
        start = time.process_time()
        self.post_forms(forms)
        spent = time.process_time() - start
        if profile:
            profile.disable()
        return spent


def shares(profile: cProfile.Profile) -> tuple[float, list[tuple[str, float]]]:
    """Total profiled seconds of the submits and each part's inclusive share of it."""
    stats = pstats.Stats(profile).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = max((cumulative for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers)
                 in stats.items() if name == "post" and "werkzeug" in file), default=0.0)
    out = []
    for label, wanted in PARTS:
        spent = sum(cumulative for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers)
                    in stats.items()
                    if any(fragment in file and name == fn for fragment, fn in wanted))
        out.append((label, spent / total if total else 0.0))
    return total, out


def measure(backend: str, args, workdir: Path) -> list[str]:
    url, cleanup = submit.prepare_database(backend, workdir, args.pg_url)
    try:
        runner = Runner(*_apps(url))
        kinds = {"ceiling (bare Flask, one INSERT)": runner.run_ceiling,
                 "pulse, one SELECT (GET /healthz)": runner.run_health,
                 "survey submit (POST, 13 answers)": runner.run_survey}
        for run in kinds.values():       # warm every path: compiled statements, caches
            run(50)
        ms = {name: [] for name in kinds}
        for _ in range(args.rounds):
            for name, run in kinds.items():
                ms[name].append(run(args.per_round) / args.per_round * 1000)
        profile = cProfile.Profile()
        runner.run_survey(args.per_round, profile)
        total, parts = shares(profile)
    finally:
        cleanup()
    ceiling = statistics.median(ms["ceiling (bare Flask, one INSERT)"])
    lines = [f"**{backend}** — CPU ms per request, median of {args.rounds} interleaved rounds of "
             f"{args.per_round} (min–max):", "",
             "| request | CPU ms | × ceiling | ceiling ÷ it |", "| --- | ---: | ---: | ---: |"]
    for name, values in ms.items():
        median = statistics.median(values)
        lines.append(f"| {name} (min {min(values):.2f}, max {max(values):.2f}) | {median:.3f} | "
                     f"{median / ceiling:.2f} | {ceiling / median:.0%} |")
    lines += ["", f"A survey submit at 60 % of the ceiling could cost {ceiling / 0.6:.2f} ms.", "",
              f"Inclusive shares of {args.per_round} profiled submits ({total:.2f} s under "
              "cProfile, which inflates small calls; read the shares, not the seconds):", "",
              "| part | share |", "| --- | ---: |"]
    lines += [f"| {label} | {share:.1%} |" for label, share in parts]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=150)
    parser.add_argument("--pg-url", default=os.environ.get("PULSE_BENCH_DATABASE_URL",
                                                           submit.DEFAULT_PG))
    args = parser.parse_args(argv)
    print_header("bench.submit_parts")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    workdir = Path(tempfile.mkdtemp(prefix="pulse-parts-"))
    out = []
    try:
        for backend in backends:
            out += measure(backend, args, workdir) + [""]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}\n")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
