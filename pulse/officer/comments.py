"""Reads for the comment explorer and the labelling queue; redacted text only, within scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from analysis.periods import parse as parse_period

from ..auth.scope import in_scope_clause
from ..extensions import db
from ..models import Area, Comment, Topic, TopicLabel, TopicPrediction, User

PAGE_SIZE = 25
CONFIDENCE = {"low": (0.0, 0.5), "medium": (0.5, 0.8), "high": (0.8, 1.01)}


@dataclass(frozen=True)
class Filters:
    area: Area | None = None
    period: str | None = None
    topic: Topic | None = None
    confidence: str | None = None
    text: str = ""


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _base():
    return (select(Comment, TopicPrediction, Area)
            .join(Area, Area.id == Comment.area_id)
            .outerjoin(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .where(in_scope_clause(Comment.area_id)))


def search(filters: Filters, page: int) -> tuple[list[tuple], int]:
    """(comment, prediction, area) rows of one page, newest first, and the number of pages."""
    stmt = _base()
    if filters.area is not None:
        stmt = stmt.where(Comment.area_id == filters.area.id)
    if filters.period:
        period = parse_period(filters.period)
        stmt = stmt.where(Comment.submitted_at >= _month_start(period.start),
                          Comment.submitted_at < _month_start(period.end + 1))
    if filters.topic is not None:
        stmt = stmt.where(TopicPrediction.topic_id == filters.topic.id)
    if filters.confidence:
        low, high = CONFIDENCE[filters.confidence]
        stmt = stmt.where(TopicPrediction.confidence >= low, TopicPrediction.confidence < high)
    if filters.text:
        escaped = filters.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Comment.redacted_text.ilike(f"%{escaped}%", escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        # Nothing to read, and past a 64-bit integer the offset cannot even be sent (a 500).
        return [], pages
    rows = db.session.execute(stmt.order_by(Comment.submitted_at.desc(), Comment.id.desc())
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return [tuple(r) for r in rows], pages


def queue(limit: int = 20) -> list[tuple]:
    """Unlabelled classified comments in scope, least confident first."""
    labelled = select(TopicLabel.comment_id).where(TopicLabel.comment_id.is_not(None))
    stmt = (_base().where(TopicPrediction.id.is_not(None), Comment.id.not_in(labelled),
                          Comment.redacted_text != "")
            .order_by(TopicPrediction.confidence, Comment.id).limit(limit))
    return [tuple(r) for r in db.session.execute(stmt)]


def recent_labels(limit: int = 30) -> list[tuple]:
    """(label, comment area name, labeller email) of the latest labels on comments in scope."""
    stmt = (select(TopicLabel, Area.name, User.email)
            .join(Comment, Comment.id == TopicLabel.comment_id)
            .join(Area, Area.id == Comment.area_id)
            .outerjoin(User, User.id == TopicLabel.labelled_by_user_id)
            .where(in_scope_clause(Comment.area_id))
            .order_by(TopicLabel.labelled_at.desc(), TopicLabel.id.desc()).limit(limit))
    return [tuple(r) for r in db.session.execute(stmt)]


def comment_in_scope(comment_id: int) -> Comment | None:
    return db.session.scalar(select(Comment).where(Comment.id == comment_id,
                                                   in_scope_clause(Comment.area_id)))
