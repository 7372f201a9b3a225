"""A PostgreSQL server of the test's own, so a test may stop it without touching anyone else's.

The machine's shared server is used by other tests and people at the same time: a test that
stops PostgreSQL stops this one. It lives in a fresh directory under the system temp folder,
listens on a free loopback port and on a socket in that directory, and trusts local
connections (nothing but loopback can reach it). PostgreSQL refuses to run as root, so as root
every command runs as the ``postgres`` system user (``runuser``), which owns the directory.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.pulse.test_live_server import free_port

COMMAND_TIMEOUT = 60


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, if any."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    found += [Path(p).parent for p in filter(None, [shutil.which("pg_ctl")])]
    found = [p for p in found if (p / "initdb").exists()]
    return max(found, key=lambda p: p.parts[-2]) if found else None


def _system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return "postgres"


class PrivatePostgres:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_user = _system_user()
        if os.geteuid() == 0 and self.as_user is None:
            raise RuntimeError("running as root and there is no postgres user to run as")
        self.dir = Path(tempfile.mkdtemp(prefix="pulse-pg-"))
        if self.as_user:
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                              cwd=self.dir)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}\n"
                               + self.server_log())

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        # --no-sync: only initdb's own files skip fsync; the running server keeps its defaults.
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=40")
        self._run("pg_ctl", "start", "-w", "-t", str(COMMAND_TIMEOUT), "-D", str(self.data),
                  "-l", str(self.log), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", str(COMMAND_TIMEOUT), "-D", str(self.data),
                  "-m", mode)

    def running(self) -> bool:
        command = [str(self.bindir / "pg_ctl"), "status", "-D", str(self.data)]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, timeout=COMMAND_TIMEOUT).returncode == 0

    def create_database(self, name: str) -> str:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def destroy(self) -> None:
        try:
            if self.data.exists() and self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
