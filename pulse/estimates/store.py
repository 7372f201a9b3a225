"""Writing and reading stored estimate rows in bulk (COPY on PostgreSQL, executemany on SQLite).

Everything runs on the session's own connection, inside the caller's transaction: a swap of
old rows for new ones is committed whole or not at all.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

import numpy as np
from sqlalchemy import text

from analysis import suppression
from analysis.aggregate import PeriodTable
from analysis.cells import GROUP_INDEX, GROUPS

from ..extensions import db
from .loading import Context

COLUMNS = ("area_id", "period", "period_kind", "period_end", "measure", "group_label", "unit",
           "n", "effective_n", "estimate", "std_error", "ci_low", "ci_high", "suppressed",
           "suppressed_reason", "weighted", "change", "change_significant",
           "modelled_estimate", "computed_at")


def _nullable(values: np.ndarray, cast=float) -> list:
    return [None if v != v else cast(v) for v in values.tolist()]


def rows_of(table: PeriodTable, ctx: Context, computed_at: datetime) -> list[tuple]:
    p = table.period
    codes = [m.code for m in ctx.measures]
    units = [m.unit for m in ctx.measures]
    at = computed_at.replace(tzinfo=None)
    areas = ctx.area_ids[table.area].tolist()
    change = _nullable(table.change)
    significant = [None if c is None else bool(s)
                   for c, s in zip(change, table.significant.tolist(), strict=True)]
    return list(zip(
        areas, [p.label] * len(table), [p.kind] * len(table), [p.end] * len(table),
        [codes[m] for m in table.measure.tolist()],
        [GROUPS[g].label for g in table.group.tolist()],
        [units[m] for m in table.measure.tolist()],
        _nullable(table.n, int), _nullable(table.n_eff), _nullable(table.estimate),
        _nullable(table.std_error), _nullable(table.ci_low), _nullable(table.ci_high),
        (table.reason == suppression.PRIMARY).tolist(),
        [suppression.REASONS[r] for r in table.reason.tolist()],
        table.weighted.tolist(), change, significant, _nullable(table.modelled),
        [at] * len(table), strict=True))


def insert_rows(rows: list[tuple]) -> int:
    if not rows:
        return 0
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(COLUMNS)
    if db.engine.dialect.name == "postgresql":
        # CSV made by the csv module (C code) in chunks: writing row by row through the
        # driver costs several times as much for millions of rows. Empty unquoted = NULL.
        with raw.cursor() as cur, cur.copy(
                f"COPY estimate ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            for start in range(0, len(rows), 100_000):
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows[start:start + 100_000])
                copy.write(buffer.getvalue())
    else:
        marks = ", ".join("?" * len(COLUMNS))
        cur = raw.cursor()
        # The unique index is updated in random order; with SQLite's default 2 MB page cache
        # that thrashes on millions of rows. A larger cache on this connection keeps it hot.
        cur.execute("PRAGMA cache_size = -262144")
        # bandit B608: only integers, our own column names and timestamps we format are in the SQL.
        cur.executemany(f"INSERT INTO estimate ({names}) VALUES ({marks})",  # nosec B608
                        [row[:-1] + (row[-1].isoformat(sep=" "),) for row in rows])
        cur.close()
    return len(rows)


def delete_rows(area_ids: list[int] | None, periods: list[str] | None) -> int:
    """Remove the rows about to be replaced (all of them when both are None)."""
    if area_ids is None and periods is None:
        if db.engine.dialect.name == "postgresql":
            # Transactional on PostgreSQL, and far quicker than deleting millions of rows.
            db.session.execute(text("TRUNCATE estimate"))
            return -1
        return db.session.execute(text("DELETE FROM estimate")).rowcount
    where, params = [], {}
    if area_ids is not None:
        where.append(f"area_id IN ({', '.join(str(int(a)) for a in area_ids) or 'NULL'})")
    if periods is not None:
        keys = [f"p{i}" for i in range(len(periods))]
        where.append(f"period IN ({', '.join(':' + k for k in keys) or 'NULL'})")
        params.update(zip(keys, periods, strict=True))
    # bandit B608: only integers, our own column names and timestamps we format are in the SQL.
    return db.session.execute(text("DELETE FROM estimate WHERE " + " AND ".join(where)),  # nosec B608
                              params).rowcount


def published(ctx: Context, period: str, area_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Stored estimate and standard error as groups x areas x measures (NaN where none)."""
    shape = (len(GROUPS), len(ctx.area_ids), len(ctx.measures))
    est, se = np.full(shape, np.nan), np.full(shape, np.nan)
    measure = {m.code: j for j, m in enumerate(ctx.measures)}
    ids = ", ".join(str(int(a)) for a in area_ids) or "NULL"
    for area_id, code, group, e, s in db.session.execute(text(
            # bandit B608: only integers, our own column names and timestamps we format are in the SQL.
            "SELECT area_id, measure, group_label, estimate, std_error FROM estimate "  # nosec B608
            f"WHERE period = :p AND area_id IN ({ids}) AND estimate IS NOT NULL"),
            {"p": period}):
        if code in measure and group in GROUP_INDEX and area_id in ctx.index:
            key = (GROUP_INDEX[group], ctx.index[area_id], measure[code])
            est[key], se[key] = e, s
    return est, se
