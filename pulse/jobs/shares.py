"""Scheduler job for topic shares: recount classified comments into the stored shares.

Hourly, so new comments reach the officer pages within the hour, and after every retrain
(predictions change). Leaves committing to the runner like the aggregate job.
"""
from __future__ import annotations


def topic_shares_job() -> int:
    """Rewrite every stored topic share; returns the rows written."""
    from ..text.shares import store_topic_shares

    return store_topic_shares()
