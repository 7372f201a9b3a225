"""Estimates for every area, group and measure of one period, as columns of numbers.

Inputs are plain arrays (see :mod:`analysis.cells`); the output is a :class:`PeriodTable`
of rows that ``pulse`` stores as they are. The steps:

1. respondents of the period count in their own area and in every area above it;
2. respondents per (area, cell) are raked to each area's margins (:mod:`.weighting`);
3. per (area, cell, measure): n, sum y, sum y^2, sum positive; weighted sums per group follow
   by multiplying with the cell weights (a weight is the same for everyone in a cell);
4. estimates and intervals (:mod:`.estimates`), suppression (:mod:`.suppression`),
   modelled estimates (:mod:`.small_area`) and change (:mod:`.change`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import change as change_mod
from . import small_area, suppression
from .cells import (CELL_CATEGORIES, DIMENSIONS, GROUPS, NCELLS, Measure,
                    Responses, Tree, cells_of, measure_values)
from .estimates import PERCENT, Sums, estimate
from .periods import MONTH, ROLLING12, Period
from .weighting import rake_pairs


@dataclass
class PeriodTable:
    """Stored rows of one period: flat arrays, one entry per (area, group, measure)."""

    period: Period
    area: np.ndarray
    group: np.ndarray
    measure: np.ndarray
    n: np.ndarray              # NaN where suppressed or withheld
    n_eff: np.ndarray
    estimate: np.ndarray       # NaN where suppressed
    std_error: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    reason: np.ndarray         # suppression.NONE / PRIMARY / SECONDARY
    weighted: np.ndarray
    change: np.ndarray
    significant: np.ndarray
    modelled: np.ndarray
    # groups x areas x measures: published estimate, standard error and effective sample
    # size, for the next period's change.
    published: tuple[np.ndarray, np.ndarray, np.ndarray]

    def __len__(self) -> int:
        return len(self.area)


class Prepared:
    """Per-respondent values computed once and reused by every period."""

    def __init__(self, responses: Responses, tree: Tree, measures: list[Measure]):
        self.responses, self.tree, self.measures = responses, tree, measures
        self.cell = cells_of(responses.demo)
        self.y, self.pos = measure_values(responses.values, measures)
        order = np.argsort(responses.month, kind="stable")
        months, starts = np.unique(responses.month[order], return_index=True)
        self.by_month = dict(zip(months.tolist(), np.split(order, starts[1:]), strict=True)) \
            if len(months) else {}
        #: month -> own_month_stats counted from these respondents by compute_all
        self.own: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def own_month_stats(prep: Prepared, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts of one month over occupied (area, cell) pairs, each respondent in its own area
    only: sorted pair keys (area x NCELLS + cell) and pairs x (1 + 4 x measures) sums -
    respondents, then per measure n, sum y, sum y^2 and sum positive.

    These are what :mod:`pulse` keeps per month between runs; :func:`expand` adds them up the
    tree. Values are whole numbers or halves (composites average two answers), so the sums
    are exact in floating point.
    """
    M, C = len(prep.measures), NCELLS
    sel = prep.by_month.get(month, np.empty(0, dtype=np.int64))
    keys, inverse = np.unique(prep.responses.area[sel] * C + prep.cell[sel],
                              return_inverse=True)
    out = np.zeros((len(keys), 1 + 4 * M))
    out[:, 0] = np.bincount(inverse, minlength=len(keys))
    for j in range(M):
        y = prep.y[sel, j]
        ok = ~np.isnan(y)
        k, yv = inverse[ok], y[ok]
        out[:, 1 + 4 * j] = np.bincount(k, minlength=len(keys))
        out[:, 2 + 4 * j] = np.bincount(k, yv, minlength=len(keys))
        out[:, 3 + 4 * j] = np.bincount(k, yv * yv, minlength=len(keys))
        out[:, 4 + 4 * j] = np.bincount(k, prep.pos[sel, j][ok], minlength=len(keys))
    return keys, out


