"""The scheduled jobs' work. Each returns the rows it touched and leaves committing to the
runner, so a failure leaves nothing half-done."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update

from ..auth.operations import forget_old
from ..estimates.operations import aggregate
from ..extensions import db
from ..models import Response
from ..text.operations import purge_raw_text

log = logging.getLogger("pulse.jobs")

#: Device hashes (used only to spot repeat submissions) are kept this long by default.
DEVICE_HASH_DAYS = 90


def aggregate_job() -> int:
    outcome = aggregate(minimum=int(current_app.config["PULSE_MIN_RESPONSES"]))
    return outcome.rows


def retention_job(now: datetime | None = None) -> int:
    """Delete data past its retention period: device hashes, raw comment text, sign-in failures
    nobody has added to for a day and sessions ended over a day ago (as ``users prune``)."""
    now = now or datetime.now(UTC)
    days = int(current_app.config.get("PULSE_DEVICE_HASH_DAYS", DEVICE_HASH_DAYS))
    cutoff = now - timedelta(days=days)
    result = db.session.execute(
        update(Response).where(Response.submitted_at < cutoff, Response.device_hash.is_not(None))
        .values(device_hash=None).execution_options(synchronize_session=False))
    failures, sessions = forget_old(now)
    return (result.rowcount or 0) + purge_raw_text(now) + failures + sessions


def retrain_job() -> int:
    """Retrain the topic model on the shipped data and every label; promote it if it is not
    worse; refresh predictions. Returns the comments (re)classified."""
    # Imported here: scikit-learn is needed by this job, not by every process that imports jobs.
    from analysis.text.dataset import training_set
    from analysis.text.train import train

    from ..text.operations import ensure_topics, refresh_predictions, register_model
    from ..text.queries import labelled_examples, model_directory

    ensure_topics()
    trained = train(training_set() + labelled_examples())
    _, promoted = register_model(trained, model_directory(), current_app.config.get("SECRET_KEY"))
    log.info("retrain: model %s %s", trained.metadata["version"],
             "promoted" if promoted else "kept out by the promotion rule")
    refreshed = refresh_predictions()
    topic_shares_job()  # new predictions change what each topic's share counts
    return refreshed


JOBS = {"aggregate": aggregate_job, "retention": retention_job, "retrain": retrain_job}

from .packs import pack_queue_job, scheduled_packs_job  # noqa: E402  (briefing packs)

JOBS.update({"packs": pack_queue_job, "scheduled-packs": scheduled_packs_job})

from .exports import export_queue_job  # noqa: E402  (large XLSX exports left behind)

JOBS["exports"] = export_queue_job

from .shares import topic_shares_job  # noqa: E402  (topic shares, stored beside estimates)

JOBS["topic-shares"] = topic_shares_job
