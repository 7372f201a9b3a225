"""Residents' free-text comments, what the model says about them, and what people label them.

The raw text is kept only until ``purge_after`` (the retention job blanks it); everyone reads
``redacted_text``. Every officer view and export uses the redacted text only.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .topic import TextModel, Topic
from .types import UTCDateTime, utcnow


class Comment(db.Model):
    """One free-text answer, redacted and screened for safeguarding when it was recorded."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    raw_text: Mapped[str | None] = mapped_column(Text)
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    redacted_text: Mapped[str] = mapped_column(Text)
    safeguarding_flag: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    safeguarding_reasons: Mapped[list] = mapped_column(JSON, default=list)
    safeguarding_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An officer or analyst approved the redacted text for publication (briefing packs).
    quote_approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    quote_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    prediction: Mapped[TopicPrediction | None] = relationship(
        back_populates="comment", cascade="all, delete-orphan", uselist=False)
    labels: Mapped[list[TopicLabel]] = relationship(
        back_populates="comment", cascade="all, delete-orphan")


class TopicPrediction(db.Model):
    """The live model's reading of a comment; replaced when a new model goes live."""

    __tablename__ = "topic_prediction"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("text_model.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    # Topic codes above the secondary threshold, best first.
    secondary_topics: Mapped[list] = mapped_column(JSON, default=list)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    predicted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="prediction")
    model: Mapped[TextModel] = relationship()
    topic: Mapped[Topic] = relationship()


class TopicLabel(db.Model):
    """A person's topic for a comment, or for a text given in a labels file (no comment).

    ``labelled_by`` is free text until labelling moves to the officer screen with accounts.
    """

    __tablename__ = "topic_label"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    # Only for labels without a comment; always stored redacted.
    text: Mapped[str | None] = mapped_column(Text)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    labelled_by: Mapped[str] = mapped_column(String(120))
    # The account that labelled on screen; NULL for labels from files (``labelled_by`` names those).
    labelled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="screen")  # screen, file

    comment: Mapped[Comment | None] = relationship(back_populates="labels")
    topic: Mapped[Topic] = relationship()
