"""Uploaded files kept on the server between the preview and the confirm step.

The confirm step applies the very bytes that were previewed: the browser only ever holds a
random token, never a copy of the content. Files live in the instance folder, named by the
token, with the options chosen at preview time beside them; they expire after an hour.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 3600


class UploadError(ValueError):
    """The upload cannot be used (too big, empty, expired)."""


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # another worker removed it first


def keep(stream, kind: str, options: dict, limit: int) -> tuple[str, Path]:
    """Store the upload (at most ``limit`` bytes) and return its token and path."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    if not data.strip():
        raise UploadError("The file is empty.")
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}.{kind}"
    path.write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"kind": kind, **options}), encoding="utf-8")
    return token, path


def find(token: str | None, kind: str) -> tuple[Path, dict]:
    """The stored file and its options, or UploadError when the token is unknown or expired."""
    if not token or not TOKEN.match(token):
        raise UploadError("That upload is not known. Upload the file again.")
    folder = _folder()
    path, meta = folder / f"{token}.{kind}", folder / f"{token}.json"
    if not path.exists() or not meta.exists() or path.stat().st_mtime < time.time() - KEEP_SECONDS:
        raise UploadError("That upload has expired or was already applied. Upload the file again.")
    return path, json.loads(meta.read_text(encoding="utf-8"))


def forget(token: str, kind: str) -> None:
    folder = _folder()
    for path in (folder / f"{token}.{kind}", folder / f"{token}.json"):
        path.unlink(missing_ok=True)
