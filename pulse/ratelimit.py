"""Rate-limit storage for a single process: limits' memory storage without a thread per hit.

limits' ``memory://`` storage frees expired counters from a ``threading.Timer`` that it
starts again, 10 ms later, on the next hit after the last one fired: below a hundred
requests a second that is a new thread for almost every limited request, and starting it
was about a tenth of a resident's submit (bench/RESULTS.md). Expired counters are already
dropped when read (``MemoryStorage.get``), so the sweep only returns memory; here it runs in
the request that finds it due, at most once a second, and never in a thread of its own.

limits finds a storage by the scheme of its URI (its documented registry of storage
classes), so ``RATELIMIT_STORAGE_URI = "pulse-memory://"`` selects this one. Like
``memory://`` it counts per process: several workers need Redis (``REDIS_URL``).
"""
from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

#: Seconds between two sweeps of expired counters and moving-window entries.
SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    """``memory://`` that sweeps expired entries inline, at most every :data:`SWEEP_SECONDS`."""

    STORAGE_SCHEME = ["pulse-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        # The parent starts one timer when it is built; it fires once, 10 ms later, and is
        # never started again because the method below replaces the one that restarts it.
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        self._sweeping = threading.Lock()

    # MemoryStorage calls this (a name-mangled private method) from every incr, decr and
    # moving-window acquire; tests/pulse/test_ratelimit.py fails if limits renames it.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()
