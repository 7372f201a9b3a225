"""The officer workspace: overview of the areas in scope, and one page per area."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from analysis.periods import month_label

from ..auth.decorators import login_required
from ..auth.scope import scoped_area_or_404
from ..charts.svg import MapArea, TrendPoint, choropleth, trend_chart
from ..responses.queries import area_and_below, channel_counts
from . import queries as q

bp = Blueprint("officer", __name__, url_prefix="/officer")

SINCE = {"month": "since last month", "quarter": "since last quarter",
         "r12": "since the year before"}


def _period(kind: str, areas: list) -> tuple[str | None, list[str]]:
    """The period asked for (it must be one offered), else the newest; 400 otherwise."""
    in_view = {a.id for a in areas}
    roots = [a.id for a in areas if a.parent_id not in in_view]
    latest = q.latest_period(kind, roots)
    choices = q.periods_of_kind(kind, latest[1] if latest else None)
    wanted = request.args.get("period")
    if wanted:
        if wanted not in choices:
            abort(400, description=f"There are no figures for the period {wanted!r}.")
        return wanted, choices
    return (latest[0] if latest else None), choices


def change_sentence(area_name: str, cell: q.Cell, kind: str) -> str:
    verb = "rose" if cell.change > 0 else "fell"
    unit = "points" if cell.unit == "score" else "percentage points"
    return (f"{q.MEASURE_LABELS[cell.measure]} in {area_name} {verb} "
            f"{abs(cell.change):.0f} {unit} {SINCE[kind]} — significant")


def _map_areas(areas, cells, measure: str) -> list[MapArea]:
    """Only the lowest drawn level: a borough's outline would cover its wards."""
    with_shape = [a for a in areas if a.boundary]
    parents = {a.parent_id for a in with_shape}
    out = []
    for area in with_shape:
        if area.id in parents:
            continue
        cell = cells.get(area.id, {}).get(measure)
        out.append(MapArea(area.code, area.name, area.boundary,
                           None if cell is None else cell.estimate,
                           bool(cell and cell.suppressed), f"/officer/area/{area.code}"))
    return out


@bp.get("/")
@login_required
def index():
    kind = q.parse_kind(request.args.get("kind"))
    measure = request.args.get("measure") or "trust"
    if measure not in q.MEASURES:
        abort(400, description=f"There is no measure called {measure!r}.")
    areas = q.scoped_areas()
    ids = [a.id for a in areas]
    period, choices = _period(kind, areas)
    cells = q.overview_cells(period, ids) if period else {}
    changes = [change_sentence(a.name, c, kind) for a in areas
               for m, c in sorted(cells.get(a.id, {}).items(), key=lambda mc: q.MEASURES.index(mc[0])
                                  if mc[0] in q.MEASURES else 99)
               if c.change_significant and c.change is not None and not c.suppressed]
    unit = "score 0-100" if any(c.unit == "score" for byarea in cells.values()
                                for c in byarea.values() if c.measure == measure) else "percent"
    svg = choropleth(_map_areas(areas, cells, measure),
                     title=f"Map: {q.MEASURE_LABELS[measure]}, {period or 'no period'}",
                     unit_label=f"{q.MEASURE_LABELS[measure]} ({unit})")
    return render_template("officer/overview.html", areas=areas, cells=cells, kind=kind,
                           kinds=q.KIND_LABELS, measure=measure, measures=q.MEASURES,
                           labels=q.MEASURE_LABELS, period=period, periods=choices,
                           # bandit B704: pulse.charts.svg escapes every text it writes.
                           changes=changes, map_svg=Markup(svg))  # nosec B704


@bp.get("/area/<code>")
@login_required
def area(code: str):
    place = scoped_area_or_404(code)
    kind = q.parse_kind(request.args.get("kind") or "month")
    topic = request.args.get("topic") or None
    topics = q.topics()
    if topic and topic not in {t.code for t in topics}:
        abort(400, description=f"There is no topic called {topic!r}.")
    series = q.area_series(place.id, kind)
    parent = q.area_series(place.parent_id, kind) if place.parent_id else {}
    charts = []
    for measure in q.MEASURES:
        cells = series.get(measure, [])
        if not cells:
            continue
        parent_by = {c.period: c for c in parent.get(measure, [])}
        points = []
        for c in cells:
            p = parent_by.get(c.period)
            points.append(TrendPoint(c.period, None if c.suppressed else c.estimate,
                                     c.ci_low, c.ci_high, c.modelled,
                                     None if p is None or p.suppressed else p.estimate))
        svg = trend_chart(points, chart_id=f"chart-{measure}",
                          title=f"{q.MEASURE_LABELS[measure]} in {place.name} by {kind}")
        # bandit B704: pulse.charts.svg escapes every text it writes.
        charts.append((measure, Markup(svg), cells, parent_by))  # nosec B704
    latest = q.latest_period("r12", [place.id])
    subgroups = q.subgroup_cells(place.id, latest[0]) if latest else {}
    below = area_and_below(place)
    shares = q.topic_shares(q.area_comment_rows(below))
    return render_template(
        "officer/area.html", area=place, kind=kind, kinds=q.KIND_LABELS, charts=charts,
        labels=q.MEASURE_LABELS, subgroup_period=latest[0] if latest else None,
        subgroups=subgroups, dimensions=q.SUBGROUP_DIMENSIONS, topics=topics, topic=topic,
        shares=[(month_label(m), s) for m, s in shares.items()][-12:],
        quotes=q.quotes(below, topic), flagged=q.flagged_count(below),
        channels=channel_counts(place), since=SINCE[kind])


from . import priority_views  # noqa: E402,F401  (more routes on this blueprint)
from . import comment_views  # noqa: E402,F401
