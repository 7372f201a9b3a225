"""Reads behind suggested priorities: published topic counts by (area, topic) and levels.

The scoring is :mod:`analysis.priorities`; this module only gathers its plain inputs. The
counts are the stored topic shares (:mod:`pulse.text.shares`), as published: a reason prints
the comments behind a share, so it may print only what the topic-share tables publish. An
area-period whose shares are suppressed or withheld (fewer comments than the minimum, or
countable from other published figures, such as a quarter holding such a month) is not
suggested, and a previous period that is not published gives no comparison.
"""
from __future__ import annotations

from collections import Counter

from flask import current_app
from sqlalchemy import or_, select

from analysis.periods import MONTH, Period
from analysis.priorities import Suggestion, TopicCount, suggest

from ..extensions import db
from ..models import Action, Area, Estimate, PriorityDecision, Topic
from ..models.topic import TopicShare
from .id_lists import id_in


def _counts(area_ids: list[int], period: Period, minimum: int) -> tuple[Counter, Counter]:
    """(area id, topic id) -> comments, and area id -> classified comments, of ``period``,
    from the published topic shares (a period stored under a lower minimum, since raised,
    counts as suppressed, as on the officer pages)."""
    stmt = (select(TopicShare.area_id, TopicShare.topic_id, TopicShare.count, TopicShare.total)
            .where(id_in(TopicShare.area_id, area_ids), TopicShare.period == period.label,
                   TopicShare.suppressed.is_(False), TopicShare.total >= minimum))
    hidden: set[int] = set()
    if period.kind != MONTH:
        # A quarter or rolling year publishes only over published months; checked here too,
        # so that one stored before the minimum was raised is not read until rewritten.
        hidden = set(db.session.scalars(
            select(TopicShare.area_id).distinct()
            .where(id_in(TopicShare.area_id, area_ids), TopicShare.period_kind == MONTH,
                   TopicShare.period_end.between(period.start, period.end),
                   or_(TopicShare.suppressed.is_(True), TopicShare.total < minimum))))
    counts, totals = Counter(), Counter()
    for area_id, topic_id, count, total in db.session.execute(stmt):
        if area_id in hidden:
            continue
        if count:
            counts[(area_id, topic_id)] = count
        totals[area_id] = total
    return counts, totals


def _levels(area_ids: list[int], period: str) -> dict[tuple[int, str], float | None]:
    stmt = select(Estimate.area_id, Estimate.measure, Estimate.estimate, Estimate.suppressed).where(
        Estimate.area_id.in_(area_ids), Estimate.period == period, Estimate.group_label == "all",
        Estimate.measure.in_(("safe_night", "trust")))
    return {(a, m): None if s else e for a, m, e, s in db.session.connection().execute(stmt)}


def suggestions(area_ids: list[int], period: Period) -> list[Suggestion]:
    """Ranked suggestions for the areas in ``period``, left out once decided for that period."""
    minimum = current_app.config["PULSE_MIN_RESPONSES"]
    now, totals = _counts(area_ids, period, minimum)
    if not now:
        return []
    # The most local areas with published shares: an area's shares count the comments of the
    # areas below it again, so a borough is not suggested beside its wards when they publish
    # all its comments. But comments given at the borough itself (and those of a ward that
    # withholds its shares) are in no ward's: when the published wards' totals fall short of
    # the borough's, it is suggested too, as a whole. Its own part alone is never printed:
    # that difference is no published figure, and may hold a hidden ward's few comments.
    below = Counter()
    for area_id, parent_id in db.session.execute(
            select(Area.id, Area.parent_id).where(id_in(Area.id, list(totals)))):
        if parent_id in totals and parent_id != area_id:
            below[parent_id] += totals[area_id]
    covered = {a for a, n in below.items() if n >= totals[a]}
    now = Counter({key: n for key, n in now.items() if key[0] not in covered})
    totals = Counter({a: n for a, n in totals.items() if a not in covered})
    before, previous_totals = _counts(sorted(totals), period.previous(), minimum)
    # Only the areas with published comments this period can be suggested: an overview passes
    # a whole borough's 600 wards, most of them with none.
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
                               levels.get((area_id, "trust")), whole=area_id in below))
    return suggest(rows, period_word=f"in {period.label}", minimum=minimum)


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
