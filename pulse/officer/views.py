"""The officer workspace: overview of the areas in scope, and one page per area."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup

from ..auth.decorators import login_required
from ..auth.scope import scoped_area_or_404
from ..charts.svg import MapArea, TrendPoint, choropleth, trend_chart
from ..errors import render_error
from ..estimates import reasons
from ..paging import page_number
from ..responses.queries import area_and_below, channel_counts
from . import kinds, overview
from . import queries as q
from . import render
from .maps import area_paths

bp = Blueprint("officer", __name__, url_prefix="/officer")
# One way to write an estimate cell, for the overview's table (built in Python) and templates.
bp.add_app_template_global(render.cell_html, "estimate_cell")

SINCE = overview.SINCE


def _overview_url(**changes) -> str:
    """The overview with this request's filters, some changed."""
    return url_for("officer.index", **{**request.args.to_dict(), **changes})


@bp.get("/")
@login_required
def index():
    kind = kinds.kind_asked(kinds.OVERVIEW)
    measure = request.args.get("measure") or "trust"
    if measure not in q.MEASURES:
        abort(400, description=f"There is no measure called {measure!r}.")
    try:
        page = page_number(request.args.get("page"))
    except ValueError:
        return render_error(400, "The page must be a whole number.",
                            back=(_overview_url(page=1), "Go to the first page"))
    try:
        view = overview.build(kind, measure, request.args.get("period") or None, page)
    except overview.BadRequest as error:
        if error.page is None:
            abort(400, description=str(error))
        # A page past the table's end is offered the last one, keeping the filters.
        return render_error(400, str(error),
                            back=(_overview_url(page=error.page), f"Go to page {error.page}"))
    paths = area_paths([a.id for a in view.areas])
    map_areas = [MapArea(a.code, a.name, None, getattr(cell, "estimate", None),
                         bool(cell and cell.suppressed), f"/officer/area/{a.code}")
                 for a in view.areas if a.code in paths
                 for cell in [view.map_cells.get(a.id, {}).get(measure)]]
    svg = choropleth(map_areas, paths=paths, minimum=reasons.minimum(),
                     title=f"Map: {q.MEASURE_LABELS[measure]}, {view.period or 'no period'}",
                     unit_label=f"{q.MEASURE_LABELS[measure]} ({view.unit})")
    rows = render.table_rows(view.page_areas, view.cells, q.MEASURES,
                             url_for("officer.area", code="__code__"))
    return render_template("officer/overview.html", view=view, rows=rows, kind=kind,
                           kinds=kinds.KIND_LABELS, measure=measure, measures=q.MEASURES,
                           labels=q.MEASURE_LABELS, period=view.period, periods=view.periods,
                           areas=view.areas, changes=view.changes,
                           # bandit B704: pulse.charts.svg escapes every text it writes.
                           map_svg=Markup(svg))  # nosec B704


def _charted_topic(asked: str | None, topics: list, shares: dict):
    """The topic filtered on, else the one with the largest share in the newest period."""
    if asked:
        return next((t for t in topics if t.code == asked), None)
    for cells in reversed(list(shares.values())):
        published = [c for c in cells.values() if not c.suppressed and c.share is not None]
        if published:
            top = max(published, key=lambda c: c.share).topic
            return next((t for t in topics if t.code == top), None)
    return None


def _zero_or_suppressed(cells: dict):
    """A period that stored no row for the topic: suppressed if the period is, else none."""
    first = next(iter(cells.values()), None)
    return first if first is not None and first.suppressed else None


@bp.get("/area/<code>")
@login_required
def area(code: str):
    place = scoped_area_or_404(code)
    kind = kinds.kind_asked(kinds.AREA)
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
    shares = q.stored_topic_shares(place.id, kind, last=12)
    charted = _charted_topic(topic, topics, shares)
    share_chart = None
    if charted is not None:
        points = [TrendPoint(label, c.share if c and not c.suppressed else None,
                             c.ci_low if c else None, c.ci_high if c else None)
                  for label, cells in shares.items()
                  for c in [cells.get(charted.code) or _zero_or_suppressed(cells)]]
        # bandit B704: pulse.charts.svg escapes every text it writes.
        share_chart = Markup(trend_chart(  # nosec B704
            points, chart_id="chart-topic-share", estimate_label="share of comments",
            key_all=False,
            title=f"Share of comments about {charted.label} in {place.name} by {kind} (%)"))
    return render_template(
        "officer/area.html", cell_words=render.Words.current(), area=place, kind=kind, kinds=kinds.KIND_LABELS, charts=charts,
        labels=q.MEASURE_LABELS, subgroup_period=latest[0] if latest else None,
        subgroups=subgroups, dimensions=q.SUBGROUP_DIMENSIONS, topics=topics, topic=topic,
        shares=shares, share_chart=share_chart, charted=charted,
        quotes=q.quotes(below, topic), flagged=q.flagged_count(below),
        channels=channel_counts(place), since=SINCE[kind])


from . import priority_views  # noqa: E402,F401  (more routes on this blueprint)
from . import comment_views  # noqa: E402,F401
