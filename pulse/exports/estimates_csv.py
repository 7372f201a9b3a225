"""The estimates CSV made by the database: no Python object per row or per cell.

Half a million estimates through a per-row generator (a tuple built, every cell rounded and
checked by :func:`pulse.exports.cells.neutralise`, then ``csv.writer``) cost 2.4x fetching the
rows alone. Here one SELECT already returns the cells as they are written: figures rounded to
fixed decimals, suppressed cells NULL (empty), the reason and significance as words, and the
text cells neutralised by the same rule as :mod:`.cells`, written in SQL
(:func:`neutralised`). PostgreSQL then formats the CSV itself
(``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)``) and the bytes are passed on in
chunks; SQLite's driver cursor fetches BATCH rows at a time into ``csv.writer.writerows``.
Both give the same text: LF line ends (COPY's), figures as ``61.23`` / ``96.0``, empty = NULL.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import Select, String, case, func, literal, or_, select

from ..estimates import reasons
from ..estimates.queries import EXPORT_COLUMNS
from ..extensions import db
from ..models import Area, Estimate
from .cells import INVISIBLE, LEADING, PREFIX, TRIGGERS
from .filters import ExportFilter
from .rounding import fixed_sql
from .writers import Tally

#: Rows per fetch on SQLite (one ``writerows`` each), and bytes per chunk handed on.
BATCH = 5000
CHUNK_BYTES = 1 << 16
#: Every character ``str.isspace()`` (hence ``str.lstrip()``) skips, and the invisible ones
#: cells.needs_prefix strips too: the set SQL's ltrim() removes before looking for a trigger.
BLANKS = "".join(sorted({chr(i) for i in range(0x3001) if chr(i).isspace()} | set(INVISIBLE)))


def neutralised(column, postgres: bool):
    """``column`` with a leading ``'`` where :func:`.cells.needs_prefix` would add one."""
    # Fast path, as in cells.neutralise: a first character that is a digit or in U+0041-U+007F
    # (letters among them) is no trigger, blank or control. It halves the check's cost on
    # SQLite, where most cells (codes, labels) take it.
    code = (func.ascii if postgres else func.unicode)(column)
    first = func.substr(column, 1, 1)
    after_blanks = func.substr(func.ltrim(column, literal(BLANKS, String)), 1, 1)
    return case((or_(code.between(65, 127), code.between(48, 57)), column),
                (or_(first.in_(sorted(LEADING)), after_blanks.in_(sorted(TRIGGERS))),
                 literal(PREFIX, String) + column), else_=column)


def statement(f: ExportFilter, postgres: bool) -> Select:
    """The export as one SELECT of finished cells, labelled as EXPORT_COLUMNS, key order."""
    shown = Estimate.suppressed.is_not(True)

    def figure(column, places):
        return case((shown, fixed_sql(column, places, postgres)), else_=None)

    # "fewer than N responses", N the configured minimum: one number throughout the file.
    status = case((Estimate.suppressed.is_(True), reasons.primary()),
                  (func.coalesce(Estimate.suppressed_reason, "") != "", "count withheld"),
                  else_="no")
    significance = case((or_(Estimate.suppressed.is_(True), Estimate.change.is_(None)), None),
                        (Estimate.change_significant.is_(True), "significant"),
                        else_="no significant change")
    text = [neutralised(c, postgres) for c in (Area.code, Estimate.period, Estimate.measure,
                                                Estimate.group_label)]
    cells = (*text, case((shown, Estimate.n), else_=None),
             figure(Estimate.effective_n, 1), figure(Estimate.estimate, 2),
             figure(Estimate.ci_low, 2), figure(Estimate.ci_high, 2), status,
             figure(Estimate.change, 2), significance, figure(Estimate.modelled_estimate, 2))
    stmt = (select(*(c.label(name) for c, name in zip(cells, EXPORT_COLUMNS, strict=True)))
            .join_from(Estimate, Area, Area.id == Estimate.area_id)
            .where(*f.estimate_clauses(Estimate.area_id, Estimate.period, Estimate.period_end)))
    # The unique key's order: the database reads the index instead of sorting every row.
    return stmt.order_by(Estimate.area_id, Estimate.period, Estimate.measure,
                         Estimate.group_label)


def chunks(f: ExportFilter, tally: Tally) -> Iterator[bytes]:
    """The whole CSV (header first) as UTF-8 chunks; ``tally.rows`` counts the data rows."""
    postgres = db.engine.dialect.name == "postgresql"
    compiled = statement(f, postgres).compile(dialect=db.engine.dialect,
                                              compile_kwargs={"render_postcompile": True})
    raw = db.session.connection().connection.driver_connection
    if postgres:
        yield from _copy(raw, str(compiled), compiled.params, tally)
    else:
        params = [compiled.params[name] for name in compiled.positiontup]
        yield from _fetch(raw, str(compiled), params, tally)


def _copy(raw, sql: str, params: dict, tally: Tally) -> Iterator[bytes]:
    # psycopg merges the parameters client-side (COPY takes none); each message is one row
    # (the header the first), so the tally follows the chunks, as a background run's progress.
    cur = raw.cursor()
    try:
        with cur.copy("COPY (" + sql + ") TO STDOUT WITH (FORMAT csv, HEADER)",
                      params) as copy:
            buffer = bytearray()
            messages = 0
            for data in copy:
                buffer += data
                messages += 1
                if len(buffer) >= CHUNK_BYTES:
                    tally.rows = messages - 1
                    yield bytes(buffer)
                    buffer.clear()
            yield bytes(buffer)
        tally.rows = max(cur.rowcount, 0)
    finally:
        cur.close()


def _fetch(raw, sql: str, params: list, tally: Tally) -> Iterator[bytes]:
    cur = raw.cursor()
    try:
        cur.arraysize = BATCH
        cur.execute(sql, params)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        while batch := cur.fetchmany():
            writer.writerows(batch)
            tally.rows += len(batch)
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue().encode()
    finally:
        cur.close()
