"""The audit log: one row per export, briefing pack or token use that let data leave the system.

Rows are appended and never edited; admins read and filter them in the console.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Null for the scheduler and the command line run without a named account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Who, as text, so the row still reads after the account is deleted ("scheduler", an e-mail).
    actor: Mapped[str] = mapped_column(String(254))
    # What: "export.estimates.csv", "pack.build", "pack.bulk", "api.token.create", ...
    action: Mapped[str] = mapped_column(String(64), index=True)
    # Scope: the area codes (comma-separated) and period the data covered.
    scope: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[int | None] = mapped_column(Integer)
    # Free detail for the reader: format, filters, file name. Never resident text.
    detail: Mapped[str] = mapped_column(Text, default="")
