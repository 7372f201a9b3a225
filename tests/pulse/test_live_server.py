"""The resident journey once more, over real HTTP, against gunicorn as production runs it.

gunicorn serves ``wsgi:app`` with the repository's gunicorn.conf.py and 2 workers on a free
loopback port, on the test database of each backend. Every wait is bounded, and the server is
always stopped.
"""
from __future__ import annotations

import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from pulse.extensions import db
from pulse.models import Response
from tests.faults.clients import Browser
from tests.support import GOOD_ANSWERS, form_tokens

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
STOP_TIMEOUT = 15
# Generous: the first answer a worker stores loads the comment screening model.
REQUEST_TIMEOUT = 60

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, base: str, log: Path) -> None:
        self.process, self.base, self.log = process, base, log

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def wait_for_log(self, marker: str) -> list[str]:
        """The log once a line with ``marker`` is in it (a worker logs after it replies)."""
        deadline = time.monotonic() + REQUEST_TIMEOUT
        while time.monotonic() < deadline:
            lines = self.log_lines()
            if any(marker in line for line in lines):
                return lines
            time.sleep(0.1)
        raise AssertionError(f"{marker!r} never reached the log")


def _wait_healthy(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy:\n" + log.read_text(errors="replace")[-3000:])


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """One gunicorn per backend for this module; each test brings its own data."""
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        **os.environ,
        "SECRET_KEY": "live-test-" + os.urandom(16).hex(),
        "DATABASE_URL": database_url,
        "PULSE_BIND": f"127.0.0.1:{port}",
        "PULSE_WORKERS": "2",
        "PULSE_DEMO": "",
        "REDIS_URL": "",
        "PULSE_ACCESS_LOG": "-",
        "PULSE_ERROR_LOG": "-",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(process, base, log)
        yield Server(process, base, log)
    finally:
        _stop(process)


def test_resident_journey_over_http(app, survey_area, server):
    browser = Browser(server.base, REQUEST_TIMEOUT)
    status, _, page = browser.request("/s/?q=Bell")
    assert status == 200 and f'href="/s/{survey_area.ward}"' in page

    status, _, page = browser.request(f"/s/{survey_area.ward}")
    assert status == 200 and "Bellingham" in page
    # The consent button is a GET form to the questions.
    consent = re.search(r'<form method="get" action="([^"]+)">\s*'
                        r'<input type="hidden" name="consent" value="yes">', page)
    assert consent and consent.group(1) == f"/s/{survey_area.ward}/questions"

    status, _, page = browser.request(consent.group(1) + "?consent=yes")
    assert status == 200
    tokens = form_tokens(page)
    assert {"csrf_token", "started"} <= set(tokens)

    status, _, page = browser.request(f"/s/{survey_area.ward}/questions",
                                      {**tokens, **GOOD_ANSWERS, "safe_night": "12"})
    assert status == 422
    assert "Choose a value from 0-10." in page
    assert 'name="safe_day" value="8" checked' in page

    status, headers, _ = browser.request(f"/s/{survey_area.ward}/questions",
                                         {**form_tokens(page), **GOOD_ANSWERS})
    assert status == 302
    assert headers["Location"].endswith(f"/s/{survey_area.ward}/thanks")
    status, _, page = browser.request(f"/s/{survey_area.ward}/thanks")
    assert status == 200

    # The same browser cannot answer twice, over real HTTP too.
    status, _, _ = browser.request(f"/s/{survey_area.ward}/questions?consent=yes")
    assert status == 409

    with app.app_context():
        response = db.session.scalar(select(Response))
        answers = {a.question.code: a for a in response.answers}
    assert response.channel == "web" and response.device_hash
    assert answers["safe_night"].value == 5 and answers["top_issue"].text == GOOD_ANSWERS["top_issue"]


def test_bad_input_over_http(survey_area, server):
    browser = Browser(server.base, REQUEST_TIMEOUT)
    tokens = form_tokens(browser.request(f"/s/{survey_area.ward}/questions?consent=yes")[2])
    status, _, page = browser.request(f"/s/{survey_area.ward}/questions",
                                      {**tokens, **GOOD_ANSWERS, "top_issue": "x" * 70_000})
    assert status == 413 and "too much to send" in page
    assert browser.request("/s/NOPE999")[0] == 404


def test_access_log_holds_no_address_and_no_query(survey_area, server):
    browser = Browser(server.base, REQUEST_TIMEOUT)
    secret = "51.4512345"
    browser.request(f"/s/{survey_area.ward}/questions?consent=yes&lat={secret}")
    # A malformed request makes gunicorn itself log "Invalid request from ip=...".
    with socket.create_connection(("127.0.0.1", int(server.base.rsplit(":", 1)[1])),
                                  timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(f"GET /s/x?lat={secret} HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n".encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 400")
    marker = f'"GET /s/{survey_area.ward}/questions"'
    server.wait_for_log(marker)
    lines = server.wait_for_log("Invalid request from")
    access = [line for line in lines if marker in line]
    assert access and " 200 " in access[0]
    assert all("127.0.0.1" not in line and "?" not in line for line in access)
    assert not any(secret in line for line in lines)
    assert not any("ip=127.0.0.1" in line for line in lines)
    assert any("Invalid request from ip=-" in line for line in lines)


def test_gunicorn_opens_no_shared_control_socket(server, monkeypatch):
    """gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl unless told not to, one
    path for every server of the user: the production settings turn it off unless
    PULSE_CONTROL_SOCKET names a path of the server's own."""
    monkeypatch.delenv("PULSE_CONTROL_SOCKET", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["control_socket_disable"] is True
    monkeypatch.setenv("PULSE_CONTROL_SOCKET", "/run/pulse/gunicorn.ctl")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["control_socket_disable"] is False
    assert settings["control_socket"] == "/run/pulse/gunicorn.ctl"
    # The server running these tests says nothing of one (the master logs it once it is up).
    lines = server.wait_for_log("Booting worker")
    assert not any("Control socket" in line for line in lines), lines
