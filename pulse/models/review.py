"""Who excluded or restored a response, when, and why: one row per decision, never edited."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

REVIEW_ACTIONS = ("exclude", "restore")


class ResponseReview(db.Model):
    __tablename__ = "response_review"
    __table_args__ = (CheckConstraint("action IN ('exclude', 'restore')", name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(500))
    # Null when the decision came from the command line without a named account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
