"""Aggregation: recompute estimates, fully or only where responses changed.

Operations add and flush (or write through the session's connection); the caller commits
once. A job or command that fails before the commit leaves the previous estimates in place.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete, func, insert, select, text

from analysis.aggregate import Prepared, compute_all
from analysis.cells import Responses
from analysis.periods import Period, all_periods, month_of, touched_by
from analysis.suppression import check_minimum

from ..extensions import db
from ..models import DirtyCell, Estimate
from . import month_stats, queries, store
from .loading import data_months, load_context, load_responses


@dataclass
class Outcome:
    mode: str                       # full, incremental, nothing
    responses: int = 0
    rows: int = 0
    periods: list[str] = field(default_factory=list)
    cells: int = 0                  # dirty (area, month) cells consumed
    seconds: dict[str, float] = field(default_factory=dict)


def mark_dirty(changes: Iterable[tuple[int, datetime]]) -> int:
    """Record that responses of these (area id, submission time) pairs were added or changed."""
    cells = {(int(area_id), month_of(at)) for area_id, at in changes}
    if cells:
        # The table, not the mapped class: a Core INSERT skips the ORM's bulk-insert
        # bookkeeping (0.066 -> 0.025 ms CPU per one-cell mark, on every resident's submit).
        db.session.execute(insert(DirtyCell.__table__), [
            {"area_id": a, "month": m, "marked_at": datetime.now(UTC)} for a, m in sorted(cells)])
    return len(cells)


def aggregate(*, full: bool = False, minimum: int = 10, now: datetime | None = None) -> Outcome:
    """Bring the stored estimates up to date; ``full`` rebuilds every row."""
    minimum = check_minimum(minimum)
    now = now or datetime.now(UTC)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    high_water = db.session.scalar(select(func.max(DirtyCell.id))) or 0
    if not full and db.session.scalar(select(Estimate.id).limit(1)) is None:
        full = True   # nothing stored yet: an incremental run would have no base to build on
    ctx = load_context()
    span = data_months()
    if full:
        responses = load_responses(ctx)
        seconds["load"] = time.perf_counter() - clock
        periods = all_periods(*span) if span else []
        prep = Prepared(responses, ctx.tree, ctx.measures)
        tables = compute_all(prep, periods, ctx.targets, minimum)
        seconds["compute"] = time.perf_counter() - clock - sum(seconds.values())
        store.delete_rows(None, None)
        written = store.write(tables, ctx, now, rebuild=True)
        month_stats.save(ctx, prep.own, now, replace_all=True)
        consumed = _consume(high_water)
        seconds["store"] = time.perf_counter() - clock - sum(seconds.values())
        return Outcome("full", len(responses), written, [p.label for p in periods],
                       consumed, seconds)

    dirty = db.session.execute(select(DirtyCell.area_id, DirtyCell.month).distinct()
                               .where(DirtyCell.id <= high_water)).all()
    if not dirty:
        return Outcome("nothing")
    if db.engine.dialect.name == "postgresql":
        # Each statement here reads or writes some tens of thousands of rows by index, whose
        # estimated cost is still over jit_above_cost: compiling them took 40-100 ms apiece
        # (the changed month's answers, the update), more than it saved.
        db.session.execute(text("SET LOCAL jit = off"))
    roots = {ctx.root_of(ctx.index[a]) for a, _ in dirty if a in ctx.index}
    subtree = ctx.subtree_of(roots)
    area_ids = [int(a) for a in ctx.area_ids[subtree]]
    changed = {m for _, m in dirty}
    periods = touched_by(changed, *span) if span else []
    responses_n, written = 0, 0
    if periods:
        # Months whose responses changed are counted again, whole (every area); the other
        # months of the periods come from the sums kept by earlier runs, where present.
        needed = {m for p in periods for m in p.months}
        kept = month_stats.load(ctx, needed - changed)
        responses = _load_months(ctx, sorted(needed - set(kept)))
        responses_n = len(responses)
        seconds["load"] = time.perf_counter() - clock
        previous = _previous(ctx, periods, area_ids)
        prep = Prepared(responses, ctx.tree, ctx.measures)
        tables = compute_all(prep, periods, ctx.targets, minimum, previous, own=kept)
        seconds["compute"] = time.perf_counter() - clock - sum(seconds.values())
        keep = set(subtree.tolist())
        written = store.replace([_only(t, keep) for t in tables], ctx, now, area_ids,
                                [p.label for p in periods])["written"]
        month_stats.save(ctx, prep.own, now)
    consumed = _consume(high_water)
    seconds["store"] = time.perf_counter() - clock - sum(seconds.values())
    return Outcome("incremental", responses_n, written, [p.label for p in periods], consumed,
                   seconds)


def _load_months(ctx, months: list[int]) -> Responses:
    """Counted responses of these months, read one run of consecutive months at a time."""
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [load_responses(ctx, None, (run[0], run[-1])) for run in runs]
    if len(parts) == 1:
        return parts[0]
    return Responses(area=np.concatenate([p.area for p in parts] or [np.empty(0, np.int64)]),
                     month=np.concatenate([p.month for p in parts] or [np.empty(0, np.int64)]),
                     demo=np.concatenate([p.demo for p in parts]
                                         or [np.empty((0, 3), np.int8)]),
                     values=np.concatenate([p.values for p in parts]
                                           or [np.empty((0, len(ctx.question_codes)))]))


def _previous(ctx, periods: list[Period], area_ids: list[int]) -> dict:
    """Stored published figures of the periods that changes are measured against, when
    those periods are not being recomputed themselves."""
    wanted = set(periods)
    return {p.previous(): queries.published(ctx, p.previous().label, area_ids)
            for p in periods if p.previous() not in wanted}


def _only(table, keep: set[int]):
    mask = np.isin(table.area, list(keep))
    for name in ("area", "group", "measure", "n", "n_eff", "estimate", "std_error", "ci_low",
                 "ci_high", "reason", "weighted", "change", "significant", "modelled"):
        setattr(table, name, getattr(table, name)[mask])
    return table


def _consume(high_water: int) -> int:
    if not high_water:
        return 0
    return db.session.execute(delete(DirtyCell).where(DirtyCell.id <= high_water)).rowcount


def mark_areas_dirty(area_ids: Iterable[int]) -> int:
    """Every month of these areas needs recomputing (their margins changed)."""
    span = data_months()
    if span is None:
        return 0
    at = [(a, m) for a in area_ids for m in range(span[0], span[1] + 1)]
    if at:
        # The table, not the mapped class: a Core INSERT skips the ORM's bulk-insert
        # bookkeeping (0.066 -> 0.025 ms CPU per one-cell mark, on every resident's submit).
        db.session.execute(insert(DirtyCell.__table__), [
            {"area_id": a, "month": m, "marked_at": datetime.now(UTC)} for a, m in at])
    return len(at)
