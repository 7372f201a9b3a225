"""Reads behind suggested priorities: comment counts by (area, topic) and published levels.

The scoring is :mod:`analysis.priorities`; this module only gathers its plain inputs.
"""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select

from analysis.periods import Period
from analysis.priorities import Suggestion, TopicCount, suggest

from ..extensions import db
from ..models import Action, Area, Comment, Estimate, PriorityDecision, Topic, TopicPrediction
from .id_lists import id_in


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _counts(area_ids: list[int], first: int, last: int) -> Counter:
    """(area id, topic id) -> comments submitted in months first..last."""
    stmt = (select(Comment.area_id, TopicPrediction.topic_id, func.count())
            .join(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .where(id_in(Comment.area_id, area_ids),
                   Comment.submitted_at >= _month_start(first),
                   Comment.submitted_at < _month_start(last + 1))
            .group_by(Comment.area_id, TopicPrediction.topic_id))
    return Counter({(a, t): n for a, t, n in db.session.execute(stmt)})


def _levels(area_ids: list[int], period: str) -> dict[tuple[int, str], float | None]:
    stmt = select(Estimate.area_id, Estimate.measure, Estimate.estimate, Estimate.suppressed).where(
        Estimate.area_id.in_(area_ids), Estimate.period == period, Estimate.group_label == "all",
        Estimate.measure.in_(("safe_night", "trust")))
    return {(a, m): None if s else e for a, m, e, s in db.session.connection().execute(stmt)}


def suggestions(area_ids: list[int], period: Period) -> list[Suggestion]:
    """Ranked suggestions for the areas in ``period``, left out once decided for that period."""
    months = len(period.months)
    now = _counts(area_ids, period.start, period.end)
    before = _counts(area_ids, period.start - months, period.start - 1)
    totals, previous_totals = Counter(), Counter()
    for (a, _), n in now.items():
        totals[a] += n
    for (a, _), n in before.items():
        previous_totals[a] += n
    if not now:
        return []
    # Only the areas with comments this period can be suggested: an overview passes a whole
    # borough's 600 wards, most of them with none.
    commented = sorted(totals)
    levels = _levels(commented, period.label)
    areas = {i: (code, name) for i, code, name in db.session.connection().execute(
        select(Area.id, Area.code, Area.name).where(Area.id.in_(commented)))}
    topics = {t.id: t for t in db.session.scalars(select(Topic).where(Topic.retired.is_(False)))}
    decided = {(a, t) for a, t in db.session.execute(
        select(PriorityDecision.area_id, PriorityDecision.topic_id).where(
            PriorityDecision.area_id.in_(commented), PriorityDecision.period == period.label))}
    rows = []
    for (area_id, topic_id), n in now.items():
        if topic_id not in topics or (area_id, topic_id) in decided:
            continue
        (area_code, area_name), topic = areas[area_id], topics[topic_id]
        rows.append(TopicCount(area_code, area_name, topic.code, topic.label, topic.severity, n,
                               totals[area_id], before.get((area_id, topic_id), 0),
                               previous_totals[area_id], levels.get((area_id, "safe_night")),
                               levels.get((area_id, "trust"))))
    return suggest(rows, period_word=f"in {period.label}",
                   minimum=current_app.config["PULSE_MIN_RESPONSES"])


def decisions(area_ids: list[int]) -> list[PriorityDecision]:
    return list(db.session.scalars(
        select(PriorityDecision).where(PriorityDecision.area_id.in_(area_ids))
        .order_by(PriorityDecision.decided_at.desc()).limit(50)))


def actions(area_ids: list[int]) -> list[Action]:
    return list(db.session.scalars(select(Action).where(Action.area_id.in_(area_ids))
                                   .order_by(Action.created_at.desc())))


def public_actions(area: Area) -> list[Action]:
    """Public actions for an area and the areas above it (a borough's work reaches its wards)."""
    ids = [area.id] + [a.id for a in area.ancestors()]
    return list(db.session.scalars(
        select(Action).where(Action.area_id.in_(ids), Action.public.is_(True),
                             Action.status != "dropped")
        .order_by(Action.updated_at.desc()).limit(20)))
