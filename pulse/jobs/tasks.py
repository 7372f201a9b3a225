"""The scheduled jobs' work. Each returns the rows it touched and leaves committing to the
runner, so a failure leaves nothing half-done."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update

from ..estimates.operations import aggregate
from ..extensions import db
from ..models import Response

log = logging.getLogger("pulse.jobs")

#: Device hashes (used only to spot repeat submissions) are kept this long by default.
DEVICE_HASH_DAYS = 90


def aggregate_job() -> int:
    outcome = aggregate(minimum=int(current_app.config["PULSE_MIN_RESPONSES"]))
    return outcome.rows


def retention_job(now: datetime | None = None) -> int:
    """Delete raw data past its retention period: for now, device hashes.

    Free text gets its own retention rule with the text features; this job is where it goes.
    """
    now = now or datetime.now(UTC)
    days = int(current_app.config.get("PULSE_DEVICE_HASH_DAYS", DEVICE_HASH_DAYS))
    cutoff = now - timedelta(days=days)
    result = db.session.execute(
        update(Response).where(Response.submitted_at < cutoff, Response.device_hash.is_not(None))
        .values(device_hash=None).execution_options(synchronize_session=False))
    return result.rowcount or 0


def retrain_job() -> int:
    """Nightly slot for retraining the free-text classifiers; none exist yet, so it does
    nothing and says so in the ledger (0 rows)."""
    log.info("retrain: no text models to retrain yet")
    return 0


JOBS = {"aggregate": aggregate_job, "retention": retention_job, "retrain": retrain_job}
