"""``column IN (ids)`` for the long id lists of a scope (a borough's 601 areas).

Expanded into one placeholder per id, each such read cost PostgreSQL about 15 ms more than
the query itself took to run (psycopg converting 601 named parameters, the server parsing
601 casts; bench/dashboard.py, EXPLAIN ANALYZE beside the client's time). On PostgreSQL the
ids go as one integer array, ``= ANY(:ids)``, which the planner uses the same way (the
EXPLAIN of IN (...) already shows ``= ANY('{...}')``). SQLite has no arrays and binds the
expanded list cheaply, so it keeps IN.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ARRAY, Integer, any_, bindparam
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db


def id_in(column: ColumnElement, ids: Iterable[int]) -> ColumnElement:
    """A WHERE clause: ``column`` is one of ``ids``, bound as one parameter on PostgreSQL."""
    ids = list(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)
