"""Building queued XLSX exports off the request, one at a time, in this process.

As for briefing packs (pulse.packs.background): the POST that queues a run hands it to a
one-thread executor and returns at once, so workbooks never pile up on a small machine. The
filter travels in memory (it holds the user's scope as a query); a run whose process ends
first is shown as interrupted on its page after runs.STALE, and is asked for again.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from ..extensions import db
from .filters import ExportFilter
from .operations import run_xlsx

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulse-export")
        return _executor


def _work(app: Flask, token: str, kind: str, f: ExportFilter) -> int:
    with app.app_context():
        try:
            return run_xlsx(token, kind, f)
        finally:
            db.session.remove()


def start(app: Flask, token: str, kind: str, f: ExportFilter) -> Future:
    """Build the queued run in the background; the caller has committed its audit row."""
    return _pool().submit(_work, app, token, kind, f)
