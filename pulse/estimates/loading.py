"""Reading what the aggregation needs as numpy arrays, straight from SQL.

Nothing here builds ORM objects per response or answer: a million responses are read as one
row each (answers pivoted by the database) through the driver's cursor, in chunks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select

from analysis.cells import DIMENSIONS, Measure, Responses, Tree, measures_for
from analysis.periods import month_of

from ..extensions import db
from ..models import Area, InstrumentVersion, PopulationMargin, Question, Response

CHUNK = 50_000


@dataclass
class Context:
    """The areas, measures and margins the aggregation works with."""

    area_ids: np.ndarray                 # tree index -> area id
    index: dict[int, int]                # area id -> tree index
    tree: Tree
    measures: list[Measure]
    question_codes: list[str]
    question_ids: list[list[int]]        # per value column, every question id with that code
    targets: list[np.ndarray | None]

    def subtree_of(self, roots: set[int]) -> np.ndarray:
        """Tree indices of every area under (and including) the given root indices."""
        lineage = self.tree.lineage()
        depth = (lineage >= 0).sum(axis=1) - 1
        top = lineage[np.arange(len(lineage)), depth]
        return np.flatnonzero(np.isin(top, list(roots)))

    def root_of(self, index: int) -> int:
        row = self.tree.lineage()[index]
        return int(row[row >= 0][-1])


def load_context() -> Context:
    rows = db.session.execute(select(Area.id, Area.parent_id).order_by(Area.id)).all()
    area_ids = np.array([r.id for r in rows], dtype=np.int64)
    index = {int(a): i for i, a in enumerate(area_ids)}
    parent = np.array([index.get(r.parent_id, -1) if r.parent_id else -1 for r in rows],
                      dtype=np.int64)
    questions: dict[str, tuple[str, list[int]]] = {}
    for qid, code, scale in db.session.execute(
            select(Question.id, Question.code, Question.scale)
            .where(Question.kind == "scale", Question.demographic.is_(False))
            .order_by(Question.id)):
        entry = questions.setdefault(code, (scale, []))
        if entry[0] == scale:                # a code keeps the scale it was first given
            entry[1].append(qid)
    codes = list(questions)
    composites: dict[str, tuple[str, ...]] = {}
    for (defs,) in db.session.execute(select(InstrumentVersion.composites)):
        for c in defs or []:
            if c.get("method") == "mean":
                composites.setdefault(c["code"], tuple(c["of"]))
    measures = measures_for([(c, questions[c][0]) for c in codes], list(composites.items()))
    return Context(area_ids, index, Tree(parent), measures, codes,
                   [questions[c][1] for c in codes], load_targets(index, len(area_ids)))


def load_targets(index: dict[int, int], size: int) -> list[np.ndarray | None]:
    targets: list[np.ndarray | None] = []
    rows = db.session.execute(select(PopulationMargin.area_id, PopulationMargin.dimension,
                                     PopulationMargin.category,
                                     PopulationMargin.population)).all()
    for name, categories in DIMENSIONS:
        lookup = {c: k for k, c in enumerate(categories)}
        grid = np.full((size, len(categories)), np.nan)
        found = False
        for area_id, dimension, category, population in rows:
            if dimension == name and category in lookup and area_id in index:
                grid[index[area_id], lookup[category]] = population
                found = True
        targets.append(grid if found else None)
    return targets


def month_sql(column: str) -> str:
    if db.engine.dialect.name == "postgresql":
        return (f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) * 12 "
                f"+ CAST(EXTRACT(MONTH FROM {column}) AS INTEGER) - 1)")
    return (f"(CAST(strftime('%Y', {column}) AS INTEGER) * 12 "
            f"+ CAST(strftime('%m', {column}) AS INTEGER) - 1)")


def month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _category_sql(column: str, categories: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{c}' THEN {k}" for k, c in enumerate(categories))
    return f"CASE {column} {whens} ELSE -1 END"


def _literal(at: datetime) -> str:
    return "'" + at.replace(tzinfo=None).isoformat(sep=" ") + "'"


def _scope(area_ids: list[int] | None, months: tuple[int, int] | None,
           response_ids: list[int] | None = None) -> list[str]:
    # Only integers and timestamps we make ourselves are written into the SQL.
    where = []
    if response_ids is not None:
        where.append(f"r.id IN ({', '.join(str(int(i)) for i in response_ids) or 'NULL'})")
    if area_ids is not None:
        where.append(f"r.area_id IN ({', '.join(str(int(a)) for a in area_ids) or 'NULL'})")
    if months is not None:
        where.append(f"r.submitted_at >= {_literal(month_start(months[0]))} "
                     f"AND r.submitted_at < {_literal(month_start(months[1] + 1))}")
    return where


def _fetch(sql: str, width: int, dtype) -> np.ndarray:
    """Run SQL on the session's connection through the driver's own cursor (plain tuples,
    no result objects per row) and stack the rows in chunks."""
    raw = db.session.connection().connection.driver_connection
    cur = raw.cursor()
    try:
        cur.execute(sql)
        parts = []
        while rows := cur.fetchmany(CHUNK):
            parts.append(np.array(rows, dtype=dtype).reshape(-1, width))
    finally:
        cur.close()
    return np.concatenate(parts) if parts else np.empty((0, width), dtype=dtype)


def load_responses(ctx: Context, area_ids: list[int] | None = None,
                   months: tuple[int, int] | None = None,
                   response_ids: list[int] | None = None) -> Responses:
    """Counted responses (not excluded) in the given areas and months, or of the given ids,
    as arrays (with their ids)."""
    scope = _scope(area_ids, months, response_ids)
    demo = ", ".join(_category_sql(f"r.{name}", cats) for name, cats in DIMENSIONS)
    postgres = db.engine.dialect.name == "postgresql"
    people_sql = (
        # bandit B608: only integers, our own column names and timestamps we format are in the SQL.
        f"SELECT r.id, r.area_id, {month_sql('r.submitted_at')}, {demo} FROM response r "  # nosec B608
        f"WHERE {' AND '.join(['NOT r.excluded'] + scope)}" + ("" if postgres else " ORDER BY r.id"))
    people = _packed_ints(people_sql, 6) if postgres else _fetch(people_sql, 6, np.int64)
    if len(people) > 1 and (np.diff(people[:, 0]) < 0).any():
        people = people[np.argsort(people[:, 0], kind="stable")]    # searched by id below
    values = np.full((len(people), len(ctx.question_codes)), np.nan)
    if len(people) and ctx.question_codes:
        ids, cols, found = (_answers_packed if postgres else _answers_pivoted)(ctx, scope)
        at = np.searchsorted(people[:, 0], ids)
        counted = (at < len(people)) & (people[np.minimum(at, len(people) - 1), 0] == ids)
        if cols is None:
            values[at[counted]] = found[counted]        # excluded responses drop out here
        else:
            # MAX over a response's answers to one code, as the pivot does.
            np.fmax.at(values, (at[counted], cols[counted]), found[counted])
    # Area ids are loaded in ascending order, so a binary search maps ids to tree indices.
    area = np.searchsorted(ctx.area_ids, people[:, 1])
    return Responses(area=area, month=people[:, 2].astype(np.int64),
                     demo=people[:, 3:6].astype(np.int8), values=values,
                     ids=people[:, 0].astype(np.int64))


def _answers_pivoted(ctx: Context, scope: list[str]):
    """Answers as one row per response (the database pivots): ids, None, values."""
    pivots = ", ".join(
        f"MAX(CASE WHEN a.question_id IN ({', '.join(map(str, ids))}) THEN a.value END)"
        for ids in ctx.question_ids)
    # The whole table is read in response order with no join; a scoped read joins the
    # responses it needs. Free-text and "don't know" answers have no value.
    source = ("answer a" if not scope else
              f"answer a JOIN response r ON r.id = a.response_id WHERE {' AND '.join(scope)}")
    glue = " AND " if scope else " WHERE "
    # bandit B608: only integers, our own column names and timestamps we format are in the SQL.
    answers = _fetch(f"SELECT a.response_id, {pivots} FROM {source}{glue}"  # nosec B608
                     "a.value IS NOT NULL GROUP BY a.response_id",
                     1 + len(ctx.question_codes), np.float64)
    return answers[:, 0].astype(np.int64), None, answers[:, 1:]


def _answers_packed(ctx: Context, scope: list[str]):
    """Answers as (response id, value column, value) triples packed by the server and
    pivoted by numpy: no Python object per answer."""
    column = {q: k for k, ids in enumerate(ctx.question_ids) for q in ids}
    qids = sorted(column)
    source = "answer a" + ("" if not scope else " JOIN response r ON r.id = a.response_id")
    where = [f"a.question_id IN ({', '.join(map(str, qids))})", "a.value IS NOT NULL"] + scope
    # bandit B608: only integers, our own column names and timestamps we format are in the SQL.
    triples = _packed_ints(f"SELECT a.response_id, a.question_id, a.value FROM {source} "  # nosec B608
                         f"WHERE {' AND '.join(where)}", 3)
    lookup = np.full(max(qids) + 1, -1, dtype=np.int64)
    lookup[qids] = [column[q] for q in qids]
    return triples[:, 0], lookup[triples[:, 1]], triples[:, 2].astype(np.float64)


def _packed_ints(sql: str, width: int) -> np.ndarray:
    """Rows of ``width`` non-NULL integers from PostgreSQL, packed by the server.

    Each row becomes ``width`` big-endian 4-byte integers (int4send) and the rows of a block
    of 65,536 first-column values are joined into one bytea: a few large values cross the
    wire instead of a message or a Python tuple per row, and numpy reads them as they are.
    """
    names = ", ".join(f"c{k}" for k in range(width))
    packed = " || ".join(f"int4send(CAST(c{k} AS INTEGER))" for k in range(width))
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cur:
        # bandit B608: the SQL is ours (see the callers); only column positions are added.
        cur.execute(f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS q ({names}) "  # nosec B608
                    "GROUP BY c0 / 65536")
        parts = [np.frombuffer(block, dtype=">i4") for (block,) in cur.fetchall()]
    if not parts:
        return np.empty((0, width), dtype=np.int64)
    return np.concatenate(parts).astype(np.int64).reshape(-1, width)


def data_months() -> tuple[int, int] | None:
    """First and last month holding a counted response."""
    # The first and the last by the submission-time index. MIN/MAX with a WHERE clause read
    # the whole table on SQLite (0.15 s at 1M responses, on every aggregation run).
    counted = select(Response.submitted_at).where(Response.excluded.is_(False)).limit(1)
    low = db.session.scalar(counted.order_by(Response.submitted_at))
    high = db.session.scalar(counted.order_by(Response.submitted_at.desc()))
    return None if low is None else (month_of(low), month_of(high))
