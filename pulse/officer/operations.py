"""Writes of the officer workspace: decisions on suggestions, actions, labels, quote approval.

Each adds and flushes; the view commits once.
"""
from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from analysis.priorities import Suggestion

from ..dates import parse_day
from ..extensions import db
from ..models import (ACTION_STATUSES, Action, Area, Comment, PriorityDecision, Topic,
                      TopicLabel, User)
from ..models.types import utcnow


TITLE_MAX = 200      # Action.title
OWNER_MAX = 200      # Action.owner
# Text boxes a person types into, in characters. Far below the body limit a form may send
# (pulse.formbody.staff_text_form): even in four-byte characters, each sent as twelve
# percent-escaped bytes, all of an action's boxes at their limits make about 40 KB.
NOTES_MAX = 2000
PUBLIC_TEXT_MAX = 1000
REASON_MAX = 1000
#: The limits by form field, for the pages' maxlength attributes.
LIMITS = {"owner": OWNER_MAX, "notes": NOTES_MAX, "public_text": PUBLIC_TEXT_MAX,
          "reason": REASON_MAX}


class ActionError(ValueError):
    """Bad input for an action, with a message for the person who typed it.

    ``field`` names the form field at fault, so the page can put the message beside it.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _stripped(text: str | None) -> str:
    """The text without spaces at its ends; empty when nothing in it shows.

    Characters that print nothing (zero-width spaces, marks of direction, soft hyphens: the
    "format" category) are no text on their own, so a box holding only them counts as empty;
    inside visible text they are kept as typed.
    """
    text = (text or "").strip()
    if all(c.isspace() or unicodedata.category(c) == "Cf" for c in text):
        return ""
    return text


def _text(text: str | None, field: str, what: str) -> str:
    """The box's text stripped; refused, by its field, when past its limit.

    A browser's maxlength counts a line break as one character and sends it as two (CR LF),
    so it is counted as one here too: text that the box let through is never refused.
    """
    text = _stripped(text)
    limit, length = LIMITS[field], len(text.replace("\r\n", "\n"))
    if length > limit:
        raise ActionError(f"{what} too long: {limit:,} characters at most (these have "
                          f"{length:,}).", field=field)
    return text


def _decision(user: User, area: Area, topic: Topic, period: str, suggestion: Suggestion,
              decision: str, reason: str = "") -> PriorityDecision:
    row = PriorityDecision(area_id=area.id, topic_id=topic.id, period=period, decision=decision,
                           score=suggestion.score, explanation=suggestion.reason,
                           reason=reason, decided_by=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def local_today(now: datetime | None = None, zone: str | None = None) -> date:
    """Today's date where the council works (BABEL_DEFAULT_TIMEZONE), not on the server's clock.

    Officers date actions by their own calendar: just after midnight in summer London is
    already tomorrow while UTC is still on today.
    """
    zone = zone or current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


def parse_due(text: str, *, stored: date | None = None) -> date | None:
    """The due date typed, refused when it lies before today.

    ``stored`` is the date the action already has: an action that has become overdue keeps
    its date when saved for another change, but is not moved to another day already gone.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        due = parse_day(text)
    except ValueError:
        raise ActionError("Give the due date as YYYY-MM-DD.", field="due") from None
    if due != stored and due < local_today():
        raise ActionError(f"The due date {due.isoformat()} has passed: give today or a later "
                          "date.", field="due")
    return due


def _title(topic: Topic, area: Area) -> str:
    """'<topic> in <area>', cut to the column's 200 characters.

    A topic label (120) and an area name (200) together may be longer; PostgreSQL refuses a
    longer value, and the action keeps the area and topic themselves anyway.
    """
    title = f"{topic.label} in {area.name}"
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "…"


def accept(user: User, area: Area, topic: Topic, period: str, suggestion: Suggestion, *,
           owner: str, due: str, notes: str = "", public: bool = False,
           public_text: str = "") -> Action:
    owner = _stripped(owner)
    if not owner:
        raise ActionError("Say who owns the action.", field="owner")
    if len(owner) > OWNER_MAX:
        raise ActionError("The owner's name is too long (200 characters at most).",
                          field="owner")
    notes = _text(notes, "notes", "The notes are")
    public_text = _text(public_text, "public_text", "The words for residents are")
    if public and not public_text:
        raise ActionError("A public action needs words for residents.", field="public_text")
    due_date = parse_due(due)
    decision = _decision(user, area, topic, period, suggestion, "accepted")
    action = Action(decision_id=decision.id, area_id=area.id, topic_id=topic.id,
                    title=_title(topic, area), owner=owner, due_date=due_date,
                    status="planned", notes=notes, public=public,
                    public_text=public_text, created_by=user.id)
    db.session.add(action)
    db.session.flush()
    return action


def dismiss(user: User, area: Area, topic: Topic, period: str, suggestion: Suggestion,
            reason: str) -> PriorityDecision:
    reason = _text(reason, "reason", "The reason is")
    if not reason:
        raise ActionError("Give a reason for dismissing the suggestion.", field="reason")
    return _decision(user, area, topic, period, suggestion, "dismissed", reason)


def update_action(action: Action, *, status: str, notes: str, public: bool,
                  public_text: str, due: str | None = None) -> Action:
    """Change an action; ``due`` None leaves its due date as it is, blank clears it."""
    if status not in ACTION_STATUSES:
        raise ActionError(f"Status must be one of: {', '.join(ACTION_STATUSES)}.",
                          field="status")
    notes = _text(notes, "notes", "The notes are")
    public_text = _text(public_text, "public_text", "The words for residents are")
    if public and not public_text:
        raise ActionError("A public action needs words for residents.", field="public_text")
    if due is not None:
        action.due_date = parse_due(due, stored=action.due_date)
    action.status, action.notes = status, notes
    action.public, action.public_text = public, public_text
    action.updated_at = utcnow()
    db.session.flush()
    return action


def label(user: User, comment: Comment, topic: Topic) -> TopicLabel:
    row = TopicLabel(comment_id=comment.id, topic_id=topic.id, labelled_by=user.email,
                     labelled_by_user_id=user.id, source="screen")
    db.session.add(row)
    db.session.flush()
    return row


def approve_quote(user: User, comment: Comment, approved: bool = True) -> Comment:
    if comment.safeguarding_flag and approved:
        raise ActionError("A comment flagged for safeguarding cannot be published.")
    comment.quote_approved_by = user.id if approved else None
    comment.quote_approved_at = utcnow() if approved else None
    db.session.flush()
    return comment
