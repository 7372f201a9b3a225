"""A one-thread executor per kind of background work (briefing packs, large exports).

One thread, so that builds queue behind each other instead of piling up on a small machine;
started on first use, so that importing the application starts no thread. Each task runs in
an application context of its own and gives its session back when it ends. Nothing depends
on the thread surviving: the run is committed as queued before it is handed over, and the
scheduler's sweep builds whatever a process that ended left behind.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from .extensions import db


class OneThread:
    """A lazily started single-thread executor whose tasks run inside an app context."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
            return self._executor

    def submit(self, app: Flask, task: Callable[[int], bool], run_id: int) -> Future:
        """Run ``task(run_id)`` on this executor's thread; the caller has committed the run."""
        return self._pool().submit(_in_context, app, task, run_id)


def _in_context(app: Flask, task: Callable[[int], bool], run_id: int) -> bool:
    with app.app_context():
        try:
            return task(run_id)
        finally:
            db.session.remove()
