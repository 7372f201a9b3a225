"""Survey submissions per second under gunicorn, beside a bare one-row insert (the ceiling).

    python -m bench.submit                       # SQLite and PostgreSQL, 20 s each
    python -m bench.submit --backend sqlite --seconds 10
    python -m bench.submit --threads 2           # threaded workers instead of the default
    python -m bench.submit --seconds 10 --repeat 3   # ceiling and survey alternating, medians

For each backend, in one run: gunicorn (repository gunicorn.conf.py, 2 workers) serves the
ceiling app (bench/ceiling_app.py) and then the real survey (wsgi:app), one at a time, on a free
loopback port. Each simulated resident GETs the questions page (for its CSRF token, timing token
and cookies) and later POSTs a complete, valid set of answers with them. The two steps run as
phases, N concurrent clients each: first the GETs (timed and reported on their own), then the
POSTs of those forms, so that submissions per second measure the submit alone and not the page
rendering around it. The ceiling does the same against a tiny page and a one-row INSERT. The
submit rate limit is raised for the run through PULSE_SUBMIT_LIMIT (every client is 127.0.0.1).
With ``--repeat N`` the pair runs N times, alternating, and the report adds the median ratio
and p99: on a shared machine one pair moves by a third from run to run.
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARD = "E05000437"
ANSWERS = {
    "safe_day": "8", "safe_night": "5", "respect": "7", "listen": "6", "fair": "6",
    "relied_on": "4", "things_that_matter": "3", "informed": "dk", "good_job": "4",
    "top_issue": "Better lighting on the path by the station",
    "age_band": "35-44", "sex": "female", "ethnicity": "prefer_not",
}
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|started|via)"[^>]*value="([^"]*)"')
BENCH_LIMIT = "1000000 per minute"


# --- databases -------------------------------------------------------------------------------

def prepare_database(kind: str, workdir: Path, pg_url: str) -> tuple[str, callable]:
    """Migrate a fresh database, add the core instrument, a ward and an open wave."""
    if kind == "sqlite":
        url = "sqlite:///" + str(workdir / "bench.db")
        cleanup = lambda: None  # noqa: E731  (the directory goes with the run)
    else:
        from contextlib import ExitStack

        from tests.support import postgres_schema

        schema = ExitStack()
        url = schema.enter_context(postgres_schema(pg_url, "pulse_bench"))
        cleanup = schema.close

    from flask_migrate import upgrade

    from pulse import create_app
    from pulse.areas.operations import ensure_area, open_wave
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core

    from .ceiling_app import make_engine, metadata

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": uuid.uuid4().hex})
    with app.app_context():
        upgrade()
        version = ensure_core()
        borough = ensure_area("E09000023", "Lewisham", "borough")
        ensure_area(WARD, "Bellingham", "ward", borough)
        open_wave(borough, version.instrument, name="Bench",
                  opens_at=datetime.now(UTC) - timedelta(days=1))
        db.session.commit()
        db.engine.dispose()
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return url, cleanup


def count_rows(url: str) -> tuple[int, int, int]:
    """(responses, answers, ceiling rows) now in the database."""
    from sqlalchemy import text

    from .ceiling_app import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        out = tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                    for t in ("response", "answer", "bench_ceiling"))
    engine.dispose()
    return out  # type: ignore[return-value]


# --- servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, target: str, url: str, workers: int, log: Path, extra_env: dict) -> None:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex,
               "PULSE_BIND": f"127.0.0.1:{self.port}", "PULSE_WORKERS": str(workers),
               "PULSE_SUBMIT_LIMIT": BENCH_LIMIT, "PULSE_DEMO": "", **extra_env}
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                # No recycling during a run (gunicorn.conf.py: every 5000 requests or so): at
                # a thousand requests a second a worker would be replaced mid-phase, and the
                # new one's start-up would be billed to the requests measured.
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                 "--max-requests", "0", target],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log.read_text()[-3000:])
            try:
                status, _, _ = request("GET", self.port, "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


# --- clients ---------------------------------------------------------------------------------

def request(method: str, port: int, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.getheaders(), reply.read()
    finally:
        conn.close()


def cookies_of(headers: list[tuple[str, str]]) -> str:
    return "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")


@dataclass
class Tally:
    ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def timed(method: str, port: int, path: str, body: bytes | None = None,
          headers: dict | None = None) -> tuple[float, int, list, bytes]:
    t0 = time.perf_counter()
    status, reply_headers, page = request(method, port, path, body, headers)
    return (time.perf_counter() - t0) * 1000, status, reply_headers, page


class Survey:
    """A resident: GET the questions (tokens, cookies), later POST the answers."""

    path = f"/s/{WARD}/questions"

    def get(self, port: int) -> tuple[float, str | None, object]:
        ms, status, headers, page = timed("GET", port, self.path + "?consent=yes")
        if status != 200:
            return ms, f"GET {status}", None
        form = dict(HIDDEN.findall(page.decode()))
        body = urllib.parse.urlencode({**form, **ANSWERS}).encode()
        return ms, None, (body, cookies_of(headers))

    def post(self, port: int, prepared) -> tuple[float, str | None]:
        body, cookies = prepared
        ms, status, _, _ = timed("POST", port, self.path, body, {
            "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
        return ms, None if status == 302 else f"POST {status}"


class Ceiling:
    """The same two steps against the bare app: a tiny page, then one row."""

    def get(self, port: int) -> tuple[float, str | None, object]:
        ms, status, _, _ = timed("GET", port, "/form")
        return ms, None if status == 200 else f"GET {status}", b"x=" + b"a" * 40

    def post(self, port: int, prepared) -> tuple[float, str | None]:
        ms, status, _, _ = timed("POST", port, "/insert", prepared,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        return ms, None if status == 302 else f"POST {status}"


def run_clients(clients: int, seconds: float, step) -> tuple[Tally, float]:
    """Run ``clients`` threads calling ``step()`` until the time is up or it returns False."""
    tally, lock = Tally(), threading.Lock()
    stop_at = time.monotonic() + seconds
    began = time.monotonic()

    def client() -> None:
        while time.monotonic() < stop_at:
            try:
                outcome = step()
            except OSError as err:
                outcome = (0.0, type(err).__name__)
            if outcome is None:
                return
            ms, error = outcome
            with lock:
                if error:
                    tally.error(error)
                else:
                    tally.ms.append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    return tally, time.monotonic() - began


def workers_cpu(master_pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's worker processes.

    On a machine shared with other work, requests per second measure the neighbours as much
    as the code; the server's own CPU time per request does not (much), so it is reported too.
    Live workers are read from their own /proc stat; a worker that has exited and been reaped
    (recycled, or restarted after a crash) is counted through the master's cutime/cstime,
    where the kernel adds a child's CPU time when its parent waits for it. Summing live
    workers alone lost every exited worker's time, and printed negative figures.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master_pid:          # ppid
            total += (int(fields[11]) + int(fields[12])) / tick   # utime + stime
    fields = Path(f"/proc/{master_pid}/stat").read_text().rsplit(")", 1)[1].split()
    return total + (int(fields[13]) + int(fields[14])) / tick     # cutime + cstime


def worker_pids(master_pid: int) -> set[int]:
    """The master's live worker processes (to tell whether one was replaced meanwhile)."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master_pid:
            pids.add(int(stat.parent.name))
    return pids


