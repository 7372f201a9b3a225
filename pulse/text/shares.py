"""Store topic shares: count classified comments, hand the counts to analysis, write the rows.

Run by the topic-shares job (hourly) and after each retrain, whose refreshed predictions
change the counts. The table is replaced whole in the caller's transaction, so readers see
the old shares or the new ones, never a mixture.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete, extract, func, insert, select

from analysis.topic_shares import shares

from ..extensions import db
from ..models import Area, Comment, Topic, TopicPrediction
from ..models.topic import TopicShare

BATCH = 5000


def comment_counts() -> list[tuple[int, int, str, int]]:
    """(area id, month index, topic code, comments) of every classified comment.

    Grouped in the database by calendar month of submission (UTC, as stored).
    """
    year = extract("year", Comment.submitted_at)
    month = extract("month", Comment.submitted_at)
    stmt = (select(Comment.area_id, year, month, Topic.code, func.count())
            .join(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .join(Topic, Topic.id == TopicPrediction.topic_id)
            .group_by(Comment.area_id, year, month, Topic.code))
    return [(area, int(y) * 12 + int(m) - 1, code, n)
            for area, y, m, code, n in db.session.execute(stmt)]


def store_topic_shares(minimum: int | None = None, now: datetime | None = None) -> int:
    """Recompute every stored topic share; returns the rows written. The caller commits."""
    minimum = int(minimum if minimum is not None else current_app.config["PULSE_MIN_RESPONSES"])
    now = now or datetime.now(UTC)
    parents = dict(db.session.execute(select(Area.id, Area.parent_id)).all())
    topic_ids = {code: i for i, code in db.session.execute(select(Topic.id, Topic.code))}
    reported = list(db.session.scalars(select(Topic.code).where(Topic.retired.is_(False))
                                       .order_by(Topic.position, Topic.code)))
    rows = shares(comment_counts(), parents, reported, minimum=minimum)
    db.session.execute(delete(TopicShare))
    written = 0
    for start in range(0, len(rows), BATCH):
        batch = [dict(area_id=r.area_id, period=r.period.label, period_kind=r.period.kind,
                      period_end=r.period.end, topic_id=topic_ids[r.topic], count=r.count,
                      total=r.total, share=r.share, ci_low=r.ci_low, ci_high=r.ci_high,
                      suppressed=r.suppressed, suppressed_reason=r.suppressed_reason,
                      computed_at=now)
                 for r in rows[start:start + BATCH]]
        db.session.execute(insert(TopicShare), batch)
        written += len(batch)
    return written
