"""Helpers shared by the fault tests: gunicorn as production runs it, and what it stored."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Answer, Response
from tests.faults.clients import thanked
from tests.pulse.test_live_server import _stop, _wait_healthy, free_port

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "acknowledged_keys", "answers_per_response", "responses_per_key",
           "start_gunicorn", "stop", "stored", "worker_pids"]

stop = _stop


def start_gunicorn(database_url: str, log: Path, secret: str, **extra: str):
    """gunicorn (2 workers unless ``PULSE_WORKERS`` says otherwise) on a free loopback port."""
    port = free_port()
    env = {**os.environ, "SECRET_KEY": secret, "DATABASE_URL": database_url,
           "PULSE_BIND": f"127.0.0.1:{port}", "PULSE_WORKERS": "2", "PULSE_DEMO": "",
           "REDIS_URL": "", "PULSE_ACCESS_LOG": "-", "PULSE_ERROR_LOG": "-",
           # Every client is 127.0.0.1; the per-address limit is not what is under test here.
           "PULSE_SUBMIT_LIMIT": "10000 per minute", **extra}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(process, base, log)
    except BaseException:
        _stop(process)
        raise
    return process, base


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Field 4 (after the parenthesised command name) is the parent pid.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def acknowledged_keys(secret: str, results) -> list[str]:
    """The submission keys of the answers the resident was thanked for.

    ``results`` holds (started token, status, Location) triples from tests.faults.clients.
    """
    serializer = URLSafeTimedSerializer(secret, salt="pulse-started")
    return [serializer.loads(token) for token, status, location in results
            if thanked(status, location)]


def responses_per_key(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(
            select(Response.submission_key, func.count()).group_by(Response.submission_key)).all())


def answers_per_response(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(
            select(Response.id, func.count(Answer.id)).outerjoin(Answer)
            .group_by(Response.id)).all())