def load(app, port: int, clients: int, warmup: float, seconds: float, cpu=lambda: 0.0,
         pids=lambda: set()):
    """GET phase, then POST phase, each by ``clients`` concurrent clients."""
    prepared: list = []
    plock = threading.Lock()

    def get_step():
        ms, error, item = app.get(port)
        if item is not None:
            with plock:
                prepared.append(item)
        return ms, error

    def post_step():
        with plock:
            if not prepared:
                return None
            item = prepared.pop()
        return app.post(port, item)

    run_clients(clients, warmup, get_step)          # warm-up: not counted,
    run_clients(clients, warmup, post_step)         # and the forms it used are spent
    prepared.clear()
    gets, get_s = run_clients(clients, seconds, get_step)
    pids_before, cpu_before = pids(), cpu()
    posts, post_s = run_clients(clients, seconds, post_step)
    posts.cpu_s = cpu() - cpu_before
    if pids() != pids_before:
        print("    (a worker was replaced during the POST phase: its start-up is in the CPU figure)")
    if not prepared:
        print("    (every prepared form was sent before the time was up)")
    return gets, get_s, posts, post_s


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass
class Result:
    backend: str
    app: str
    rate: float
    post_p50: float
    post_p99: float
    get_rate: float
    get_p50: float
    get_p99: float
    posts: int
    errors: dict
    post_cpu_ms: float = float("nan")


def measure(name: str, target: str, app, backend: str, url: str, args, workdir: Path,
            extra_env: dict) -> Result:
    server = Gunicorn(target, url, args.workers, workdir / f"{backend}-{name}.log", extra_env)
    try:
        server.wait_ready()
        gets, get_s, posts, post_s = load(app, server.port, args.clients, args.warmup,
                                          args.seconds, lambda: workers_cpu(server.process.pid),
                                          lambda: worker_pids(server.process.pid))
    finally:
        server.stop()
    errors = {**gets.errors, **posts.errors}
    result = Result(backend, name, len(posts.ms) / post_s, pct(posts.ms, 50), pct(posts.ms, 99),
                    len(gets.ms) / get_s, pct(gets.ms, 50), pct(gets.ms, 99), len(posts.ms),
                    errors,
                    posts.cpu_s * 1000 / max(1, len(posts.ms) + sum(posts.errors.values())))
    print(f"  {name:8} POST {result.rate:7.1f}/s p50 {result.post_p50:6.1f} ms "
          f"p99 {result.post_p99:6.1f} ms | GET {result.get_rate:7.1f}/s "
          f"p50 {result.get_p50:6.1f} ms p99 {result.get_p99:6.1f} ms "
          f"| server CPU {result.post_cpu_ms:.2f} ms/POST "
          f"({result.posts} POSTs, errors {errors})", flush=True)
    return result


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {os.cpu_count()}, {model}, Linux {platform.release()}, Python {platform.python_version()}"


