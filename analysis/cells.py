"""Respondents, measures, demographic cells and groups: the plain data the aggregation uses.

``pulse`` loads these from the database as numpy arrays; nothing here knows about storage.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from surveys.core import AGE_BANDS, ETHNICITIES, SEXES
from surveys.scales import SCALES

from .estimates import PERCENT, SCORE

#: Dimensions that weighting and breakdowns use, in the order they are held on a respondent.
DIMENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("age_band", AGE_BANDS), ("sex", SEXES), ("ethnicity", ETHNICITIES))
SIZES = [len(c) for _, c in DIMENSIONS]
NCELLS = int(np.prod([s + 1 for s in SIZES]))
# Cell index = sum((category + 1) * stride): "not stated" (-1) is category slot 0.
STRIDES = np.cumprod([1] + [s + 1 for s in SIZES[:0:-1]])[::-1]
CELL_CATEGORIES = list(np.indices([s + 1 for s in SIZES]).reshape(len(SIZES), -1) - 1)


def category_index(dimension: int, values) -> np.ndarray:
    """Map category strings (None, "prefer_not", unknown -> -1) to indices."""
    lookup = {c: i for i, c in enumerate(DIMENSIONS[dimension][1])}
    return np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int8)


def cells_of(demo: np.ndarray) -> np.ndarray:
    return ((demo.astype(np.int64) + 1) * STRIDES[None, :]).sum(axis=1)


@dataclass(frozen=True)
class Group:
    label: str               # "all" or "age_band=16-24"
    dimension: int | None
    category: int | None


GROUPS: tuple[Group, ...] = (Group("all", None, None),) + tuple(
    Group(f"{name}={cat}", d, k)
    for d, (name, cats) in enumerate(DIMENSIONS) for k, cat in enumerate(cats))
GROUP_INDEX = {g.label: i for i, g in enumerate(GROUPS)}
# groups x cells: which cells each group holds.
GROUP_CELLS = np.array([
    np.ones(NCELLS, dtype=bool) if g.dimension is None
    else CELL_CATEGORIES[g.dimension] == g.category for g in GROUPS], dtype=float)


@dataclass(frozen=True)
class Measure:
    code: str
    unit: str                       # SCORE (0-100) or PERCENT
    columns: tuple[int, ...]        # value columns it reads; several for a composite
    positive: tuple[float, ...] = ()
    composite: bool = False


def measures_for(questions: list[tuple[str, str]],
                 composites: list[tuple[str, tuple[str, ...]]] = ()) -> list[Measure]:
    """Measures for closed-scale questions ``(code, scale)`` and mean composites.

    A composite of 0-10 items is a score; a composite of five-point items counts as positive
    when the respondent's mean reaches the scale's lowest positive value.
    """
    column = {code: i for i, (code, _) in enumerate(questions)}
    scale = dict(questions)
    out = []
    for code, scale_code in questions:
        s = SCALES[scale_code]
        out.append(Measure(code, PERCENT if s.positive else SCORE, (column[code],),
                           tuple(float(v) for v in s.positive)))
    for code, parts in composites:
        if code in column or not parts or any(p not in column for p in parts):
            continue
        scales = {scale[p] for p in parts}
        if len(scales) != 1:
            continue
        s = SCALES[scales.pop()]
        out.append(Measure(code, PERCENT if s.positive else SCORE,
                           tuple(column[p] for p in parts),
                           (float(min(s.positive)),) if s.positive else (), composite=True))
    return out


def measure_values(values: np.ndarray, measures: list[Measure]) -> tuple[np.ndarray, np.ndarray]:
    """Per respondent and measure: the value (NaN if none) and 1.0 where it is positive."""
    values = np.asarray(values, dtype=float)
    y = np.full((values.shape[0], len(measures)), np.nan)
    pos = np.zeros_like(y)
    for j, m in enumerate(measures):
        col = values[:, list(m.columns)].mean(axis=1) if m.composite else values[:, m.columns[0]]
        y[:, j] = col
        if m.unit == PERCENT:
            pos[:, j] = (col >= min(m.positive)) if m.composite else np.isin(col, m.positive)
    return y, pos


@dataclass
class Responses:
    """One row per counted response; ``area`` indexes the tree, ``month`` is a month index."""

    area: np.ndarray
    month: np.ndarray
    demo: np.ndarray                 # respondents x dimensions, -1 where not stated
    values: np.ndarray               # respondents x question columns, NaN: no valid answer
    #: the responses' own ids, where the caller needs to know which were counted
    ids: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.area)


@dataclass
class Tree:
    """Areas as parent indices (-1 for a root)."""

    parent: np.ndarray
    _up: np.ndarray | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.parent)

    def lineage(self) -> np.ndarray:
        """areas x depth: the area itself, its parent, grandparent... (-1 past the root)."""
        if self._up is None:
            cols = [np.arange(self.size)]
            while True:
                nxt = np.where(cols[-1] >= 0, self.parent[np.maximum(cols[-1], 0)], -1)
                if (nxt < 0).all() or len(cols) > 64:
                    break
                cols.append(nxt)
            self._up = np.stack(cols, axis=1)
        return self._up

    def children(self) -> dict[int, np.ndarray]:
        order = np.argsort(self.parent, kind="stable")
        out: dict[int, np.ndarray] = {}
        for p in np.unique(self.parent[self.parent >= 0]):
            out[int(p)] = order[self.parent[order] == p]
        return out
