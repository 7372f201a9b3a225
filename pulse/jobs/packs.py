"""Scheduler jobs for briefing packs: runs left queued, and subscriptions' weekly/monthly packs.

Both commit as they go (each pack is a unit of its own), unlike the aggregate job; the
runner's ledger still records one row per window.
"""
from __future__ import annotations


def pack_queue_job() -> int:
    """Build pack runs left queued (the web process ended before its executor got to them)."""
    from ..packs.background import sweep

    return sweep()


def scheduled_packs_job() -> int:
    """Write and e-mail the weekly and monthly packs that are due."""
    from ..packs.subscriptions import run_scheduled

    return run_scheduled()