def server_threads(extra_env: dict) -> int:
    """Threads per worker as gunicorn.conf.py sets them for the servers' environment."""
    import runpy

    if extra_env.get("PULSE_THREADS"):
        return int(extra_env["PULSE_THREADS"])
    return int(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"])


def markdown(results: list[Result], args, extra_env: dict) -> str:
    threads = server_threads(extra_env)
    # gunicorn turns its default synchronous worker into the threaded one when threads > 1.
    kind = "gthread" if threads > 1 else "sync"
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}",
        "",
        f"`python -m bench.submit --seconds {args.seconds:g} --clients {args.clients} "
        f"--workers {args.workers}"
        f"{f' --threads {args.threads}' if args.threads else ''}"
        f"{f' --repeat {args.repeat}' if args.repeat > 1 else ''}` — "
        f"gunicorn.conf.py, {args.workers} workers × {threads} "
        f"thread(s) ({kind} workers), {args.clients} clients on loopback; per app a {args.warmup:g} s warm-up, then "
        f"{args.seconds:g} s of GETs (each a new resident: tokens and cookies kept) and up to "
        f"{args.seconds:g} s of POSTs of those forms; PULSE_SUBMIT_LIMIT=\"{BENCH_LIMIT}\"; rate-limit "
        f"storage: {'Redis' if extra_env.get('REDIS_URL') else 'in-memory (per worker)'}.",
        "",
        "| backend | app | POST/s | POST p50 ms | POST p99 ms | server CPU ms/POST | GET/s | GET p50 ms | GET p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        lines.append(f"| {r.backend} | {r.app} | {r.rate:.1f} | {r.post_p50:.1f} | "
                     f"{r.post_p99:.1f} | {r.post_cpu_ms:.2f} | {r.get_rate:.1f} | {r.get_p50:.1f} | "
                     f"{r.get_p99:.1f} | {sum(r.errors.values())} |")
    lines.append("")
    for backend in dict.fromkeys(r.backend for r in results):
        ceilings = [r for r in results if r.backend == backend and r.app == "ceiling"]
        surveys = [r for r in results if r.backend == backend and r.app == "survey"]
        pairs = list(zip(ceilings, surveys))       # in run order: each survey after its ceiling
        for ceiling, survey in pairs:
            lines.append(f"- {backend}: survey / ceiling = {survey.rate / ceiling.rate:.0%} "
                         f"(target ≥ 60%); survey POST p99 {survey.post_p99:.0f} ms "
                         f"(target < 100 ms); server CPU per POST: ceiling / survey = "
                         f"{ceiling.post_cpu_ms / survey.post_cpu_ms:.0%}")
        if len(pairs) > 1:
            ratios = [s.rate / c.rate for c, s in pairs]
            lines.append(f"- {backend}, median of {len(pairs)} pairs: survey / ceiling = "
                         f"{statistics.median(ratios):.0%} (range {min(ratios):.0%}–"
                         f"{max(ratios):.0%}); survey POST p99 "
                         f"{statistics.median(s.post_p99 for _, s in pairs):.0f} ms (range "
                         f"{min(s.post_p99 for _, s in pairs):.0f}–"
                         f"{max(s.post_p99 for _, s in pairs):.0f} ms)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default=os.environ.get("PULSE_BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--redis", metavar="URL", help="share rate limits through Redis")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="PULSE_THREADS for both servers (default: gunicorn.conf.py's)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run the ceiling and the survey N times each, alternating")
    args = parser.parse_args(argv)

    extra_env = {"REDIS_URL": args.redis or ""}
    if args.threads:
        extra_env["PULSE_THREADS"] = str(args.threads)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    try:
        for backend in backends:
            print(f"{backend}:", flush=True)
            url, cleanup = prepare_database(backend, workdir, args.pg_url)
            try:
                for _ in range(args.repeat):
                    results.append(measure("ceiling", "bench.ceiling_app:app", Ceiling(),
                                           backend, url, args, workdir, extra_env))
                    results.append(measure("survey", "wsgi:app", Survey(),
                                           backend, url, args, workdir, extra_env))
                responses, answers, rows = count_rows(url)
                print(f"  stored: {responses} responses, {answers} answers, {rows} ceiling rows")
            finally:
                cleanup()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(markdown(results, args, extra_env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
