"""Reads for free text: the live model, labels for training, the review queue, flags."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from typing import TYPE_CHECKING

from analysis.text.dataset import LabelledSet

from ..extensions import db
from ..models import Comment, TextModel, Topic, TopicLabel, TopicPrediction

if TYPE_CHECKING:
    from analysis.text.train import TrainedModel

# Loaded models by version: unpickling a model costs a second, and versions never change.
_LOADED: dict[str, TrainedModel] = {}


def topic_ids() -> dict[str, int]:
    return dict(db.session.execute(select(Topic.code, Topic.id)).all())


def active_topic_codes() -> list[str]:
    return list(db.session.scalars(
        select(Topic.code).where(Topic.retired.is_(False)).order_by(Topic.position, Topic.id)))


def live_model() -> TextModel | None:
    return db.session.scalar(select(TextModel).where(TextModel.status == "live"))


def model_history() -> list[TextModel]:
    return list(db.session.scalars(select(TextModel).order_by(TextModel.created_at.desc(),
                                                              TextModel.id.desc())))


def model_directory() -> Path:
    configured = current_app.config.get("PULSE_TEXT_MODEL_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "text-models"


def load_model(row: TextModel) -> TrainedModel:
    """Load (once per process) a registered model, verifying its checksum and signature."""
    from analysis.text import registry

    if row.version not in _LOADED:
        _LOADED[row.version] = registry.load(row.artifact_path,
                                             key=current_app.config.get("SECRET_KEY"))
    return _LOADED[row.version]


def labelled_examples() -> LabelledSet:
    """Every label people have given: the newest label per comment, and every file label."""
    newest: dict[int, tuple[str, str]] = {}
    data = LabelledSet()
    rows = db.session.execute(
        select(TopicLabel.comment_id, TopicLabel.text, Comment.redacted_text, Topic.code)
        .join(Topic, Topic.id == TopicLabel.topic_id)
        .outerjoin(Comment, Comment.id == TopicLabel.comment_id)
        .order_by(TopicLabel.labelled_at, TopicLabel.id))
    for comment_id, text, redacted, code in rows:
        if comment_id is None:
            data.texts.append(text)
            data.topics.append(code)
        else:
            newest[comment_id] = (redacted, code)
    for redacted, code in newest.values():
        data.texts.append(redacted)
        data.topics.append(code)
    return data


def comments_needing_prediction(model_id: int, limit: int) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment).outerjoin(TopicPrediction, TopicPrediction.comment_id == Comment.id)
        .where(or_(TopicPrediction.id.is_(None), TopicPrediction.model_id != model_id))
        .order_by(Comment.id).limit(limit)))


def review_queue(limit: int = 50) -> list[tuple[Comment, TopicPrediction]]:
    """Comments the model is least sure about first, skipping ones people have labelled."""
    labelled = select(TopicLabel.comment_id).where(TopicLabel.comment_id.is_not(None))
    rows = db.session.execute(
        select(Comment, TopicPrediction).join(TopicPrediction)
        .where(Comment.id.not_in(labelled))
        .order_by(TopicPrediction.confidence, Comment.id).limit(limit))
    return [(comment, prediction) for comment, prediction in rows]


def response_flagged(response_id: int) -> bool:
    """Whether any comment in this response was flagged for safeguarding."""
    return bool(db.session.scalar(
        select(Comment.id).where(Comment.response_id == response_id,
                                 Comment.safeguarding_flag.is_(True)).limit(1)))
