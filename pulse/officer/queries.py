"""Reads for the officer workspace: stored estimates, comments and counts, always within scope.

Every page is served from the stored estimates; nothing here touches raw answers.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from analysis.cells import measures_for
from analysis.periods import MONTH, QUARTER, Period
from analysis.topic_shares import WITHHELD_REASON
from surveys.core import CORE
from surveys.instrument import SCALE

from ..auth.scope import in_scope_clause
from ..estimates.reasons import minimum
from ..extensions import db
from ..models import Area, Comment, Estimate, Topic, TopicPrediction
from ..models.topic import TopicShare
from .id_lists import id_in

MEASURES = ("safe_day", "safe_night", "trust", "respect", "listen", "fair", "relied_on",
            "things_that_matter", "informed", "good_job")
MEASURE_LABELS = {
    "safe_day": "Safety (day)", "safe_night": "Safety (after dark)",
    "trust": "Trust (composite)", "respect": "Treat with respect", "listen": "Listen",
    "fair": "Treat fairly", "relied_on": "Relied on", "things_that_matter":
    "Deal with things that matter", "informed": "Kept informed", "good_job": "Good job"}


def _core_units() -> dict[str, str]:
    """Each core measure's unit as the aggregate gives it (SCORE 0-100 or PERCENT).

    Read from the instrument, not from stored figures, so that a page with no figure for a
    measure still names its unit.
    """
    questions = [(x.code, x.scale) for x in CORE.questions
                 if x.kind == SCALE and not x.demographic]
    composites = [(c.code, tuple(c.of)) for c in CORE.composites if c.method == "mean"]
    return {m.code: m.unit for m in measures_for(questions, composites)}


MEASURE_UNITS = _core_units()
SUBGROUP_DIMENSIONS = ("age_band", "sex", "ethnicity")
MIN_COMMENTS = 10


@dataclass(frozen=True)
class Cell:
    """One estimate as the pages show it (plain values, not an ORM row)."""

    area_id: int
    period: str
    period_end: int
    measure: str
    group_label: str
    unit: str
    n: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    change: float | None
    change_significant: bool | None
    modelled: float | None

    @property
    def unit_label(self) -> str:
        return "points" if self.unit == "score" else "percentage points"


_CELL_COLUMNS = (Estimate.area_id, Estimate.period, Estimate.period_end, Estimate.measure,
                 Estimate.group_label, Estimate.unit, Estimate.n, Estimate.estimate,
                 Estimate.ci_low, Estimate.ci_high, Estimate.suppressed, Estimate.change,
                 Estimate.change_significant, Estimate.modelled_estimate)


def _cells(stmt) -> list[Cell]:
    # Plain columns through the connection: the ORM's row processing cost more than the
    # query itself on an overview of 6,000 cells.
    return [Cell(*row) for row in db.session.connection().execute(stmt)]


def _end_period(kind: str, area_ids: list[int] | None, newest: bool) -> tuple[str, int] | None:
    stmt = select(Estimate.period, Estimate.period_end).where(Estimate.period_kind == kind)
    if area_ids is not None:
        stmt = stmt.where(id_in(Estimate.area_id, area_ids))
    end = Estimate.period_end.desc() if newest else Estimate.period_end.asc()
    row = db.session.execute(stmt.order_by(end).limit(1)).first()
    return (row[0], row[1]) if row else None


def latest_period(kind: str, area_ids: list[int] | None = None) -> tuple[str, int] | None:
    """The newest stored period of ``kind`` (label, end month) of the given areas.

    Callers pass the roots of a scope: they hold the most responses, and each is found through
    the unique index's leading area id, not by scanning every estimate.
    """
    return _end_period(kind, area_ids, newest=True)


def earliest_period(kind: str, area_ids: list[int] | None = None) -> tuple[str, int] | None:
    """The oldest stored period of ``kind`` (label, end month) of the given areas."""
    return _end_period(kind, area_ids, newest=False)


def periods_of_kind(kind: str, latest_end: int | None, limit: int = 36,
                    earliest_end: int | None = None) -> list[str]:
    """Labels of the ``limit`` periods of ``kind`` up to the latest, newest first, none
    ending before ``earliest_end`` (the oldest with figures: earlier ones are empty pages).

    Worked out from the end months rather than read with SELECT DISTINCT, which would
    scan every stored estimate (no index leads with the period kind).
    """
    if latest_end is None:
        return []
    step = 3 if kind == QUARTER else 1
    ends = (latest_end - step * i for i in range(limit))
    return [Period(kind, end).label for end in ends
            if earliest_end is None or end >= earliest_end]


def scoped_areas() -> list[Area]:
    """Areas in the user's scope by name, without their boundaries (pulse.officer.maps reads
    those, cached)."""
    stmt = (select(Area).options(defer(Area.boundary)).where(in_scope_clause(Area.id))
            .order_by(Area.name))
    return list(db.session.scalars(stmt))


class AreaRow(NamedTuple):
    """An area as the overview lists it: no boundary, no ORM state (600 of them a page)."""

    id: int
    code: str
    name: str
    parent_id: int | None


def scoped_area_rows() -> list[AreaRow]:
    stmt = (select(Area.id, Area.code, Area.name, Area.parent_id)
            .where(in_scope_clause(Area.id)).order_by(Area.name, Area.code))
    return [AreaRow(*row) for row in db.session.connection().execute(stmt)]


def overview_cells(period: str, area_ids: list[int], measures: Sequence[str] | None = None,
                   *, significant_only: bool = False) -> dict[int, dict[str, Cell]]:
    """Area id -> measure -> "all" cell for one period.

    Naming the measures lets the database seek the unique index (area, period, measure,
    group) on all four columns instead of reading every breakdown row of each area's period.
    """
    out: dict[int, dict[str, Cell]] = defaultdict(dict)
    if not area_ids:
        return out
    stmt = select(*_CELL_COLUMNS).where(Estimate.period == period,
                                        Estimate.group_label == "all",
                                        id_in(Estimate.area_id, area_ids))
    if measures is not None:
        stmt = stmt.where(Estimate.measure.in_(measures))
    if significant_only:
        stmt = stmt.where(Estimate.change_significant.is_(True), Estimate.change.is_not(None),
                          Estimate.suppressed.is_(False))
    for cell in _cells(stmt):
        out[cell.area_id][cell.measure] = cell
    return out


def area_series(area_id: int, kind: str, measures=MEASURES) -> dict[str, list[Cell]]:
    """Measure -> cells of group "all", oldest first, for every period of ``kind``."""
    stmt = (select(*_CELL_COLUMNS).where(Estimate.area_id == area_id,
                                         Estimate.period_kind == kind,
                                         Estimate.group_label == "all",
                                         Estimate.measure.in_(measures))
            .order_by(Estimate.period_end))
    out: dict[str, list[Cell]] = defaultdict(list)
    for cell in _cells(stmt):
        out[cell.measure].append(cell)
    return out


def subgroup_cells(area_id: int, period: str) -> dict[str, tuple[list[str], dict]]:
    """Dimension -> (categories, measure -> category -> cell), measures in the usual order."""
    stmt = (select(*_CELL_COLUMNS).where(Estimate.area_id == area_id, Estimate.period == period,
                                         Estimate.group_label != "all")
            .order_by(Estimate.group_label))
    groups: dict[str, list[str]] = defaultdict(list)
    cells: dict[str, dict[str, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    for cell in _cells(stmt):
        dimension, _, category = cell.group_label.partition("=")
        if category not in groups[dimension]:
            groups[dimension].append(category)
        cells[dimension][cell.measure][category] = cell
    order = {m: i for i, m in enumerate(MEASURES)}
    return {d: (groups[d], dict(sorted(cells[d].items(), key=lambda mc: order.get(mc[0], 99))))
            for d in groups}


def area_comment_rows(area_ids: list[int]) -> list[tuple[int, str]]:
    """(month index, topic code) for each classified comment in the areas."""
    stmt = (select(Comment.submitted_at, Topic.code)
            .join(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .join(Topic, Topic.id == TopicPrediction.topic_id)
            .where(Comment.area_id.in_(area_ids)))
    return [(when.year * 12 + when.month - 1, code) for when, code in db.session.execute(stmt)]


@dataclass(frozen=True)
class ShareCell:
    """One stored topic share as pages show it (percent; None when suppressed)."""

    period: str
    period_end: int
    topic: str
    count: int | None
    total: int | None
    share: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    # Suppressed because the counts could be worked out from published ones (a sibling, or a
    # quarter or rolling year holding a hidden month), not for having fewer than the minimum.
    withheld: bool = False


def stored_topic_shares(area_id: int, kind: str = MONTH, last: int | None = None,
                        before: int | None = None) -> dict[str, dict[str, ShareCell]]:
    """Period label -> topic code -> stored share of one area (it and the areas below it),
    oldest first; ``last`` keeps only the newest periods, ``before`` (a month index) only
    the periods that end before that month. Written by pulse.text.shares.

    A period stored with fewer comments than the configured minimum (PULSE_MIN_RESPONSES,
    raised since the shares were stored) reads as suppressed until the next run rewrites it.
    """
    stmt = (select(TopicShare.period, TopicShare.period_end, Topic.code, TopicShare.count,
                   TopicShare.total, TopicShare.share, TopicShare.ci_low, TopicShare.ci_high,
                   TopicShare.suppressed, TopicShare.suppressed_reason)
            .join(Topic, Topic.id == TopicShare.topic_id)
            .where(TopicShare.area_id == area_id, TopicShare.period_kind == kind)
            .order_by(TopicShare.period_end, Topic.position, Topic.code))
    if before is not None:
        stmt = stmt.where(TopicShare.period_end < before)
    out: dict[str, dict[str, ShareCell]] = {}
    floor = minimum()
    for *fields, reason in db.session.execute(stmt):
        cell = ShareCell(*fields, withheld=reason == WITHHELD_REASON)
        if not cell.suppressed and cell.total is not None and cell.total < floor:
            cell = replace(cell, count=None, total=None, share=None, ci_low=None,
                           ci_high=None, suppressed=True)
        out.setdefault(cell.period, {})[cell.topic] = cell
    if last is not None:
        out = dict(list(out.items())[-last:]) if last > 0 else {}
    return out


def monthly_topic_shares(area_id: int) -> dict[int, dict[str, float] | None]:
    """Month -> topic -> share (0-1) of comments on topics that have any; None when suppressed.

    The shape :func:`topic_shares` gives from comment rows, read from the stored table: for
    the API and briefing packs, which used to count an area's comments on every request.
    """
    out: dict[int, dict[str, float] | None] = {}
    for cells in stored_topic_shares(area_id, MONTH).values():
        first = next(iter(cells.values()))
        out[first.period_end] = None if first.suppressed else {
            code: c.share / 100 for code, c in cells.items() if c.count}
    return out


def topic_shares(rows: list[tuple[int, str]]) -> dict[int, dict[str, float] | None]:
    """Month -> topic -> share of that month's comments; None for months under the minimum.

    Computed from comment rows (briefing packs use it over a whole period's rows). Pages read
    the stored shares instead: :func:`stored_topic_shares`, :func:`monthly_topic_shares`.
    """
    by_month: dict[int, Counter] = defaultdict(Counter)
    for month, code in rows:
        by_month[month][code] += 1
    out: dict[int, dict[str, float] | None] = {}
    for month in sorted(by_month):
        counts = by_month[month]
        total = sum(counts.values())
        out[month] = None if total < MIN_COMMENTS else {
            code: count / total for code, count in counts.items()}
    return out


def quotes(area_ids: list[int], topic: str | None, limit: int = 20) -> list[tuple[str, str, str]]:
    """(redacted text, topic label, month) of recent comments; raw text is never read."""
    stmt = (select(Comment.redacted_text, Topic.label, Comment.submitted_at)
            .join(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .join(Topic, Topic.id == TopicPrediction.topic_id)
            .where(Comment.area_id.in_(area_ids), Comment.safeguarding_flag.is_(False),
                   Comment.redacted_text != "")
            .order_by(Comment.submitted_at.desc()).limit(limit))
    if topic:
        stmt = stmt.where(Topic.code == topic)
    return [(text, label, when.strftime("%Y-%m")) for text, label, when in db.session.execute(stmt)]


def flagged_count(area_ids: list[int]) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.area_id.in_(area_ids), Comment.safeguarding_flag.is_(True))) or 0


def topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.retired.is_(False))
                                   .order_by(Topic.position, Topic.label)))
