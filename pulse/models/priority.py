"""What officers decided about suggested priorities, and the actions they took on."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .area import Area
from .topic import Topic
from .types import UTCDateTime, utcnow

ACTION_STATUSES = ("planned", "in progress", "done", "dropped")


class PriorityDecision(db.Model):
    """An officer accepted or dismissed one suggestion; the score and reason are kept as shown."""

    __tablename__ = "priority_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    period: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))        # accepted, dismissed
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")     # why it was dismissed
    decided_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship()
    topic: Mapped[Topic] = relationship()


class Action(db.Model):
    """Work an officer's team took on; public ones are told to residents ("you said, we did")."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_decision.id", ondelete="SET NULL"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    notes: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    public_text: Mapped[str] = mapped_column(Text, default="")   # what residents read
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship()
    topic: Mapped[Topic] = relationship()
