"""Raking (iterative proportional fitting) of respondents to population margins.

Weights depend only on a respondent's demographic categories, so every respondent of a
"cell" (one combination of age band, sex and ethnicity, "not stated" included) gets the same
weight. The fitting therefore works on occupied (area, cell) pairs with their respondent
counts, for many areas at once, never on a loop over people or areas.

Rules (docs/METHODOLOGY.md explains why):
- each dimension's step adjusts only respondents who stated a category that the margins
  cover with a population above 0; the others keep their weight for that step;
- a dimension's population shares are taken over the categories that have respondents in the
  area, so that an empty category cannot make the fit impossible;
- iterate until no weight changes by more than 1e-6 (relative) or 100 iterations;
- then cap weights at 5x the mean weight and rescale once so the total is unchanged;
- an area without margins keeps weight 1 (``weighted`` is False for it).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-6
MAX_ITERATIONS = 100
TRIM_FACTOR = 5.0


@dataclass(frozen=True)
class RakeResult:
    weights: np.ndarray      # per pair: the weight of one respondent of that (area, cell)
    weighted: np.ndarray     # per area: True when margins were applied
    iterations: np.ndarray   # per area: iterations used (0 when unweighted)
    converged: np.ndarray    # per area: reached the tolerance within MAX_ITERATIONS


def rake_pairs(area: np.ndarray, counts: np.ndarray, categories: list[np.ndarray],
               targets: list[np.ndarray | None], areas: int, *, tolerance: float = TOLERANCE,
               max_iterations: int = MAX_ITERATIONS, trim: float = TRIM_FACTOR) -> RakeResult:
    """Rake occupied (area, cell) pairs to each area's margins, one dimension at a time.

    ``area[k]`` and ``counts[k]`` are pair k's area index and number of respondents, sorted
    by area;
    ``categories[d][k]`` its category in dimension d (-1: not stated). ``targets[d]`` is
    areas x categories of population (NaN: that category, or the whole row, not given), or
    None when no area has margins for dimension d.
    """
    area = np.asarray(area, dtype=np.int64)
    counts = np.asarray(counts, dtype=float)
    w = np.ones(len(area))
    steps = []
    weighted = np.zeros(areas, dtype=bool)
    for cats, target in zip(categories, targets, strict=True):
        if target is None:
            continue
        target = np.asarray(target, dtype=float)
        k = target.shape[1]
        has = (np.nan_to_num(target) > 0).any(axis=1)
        cats = np.asarray(cats, dtype=np.int64)
        ok = (cats >= 0) & (cats < k) & (counts > 0)
        # A category given as 0 residents is treated as not given: a zero share would weight
        # its respondents to 0, still counted in n but adding nothing, and the fit never
        # converges (a 0 -> 0 change is NaN).
        ok[ok] &= (np.nan_to_num(target[area[ok], cats[ok]]) > 0) & has[area[ok]]
        if not ok.any():
            continue
        slot = area * k + np.where(ok, cats, 0)
        present = np.bincount(slot[ok], minlength=areas * k).reshape(areas, k) > 0
        pop = np.where(present, np.nan_to_num(target), 0.0)
        total = pop.sum(axis=1, keepdims=True)
        share = np.divide(pop, total, out=np.zeros_like(pop), where=total > 0)
        steps.append((ok, slot, share.ravel(), k))
        weighted |= total[:, 0] > 0
    iterations = np.zeros(areas, dtype=int)
    converged = np.ones(areas, dtype=bool)
    live_pairs = np.flatnonzero(weighted[area] & (counts > 0))
    if not steps or not len(live_pairs):
        return RakeResult(w, weighted, iterations, converged)
    live = np.zeros(areas, dtype=bool)
    live[area[live_pairs]] = True
    converged[live] = False
    # Only areas still moving are iterated: most converge in a few steps, a few take many.
    # The moving pairs are copied into compact arrays (their own areas numbered 0..u-1), so
    # an iteration costs what those pairs cost, not what every area's margins cost. Each
    # pair's arithmetic is the same, in the same order, as over the full arrays.
    act = live_pairs
    for iteration in range(1, max_iterations + 1):
        if iteration == 1 or len(act) < len(sub.pairs):
            if iteration > 1:
                w[sub.pairs] = sub.w
            sub = _Compact(act, area, counts, w, steps)
        before = sub.w.copy()
        for sel, slot, cw, share, k in sub.steps:
            if not len(sel):
                continue
            achieved = np.bincount(slot, cw * sub.w[sel], minlength=sub.units * k)
            answered = achieved.reshape(sub.units, k).sum(axis=1)
            wanted = share * np.repeat(answered, k)
            factor = np.divide(wanted, achieved, out=np.ones_like(wanted), where=achieved > 0)
            sub.w[sel] *= factor[slot]
        moved = np.abs(sub.w - before) / before
        # Pairs come sorted by area, so each area's worst change is a segment maximum.
        worst = np.maximum.reduceat(moved, sub.starts)
        iterations[sub.owners] = iteration
        converged[sub.owners[worst <= tolerance]] = True
        act = sub.pairs[~converged[area[sub.pairs]]]
        if not len(act):
            break
    w[sub.pairs] = sub.w
    return RakeResult(_trim(w, area, counts, live, trim, areas), weighted, iterations, converged)


class _Compact:
    """The pairs still being raked, with their areas renumbered 0..units-1 and each step's
    slots and shares restricted to those areas."""

    def __init__(self, pairs, area, counts, w, steps):
        self.pairs = pairs
        owners = area[pairs]
        self.starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        self.owners = owners[self.starts]
        self.units = len(self.owners)
        local = np.repeat(np.arange(self.units), np.diff(np.r_[self.starts, len(pairs)]))
        self.w = w[pairs]
        self.steps = []
        for ok, slot, share, k in steps:
            sel = np.flatnonzero(ok[pairs])
            cat = slot[pairs[sel]] - area[pairs[sel]] * k
            self.steps.append((sel, local[sel] * k + cat, counts[pairs[sel]],
                               share.reshape(-1, k)[self.owners].ravel(), k))


def _trim(w, area, counts, live, trim, areas):
    total = np.bincount(area, counts * w, minlength=areas)
    n = np.bincount(area, counts, minlength=areas)
    mean = np.divide(total, n, out=np.ones_like(total), where=n > 0)
    capped = np.minimum(w, trim * mean[area])
    after = np.bincount(area, counts * capped, minlength=areas)
    scale = np.divide(total, after, out=np.ones_like(total), where=after > 0)
    return np.where(live[area], capped * scale[area], w)


def rake_respondents(categories: list[np.ndarray], targets: list[np.ndarray | None],
                     sizes: list[int]) -> tuple[np.ndarray, bool]:
    """Weights for one area's respondents; ``categories[d]`` per respondent (-1 not stated).

    A convenience over :func:`rake_pairs` for a single area: respondents are grouped into
    cells, raked, and each gets its cell's weight. Returns (weights, weighted).
    """
    shifted = [np.asarray(c, dtype=np.int64) + 1 for c in categories]
    strides = np.cumprod([1] + [s + 1 for s in sizes[:0:-1]])[::-1]
    cell = sum(c * s for c, s in zip(shifted, strides, strict=True))
    cells, inverse, counts = np.unique(cell, return_inverse=True, return_counts=True)
    cats = [(cells // s) % (size + 1) - 1 for s, size in zip(strides, sizes, strict=True)]
    result = rake_pairs(np.zeros(len(cells), dtype=np.int64), counts, cats,
                        [None if t is None else np.asarray(t, dtype=float)[None, :]
                         for t in targets], 1)
    return result.weights[inverse], bool(result.weighted[0])
