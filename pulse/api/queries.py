"""Reads behind the API: stored areas, estimates and actions, and what officers' pages compute.

Nothing here formats JSON (``serialise``) or knows about HTTP (``views``). Topic shares and
response counts reuse the officer workspace's own functions so the API cannot disagree with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from analysis.periods import MONTH, Period

from ..auth.scope import area_in_scope, in_scope_clause, scope_roots
from ..extensions import db
from ..models import Action, Area, Comment, Estimate, Topic, TopicPrediction, User
from ..officer import queries as officer_queries
from ..officer.priorities import public_actions
from ..responses.queries import ChannelRow, area_and_below, channel_counts
from .http import Page

Parent = aliased(Area)


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    parent: str | None
    boundary: dict | None


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def active_area(code: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.code == code, Area.retired_at.is_(None)))


def areas(page: Page, *, parent: Area | None, level: str | None,
          boundary: bool) -> tuple[list[AreaRow], int]:
    """Active areas by code, optionally the children of ``parent`` or of one ``level``."""
    columns = [Area.code, Area.name, Area.level, Parent.code]
    if boundary:
        columns.append(Area.boundary)
    stmt = (select(*columns).outerjoin(Parent, Parent.id == Area.parent_id)
            .where(Area.retired_at.is_(None)))
    if parent is not None:
        stmt = stmt.where(Area.parent_id == parent.id)
    if level:
        stmt = stmt.where(Area.level == level)
    total = _count(stmt)
    rows = db.session.execute(stmt.order_by(Area.code).offset(page.offset).limit(page.size))
    return [AreaRow(r[0], r[1], r[2], r[3], r[4] if boundary else None) for r in rows], total


def area_row(area: Area) -> AreaRow:
    return AreaRow(area.code, area.name, area.level, area.parent.code if area.parent else None,
                   area.boundary)


def estimates(page: Page, *, area: Area | None, period: str | None, kind: str | None,
              measure: str | None, group: str | None, before: int
              ) -> tuple[list[tuple[str, Estimate]], int]:
    """Stored estimates of the periods that end before the month ``before`` (suppression
    happened when they were written)."""
    stmt = (select(Area.code, Estimate).join(Area, Area.id == Estimate.area_id)
            .where(Estimate.period_end < before))
    if area is not None:
        stmt = stmt.where(Estimate.area_id == area.id)
    if period:
        stmt = stmt.where(Estimate.period == period)
    if kind:
        stmt = stmt.where(Estimate.period_kind == kind)
    if measure:
        stmt = stmt.where(Estimate.measure == measure)
    if group:
        stmt = stmt.where(Estimate.group_label == group)
    total = _count(stmt)
    stmt = (stmt.order_by(Area.code, Estimate.period_kind, Estimate.period_end, Estimate.measure,
                          Estimate.group_label)
            .offset(page.offset).limit(page.size))
    return [(code, e) for code, e in db.session.execute(stmt)], total


def topic_shares(area: Area, before: int) -> list[dict[str, officer_queries.ShareCell]]:
    """Each month's topic code -> stored share, oldest first, for the months before the month
    ``before``: the cells the officer's area page reads (written by the topic-shares job; a
    month under the configured minimum reads as suppressed even if stored before it was
    raised)."""
    return list(officer_queries.stored_topic_shares(area.id, MONTH, before=before).values())


def topic_labels() -> dict[str, str]:
    return {code: label for code, label in db.session.execute(select(Topic.code, Topic.label))}


def actions(area: Area) -> list[Action]:
    """What residents of ``area`` are told on its "you said, we did" page."""
    return public_actions(area)


# --- token-only ------------------------------------------------------------------------------

def scoped_area(code: str, user: User) -> Area | None:
    """The area if it exists and lies in ``user``'s scope; None either way, told apart by nobody."""
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or not area_in_scope(area, user):
        return None
    return area


def response_counts(user: User, area: Area | None) -> list[ChannelRow]:
    """Responses by area, wave and channel, as on the officer area page, in ``user``'s scope."""
    roots = [area] if area is not None else scope_roots(user)
    rows: dict[tuple[str, int | None], ChannelRow] = {}
    for root in roots:
        for row in channel_counts(root):
            rows[(row.area_code, row.wave_id)] = row
    return sorted(rows.values(), key=lambda r: (r.area_code, r.wave_id or 0))


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def comments(user: User, page: Page, *, area: Area | None, period: Period | None,
             topic: str | None) -> tuple[list[tuple], int]:
    """(area code, submitted at, redacted text, topic code, confidence, needs review), newest
    first, in ``user``'s scope. Redacted text only; comments held for safeguarding are left
    out (they go to an admin's review, not to a program)."""
    stmt = (select(Area.code, Comment.submitted_at, Comment.redacted_text, Topic.code,
                   TopicPrediction.confidence, TopicPrediction.needs_review)
            .join(Area, Area.id == Comment.area_id)
            .outerjoin(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .outerjoin(Topic, Topic.id == TopicPrediction.topic_id)
            .where(in_scope_clause(Comment.area_id, user), Comment.safeguarding_flag.is_(False),
                   Comment.redacted_text != ""))
    if area is not None:
        stmt = stmt.where(Comment.area_id.in_(area_and_below(area)))
    if period is not None:
        stmt = stmt.where(Comment.submitted_at >= _month_start(period.start),
                          Comment.submitted_at < _month_start(period.end + 1))
    if topic:
        stmt = stmt.where(Topic.code == topic)
    total = _count(stmt)
    rows = db.session.execute(stmt.order_by(Comment.submitted_at.desc(), Comment.id.desc())
                              .offset(page.offset).limit(page.size))
    return [tuple(r) for r in rows], total
