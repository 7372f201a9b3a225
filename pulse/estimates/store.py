"""Writing and reading stored estimate rows in bulk, inside the caller's transaction.

Rows travel as numbers, never as Python objects per row: the period tables' columns go into
a temporary staging table (PostgreSQL: one binary COPY made by numpy; SQLite: executemany of
plain numeric tuples), and one ``INSERT ... SELECT`` turns them into estimate rows, joining the
labels (period, measure, group, reason) from small lookup tables. A full rebuild drops the
secondary (period-led, SQLite only) index and builds it once after; on PostgreSQL it skips
the staging altogether (:mod:`.rebuild`: whole rows by one binary COPY, keys built once).
An incremental run updates the rows whose key is stored already, in place (``replace``:
an upsert on SQLite, an update through a hash join then an insert of the rest on PostgreSQL).
Everything runs on the session's own connection: a swap is committed whole or not at all.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import numpy as np
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex, DropIndex

from analysis import suppression
from analysis.aggregate import PeriodTable
from analysis.cells import GROUPS

from ..extensions import db
from . import binary_rows, reasons
from .loading import Context

COLUMNS = ("area_id", "period", "period_kind", "period_end", "measure", "group_label", "unit",
           "n", "effective_n", "estimate", "std_error", "ci_low", "ci_high", "suppressed",
           "suppressed_reason", "weighted", "change", "change_significant",
           "modelled_estimate", "computed_at")
# Staging columns: indices into the lookups, NaN for NULL floats, -1 for a NULL flag.
_STAGE = (("area_id", "bigint", ">i8"), ("p", "integer", ">i4"), ("m", "integer", ">i4"),
          ("g", "integer", ">i4"), ("n", "float8", ">f8"), ("n_eff", "float8", ">f8"),
          ("est", "float8", ">f8"), ("se", "float8", ">f8"), ("lo", "float8", ">f8"),
          ("hi", "float8", ">f8"), ("chg", "float8", ">f8"), ("modelled", "float8", ">f8"),
          ("reason", "smallint", ">i2"), ("weighted", "smallint", ">i2"),
          ("sig", "smallint", ">i2"))


def rows_of(table: PeriodTable, ctx: Context, computed_at: datetime) -> list[tuple]:
    """The rows of one table as Python tuples in COLUMNS order: the plain reference form
    that tests compare the bulk path against (NaN written as None)."""
    def nullable(values, cast=float):
        return [None if v != v else cast(v) for v in values.tolist()]

    p = table.period
    at = computed_at.replace(tzinfo=None)
    change = nullable(table.change)
    said = {code: reasons.words(code) for code in suppression.REASONS}
    return [
        (int(ctx.area_ids[a]), p.label, p.kind, p.end, ctx.measures[m].code, GROUPS[g].label,
         ctx.measures[m].unit, n, ne, e, se, lo, hi, bool(r == suppression.PRIMARY),
         said[r], bool(w), c, None if c is None else bool(s), mo, at)
        for a, m, g, n, ne, e, se, lo, hi, r, w, c, s, mo in zip(
            table.area.tolist(), table.measure.tolist(), table.group.tolist(),
            nullable(table.n, int), nullable(table.n_eff), nullable(table.estimate),
            nullable(table.std_error), nullable(table.ci_low), nullable(table.ci_high),
            table.reason.tolist(), table.weighted.tolist(), change,
            table.significant.tolist(), nullable(table.modelled), strict=True)]


def staged(tables: list[PeriodTable], ctx: Context, *, binary: bool = False) -> np.ndarray:
    """All tables' rows as one structured array in staging-column order.

    ``binary`` lays the rows out as PostgreSQL's binary COPY wants them, in the same single
    pass: fixed width (no NULLs), so each row is a field count and (length, big-endian value)
    pairs, and the array's bytes are the COPY data.
    """
    if binary:
        fields = [("count", ">i2")]
        for name, _, code in _STAGE:
            fields += [(name + "_len", ">i4"), (name, code)]
        dtype = np.dtype(fields)
    else:
        dtype = np.dtype([(name, code[1:]) for name, _, code in _STAGE])
    out = np.empty(sum(len(t) for t in tables), dtype=dtype)
    if binary:
        out["count"] = len(_STAGE)
        for name, _, code in _STAGE:
            out[name + "_len"] = np.dtype(code).itemsize
    at = 0
    for p, t in enumerate(tables):
        part = out[at:at + len(t)]
        at += len(t)
        part["area_id"] = ctx.area_ids[t.area]
        part["p"], part["m"], part["g"] = p, t.measure, t.group
        for name, column in (("n", t.n), ("n_eff", t.n_eff), ("est", t.estimate),
                             ("se", t.std_error), ("lo", t.ci_low), ("hi", t.ci_high),
                             ("chg", t.change), ("modelled", t.modelled)):
            part[name] = column
        part["reason"], part["weighted"] = t.reason, t.weighted
        part["sig"] = np.where(np.isnan(t.change), -1, t.significant.astype(np.int16))
    return out


def write(tables: list[PeriodTable], ctx: Context, computed_at: datetime, *,
          rebuild: bool = False) -> int:
    """Insert every row of ``tables``; ``rebuild`` when the estimate table was just emptied."""
    postgres = db.engine.dialect.name == "postgresql"
    # Imported here: .rebuild lays rows out with this module's staged().
    from .rebuild import copy_all, table_indexes

    if rebuild and postgres:
        return copy_all(tables, ctx, computed_at)
    with _staging(tables, ctx) as (cur, staged):
        if not staged:
            return 0
        indexes = table_indexes() if rebuild else []
        # The secondary indexes this backend has (SQLite: the period-led one): the rows
        # arrive in the unique key's order, so every row would land at a random place in an
        # index led by the period.
        for index in indexes:
            db.session.execute(DropIndex(index))
        cur.execute(_insert_sql(postgres), _reason_params(computed_at, postgres))
        for index in indexes:
            db.session.execute(CreateIndex(index))
    return staged


def replace(tables: list[PeriodTable], ctx: Context, computed_at: datetime,
            area_ids: list[int], periods: list[str]) -> dict[str, int]:
    """Make the stored rows of these areas and periods exactly the rows of ``tables``.

    Rows whose key is stored already are updated in place, not deleted and inserted again:
    no key column changes, so no index entry changes either (SQLite leaves such indexes
    alone; PostgreSQL makes a heap-only update where the page has room, see migration
    0014), and the foreign key is not checked again. New keys are inserted, and keys no
    longer computed (a cell fallen under the minimum) deleted.
    """
    postgres = db.engine.dialect.name == "postgresql"
    where, params = _scope(area_ids, periods, postgres)
    with _staging(tables, ctx) as (cur, staged):
        if postgres:
            # bandit B608: only integers, our own column names and placeholders are in the SQL.
            cur.execute("SELECT COUNT(*) FROM estimate WHERE " + where, params)  # nosec B608
            before = cur.fetchone()[0]
            inserted = 0
            if staged:
                inserted = _update_then_insert(cur, area_ids, periods, computed_at)
            # Every staged row is in the scope: what was stored there and not matched is gone.
            gone = before - (staged - inserted)
        else:
            if staged:
                cur.execute(_insert_sql(postgres) + _ON_KEY,
                            _reason_params(computed_at, postgres))
            # Every staged row is in the scope, so any further stored row there is a gone key.
            cur.execute("SELECT COUNT(*) FROM estimate WHERE " + where, params)  # nosec B608
            gone = cur.fetchone()[0] - staged
        deleted = 0
        if gone > 0:
            if not postgres:
                # The probe below, once per stored row, by key (PostgreSQL hashes instead).
                cur.execute("CREATE INDEX estimate_stage_key ON estimate_stage (area_id, p, m, g)")
            cur.execute("DELETE FROM estimate WHERE " + where + _GONE, params)  # nosec B608
            deleted = cur.rowcount
    return {"written": staged, "deleted": deleted}


def _update_then_insert(cur, area_ids: list[int], periods: list[str],
                        computed_at: datetime) -> int:
    """PostgreSQL: update the stored rows of the staged keys, insert the rest, in one
    statement; return how many were inserted.

    Not ``INSERT ... ON CONFLICT DO UPDATE``: that probes the unique key once per row, text
    column by text column, and locks each row before updating it (two WAL records a row).
    Here the scope's stored rows are read once through an index and joined to the staged
    rows by hash, and each matched row is updated where it lies: at 1M responses (214,000
    rows) 3.4 -> 2.1-2.2 CPU-s for the statement, and half the WAL records.
    """
    # Hashes of the staged rows and of the scope's rows: some tens of MB, kept in memory.
    cur.execute("SET LOCAL work_mem = '64MB'")
    keys = ("area_id", "p", "m", "g")
    ids = ", ".join(str(int(a)) for a in area_ids) or "NULL"
    marks = ", ".join("%s" for _ in periods) or "NULL"
    params = _reason_params(computed_at, True)
    sets = ", ".join(f"{c} = {v}" for c, v in zip(COLUMNS, _values(True), strict=True)
                     if c not in _KEY)
    match = ("e.area_id = s.area_id AND e.period = p.label AND e.measure = m.code "
             "AND e.group_label = g.label")
    returned = " AND ".join(f"u.{k} = s.{k}" for k in keys)
    # bandit B608: only integers, our own column names and placeholders are in the SQL.
    update = (f"UPDATE estimate e SET {sets} {_FROM} AND {match} "  # nosec B608
              f"AND e.area_id IN ({ids}) AND e.period IN ({marks}) "
              f"RETURNING {', '.join('s.' + k for k in keys)}")
    cur.execute(f"WITH u AS ({update}) {_insert_sql(True)} "  # nosec B608
                f"AND NOT EXISTS (SELECT 1 FROM u WHERE {returned})",
                params + tuple(periods) + params)
    return cur.rowcount


_KEY = ("area_id", "period", "measure", "group_label")
# bandit B608 (both): our own column names only.
_ON_KEY = (f" ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET "  # nosec B608
           + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in _KEY))
_GONE = (" AND NOT EXISTS (SELECT 1 FROM estimate_stage s "
         "JOIN estimate_stage_period p ON p.i = s.p JOIN estimate_stage_measure m ON m.i = s.m "
         "JOIN estimate_stage_group g ON g.i = s.g WHERE s.area_id = estimate.area_id "
         "AND p.label = estimate.period AND m.code = estimate.measure "
         "AND g.label = estimate.group_label)")


def _scope(area_ids: list[int], periods: list[str], postgres: bool) -> tuple[str, dict]:
    ids = ", ".join(str(int(a)) for a in area_ids) or "NULL"
    mark = "%({})s" if postgres else ":{}"
    keys = [f"p{i}" for i in range(len(periods))]
    return (f"area_id IN ({ids}) AND period IN "
            f"({', '.join(mark.format(k) for k in keys) or 'NULL'})",
            dict(zip(keys, periods, strict=True)))


@contextmanager
def _staging(tables: list[PeriodTable], ctx: Context):
    """A cursor on the session's connection with the rows of ``tables`` in the staging
    tables, and the number of rows; the staging tables are dropped after."""
    postgres = db.engine.dialect.name == "postgresql"
    rows = staged(tables, ctx, binary=postgres)
    raw = db.session.connection().connection.driver_connection
    columns = ", ".join(f"{name} {sql}" for name, sql, _ in _STAGE)
    cur = raw.cursor()
    try:
        cur.execute("CREATE TEMP TABLE estimate_stage (" + columns + ")")
        cur.execute("CREATE TEMP TABLE estimate_stage_period (i integer PRIMARY KEY, label text, "
                    "kind text, period_end integer)")
        cur.execute("CREATE TEMP TABLE estimate_stage_measure (i integer PRIMARY KEY, code text, "
                    "unit text)")
        cur.execute("CREATE TEMP TABLE estimate_stage_group (i integer PRIMARY KEY, label text)")
        # bandit B608: only the driver's placeholder is formatted in; labels are bound.
        mark = "%s" if postgres else "?"
        cur.executemany(f"INSERT INTO estimate_stage_period VALUES ({mark}, {mark}, {mark}, "  # nosec B608
                        f"{mark})", [(i, t.period.label, t.period.kind, t.period.end)
                                     for i, t in enumerate(tables)])
        cur.executemany(f"INSERT INTO estimate_stage_measure VALUES ({mark}, {mark}, {mark})",  # nosec B608
                        [(i, m.code, m.unit) for i, m in enumerate(ctx.measures)])
        cur.executemany(f"INSERT INTO estimate_stage_group VALUES ({mark}, {mark})",  # nosec B608
                        [(i, g.label) for i, g in enumerate(GROUPS)])
        if postgres and len(rows):
            with cur.copy("COPY estimate_stage FROM STDIN WITH (FORMAT binary)") as copy:
                copy.write(binary_rows.HEADER)
                for start in range(0, len(rows), 200_000):
                    copy.write(rows[start:start + 200_000].tobytes())
                copy.write(binary_rows.TRAILER)
        elif len(rows):
            # Rows in the unique key's order: SQLite then appends to its index instead of
            # updating it at random (labels compare as bytes, as Python compares them).
            order = np.lexsort((_rank([g.label for g in GROUPS])[rows["g"]],
                                _rank([m.code for m in ctx.measures])[rows["m"]],
                                _rank([t.period.label for t in tables])[rows["p"]],
                                rows["area_id"]))
            # SQLite stores a NaN bound as a float as NULL.
            marks = ", ".join("?" * len(_STAGE))
            cur.executemany(f"INSERT INTO estimate_stage VALUES ({marks})",  # nosec B608
                            rows[order].tolist())
        yield cur, len(rows)
        for name in ("estimate_stage", "estimate_stage_period", "estimate_stage_measure",
                     "estimate_stage_group"):
            cur.execute("DROP TABLE " + name)
    finally:
        cur.close()


def _rank(labels: list[str]) -> np.ndarray:
    order = sorted(range(len(labels)), key=lambda i: labels[i].encode())
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    return rank


def _reason_params(computed_at: datetime, postgres: bool) -> tuple:
    at = computed_at.replace(tzinfo=None)
    # The primary reason names the configured minimum, the one the aggregation ran with.
    return (reasons.words(suppression.PRIMARY), reasons.words(suppression.SECONDARY),
            at if postgres else at.isoformat(sep=" "))


def _insert_sql(postgres: bool) -> str:
    # bandit B608: only our column names, constants and the driver's placeholder are in it.
    return (f"INSERT INTO estimate ({', '.join(COLUMNS)}) "  # nosec B608
            f"SELECT {', '.join(_values(postgres))} {_FROM}")


def _values(postgres: bool) -> list[str]:
    """SQL for each estimate column (COLUMNS order) from a staged row ``s`` and its labels
    ``p``, ``m``, ``g`` (see _FROM); three placeholders: the two reasons, computed_at."""
    if postgres:
        mark = "%s"
        def null(c):   # noqa: E306
            return f"NULLIF(s.{c}, 'NaN'::float8)"
        n = "CAST(NULLIF(s.n, 'NaN'::float8) AS INTEGER)"
        weighted, sig = "s.weighted = 1", "CASE WHEN s.sig < 0 THEN NULL ELSE s.sig = 1 END"
    else:
        mark = "?"
        def null(c):   # noqa: E306
            return f"s.{c}"
        n = "CAST(s.n AS INTEGER)"
        weighted, sig = "s.weighted", "CASE WHEN s.sig < 0 THEN NULL ELSE s.sig END"
    return ["s.area_id", "p.label", "p.kind", "p.period_end", "m.code", "g.label", "m.unit",
            n, null("n_eff"), null("est"), null("se"), null("lo"), null("hi"),
            f"s.reason = {suppression.PRIMARY}",
            f"CASE s.reason WHEN {suppression.PRIMARY} THEN {mark} "
            f"WHEN {suppression.SECONDARY} THEN {mark} END",
            weighted, null("chg"), sig, null("modelled"), mark]


# CROSS JOIN keeps the staging table the outer loop on SQLite (rows stay in key order, labels
# found by primary key); PostgreSQL plans it as any inner join.
_FROM = ("FROM estimate_stage s CROSS JOIN estimate_stage_period p "
         "CROSS JOIN estimate_stage_measure m CROSS JOIN estimate_stage_group g "
         "WHERE p.i = s.p AND m.i = s.m AND g.i = s.g")


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
