"""Raking (iterative proportional fitting) of respondents to population margins.

Weights depend only on a respondent's demographic categories, so every respondent of a
"cell" (one combination of age band, sex and ethnicity, "not stated" included) gets the same
weight. The fitting therefore works on counts per cell, for many areas at once: ``counts`` is
a matrix of areas x cells and every step is a matrix operation, never a loop over people.

Rules (docs/METHODOLOGY.md explains why):
- each dimension's step adjusts only respondents who stated a category that the margins
  cover; the others keep their weight for that step;
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
    weights: np.ndarray      # areas x cells, weight of one respondent of that cell
    weighted: np.ndarray     # per area: True when margins were applied
    iterations: np.ndarray   # per area: iterations used (0 when unweighted)
    converged: np.ndarray    # per area: reached the tolerance within MAX_ITERATIONS


def rake_cells(counts: np.ndarray, cell_categories: list[np.ndarray],
               targets: list[np.ndarray | None], *, tolerance: float = TOLERANCE,
               max_iterations: int = MAX_ITERATIONS, trim: float = TRIM_FACTOR) -> RakeResult:
    """Rake the areas (rows of ``counts``) to their margins, one dimension at a time.

    ``cell_categories[d][c]`` is cell c's category index in dimension d (-1: not stated).
    ``targets[d]`` is areas x categories of population (NaN row: no margins for that area),
    or None when no area has margins for dimension d.
    """
    counts = np.asarray(counts, dtype=float)
    raked = [d for d, t in enumerate(targets) if t is not None]
    if raked and len(raked) < len(targets):
        # Weights cannot differ between cells that agree on every raked dimension: fit on
        # those coarser cells (fewer columns, same answer) and hand each cell its weight.
        combo = np.zeros(counts.shape[1], dtype=np.int64)
        for d in raked:
            combo = combo * (cell_categories[d].max() + 2) + cell_categories[d] + 1
        _, coarse, inverse = np.unique(combo, return_index=True, return_inverse=True)
        fold = np.zeros((counts.shape[1], len(coarse)))
        fold[np.arange(counts.shape[1]), inverse] = 1.0
        inner = rake_cells(counts @ fold, [cell_categories[d][coarse] for d in raked],
                           [targets[d] for d in raked], tolerance=tolerance,
                           max_iterations=max_iterations, trim=trim)
        return RakeResult(inner.weights[:, inverse], inner.weighted, inner.iterations,
                          inner.converged)
    areas, cells = counts.shape
    w = np.ones((areas, cells))
    steps = []
    for cats, target in zip(cell_categories, targets, strict=True):
        if target is None:
            continue
        target = np.asarray(target, dtype=float)
        # A NaN category is one the margins do not cover (its respondents are not adjusted);
        # an area with no positive population in the dimension has no margins for it.
        has = (np.nan_to_num(target) > 0).any(axis=1)
        if not has.any():
            continue
        k = target.shape[1]
        onehot = np.zeros((cells, k))
        stated = (cats >= 0) & (cats < k)
        onehot[np.flatnonzero(stated), cats[stated]] = 1.0
        present = (counts @ onehot) > 0
        cover = np.isfinite(target) & has[:, None]
        pop = np.where(cover & present, np.nan_to_num(target), 0.0)
        total = pop.sum(axis=1, keepdims=True)
        share = np.divide(pop, total, out=np.zeros_like(pop), where=total > 0)
        steps.append((onehot, share, cover & present & (total > 0),
                      has & (total[:, 0] > 0), onehot.sum(axis=1) > 0))
    weighted = np.zeros(areas, dtype=bool)
    for _, _, _, active, _ in steps:
        weighted |= active
    iterations = np.zeros(areas, dtype=int)
    converged = np.ones(areas, dtype=bool)
    live = weighted & (counts.sum(axis=1) > 0)
    if not steps or not live.any():
        return RakeResult(w, weighted, iterations, converged)
    converged[live] = False
    # Only areas still moving are iterated: most converge in a few steps, a few take many.
    act = np.flatnonzero(live)
    for iteration in range(1, max_iterations + 1):
        c, wa = counts[act], w[act]
        before = wa
        for onehot, share, cover, active, covered in steps:
            achieved = (c * wa) @ onehot                     # weighted total per category
            fit = cover[act] & (achieved > 0)
            answered = np.where(fit, achieved, 0.0).sum(axis=1, keepdims=True)
            wanted = share[act] * answered
            factor = np.divide(wanted, achieved, out=np.ones_like(wanted), where=fit)
            factor[~active[act]] = 1.0
            per_cell = factor @ onehot.T                      # 0 where a cell is not covered
            wa = np.where(covered[None, :], wa * per_cell, wa)
        change = np.divide(np.abs(wa - before), before, out=np.zeros_like(wa),
                           where=(c > 0) & (before > 0)).max(axis=1)
        w[act] = wa
        iterations[act] = iteration
        done = change <= tolerance
        converged[act[done]] = True
        act = act[~done]
        if not len(act):
            break
    w = _trim(w, counts, live, trim)
    return RakeResult(w, weighted, iterations, converged)


def _trim(w: np.ndarray, counts: np.ndarray, live: np.ndarray, trim: float) -> np.ndarray:
    n = counts.sum(axis=1)
    total = (counts * w).sum(axis=1)
    mean = np.divide(total, n, out=np.ones_like(total), where=n > 0)
    capped = np.minimum(w, trim * mean[:, None])
    after = (counts * capped).sum(axis=1)
    scale = np.divide(total, after, out=np.ones_like(total), where=after > 0)
    return np.where(live[:, None], capped * scale[:, None], w)


def rake_respondents(categories: list[np.ndarray], targets: list[np.ndarray | None],
                     sizes: list[int]) -> tuple[np.ndarray, bool]:
    """Weights for one area's respondents; ``categories[d]`` per respondent (-1 not stated).

    A convenience over :func:`rake_cells` for a single area: respondents are grouped into
    cells, raked, and each gets its cell's weight. Returns (weights, weighted).
    """
    shifted = [np.asarray(c, dtype=int) + 1 for c in categories]
    strides = np.cumprod([1] + [s + 1 for s in sizes[:0:-1]])[::-1]
    cell = sum(c * s for c, s in zip(shifted, strides, strict=True))
    ncells = int(np.prod([s + 1 for s in sizes]))
    counts = np.bincount(cell, minlength=ncells)[None, :]
    grid = np.indices([s + 1 for s in sizes]).reshape(len(sizes), -1) - 1
    result = rake_cells(counts, list(grid),
                        [None if t is None else np.asarray(t, dtype=float)[None, :]
                         for t in targets])
    return result.weights[0, cell], bool(result.weighted[0])
