"""Reading stored estimates: for the export, the thank-you page, officers' views and the
change against the previous period that an incremental run measures."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from sqlalchemy import select

from analysis.cells import GROUPS
from analysis.periods import ROLLING12
from analysis.suppression import SECONDARY

from ..extensions import db
from ..models import Area, Estimate
from . import reasons
from .loading import Context

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
    primary = reasons.primary()
    for code, e in db.session.execute(query.execution_options(yield_per=5000)):
        if e.suppressed:
            status = primary
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


def latest_rolling_year(area_id: int, measures: tuple[str, ...],
                        before: int | None = None) -> dict[str, Estimate]:
    """The most recent rolling-year "all" estimates of an area, by measure; with ``before``
    (a month index), the latest of the rolling years that end before that month."""
    query = select(Estimate.period_end).where(Estimate.area_id == area_id,
                                              Estimate.period_kind == ROLLING12)
    if before is not None:
        query = query.where(Estimate.period_end < before)
    end = db.session.scalar(query.order_by(Estimate.period_end.desc()).limit(1))
    if end is None:
        return {}
    rows = db.session.scalars(select(Estimate).where(
        Estimate.area_id == area_id, Estimate.period_kind == ROLLING12,
        Estimate.period_end == end, Estimate.group_label == "all",
        Estimate.measure.in_(measures)))
    return {e.measure: e for e in rows}


__all__ = ["EXPORT_COLUMNS", "export_rows", "latest_rolling_year", "SECONDARY"]


def published(ctx: Context, period: str, area_ids: list[int]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored estimate, standard error and effective sample size as groups x areas x
    measures (NaN where none)."""
    shape = (len(GROUPS), len(ctx.area_ids), len(ctx.measures))
    est, se, n_eff = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    ids = ", ".join(str(int(a)) for a in area_ids) or "NULL"
    # The database turns measure codes and group labels into positions, so every row is
    # plain numbers that numpy takes in one go (tens of thousands of rows per period).
    params = {"p": period} | {f"m{j}": m.code for j, m in enumerate(ctx.measures)} \
        | {f"g{k}": g.label for k, g in enumerate(GROUPS)}
    # Named placeholders in the driver's own style (psycopg %(name)s, sqlite3 :name): the
    # driver's cursor returns plain tuples, without a result object per row.
    mark = "%({})s" if db.engine.dialect.name == "postgresql" else ":{}"
    measure = " ".join(f"WHEN {mark.format(f'm{j}')} THEN {j}" for j in range(len(ctx.measures)))
    group = " ".join(f"WHEN {mark.format(f'g{k}')} THEN {k}" for k in range(len(GROUPS)))
    # bandit B608: only integers, our own column names and placeholders are in the SQL.
    select_sql = (f"SELECT area_id, CASE measure {measure} ELSE -1 END AS m, "  # nosec B608
                  f"CASE group_label {group} ELSE -1 END AS g, estimate, std_error, effective_n "
                  f"FROM estimate WHERE period = {mark.format('p')} AND area_id IN ({ids}) "
                  "AND estimate IS NOT NULL")
    raw = db.session.connection().connection.driver_connection
    cur = raw.cursor()
    try:
        if db.engine.dialect.name == "postgresql":
            # Packed by the server into one bytea that numpy reads as it is: no Python tuple
            # per row (tens of thousands of rows, three periods per incremental run).
            cur.execute("SELECT string_agg(int4send(q.area_id) || int2send(CAST(q.m AS smallint)) "  # nosec B608
                        "|| int2send(CAST(q.g AS smallint)) || float8send(q.estimate) "
                        "|| float8send(COALESCE(q.std_error, 'NaN'::float8)) "
                        "|| float8send(COALESCE(q.effective_n, 'NaN'::float8)), ''::bytea) "
                        f" FROM ({select_sql}) AS q", params)
            packed = cur.fetchone()[0]
            rows = np.frombuffer(packed or b"", dtype=[("a", ">i4"), ("m", ">i2"), ("g", ">i2"),
                                                      ("e", ">f8"), ("s", ">f8"), ("n", ">f8")])
            table = np.empty((len(rows), 6))
            for k, name in enumerate(("a", "m", "g", "e", "s", "n")):
                table[:, k] = rows[name]
        else:
            cur.execute(select_sql, params)
            rows = cur.fetchall()
            # None (a withheld count) becomes NaN, as on PostgreSQL.
            table = np.array(rows, dtype=float).reshape(-1, 6)
    finally:
        cur.close()
    if not len(table):
        return est, se, n_eff
    area_id, m, g = (table[:, k].astype(np.int64) for k in range(3))
    a = np.searchsorted(ctx.area_ids, area_id)
    known = (a < len(ctx.area_ids)) & (ctx.area_ids[np.minimum(a, len(ctx.area_ids) - 1)] == area_id)
    ok = known & (m >= 0) & (g >= 0)
    est[g[ok], a[ok], m[ok]] = table[ok, 3]
    se[g[ok], a[ok], m[ok]] = table[ok, 4]
    n_eff[g[ok], a[ok], m[ok]] = table[ok, 5]
    return est, se, n_eff
