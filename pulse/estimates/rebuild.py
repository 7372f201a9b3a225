"""The full rebuild on PostgreSQL: whole rows by one binary COPY into the emptied table.

The estimate table's keys and indexes are dropped first and built once after, each by one
sort, instead of being maintained for every one of millions of rows; the rows themselves are
laid out by numpy (:mod:`.binary_rows`). Those sorts are most of what the rebuild costs after
the COPY, so they are kept cheap (migration 0015): on PostgreSQL the key's text columns
compare bytewise (collation "C") and the period index has the period alone. Everything is
on the session's connection, inside the caller's transaction: a rebuild that fails leaves
the previous rows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, PrimaryKeyConstraint, UniqueConstraint, text
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from analysis.aggregate import PeriodTable
from analysis.cells import GROUPS

from ..extensions import db
from ..models import Estimate
from ..models.types import built_on
from . import binary_rows, store
from .loading import Context


def copy_all(tables: list[PeriodTable], ctx: Context, computed_at: datetime) -> int:
    """PostgreSQL, into the emptied table: drop the keys and indexes, COPY whole rows
    (:mod:`.binary_rows`), then build each key and index once, by one sort.

    At 300,000 responses (3.65 million rows) this replaces a staging COPY (4 s) and an
    ``INSERT ... SELECT`` (14.5 s: joins, a sequence call and a WAL record per row) by one
    COPY of 10 s (9 CPU-s in the server, 8 in numpy, mostly at the same time). At a million
    responses (5.5 million rows), on one core, the keys and index are built in 9.6-10.2 s
    (period index 2.4, unique key 5.1-5.4); before migration 0015 (locale comparison, a
    period index of three columns) 17.7-18.5 s (9.1-9.7 and 6.3-6.6).
    """
    rows = store.staged(tables, ctx)
    if not len(rows):
        return 0
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cur:
        # Each key is built by one sort; room for it in memory, for this transaction.
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        keys = table_keys()
        for constraint in keys:
            db.session.execute(DropConstraint(constraint))
        indexes = table_indexes()
        for index in indexes:
            db.session.execute(DropIndex(index))
        # Ids reserved in one block, as the column default would have drawn them one by one.
        cur.execute("SELECT pg_get_serial_sequence('estimate', 'id')")
        sequence = cur.fetchone()[0]
        cur.execute("SELECT nextval(%s)", (sequence,))
        first = cur.fetchone()[0]
        cur.execute("SELECT setval(%s, %s)", (sequence, first + len(rows) - 1))
        labels = copy_labels(tables, ctx)
        names = ", ".join(name for name, _ in binary_rows.COLUMNS)
        # bandit B608: only our own column names are in the SQL.
        with cur.copy(f"COPY estimate ({names}) FROM STDIN WITH (FORMAT binary)") as copy:  # nosec B608
            for data in binary_rows.ahead(binary_rows.chunks(rows, labels, first,
                                                                   computed_at)):
                copy.write(data)
    for index in indexes:
        db.session.execute(CreateIndex(index))
    for constraint in reversed(keys):
        db.session.execute(AddConstraint(constraint))
    db.session.execute(text("ANALYZE estimate"))
    return len(rows)


def copy_labels(tables: list[PeriodTable], ctx: Context) -> dict[str, list]:
    """The text columns of the rebuild COPY, by the index each row carries for them."""
    return {"period": [t.period.label for t in tables],
            "period_kind": [t.period.kind for t in tables],
            "period_end": [t.period.end for t in tables],
            "measure": [m.code for m in ctx.measures],
            "unit": [m.unit for m in ctx.measures],
            "group_label": [g.label for g in GROUPS]}


def table_indexes() -> list:
    """The estimate table's indexes (besides its keys) that this backend has: a model index
    marked for other backends only (``ddl_if``) is neither dropped nor built."""
    dialect = db.engine.dialect.name
    return [i for i in Estimate.__table__.indexes if built_on(i, dialect)]


def table_keys() -> list:
    """The estimate table's primary key, unique key and foreign key, as the models name them
    (and migration 0002 created them), foreign key first so it is dropped before the rest."""
    table = Estimate.__table__
    kinds = (ForeignKeyConstraint, UniqueConstraint, PrimaryKeyConstraint)
    return sorted((c for c in table.constraints if isinstance(c, kinds)),
                  key=lambda c: [isinstance(c, k) for k in kinds].index(True))
