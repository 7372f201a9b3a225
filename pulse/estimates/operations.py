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
from sqlalchemy import delete, insert, select, text, update

from analysis.aggregate import Prepared, add_respondents, compute_all, sums_are_exact
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
    cells: int = 0                  # dirty marks consumed
    seconds: dict[str, float] = field(default_factory=dict)
    added: int = 0                  # responses added to their month's kept sums


def mark_dirty(changes: Iterable[tuple[int, datetime]]) -> int:
    """Record that responses of these (area id, submission time) pairs were added or changed."""
    cells = {(int(area_id), month_of(at)) for area_id, at in changes}
    return _insert_marks([{"area_id": a, "month": m} for a, m in sorted(cells)])


def mark_added(added: Iterable[tuple[int, datetime, int]]) -> int:
    """Record responses just added, as (area id, submission time, response id): the next run
    adds each to its month's kept sums instead of counting the whole month again."""
    return _insert_marks([{"area_id": int(area_id), "month": month_of(at),
                           "response_id": int(response_id)}
                          for area_id, at, response_id in added])


def _insert_marks(rows: list[dict]) -> int:
    if rows:
        now = datetime.now(UTC)
        # The table, not the mapped class: a Core INSERT skips the ORM's bulk-insert
        # bookkeeping (0.066 -> 0.025 ms CPU per one-cell mark, on every resident's submit).
        db.session.execute(insert(DirtyCell.__table__),
                           [{"response_id": None, **row, "marked_at": now} for row in rows])
    return len(rows)


#: At most this many added responses are added to kept month sums in one run; beyond that
#: (a bulk load) counting their months again reads about as much and is simpler.
ADD_LIMIT = 20_000


def aggregate(*, full: bool = False, minimum: int = 10, now: datetime | None = None) -> Outcome:
    """Bring the stored estimates up to date; ``full`` rebuilds every row."""
    minimum = check_minimum(minimum)
    now = now or datetime.now(UTC)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    marks = _marks()
    if not full and db.session.scalar(select(Estimate.id).limit(1)) is None:
        full = True   # nothing stored yet: an incremental run would have no base to build on
    ctx = load_context()
    if not full and month_stats.stale(ctx, minimum):
        # Stored under another minimum (PULSE_MIN_RESPONSES changed) or other measures: every
        # row must be made again, not only the periods the marks name.
        full = True
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
        month_stats.save(ctx, prep.own, now, minimum, replace_all=True)
        _settle_late(marks, responses, None, None)
        consumed = _consume(marks)
        seconds["store"] = time.perf_counter() - clock - sum(seconds.values())
        return Outcome("full", len(responses), written, [p.label for p in periods],
                       consumed, seconds)

    if not marks:
        return Outcome("nothing")
    if db.engine.dialect.name == "postgresql":
        # Each statement here reads or writes some tens of thousands of rows by index, whose
        # estimated cost is still over jit_above_cost: compiling them took 40-100 ms apiece
        # (the changed month's answers, the update), more than it saved. For the same reason
        # no parallel workers: counting the scope's rows (a few percent of the table) was
        # planned as a parallel scan of the whole table, 0.65 s, against 0.08-0.13 s by the
        # unique key (1M responses, 5.5M rows).
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    dirty = {(mark.area_id, mark.month) for mark in marks}
    roots = {ctx.root_of(ctx.index[a]) for a, _ in dirty if a in ctx.index}
    subtree = ctx.subtree_of(roots)
    area_ids = [int(a) for a in ctx.area_ids[subtree]]
    changed = {m for _, m in dirty}
    periods = touched_by(changed, *span) if span else []
    responses_n, written, added_n = 0, 0, 0
    if periods:
        # A month whose only changes are added responses keeps its stored sums and has them
        # added; other changed months are counted again, whole (every area). The other months
        # of the periods come from the sums kept by earlier runs, where present.
        needed = {m for p in periods for m in p.months}
        added = _additions(marks) if sums_are_exact(ctx.measures) else {}
        kept = month_stats.load(ctx, needed - (changed - set(added)), minimum)
        added = {m: ids for m, ids in added.items() if m in kept}
        recount = sorted(needed - set(kept))
        responses = _load(ctx, recount, sorted(i for ids in added.values() for i in ids))
        responses_n = len(responses)
        seconds["load"] = time.perf_counter() - clock
        previous = _previous(ctx, periods, area_ids)
        prep = Prepared(responses, ctx.tree, ctx.measures)
        for m in added:
            kept[m] = add_respondents(kept[m], prep, m)
        added_n = sum(len(prep.by_month.get(m, ())) for m in added)
        tables = compute_all(prep, periods, ctx.targets, minimum, previous, own=kept)
        seconds["compute"] = time.perf_counter() - clock - sum(seconds.values())
        keep = set(subtree.tolist())
        written = store.replace([_only(t, keep) for t in tables], ctx, now, area_ids,
                                [p.label for p in periods])["written"]
        month_stats.save(ctx, {**prep.own, **{m: kept[m] for m in added}}, now, minimum)
        _settle_late(marks, responses, set(recount) & changed, set(area_ids))
    consumed = _consume(marks)
    seconds["store"] = time.perf_counter() - clock - sum(seconds.values())
    return Outcome("incremental", responses_n, written, [p.label for p in periods], consumed,
                   seconds, added_n)


