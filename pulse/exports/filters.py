"""What an export covers: an area's subtree (or the user's whole scope), a period, dates.

Shared by the web form and the command line, so both refuse the same bad input with the same
reason (a ValueError the caller shows), and every source narrows its rows the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, select, true
from sqlalchemy.sql.elements import ColumnElement

from analysis.periods import Period

from .. import dates
from ..auth.scope import area_ids_in_scope, scope_roots
from ..models import Area

KINDS = ("estimates", "comments", "responses")
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportFilter:
    """Plain values only: a CSV body is read after the view returns, in a fresh session, where
    the view's ORM objects (the user, the area) are detached. Make one with :meth:`build`."""

    area_id: int | None = None          # this area and everything below it
    area_code: str | None = None
    # A select of the area ids the user may see; None for everything (admins, command line).
    scope_ids: Select | None = None
    scope_roots: tuple[str, ...] = ("all",)
    period: Period | None = None
    date_from: date | None = None
    date_to: date | None = None         # inclusive

    @classmethod
    def build(cls, *, area: Area | None = None, user=None, period: Period | None = None,
              date_from: date | None = None, date_to: date | None = None) -> ExportFilter:
        """``area`` None means every area ``user`` may see (everything on the command line)."""
        scope_ids, roots = None, ("all",)
        if area is None and user is not None and not user.sees_all_areas:
            scope_ids = area_ids_in_scope(user)
            roots = tuple(a.code for a in scope_roots(user))
        return cls(area_id=area.id if area is not None else None,
                   area_code=area.code if area is not None else None, scope_ids=scope_ids,
                   scope_roots=(area.code,) if area is not None else roots, period=period,
                   date_from=date_from, date_to=date_to)

    def area_clause(self, column: ColumnElement) -> ColumnElement:
        """Rows of the area and every area below it, or of the user's scope."""
        if self.area_id is not None:
            return column.in_(subtree_ids(self.area_id))
        if self.scope_ids is not None:
            return column.in_(self.scope_ids)
        return true()

    def estimate_clauses(self, area_id: ColumnElement, period: ColumnElement,
                         period_end: ColumnElement) -> list[ColumnElement]:
        """Where-clauses for stored estimates: the area clause, the period, and periods whose
        last month falls within the dates (a quarter ending in range is in range)."""
        clauses = [self.area_clause(area_id)]
        if self.period is not None:
            clauses.append(period == self.period.label)
        if self.date_from is not None:
            clauses.append(period_end >= self.date_from.year * 12 + self.date_from.month - 1)
        if self.date_to is not None:
            clauses.append(period_end <= self.date_to.year * 12 + self.date_to.month - 1)
        return clauses

    def time_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC: the period's months intersected with the dates, either open."""
        start = end = None
        if self.period is not None:
            start = _month_start(self.period.start)
            end = _month_start(self.period.end + 1)
        if self.date_from is not None:
            day = datetime(self.date_from.year, self.date_from.month, self.date_from.day,
                           tzinfo=UTC)
            start = day if start is None else max(start, day)
        # The day after 9999-12-31 (which a date picker offers) cannot be written: up to and
        # including the last day a date can hold leaves the end open.
        if self.date_to is not None and self.date_to < date.max:
            day = datetime(self.date_to.year, self.date_to.month, self.date_to.day,
                           tzinfo=UTC) + timedelta(days=1)
            end = day if end is None else min(end, day)
        return start, end

    def describe(self) -> str:
        parts = [f"area={self.area_code or 'scope'}"]
        if self.period is not None:
            parts.append(f"period={self.period.label}")
        if self.date_from:
            parts.append(f"from={self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to={self.date_to.isoformat()}")
        return " ".join(parts)


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def subtree_ids(area_id: int):
    """A select of ``area_id`` and every id below it (a recursive CTE, SQLite and PostgreSQL)."""
    tree = select(Area.id.label("id")).where(Area.id == area_id).cte("export_tree", recursive=True)
    tree = tree.union_all(select(Area.id).where(Area.parent_id == tree.c.id))
    return select(tree.c.id)


def parse_period(text: str | None) -> Period | None:
    """None for blank; a Period; ValueError naming the accepted forms otherwise."""
    return dates.parse_period(text.strip()) if text and text.strip() else None


def parse_day(text: str | None, name: str) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return dates.parse_day(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a date (use YYYY-MM-DD)") from None


def check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ValueError("the start date is after the end date")
