"""What a briefing pack shows, read from stored estimates, comments and actions (reads only).

Everything crosses into the renderer as plain data. Suppression is applied here, once: a
suppressed cell arrives with no figure at all, a withheld count as None, and topic shares of
fewer than the minimum number of comments as None, so the layout cannot print them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from analysis.periods import MONTH, QUARTER, Period
from analysis.priorities import CRITICAL, two_proportion_z

from .. import dates
from ..charts.svg import TrendPoint
from ..estimates import reasons
from ..extensions import db
from ..models import Area, Comment, Estimate, Topic, TopicPrediction
from ..officer import priorities as pq
from ..officer import queries as q
from ..responses.queries import area_and_below

#: Measures on the front page and in the trend charts, in this order.
HEADLINE = q.MEASURES
CHARTED = ("safe_night", "safe_day", "trust", "good_job")
TOP_CONCERNS = 3
QUOTES_PER_CONCERN = 5
MAX_QUOTE_CHARS = 400
TREND_POINTS = {MONTH: 12, QUARTER: 8}
TREND_SHARES = 6
SINCE = {"month": "since the month before", "quarter": "since the quarter before",
         "r12": "since the twelve months before"}


class PackError(ValueError):
    """A pack cannot be built as asked (unknown area, bad period, no figures); says why."""


@dataclass(frozen=True)
class Headline:
    measure: str
    label: str
    unit: str
    estimate: float | None      # None: suppressed or no estimate
    ci_low: float | None
    ci_high: float | None
    n: int | None               # None: withheld
    modelled: float | None
    suppressed: bool
    change: float | None
    significant: bool | None
    words: str                  # the change, or its absence, in words


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    geometry: dict
    highlighted: bool


@dataclass(frozen=True)
class Concern:
    label: str
    share: float                # percent of the period's comments
    ci_low: float | None        # its 95% Wilson interval
    ci_high: float | None
    previous: float | None      # percent in the period before; None under the minimum
    words: str
    monthly: list[tuple[str, float | None]]   # recent periods of the same kind
    quotes: list[tuple[str, str]]   # (redacted approved text, month)


@dataclass(frozen=True)
class PackContent:
    area_code: str
    area_name: str
    area_level: str
    parent_name: str | None
    period: str
    period_words: str
    generated_by: str
    generated_at: datetime
    headlines: list[Headline]
    trends: list[tuple[str, list[TrendPoint]]]
    shapes: list[Shape]
    comments_total: int | None      # None: fewer than the minimum this period
    concerns: list[Concern]
    suggestions: list[tuple[str, str, float, str]]  # (topic, area, score, reason)
    actions: list[tuple[str, str, str, str]]        # (title, owner, status, due)
    responses: int | None                            # None: withheld or under the minimum
    weighted: bool
    # PULSE_MIN_RESPONSES: the minimum of responses, and of comments for topic shares (they
    # are stored under the same setting).
    minimum: int = q.MIN_COMMENTS
    notes: list[str] = field(default_factory=list)


def find_area(code: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == (code or "").strip()))
    if area is None:
        raise PackError(f"there is no area with code {code!r}")
    return area


def parse_period(label: str) -> Period:
    # pulse.dates, as every staff form: analysis.periods alone reads any Unicode digit.
    try:
        return dates.parse_period(label)
    except ValueError as err:
        raise PackError(str(err)) from None


def has_figures(area_ids: list[int], period: Period) -> bool:
    return db.session.scalar(select(Estimate.id).where(
        Estimate.area_id.in_(area_ids), Estimate.period == period.label).limit(1)) is not None


def check(area: Area, period: Period, *, below: bool = False) -> None:
    """Refuse a period with no stored figures for the area (or, for bulk, under it)."""
    ids = area_and_below(area) if below else [area.id]
    if not has_figures(ids, period):
        latest = q.latest_period(period.kind, ids)
        hint = f"; the latest {period.kind} with figures is {latest[0]}" if latest else ""
        raise PackError(f"no estimates are stored for {area.code} in {period.label}{hint}")


def period_words(period: Period) -> str:
    def name(index: int) -> str:
        return datetime(index // 12, index % 12 + 1, 1).strftime("%B %Y")

    if period.kind == MONTH:
        return f"{name(period.end)} ({period.label})"
    if period.kind == QUARTER:
        return f"{name(period.start)} to {name(period.end)} ({period.label})"
    return f"the twelve months to {name(period.end)} ({period.label})"


def change_words(cell: q.Cell | None, kind: str) -> str:
    if cell is None:
        return "no estimate"
    if cell.suppressed:
        return f"not published: {reasons.primary()}"
    if cell.change is None:
        return "no earlier period to compare with"
    if not cell.change_significant:
        return "no significant change"
    verb = "rose" if cell.change > 0 else "fell"
    return f"{verb} {abs(cell.change):.0f} {cell.unit_label} {SINCE[kind]} (significant)"


def _headline(cell: q.Cell | None, measure: str, kind: str) -> Headline:
    shown = cell is not None and not cell.suppressed and cell.estimate is not None
    return Headline(
        measure, q.MEASURE_LABELS[measure], cell.unit if cell else "score",
        cell.estimate if shown else None, cell.ci_low if shown else None,
        cell.ci_high if shown else None, cell.n if shown else None,
        cell.modelled if shown else None, bool(cell and cell.suppressed),
        cell.change if shown else None, cell.change_significant if shown else None,
        change_words(cell, kind))


def _trends(area: Area, period: Period) -> list[tuple[str, list[TrendPoint]]]:
    series = q.area_series(area.id, period.kind, CHARTED)
    parent = q.area_series(area.parent_id, period.kind, CHARTED) if area.parent_id else {}
    keep = TREND_POINTS.get(period.kind, 12)
    out = []
    for measure in CHARTED:
        cells = [c for c in series.get(measure, []) if c.period_end <= period.end][-keep:]
        if not cells:
            continue
        parent_by = {c.period: c for c in parent.get(measure, [])}
        points = []
        for c in cells:
            p = parent_by.get(c.period)
            shown = not c.suppressed
            points.append(TrendPoint(c.period, c.estimate if shown else None,
                                     c.ci_low if shown else None, c.ci_high if shown else None,
                                     c.modelled if shown else None,
                                     None if p is None or p.suppressed else p.estimate))
        out.append((measure, points))
    return out


def _shapes(area: Area) -> list[Shape]:
    """The area and its siblings (the parent's other children), the area highlighted; an
    area with no boundary of its own (a borough, often) is drawn as the areas within it."""
    if not area.boundary:
        inside = db.session.scalars(select(Area).where(
            Area.parent_id == area.id, Area.retired_at.is_(None)).order_by(Area.name))
        return [Shape(a.code, a.name, a.boundary, True) for a in inside if a.boundary]
    if area.parent_id is None:
        others: list[Area] = []
    else:
        others = list(db.session.scalars(select(Area).where(
            Area.parent_id == area.parent_id, Area.id != area.id, Area.retired_at.is_(None))
            .order_by(Area.name)))
    return [Shape(a.code, a.name, a.boundary, a.id == area.id)
            for a in others + [area] if a.boundary]


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def approved_quotes(area_ids: list[int], topic_code: str, period: Period,
                    limit: int = QUOTES_PER_CONCERN) -> list[tuple[str, str]]:
    """Approved, unflagged redacted quotes on a topic, newest first: the period's, then the
    twelve months to its end when the period alone has too few. Raw text is never read."""
    out: list[tuple[str, str]] = []
    for first in (period.start, period.end - 11):
        stmt = (select(Comment.id, Comment.redacted_text, Comment.submitted_at)
                .join(TopicPrediction, TopicPrediction.comment_id == Comment.id)
                .join(Topic, Topic.id == TopicPrediction.topic_id)
                .where(Comment.area_id.in_(area_ids), Topic.code == topic_code,
                       Comment.quote_approved_at.is_not(None),
                       Comment.safeguarding_flag.is_(False), Comment.redacted_text != "",
                       Comment.submitted_at >= _month_start(first),
                       Comment.submitted_at < _month_start(period.end + 1))
                .order_by(Comment.submitted_at.desc(), Comment.id.desc()).limit(limit))
        out = [(text, when.strftime("%Y-%m")) for _, text, when in db.session.execute(stmt)]
        if len(out) >= 3:
            break
    return [(text if len(text) <= MAX_QUOTE_CHARS else text[:MAX_QUOTE_CHARS - 1] + "…", m)
            for text, m in out]


def _words(cell: q.ShareCell, before: dict[str, q.ShareCell] | None) -> tuple[float | None, str]:
    """The topic's share in the period before, and the change in words (z test as priorities)."""
    base = next(iter(before.values()), None) if before else None
    if base is None or base.suppressed or not base.total:
        return None, "No earlier period with enough comments to compare"
    prev = before.get(cell.topic)
    prev_count, previous = (prev.count or 0, prev.share or 0.0) if prev else (0, 0.0)
    change = cell.share - previous
    if abs(two_proportion_z(cell.count, cell.total, prev_count, base.total)) > CRITICAL:
        return previous, (f"{'Up' if change > 0 else 'Down'} {abs(change):.0f} percentage "
                          "points on the period before (significant)")
    return previous, "No significant change on the period before"


def _concerns(area: Area, ids: list[int], period: Period) -> tuple[int | None, list[Concern]]:
    """Top topics by share, read from the stored topic shares the area page shows (this area
    and the areas below it, Wilson intervals, suppressed under the minimum)."""
    series = q.stored_topic_shares(area.id, period.kind)
    now = series.get(period.label) or {}
    first = next(iter(now.values()), None)
    if first is None or first.suppressed or not first.total:
        return None, []
    before = series.get(period.previous().label)
    recent = [(label, cells) for label, cells in series.items()
              if next(iter(cells.values())).period_end <= period.end][-TREND_SHARES:]
    labels = {t.code: t.label for t in q.topics()}
    published = [c for c in now.values() if c.count and c.share is not None]
    out = []
    for cell in sorted(published, key=lambda c: (-c.share, c.topic))[:TOP_CONCERNS]:
        previous, words = _words(cell, before)
        trend = []
        for label, cells in recent:
            other = cells.get(cell.topic)
            suppressed = next(iter(cells.values())).suppressed
            trend.append((label, None if suppressed else (other.share or 0.0) if other else 0.0))
        out.append(Concern(labels.get(cell.topic, cell.topic), cell.share, cell.ci_low,
                           cell.ci_high, previous, words, trend,
                           approved_quotes(ids, cell.topic, period)))
    return first.total, out


def gather(area: Area, period: Period, *, generated_by: str,
           now: datetime | None = None) -> PackContent:
    """Everything one pack shows for ``area`` in ``period``; raises PackError without figures."""
    check(area, period)
    cells = q.overview_cells(period.label, [area.id]).get(area.id, {})
    headlines = [_headline(cells.get(m), m, period.kind) for m in HEADLINE if m in cells]
    ids = area_and_below(area)
    total, concerns = _concerns(area, ids, period)
    suggestions = [(s.topic_label, s.area_name, s.score, s.reason)
                   for s in pq.suggestions(ids, period)[:5]]
    actions = [(a.title, a.owner, a.status, a.due_date.isoformat() if a.due_date else "—")
               for a in pq.actions(ids)[:10]]
    trust = cells.get("trust")
    responses = trust.n if trust is not None and not trust.suppressed else None
    weighted = bool(db.session.scalar(select(Estimate.weighted).where(
        Estimate.area_id == area.id, Estimate.period == period.label).limit(1)))
    parent = area.parent
    return PackContent(
        area.code, area.name, area.level, parent.name if parent else None, period.label,
        period_words(period), generated_by,
        (now or datetime.now(UTC)).replace(microsecond=0), headlines,
        _trends(area, period), _shapes(area), total, concerns, suggestions, actions,
        responses, weighted, reasons.minimum())


def leaves_under(parent: Area) -> list[Area]:
    """The active neighbourhoods under ``parent``: areas in its subtree with no children."""
    ids = area_and_below(parent)
    with_children = set(db.session.scalars(select(Area.parent_id).where(
        Area.id.in_(ids), Area.parent_id.is_not(None))))
    return list(db.session.scalars(select(Area).where(
        Area.id.in_(ids), Area.id.not_in(with_children) if with_children else Area.id.is_not(None),
        Area.retired_at.is_(None), Area.id != parent.id).order_by(Area.code)))


__all__ = ["PackContent", "PackError", "gather", "find_area", "parse_period", "check",
           "leaves_under"]
