"""Writes of the officer workspace: decisions on suggestions, actions, labels, quote approval.

Each adds and flushes; the view commits once.
"""
from __future__ import annotations

from datetime import date

from analysis.priorities import Suggestion

from ..extensions import db
from ..models import (ACTION_STATUSES, Action, Area, Comment, PriorityDecision, Topic,
                      TopicLabel, User)
from ..models.types import utcnow


class ActionError(ValueError):
    """Bad input for an action, with a message for the person who typed it."""


def _decision(user: User, area: Area, topic: Topic, period: str, suggestion: Suggestion,
              decision: str, reason: str = "") -> PriorityDecision:
    row = PriorityDecision(area_id=area.id, topic_id=topic.id, period=period, decision=decision,
                           score=suggestion.score, explanation=suggestion.reason,
                           reason=reason, decided_by=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def parse_due(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ActionError("Give the due date as YYYY-MM-DD.") from None


def accept(user: User, area: Area, topic: Topic, period: str, suggestion: Suggestion, *,
           owner: str, due: str, notes: str = "", public: bool = False,
           public_text: str = "") -> Action:
    owner = owner.strip()
    if not owner:
        raise ActionError("Say who owns the action.")
    if len(owner) > 200:
        raise ActionError("The owner's name is too long (200 characters at most).")
    if public and not public_text.strip():
        raise ActionError("A public action needs words for residents.")
    due_date = parse_due(due)
    decision = _decision(user, area, topic, period, suggestion, "accepted")
    action = Action(decision_id=decision.id, area_id=area.id, topic_id=topic.id,
                    title=f"{topic.label} in {area.name}", owner=owner, due_date=due_date,
                    status="planned", notes=notes.strip(), public=public,
                    public_text=public_text.strip(), created_by=user.id)
    db.session.add(action)
    db.session.flush()
    return action


def dismiss(user: User, area: Area, topic: Topic, period: str, suggestion: Suggestion,
            reason: str) -> PriorityDecision:
    if not reason.strip():
        raise ActionError("Give a reason for dismissing the suggestion.")
    return _decision(user, area, topic, period, suggestion, "dismissed", reason.strip())


def update_action(action: Action, *, status: str, notes: str, public: bool,
                  public_text: str) -> Action:
    if status not in ACTION_STATUSES:
        raise ActionError(f"Status must be one of: {', '.join(ACTION_STATUSES)}.")
    if public and not public_text.strip():
        raise ActionError("A public action needs words for residents.")
    action.status, action.notes = status, notes.strip()
    action.public, action.public_text = public, public_text.strip()
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