def _marks() -> list:
    """Every dirty mark committed so far: id, area id, month and the response it adds."""
    return db.session.execute(select(DirtyCell.id, DirtyCell.area_id, DirtyCell.month,
                                     DirtyCell.response_id)).all()


def _additions(marks) -> dict[int, list[int]]:
    """Per changed month whose every mark is an added response: those responses' ids (none
    when there are more than ADD_LIMIT in all)."""
    by_month: dict[int, list[int]] = {}
    recount: set[int] = set()
    for mark in marks:
        if mark.response_id is None:
            recount.add(mark.month)
        else:
            by_month.setdefault(mark.month, []).append(mark.response_id)
    out = {m: ids for m, ids in by_month.items() if m not in recount}
    return out if sum(len(ids) for ids in out.values()) <= ADD_LIMIT else {}


def _load(ctx, months: list[int], response_ids: list[int]) -> Responses:
    """Counted responses of these months, read one run of consecutive months at a time, and
    of these response ids."""
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [load_responses(ctx, None, (run[0], run[-1])) for run in runs]
    if response_ids:
        parts.append(load_responses(ctx, response_ids=response_ids))
    if len(parts) == 1:
        return parts[0]
    return Responses(area=np.concatenate([p.area for p in parts] or [np.empty(0, np.int64)]),
                     month=np.concatenate([p.month for p in parts] or [np.empty(0, np.int64)]),
                     demo=np.concatenate([p.demo for p in parts]
                                         or [np.empty((0, 3), np.int8)]),
                     values=np.concatenate([p.values for p in parts]
                                           or [np.empty((0, len(ctx.question_codes)))]),
                     ids=np.concatenate([p.ids for p in parts] or [np.empty(0, np.int64)]))


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


def _consume(marks) -> int:
    """Delete exactly the marks this run read. Not every mark up to the highest id read: on
    PostgreSQL each statement sees what has been committed when it starts, so a mark with a
    lower id committed after the read would be deleted unseen."""
    ids = [mark.id for mark in marks]
    for start in range(0, len(ids), 1000):
        db.session.execute(delete(DirtyCell).where(DirtyCell.id.in_(ids[start:start + 1000])))
    return len(ids)


def _settle_late(read: list, counted: Responses, months: set[int] | None,
                 area_ids: set[int] | None) -> None:
    """Added-response marks committed after this run read its marks (``read``; PostgreSQL
    reads each statement afresh), whose responses it nevertheless counted when it counted a
    month whole.

    The month's kept sums include those responses now, so the marks must not add them again:
    where this run rewrote every estimate the response is in (its month is one of
    ``months``, its area one of ``area_ids``; None: all of them), the mark is spent and
    deleted; elsewhere it becomes a mark to count the month again.
    """
    if counted.ids is None or not len(counted.ids):
        return
    seen_before = {mark.id for mark in read}
    late = [mark for mark in db.session.execute(
                select(DirtyCell.id, DirtyCell.area_id, DirtyCell.month, DirtyCell.response_id)
                .where(DirtyCell.response_id.is_not(None)))
            if mark.id not in seen_before]
    if not late:
        return
    seen = np.isin([mark.response_id for mark in late], counted.ids)
    spent, recount = [], []
    for mark, hit in zip(late, seen.tolist(), strict=True):
        if not hit:
            continue
        whole = ((months is None or mark.month in months)
                 and (area_ids is None or mark.area_id in area_ids))
        (spent if whole else recount).append(mark.id)
    if spent:
        db.session.execute(delete(DirtyCell).where(DirtyCell.id.in_(spent)))
    if recount:
        db.session.execute(update(DirtyCell).where(DirtyCell.id.in_(recount))
                           .values(response_id=None))


def mark_areas_dirty(area_ids: Iterable[int]) -> int:
    """Every month of these areas needs recomputing (their margins changed)."""
    span = data_months()
    if span is None:
        return 0
    return _insert_marks([{"area_id": a, "month": m} for a in area_ids
                          for m in range(span[0], span[1] + 1)])
