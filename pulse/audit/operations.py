"""Writing audit rows. Exports, packs and the API call `record`; nothing else writes the table.

The row is added to the caller's session and committed with the caller's work, so an export
that fails before it commits leaves no audit row claiming it happened. Callers that stream
(the body is produced after the view returns) record before they start streaming.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..extensions import db
from ..models import AuditEvent

SCHEDULER = "scheduler"
COMMAND_LINE = "command line"


def actor_for(user) -> str:
    """The name kept in the row: the account's e-mail, or who ran it when there is no account."""
    if user is None or not getattr(user, "is_authenticated", False):
        return COMMAND_LINE
    return user.email


def record(action: str, *, user=None, actor: str | None = None, areas: Iterable[str] = (),
           period: str | None = None, rows: int | None = None, detail: str = "",
           commit: bool = False) -> AuditEvent:
    """Add one audit row: `action` such as "export.estimates.csv"; `areas` are area codes."""
    codes = sorted(set(areas))
    scope = ",".join(codes)
    if period:
        scope = f"{scope} {period}".strip()
    event = AuditEvent(
        user_id=getattr(user, "id", None) if user is not None and getattr(
            user, "is_authenticated", False) else None,
        actor=actor or actor_for(user),
        action=action, scope=scope, rows=rows, detail=detail[:2000])
    db.session.add(event)
    if commit:
        db.session.commit()
    return event
