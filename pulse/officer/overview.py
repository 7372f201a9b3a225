"""What the overview page shows, gathered in a few indexed reads.

A borough officer's scope can hold 600 wards. The page reads: the areas (plain rows), the
measure on the map for every area, the significant changes of every area, the table's cells
for one page of areas, the top suggested priorities, and the projected map shapes (cached by
pulse.officer.maps). Each read of estimates names its measures, so it seeks the unique index
on all its columns rather than reading every breakdown row.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.estimates import SCORE
from analysis.periods import Period, parse
from analysis.priorities import Suggestion

from . import priorities as pq
from . import queries as q

PER_PAGE = 50
TOP_PRIORITIES = 5
SINCE = {"month": "since last month", "quarter": "since last quarter",
         "r12": "since the year before"}


class BadRequest(ValueError):
    """A filter the page cannot honour; the message says why. ``page`` names the page of
    the table to offer instead, when the page asked for was the trouble."""

    def __init__(self, message: str, page: int | None = None):
        super().__init__(message)
        self.page = page


@dataclass
class Overview:
    kind: str
    measure: str
    areas: list[q.AreaRow]
    period: str | None = None
    period_end: int | None = None
    periods: list[str] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    page_areas: list[q.AreaRow] = field(default_factory=list)
    cells: dict = field(default_factory=dict)          # table page: area id -> measure -> Cell
    map_cells: dict = field(default_factory=dict)      # every area, the map's measure only
    changes: list[str] = field(default_factory=list)
    priorities: list[Suggestion] = field(default_factory=list)
    priorities_total: int = 0

    @property
    def first(self) -> int:
        """Position of the table page's first area, counting from 1."""
        return (self.page - 1) * PER_PAGE + 1

    @property
    def unit(self) -> str:
        """The map measure's unit for its legend, whether or not any area has a figure."""
        return "score 0-100" if q.MEASURE_UNITS[self.measure] == SCORE else "percent"


def change_sentence(area_name: str, cell: q.Cell, kind: str) -> str:
    verb = "rose" if cell.change > 0 else "fell"
    unit = "points" if cell.unit == "score" else "percentage points"
    return (f"{q.MEASURE_LABELS[cell.measure]} in {area_name} {verb} "
            f"{abs(cell.change):.0f} {unit} {SINCE[kind]} — significant")


def _kind_of(label: str) -> str | None:
    """The kind of a period label, or None when it is not one (the caller reports that)."""
    try:
        return parse(label).kind
    except ValueError:
        return None


def _period(kind: str, areas: list[q.AreaRow], wanted: str | None):
    """(label, end month, choices): the period asked for if offered, else the newest."""
    in_view = {a.id for a in areas}
    roots = [a.id for a in areas if a.parent_id not in in_view]
    latest = q.latest_period(kind, roots)
    earliest = q.earliest_period(kind, roots) if latest else None
    choices = q.periods_of_kind(kind, latest[1] if latest else None,
                                earliest_end=earliest[1] if earliest else None)
    if wanted and _kind_of(wanted) not in (None, kind):
        # The form sends both selects: changing "Period type" alone still sends the period of
        # the old type, which the user meant to leave behind, so show the new type's newest.
        wanted = None
    if wanted:
        if wanted not in choices:
            raise BadRequest(f"There are no figures for the period {wanted!r}.")
        return wanted, parse(wanted).end, choices
    return (latest[0], latest[1], choices) if latest else (None, None, choices)


def build(kind: str, measure: str, wanted_period: str | None, page: int) -> Overview:
    """Everything the overview shows for the signed-in user's scope."""
    areas = q.scoped_area_rows()
    view = Overview(kind=kind, measure=measure, areas=areas)
    view.pages = max(1, -(-len(areas) // PER_PAGE))
    if page < 1 or page > view.pages:
        raise BadRequest(f"There is no page {page}: the table has {view.pages}.",
                         page=min(max(page, 1), view.pages))
    view.page = page
    view.page_areas = areas[(page - 1) * PER_PAGE:page * PER_PAGE]
    view.period, view.period_end, view.periods = _period(kind, areas, wanted_period)
    if view.period is None:
        return view
    ids = [a.id for a in areas]
    view.cells = q.overview_cells(view.period, [a.id for a in view.page_areas], q.MEASURES)
    view.map_cells = q.overview_cells(view.period, ids, (measure,))
    changed = q.overview_cells(view.period, ids, q.MEASURES, significant_only=True)
    order = {m: i for i, m in enumerate(q.MEASURES)}
    view.changes = [change_sentence(a.name, c, kind) for a in areas
                    for c in sorted(changed.get(a.id, {}).values(),
                                    key=lambda c: order[c.measure])]
    suggestions = pq.suggestions(ids, Period(kind, view.period_end))
    view.priorities_total = len(suggestions)
    view.priorities = suggestions[:TOP_PRIORITIES]
    return view
