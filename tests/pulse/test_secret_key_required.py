"""Outside the demo there is no default secret: the app, the flask command and gunicorn refuse to
start without SECRET_KEY, and say so in one line rather than behind a traceback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAYS = "SECRET_KEY is not set. Set the SECRET_KEY environment variable"

# The app also reads instance/pulse.cfg, which may set a key on a developer's machine.
pytestmark = pytest.mark.skipif((ROOT / "instance" / "pulse.cfg").exists(),
                                reason="instance/pulse.cfg exists and may set SECRET_KEY")


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PULSE_", "FLASK_")) and k not in ("SECRET_KEY", "REDIS_URL")}
    env.update(DATABASE_URL="sqlite:///" + str(tmp_path / "pulse.db"), PYTHONPATH=str(ROOT))
    return env


def test_the_factory_refuses_without_a_key(monkeypatch):
    from pulse import create_app
    from pulse.config import ConfigurationError

    for name in ("SECRET_KEY", "PULSE_DEMO"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match=SAYS) as refused:
        create_app()
    assert isinstance(refused.value, RuntimeError)


def test_the_flask_command_says_why_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "pulse", "db", "upgrade"],
                          cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: " + SAYS), done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "pulse.db").exists()


def test_gunicorn_stops_and_says_why(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = _env(tmp_path) | {"PULSE_BIND": f"127.0.0.1:{port}", "PULSE_WORKERS": "2"}
    done = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert SAYS in output and "App failed to load" in output, output
    # No worker prints a traceback. (When two workers fail at once, gunicorn 27 itself may print
    # one for its HaltServer while stopping the second: its race, after the reason is given.)
    assert "Exception in worker process" not in output and "pulse/config.py" not in output, output
