"""Writes for free text: comments at record time, labels, model versions, predictions, purge.

Operations add and flush; the caller (view, CLI, job) commits once.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, insert, select, update

from typing import TYPE_CHECKING

from analysis.text.dataset import LabelledSet
from analysis.text.redact import redact
from analysis.text.safeguarding import assess_many
from analysis.text.taxonomy import default_topics

from ..extensions import db
from ..models import Comment, TextModel, Topic, TopicLabel, TopicPrediction
from . import queries

if TYPE_CHECKING:
    from analysis.text.train import TrainedModel

#: Raw comment text is deleted this many days after it was recorded, unless configured.
RETENTION_DAYS = 30


@dataclass(frozen=True)
class NewComment:
    """A free-text answer as recorded: which response, question and area, and the words."""

    response_id: int
    question_id: int
    area_id: int
    submitted_at: datetime
    text: str


def retention_days() -> int:
    return int(current_app.config.get("PULSE_COMMENT_RETENTION_DAYS", RETENTION_DAYS))


def screen_comments(texts: Sequence[str]) -> list:
    """Safeguarding results for comment texts, in order (pure computation, no database)."""
    texts = [text for text in texts if text and text.strip()]
    return assess_many(texts) if texts else []


def add_comments(items: Sequence[NewComment], screened: Sequence | None = None,
                 redacted: dict[str, str] | None = None) -> list[bool]:
    """Add comments, redacted and screened; return each one's safeguarding flag, in order.

    ``screened`` takes results computed earlier by :func:`screen_comments`, so that a caller
    can run the model before its transaction writes anything: on SQLite the first INSERT
    takes the database's write lock, and screening under it made every other resident wait.
    ``redacted`` maps texts the caller has already redacted to their redacted form.
    """
    items = [item for item in items if item.text and item.text.strip()]
    if not items:
        return []
    if screened is None:
        screened = assess_many([item.text for item in items])
    db.session.execute(insert(Comment.__table__), comment_rows(items, screened, redacted))
    return [result.flagged for result in screened]


def comment_rows(items: Sequence[NewComment], screened: Sequence,
                 redacted: dict[str, str] | None = None) -> list[dict]:
    """The comment table's rows for comments already screened (no database).

    For a caller that builds every row before its first INSERT (the resident submit); blank
    comments are left out, as :func:`add_comments` does.
    """
    items = [item for item in items if item.text and item.text.strip()]
    if len(screened) != len(items):
        raise ValueError("one screening result is needed per comment")
    redacted = redacted or {}
    keep = timedelta(days=retention_days())
    now = datetime.now(UTC)
    return [
        {"response_id": item.response_id, "question_id": item.question_id,
         "area_id": item.area_id, "submitted_at": item.submitted_at,
         "raw_text": item.text, "purge_after": item.submitted_at + keep,
         "redacted_text": redacted.get(item.text) or redact(item.text),
         "safeguarding_flag": result.flagged,
         "safeguarding_reasons": list(result.reasons), "safeguarding_score": result.score,
         "created_at": now}
        for item, result in zip(items, screened)]


def purge_raw_text(now: datetime | None = None) -> int:
    """Blank the raw text of comments past their retention deadline; return how many."""
    now = now or datetime.now(UTC)
    result = db.session.execute(
        update(Comment).where(Comment.purge_after <= now)
        .values(raw_text=None, purge_after=None).execution_options(synchronize_session=False))
    return result.rowcount or 0


def ensure_topics() -> dict[str, int]:
    """Add any default topic that is missing (never touching renamed or retired ones)."""
    existing = queries.topic_ids()
    for position, topic in enumerate(default_topics()):
        if topic.code not in existing:
            db.session.add(Topic(code=topic.code, label=topic.label, position=position,
                                 description=topic.description, severity=topic.severity))
    db.session.flush()
    return queries.topic_ids()


def add_file_labels(data: LabelledSet, labelled_by: str) -> int:
    """Store labels given in a file (no comment behind them); texts are stored redacted."""
    ids = ensure_topics()
    db.session.add_all(TopicLabel(text=redact(text), topic_id=ids[topic],
                                  labelled_by=labelled_by[:120], source="file")
                       for text, topic in zip(data.texts, data.topics))
    db.session.flush()
    return len(data)


def label_comment(comment_id: int, topic_code: str, labelled_by: str) -> TopicLabel:
    """Record a person's topic for a comment (the newest label for a comment counts)."""
    ids = ensure_topics()
    if topic_code not in ids:
        raise ValueError(f"unknown topic {topic_code!r}")
    if db.session.get(Comment, comment_id) is None:
        raise ValueError(f"no comment {comment_id}")
    label = TopicLabel(comment_id=comment_id, topic_id=ids[topic_code],
                       labelled_by=labelled_by[:120], source="screen")
    db.session.add(label)
    db.session.flush()
    return label


def register_model(trained: TrainedModel, directory: Path, key: str | None
                   ) -> tuple[TextModel, bool]:
    """Save a trained model, record it, and make it live if the promotion rule allows."""
    from analysis.text import registry

    metadata_path = registry.save(trained, directory, key=key)
    cv = trained.metadata.get("cv") or {}
    candidate_f1 = cv.get("macro_f1")
    live = queries.live_model()
    promote = candidate_f1 is not None and registry.should_promote(
        candidate_f1, live.macro_f1 if live is not None else None)
    details = {k: v for k, v in trained.metadata.items() if k != "cv"}
    details["cv"] = {k: v for k, v in cv.items() if k != "fold_models"}
    row = TextModel(version=trained.metadata["version"], artifact_path=str(metadata_path),
                    macro_f1=candidate_f1, details=details,
                    status="rejected" if not promote else "archived")
    db.session.add(row)
    db.session.flush()
    if promote:
        make_live(row)
    return row, promote


def make_live(row: TextModel) -> None:
    """Make this model the live one (promotion, or an admin's rollback)."""
    db.session.execute(update(TextModel).where(TextModel.status == "live", TextModel.id != row.id)
                       .values(status="archived"))
    row.status = "live"
    row.promoted_at = datetime.now(UTC)
    db.session.flush()


def rollback_to(version: str) -> TextModel:
    """Make an earlier model live again."""
    row = db.session.scalar(select(TextModel).where(TextModel.version == version))
    if row is None:
        raise ValueError(f"no model version {version!r}")
    make_live(row)
    return row


def refresh_predictions(batch: int = 2000) -> int:
    """Predict topics for comments with no prediction from the live model; return how many."""
    from analysis.text.predict import classify

    live = queries.live_model()
    if live is None:
        return 0
    pipeline = queries.load_model(live).pipeline
    ids = ensure_topics()
    done = 0
    while True:
        rows = queries.comments_needing_prediction(live.id, batch)
        if not rows:
            return done
        comment_ids = [row.id for row in rows]
        db.session.execute(delete(TopicPrediction).where(
            TopicPrediction.comment_id.in_(comment_ids)))
        now = datetime.now(UTC)
        predictions = classify(pipeline, [row.redacted_text for row in rows])
        db.session.execute(insert(TopicPrediction.__table__), [
            {"comment_id": row.id, "model_id": live.id, "topic_id": ids[p.topic],
             "confidence": p.confidence, "secondary_topics": list(p.secondary_topics),
             "needs_review": p.needs_review, "predicted_at": now}
            for row, p in zip(rows, predictions) if p.topic in ids])
        done += len(rows)
