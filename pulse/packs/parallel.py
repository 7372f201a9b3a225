"""Rendering a bulk run's packs in worker processes, one per CPU.

The reads stay in the calling process (workers never open the database); each worker gets a
pack's plain ``PackContent`` and returns its PDF bytes. A pack is mostly pure-Python layout
and font work, so threads would share one core; processes use them all.

A process with no other thread (the command line) forks its workers directly: they start
at once with everything imported and the fonts already read. Where other threads run (the
web process's pack executor, the scheduler), forking could copy a lock another thread holds,
so the workers come from a ``forkserver`` instead: a clean process, started once per process
and kept, that imports the renderer (a second or more) before it forks them.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from .content import PackContent, PackError
from .render import render

#: Packs handed to the workers ahead of those finished, per worker: enough to keep each busy
#: while the next pack's figures are read, few enough that memory stays flat in a big run.
AHEAD = 2


class PackFailed(PackError):
    """One pack of a run could not be rendered; the run stops and nothing is kept."""


def processes(wanted: int | None, packs: int) -> int:
    """Workers for ``packs`` packs: ``wanted`` (PACK_PROCESSES), else the CPUs this process
    may use; never more than the packs, and 1 means render in this process."""
    if wanted is None or wanted < 1:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    return max(1, min(wanted, packs))


def _context():
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pulse.packs.render"])
    return ctx


def _failed(code: str, err: BaseException) -> PackFailed:
    return PackFailed(f"the pack for {code} could not be built ({type(err).__name__}); "
                      "no file was written")


Job = tuple[str, PackContent | str]   # (area code, content) or (area code, why it is skipped)
Done = tuple[str, bytes | None, int, str]   # (area code, PDF or None, pages, why skipped)


def render_all(jobs: Iterable[Job], workers: int) -> Iterator[Done]:
    """Render each job's content, yielding packs as they finish (skips pass straight through).

    A pack that fails raises PackFailed naming its area, after the pool has stopped: the
    caller's partly written file is then discarded whole.
    """
    if workers <= 1:
        for code, content in jobs:
            if isinstance(content, str):
                yield code, None, 0, content
                continue
            try:
                data, pages = render(content)
            except Exception as err:  # noqa: BLE001 - reported with the area, as in a worker
                raise _failed(code, err) from err
            yield code, data, pages, ""
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context())
    pending: dict[Future, str] = {}

    def finished(block: bool) -> Iterator[Done]:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED) if block else (
            [f for f in pending if f.done()], None)
        for future in done:
            code = pending.pop(future)
            try:
                data, pages = future.result()
            except Exception as err:  # noqa: BLE001 - a worker's error or a broken pool, named
                raise _failed(code, err) from err
            yield code, data, pages, ""

    try:
        for code, content in jobs:
            if isinstance(content, str):
                yield code, None, 0, content
                continue
            pending[pool.submit(render, content)] = code
            yield from finished(block=len(pending) >= workers * AHEAD)
        while pending:
            yield from finished(block=True)
    finally:
        # On a failure (or a caller that stops early) drop what has not started.
        pool.shutdown(wait=True, cancel_futures=True)