def expand(own: tuple[np.ndarray, np.ndarray], tree: Tree) -> tuple[np.ndarray, np.ndarray]:
    """Own-area pair sums added into the area itself and every area above it."""
    keys, stats = own
    if not len(keys):
        return keys, stats
    C = NCELLS
    lineage = tree.lineage()[keys // C]
    pair = np.repeat(np.arange(len(keys)), lineage.shape[1])
    unit = lineage.ravel()
    keep = unit >= 0
    pair, unit = pair[keep], unit[keep]
    wide = unit * C + (keys % C)[pair]
    order = np.argsort(wide, kind="stable")
    wide, pair = wide[order], pair[order]
    starts = np.flatnonzero(np.r_[True, wide[1:] != wide[:-1]])
    # A fixed summation order (by key, then by pair), so equal inputs give equal bits.
    return wide[starts], np.add.reduceat(stats[pair], starts, axis=0)


def month_stats(prep: Prepared, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts of one month over occupied (area, cell) pairs, each respondent in its area and
    every area above it (see :func:`own_month_stats`)."""
    return expand(own_month_stats(prep, month), prep.tree)


def sums_are_exact(measures: list[Measure]) -> bool:
    """Whether every sum of :func:`own_month_stats` is exact in floating point: true while
    every composite averages a power of two answers (values and squares are then halves or
    quarters). Exact sums add up to the same bits in any order, so months may be added
    together, slid or added to in pieces and still equal a count made from scratch."""
    return all(not m.composite or len(m.columns) & (len(m.columns) - 1) == 0
               for m in measures)


def add_respondents(kept: tuple[np.ndarray, np.ndarray], prep: Prepared, month: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """A month's kept own-area sums with ``prep``'s respondents of that month added: the
    month's sums as a count of all its respondents would give them, when the sums are exact
    (:func:`sums_are_exact`) and none of ``prep``'s respondents is in ``kept`` already."""
    return combine([kept, own_month_stats(prep, month)], 0)


def combine(parts: list[tuple[np.ndarray, np.ndarray]], size: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Add months' pair sums into one period's (``size`` = areas x cells, kept for callers).

    Each part's keys are sorted and unique, so every part is added into the union of keys by
    position, in the order given: the same additions, in the same order, for equal inputs.
    """
    parts = [p for p in parts if len(p[0])]
    if len(parts) <= 1:
        return parts[0] if parts else (np.empty(0, dtype=np.int64), np.empty((0, 0)))
    keys = np.unique(np.concatenate([k for k, _ in parts]))
    stats = np.zeros((len(keys), parts[0][1].shape[1]))
    for k, s in parts:
        stats[np.searchsorted(keys, k)] += s
    return keys, stats


def slide(year: tuple[np.ndarray, np.ndarray], entering: tuple[np.ndarray, np.ndarray],
          leaving: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The rolling year one month on: the previous year's sums, plus the month entering,
    minus the month leaving, and pairs left without respondents dropped.

    Equal to adding the twelve months up (:func:`combine`) bit for bit, because every sum is
    exact (see :func:`own_month_stats`); it touches three months' worth of pairs, not twelve.
    """
    keys, stats = year
    if not len(keys):
        return combine([year, entering], 0)
    if len(entering[0]):
        at = np.searchsorted(keys, entering[0])
        if (at < len(keys)).all() and (keys[np.minimum(at, len(keys) - 1)] == entering[0]).all():
            stats = stats.copy()
            stats[at] += entering[1]
        else:
            keys, stats = combine([year, entering], 0)
    elif len(leaving[0]):
        stats = stats.copy()
    if not len(leaving[0]):
        return keys, stats
    # The leaving month's pairs are all in the year. x - x is +0.0, as a sum of zeros is.
    stats[np.searchsorted(keys, leaving[0])] -= leaving[1]
    kept = stats[:, 0] > 0
    return keys[kept], stats[kept]


#: Per cell, the group index it falls in for each breakdown dimension (-1: not stated).
_GROUP_OF = np.full((len(DIMENSIONS), NCELLS), -1, dtype=np.int64)
for _g, _group in enumerate(GROUPS):
    if _group.dimension is not None:
        _GROUP_OF[_group.dimension, CELL_CATEGORIES[_group.dimension] == _group.category] = _g


def _membership(keys: np.ndarray, areas: int) -> sparse.csr_matrix:
    """(groups x areas) x pairs: each (area, cell) pair adds to its area's "all" row and to
    its category of each breakdown, so one sparse product groups every column."""
    unit, cell = keys // NCELLS, keys % NCELLS
    rows = [unit] + [np.where(g[cell] >= 0, g[cell] * areas + unit, -1) for g in _GROUP_OF]
    rows = np.concatenate(rows)
    cols = np.tile(np.arange(len(keys)), 1 + len(DIMENSIONS))
    keep = rows >= 0
    return sparse.csr_matrix((np.ones(keep.sum()), (rows[keep], cols[keep])),
                             shape=(len(GROUPS) * areas, len(keys)))


def hidden_counts(own: tuple[np.ndarray, np.ndarray], tree: Tree, measures: int,
                  minimum: int) -> np.ndarray:
    """groups x areas x measures: whether a month's count is hidden (suppressed or withheld,
    with at least one answer), from its own-area pair sums.

    Suppression depends on counts alone, so no raking: the month's n is grouped per own area
    and added up the tree, which is cheaper than expanding its pairs.
    """
    A, G = tree.size, len(GROUPS)
    keys, stats = own
    if not len(keys):
        return np.zeros((G, A, measures), dtype=bool)
    n_own = np.asarray(_membership(keys, A) @ stats[:, 1::4]).reshape(G, A, measures)
    n = np.zeros_like(n_own)
    for up in tree.lineage().T:
        at = up >= 0
        np.add.at(n, (slice(None), up[at]), n_own[:, at, :])
    return (n > 0) & (_suppress(n, tree, minimum) != suppression.NONE)


def compute_period(prep: Prepared, period: Period, pairs: tuple[np.ndarray, np.ndarray],
                   targets: list[np.ndarray | None], minimum: int,
                   previous: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                   hidden_months: np.ndarray | None = None) -> PeriodTable:
    """The table of one period from its months' :func:`month_stats`, combined.

    ``hidden_months`` (groups x areas x measures) counts, for a quarter or rolling year, the
    months whose own count is hidden (:func:`hidden_counts`); None for a month.
    """
    tree, measures = prep.tree, prep.measures
    A, G, M, C = tree.size, len(GROUPS), len(measures), NCELLS
    keys, stats = pairs
    if not len(keys):
        stats = np.zeros((0, 1 + 4 * M))
    unit, cell = keys // C, keys % C
    rake = rake_pairs(unit, stats[:, 0], [c[cell] for c in CELL_CATEGORIES], targets, A)
    w = rake.weights[:, None]
    n_, sy, syy, sp = (stats[:, 1 + k::4] for k in range(4))          # pairs x measures
    columns = np.concatenate([n_, n_ * w, n_ * w * w, sy * w, syy * w, sp * w], axis=1)
    grouped = np.asarray(_membership(keys, A) @ columns).reshape(G, A, 6, M)
    sums = Sums(*(np.ascontiguousarray(grouped[:, :, k, :]) for k in range(6)))
    is_pct = np.array([m.unit == PERCENT for m in measures])[None, None, :]
    sc, pc = estimate("score", sums), estimate(PERCENT, sums)
    pick = {f: np.where(is_pct, getattr(pc, f), getattr(sc, f))
            for f in ("n_eff", "estimate", "std_error", "ci_low", "ci_high", "unit_variance")}
    n = sums.n
    reason = _suppress(n, tree, minimum, hidden_months)
    primary = reason == suppression.PRIMARY

    modelled = np.full((G, A, M), np.nan)
    for p, kids in tree.children().items():
        shrunk = small_area.shrink(np.moveaxis(pick["estimate"][:, kids, :], 1, 0),
                                   np.moveaxis(pick["n_eff"][:, kids, :], 1, 0),
                                   pick["estimate"][:, p, :], pick["unit_variance"][:, p, :])
        modelled[:, kids, :] = np.moveaxis(shrunk, 0, 1)

    pub_est = np.where(primary | (n == 0), np.nan, pick["estimate"])
    # A withheld count's standard error is not stored (it gives n_eff back), so the next
    # period cannot test a change against it, whether this table is at hand or read back.
    pub_se = np.where(primary | (n == 0) | (reason == suppression.SECONDARY), np.nan,
                      pick["std_error"])
    pub_neff = np.where(np.isnan(pub_se), np.nan, pick["n_eff"])
    if previous is None:
        diff = np.full((G, A, M), np.nan)
        sig = np.zeros((G, A, M), dtype=bool)
    else:
        diff, sig = change_mod.change(pub_est, pub_se, previous[0], previous[1],
                                      percent=is_pct, n_eff=pub_neff,
                                      previous_n_eff=previous[2])

    stored = (n > 0) & ((np.arange(G) == 0)[:, None, None] | ~primary)
    gi, ai, mi = np.nonzero(stored)
    hide_n = reason[gi, ai, mi] != suppression.NONE
    hide_all = primary[gi, ai, mi]

    def col(a, hide):
        return np.where(hide, np.nan, a[gi, ai, mi])

    # A withheld count keeps its estimate, but not what gives n_eff (= n unweighted) back by
    # arithmetic: p(1-p)/se^2, the interval's width, the modelled estimate's shrinkage factor.
    # The estimate itself is given to whole points: to its full precision an unweighted one
    # is a fraction with n below it (41.67% is 5 of 12, 10 of 24...), which narrows n down.
    shown = np.where(hide_n, np.floor(pick["estimate"][gi, ai, mi] + 0.5),
                     pick["estimate"][gi, ai, mi])
    return PeriodTable(
        period=period, area=ai, group=gi, measure=mi,
        n=col(n, hide_n), n_eff=col(pick["n_eff"], hide_n),
        estimate=np.where(hide_all, np.nan, shown),
        std_error=col(pick["std_error"], hide_n),
        ci_low=col(pick["ci_low"], hide_n), ci_high=col(pick["ci_high"], hide_n),
        reason=reason[gi, ai, mi], weighted=rake.weighted[ai],
        change=col(diff, hide_all), significant=sig[gi, ai, mi] & ~hide_all,
        modelled=col(modelled, hide_n), published=(pub_est, pub_se, pub_neff),
    )


def _suppress(n: np.ndarray, tree: Tree, minimum: int,
              hidden_months: np.ndarray | None = None) -> np.ndarray:
    """groups x areas x measures of suppression.NONE / PRIMARY / SECONDARY.

    A month's counts are checked over the partitions of areas and breakdowns. A quarter or
    rolling year (``hidden_months``: how many of its months are hidden, per cell) publishes
    a count only as the sum of published months (:func:`analysis.suppression.across_periods`),
    so its counts say nothing the months do not, and need no partition of their own.
    """
    primary = suppression.primary(n, minimum)
    if hidden_months is not None:
        withheld = suppression.across_periods(hidden_months) & (n > 0) & ~primary
        return np.where(primary, suppression.PRIMARY,
                        np.where(withheld, suppression.SECONDARY,
                                 suppression.NONE)).astype(np.int8)
    withheld = np.zeros_like(primary)
    depth = (tree.lineage() >= 0).sum(axis=1)
    families = sorted(tree.children().items(), key=lambda item: (depth[item[0]], item[0]))
    breakdowns = [[i for i, g in enumerate(GROUPS) if g.dimension == d]
                  for d in range(len(DIMENSIONS))]
    # A cell belongs to two partitions: its area's siblings under their parent (in its group)
    # and its group's categories under its area's overall count. A count withheld for one
    # can leave a single hidden part in the other, which was checked before it, so the two
    # passes repeat until neither withholds anything more (each pass only adds, so this
    # ends; two or three rounds in practice).
    while True:
        before = int(withheld.sum())
        # Neighbourhoods under their parent, for every group and measure. Parents from the
        # top down: a count withheld at one level is a hidden total at the next, which must
        # not be the sum of its children's published counts (force > borough > ward).
        for p, kids in families:
            hidden = primary[:, kids, :] | withheld[:, kids, :]
            extra = suppression.complementary(np.moveaxis(n[:, kids, :], 1, 0),
                                              np.moveaxis(hidden, 1, 0), n[:, p, :],
                                              withheld[:, p, :])
            withheld[:, kids, :] |= np.moveaxis(extra, 0, 1)
        # An area whose overall count is withheld cannot publish counts that add up to it.
        withheld |= withheld[0:1] & (n > 0) & ~primary
        # Categories of each breakdown under the area's overall count.
        for idx in breakdowns:
            extra = suppression.complementary(n[idx], primary[idx] | withheld[idx], n[0])
            withheld[idx] |= extra
        # Both partitions at once: a family's breakdown as one table (below).
        if int(withheld.sum()) == before:
            withheld |= _close_tables(n, primary, withheld, families, breakdowns)
        if int(withheld.sum()) == before:
            break
    reason = np.where(primary, suppression.PRIMARY,
                      np.where(withheld, suppression.SECONDARY, suppression.NONE))
    return reason.astype(np.int8)


def _close_tables(n: np.ndarray, primary: np.ndarray, withheld: np.ndarray,
                  families: list[tuple[int, np.ndarray]], breakdowns: list[list[int]]
                  ) -> np.ndarray:
    """Counts to withhold so no suppressed count is pinned down by a family's table.

    For a parent, one breakdown and one measure the counts form a table: a row per child,
    one for the answers given at the parent itself and the parent's row of totals; a column
    per category, one for "not stated" and the overall count. Each partition alone has two
    hidden parts after :func:`analysis.suppression.complementary`, but rows and columns
    together can still pin a suppressed count between them; see
    :func:`analysis.suppression.close_bridges`.
    """
    extra = np.zeros_like(withheld)
    hidden = primary | withheld
    # Families with as many children are stacked, so each step below is one array operation
    # over all of them rather than a loop (600 wards in 30 boroughs are two stacks).
    sizes: dict[int, list[np.ndarray]] = {}
    for p, kids in families:
        sizes.setdefault(len(kids), []).append(np.append(kids, p))
    for k, stack in sizes.items():
        rows = np.array(stack)                                  # families x (kids, parent)
        for idx in breakdowns:
            groups = idx + [0]
            small = primary[groups][:, rows]                    # groups x families x rows x M
            if not small.any():
                continue
            # families x measures x (kids, at the parent, the parent) x (categories, not
            # stated, all)
            shape = (len(rows), n.shape[2], k + 2, len(idx) + 2)
            table, cells, tiny = (np.zeros(shape, dtype=dtype) for dtype in (float, bool, bool))
            for out, source in ((table, n[groups][:, rows]), (cells, hidden[groups][:, rows]),
                                (tiny, small)):
                source = source.transpose(1, 3, 2, 0)           # families x M x rows x groups
                out[..., :k, :-2], out[..., :k, -1] = source[..., :k, :-1], source[..., :k, -1]
                out[..., -1, :-2], out[..., -1, -1] = source[..., -1, :-1], source[..., -1, -1]
            table[..., -2] = table[..., -1] - table[..., :-2].sum(axis=-1)     # not stated
            table[..., -2, :] = table[..., -1, :] - table[..., :-2, :].sum(axis=-2)  # at parent
            real = np.ones(shape[2:], dtype=bool)
            real[-2], real[:, -2] = False, False
            # Not stated and at the parent are never published: hidden unless empty.
            cells = np.where(real, cells, True) & (table > 0.5)
            tiny &= cells
            # A cell on a four-cycle (two rows, two columns) is no bridge; only tables with
            # a small cell on none need the full search.
            h = cells.astype(float)
            square = h @ np.swapaxes(h, -1, -2) @ h
            square -= h.sum(axis=-1, keepdims=True) + h.sum(axis=-2, keepdims=True) - 1
            for f, m in zip(*np.nonzero((tiny & (square < 0.5)).any(axis=(2, 3)))):
                more = suppression.close_bridges(table[f, m], cells[f, m], tiny[f, m],
                                                 real & ~cells[f, m] & (table[f, m] > 0.5))
                for r, c in zip(*np.nonzero(more)):
                    extra[0 if c == len(idx) + 1 else idx[c], rows[f, min(r, k)], m] = True
    return extra & ~primary & (n > 0)


def compute_all(prep: Prepared, periods: list[Period], targets: list[np.ndarray | None],
                minimum: int, previous: dict[Period, tuple[np.ndarray, ...]] | None = None,
                own: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
                ) -> list[PeriodTable]:
    """Tables for ``periods``. Each month's counts are built once and summed into the
    quarters and rolling years that hold it; a change uses the previous period's table when
    it was computed here, else ``previous`` (published figures stored earlier), else none.

    ``own`` gives some months' :func:`own_month_stats` kept from an earlier run; the other
    months are counted from ``prep``'s respondents and left in ``prep.own`` for keeping.
    """
    done: dict[Period, tuple[np.ndarray, ...]] = dict(previous or {})
    wanted = sorted(set(periods), key=lambda p: (p.end, p.kind))
    cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    rolling: tuple[int, tuple[np.ndarray, np.ndarray]] | None = None
    # Only with exact sums may a rolling year be slid on by subtracting a month.
    exact = sums_are_exact(prep.measures)
    out = []

    def counts(m: int) -> tuple[np.ndarray, np.ndarray]:
        if own is not None and m in own:
            return own[m]
        if m not in prep.own:
            prep.own[m] = own_month_stats(prep, m)
        return prep.own[m]

    def expanded(m: int) -> tuple[np.ndarray, np.ndarray]:
        if m not in cache:
            cache[m] = expand(counts(m), prep.tree)
        return cache[m]

    hidden: dict[int, np.ndarray] = {}

    def hidden_months(period: Period) -> np.ndarray | None:
        """How many of a quarter's or rolling year's months are hidden, per cell."""
        if period.kind == MONTH:
            return None
        for m in period.months:
            if m not in hidden:
                hidden[m] = hidden_counts(counts(m), prep.tree, len(prep.measures), minimum)
        return np.sum([hidden[m] for m in period.months], axis=0)

    # Process by end month so that only the last thirteen months' counts are kept in memory.
    for period in wanted:
        for m in list(cache):
            if m < period.end - 12:
                del cache[m]
        if (period.kind == ROLLING12 and exact and rolling is not None
                and rolling[0] == period.end - 1):
            total = slide(rolling[1], expanded(period.end), expanded(period.end - 12))
        elif exact and any(m not in cache for m in period.months):
            # Exact sums add up to the same bits in any order, so months not expanded yet
            # are added up as own-area sums and the total is expanded once (an incremental
            # run's first rolling year: one expansion instead of twelve).
            total = expand(combine([counts(m) for m in period.months], prep.tree.size * NCELLS),
                           prep.tree)
        else:
            total = combine([expanded(m) for m in period.months], prep.tree.size * NCELLS)
        if period.kind == ROLLING12:
            rolling = (period.end, total)
        table = compute_period(prep, period, total, targets, minimum,
                               done.get(period.previous()), hidden_months(period))
        done[period] = table.published
        out.append(table)
    return out
