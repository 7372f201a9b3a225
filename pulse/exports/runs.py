"""Large XLSX exports built off the request: each run is a folder with a status file.

No table holds these runs (the pack_run table needs an area and would be picked up by the
packs sweep; job_run has no owner, progress or file): a run's state is ``status.json`` in
``EXPORT_FOLDER/<token>/`` (default: ``exports`` in the instance folder), replaced whole on
every change, beside the workbook it builds. The token is 32 random hex digits; only the
user who asked can see the run. Runs older than KEEP are deleted when a new one is queued.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
#: A finished workbook stays this long for its owner to download.
KEEP = timedelta(hours=24)
#: A queued or running run not updated for this long lost its process (a restart).
STALE = timedelta(minutes=30)
_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass
class ExportRun:
    token: str
    user_id: int | None
    kind: str
    filename: str
    total: int
    state: str = QUEUED
    done: int = 0
    error: str | None = None
    requested_at: str = ""
    updated_at: str = ""

    @property
    def waiting(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def interrupted(self) -> bool:
        updated = datetime.fromisoformat(self.updated_at)
        return self.waiting and datetime.now(UTC) - updated > STALE


def folder() -> Path:
    path = Path(current_app.config.get("EXPORT_FOLDER") or
                Path(current_app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def workbook(token: str) -> Path:
    return folder() / token / "export.xlsx"


def create(*, user_id: int | None, kind: str, filename: str, total: int) -> ExportRun:
    _sweep()
    token = secrets.token_hex(16)
    (folder() / token).mkdir()
    now = datetime.now(UTC).isoformat()
    run = ExportRun(token=token, user_id=user_id, kind=kind, filename=filename, total=total,
                    requested_at=now, updated_at=now)
    save(run)
    return run


def save(run: ExportRun) -> None:
    """Replace the status file whole, so a reader never sees half of it."""
    run.updated_at = datetime.now(UTC).isoformat()
    path = folder() / run.token / "status.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(run)), encoding="utf-8")
    os.replace(tmp, path)


def load(token: str) -> ExportRun | None:
    """The run, or None for anything that is not a run's token (never a path elsewhere)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        data = json.loads((folder() / token / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return ExportRun(**data)


def _sweep() -> None:
    cutoff = datetime.now(UTC) - KEEP
    for path in folder().iterdir():
        if _TOKEN.fullmatch(path.name) and path.is_dir():
            status = path / "status.json"
            when = status.stat().st_mtime if status.exists() else path.stat().st_mtime
            if datetime.fromtimestamp(when, UTC) < cutoff:
                shutil.rmtree(path, ignore_errors=True)
