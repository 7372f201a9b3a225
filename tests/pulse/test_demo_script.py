"""``make run``'s script (scripts/demo.sh) never serves or seeds a database named in the shell."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo.sh"


def test_the_demo_refuses_a_database_url_left_in_the_shell(tmp_path):
    elsewhere = tmp_path / "real.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{elsewhere}", "PULSE_PORT": "5198"}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "DATABASE_URL is set in this shell" in done.stderr
    assert "unset DATABASE_URL" in done.stderr
    assert not elsewhere.exists()          # nothing migrated, seeded or served there
    assert done.stdout == ""               # and no server announced
