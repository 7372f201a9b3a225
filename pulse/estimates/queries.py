"""Reading stored estimates: for the export, the thank-you page and officers' views."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from analysis.periods import ROLLING12
from analysis.suppression import PRIMARY, REASONS, SECONDARY

from ..extensions import db
from ..models import Area, Estimate

EXPORT_COLUMNS = ("area_code", "period", "measure", "group", "n", "effective_n", "estimate",
                  "ci_low", "ci_high", "suppressed", "change", "change_significant",
                  "modelled_estimate")
KIND_ORDER = {"month": 0, "quarter": 1, "r12": 2}


def _fmt(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def export_rows(period: str | None = None, area_code: str | None = None) -> Iterator[tuple]:
    """Rows of the CSV export, streamed; suppressed cells carry no figure at all."""
    query = (select(Area.code, Estimate).join(Area, Area.id == Estimate.area_id)
             .order_by(Area.code, Estimate.period_kind, Estimate.period_end, Estimate.measure,
                       Estimate.group_label))
    if period:
        query = query.where(Estimate.period == period)
    if area_code:
        query = query.where(Area.code == area_code)
    for code, e in db.session.execute(query.execution_options(yield_per=5000)):
        if e.suppressed:
            status = REASONS[PRIMARY]
        elif e.suppressed_reason:
            status = "count withheld"
        else:
            status = "no"
        if e.change is None:
            significance = ""
        else:
            significance = "significant" if e.change_significant else "no significant change"
        yield (code, e.period, e.measure, e.group_label,
               "" if e.n is None else str(e.n), _fmt(e.effective_n, 1), _fmt(e.estimate, 2),
               _fmt(e.ci_low, 2), _fmt(e.ci_high, 2), status, _fmt(e.change, 2), significance,
               _fmt(e.modelled_estimate, 2))
        db.session.expunge(e)


def latest_rolling_year(area_id: int, measures: tuple[str, ...]) -> dict[str, Estimate]:
    """The most recent rolling-year "all" estimates of an area, by measure."""
    end = db.session.scalar(
        select(Estimate.period_end).where(Estimate.area_id == area_id,
                                          Estimate.period_kind == ROLLING12)
        .order_by(Estimate.period_end.desc()).limit(1))
    if end is None:
        return {}
    rows = db.session.scalars(select(Estimate).where(
        Estimate.area_id == area_id, Estimate.period_kind == ROLLING12,
        Estimate.period_end == end, Estimate.group_label == "all",
        Estimate.measure.in_(measures)))
    return {e.measure: e for e in rows}


__all__ = ["EXPORT_COLUMNS", "export_rows", "latest_rolling_year", "SECONDARY"]
