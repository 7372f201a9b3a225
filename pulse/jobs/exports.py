"""Scheduler job for background exports: runs a dead web process left queued or running,
and the 24-hour clean-up of old runs and their files.

Commits as it goes (each run records its own progress), like the packs job; the runner's
ledger still records one row per window.
"""
from __future__ import annotations


def export_queue_job() -> int:
    """Build export runs left behind; delete runs older than a day. Returns the runs built."""
    from ..exports.background import sweep

    return sweep()
