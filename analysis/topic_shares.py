"""Topic shares: what fraction of an area's comments in a period are about each topic.

Plain Python. The caller passes comment counts per (area, month, topic) and the area tree;
this module rolls them up to every level (an area's comments include those of the areas
below it), sums them over every month, quarter and rolling year in range, and gives each
topic's share with a 95% Wilson interval. As for every published figure, a share from fewer
than ``minimum`` comments is suppressed: no share, no interval, no counts.

As for estimates, the areas under one parent are a partition of the parent's comments: when
exactly one part of it is hidden (one suppressed area, or comments given at the parent
itself), the parent minus the published siblings would give it, so the smallest published
sibling is withheld as well. A withheld area publishes nothing: its shares with their
precision would give its total, and from it its counts.

Across periods the rule is the estimates' (:func:`analysis.suppression.across_periods`): a
quarter's or rolling year's counts are the sums of its months', so an area publishes them
only when every month it holds publishes that area's counts. Otherwise the quarter less its
published months, or two rolling years a month apart, would give a hidden month; the period
is withheld whole, as a withheld sibling is.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np

from .estimates import Z, wilson
from .periods import MONTH, Period, all_periods
from .suppression import FLOOR, across_periods, check_minimum, complementary

# Stored with a suppressed row; names the minimum the period fell under ("fewer than 10
# comments" at the floor): SUPPRESSED_REASON.format(minimum=...).
SUPPRESSED_REASON = "fewer than {minimum} comments"
WITHHELD_REASON = "withheld: it could be derived from the published counts"


class TopicShare(NamedTuple):
    """One topic's share of one area's comments in one period (percentages, 0-100).

    A named tuple: a borough's 600 wards over three years are half a million of these, and
    a tuple is several times cheaper to make than a frozen dataclass.
    """

    area_id: int
    period: Period
    topic: str
    count: int | None          # comments on the topic; None when suppressed
    total: int | None          # classified comments in the area and period; None when suppressed
    share: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    suppressed_reason: str | None


def _ancestors(parents: Mapping[int, int | None]) -> dict[int, list[int]]:
    """Area -> itself and every area above it (a cycle in bad data stops the walk)."""
    out = {}
    for area in parents:
        chain, node, seen = [], area, set()
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        out[area] = chain
    return out


def shares(counts: Iterable[tuple[int, int, str, int]], parents: Mapping[int, int | None],
           topics: Iterable[str], *, minimum: int = FLOOR,
           first: int | None = None, last: int | None = None) -> list[TopicShare]:
    """Every (area, period, topic) share from (area, month index, topic, comments) counts.

    ``topics`` are the topics reported: a period with enough comments gets a row for each,
    zero included (an interval on 0% says how small it can be). A suppressed period gets a
    row only for the topics it has comments on, with no figures. Periods run over the months
    between ``first`` and ``last`` (default: the months with comments).

    Counts go into one areas x months x topics array; cumulative sums over the months give
    any period's counts by one subtraction, so the cost is per period, not per month summed.
    """
    minimum = check_minimum(minimum)
    counts = [c for c in counts if c[3]]
    if not counts:
        return []
    reported = list(dict.fromkeys(topics))
    extra = sorted({c[2] for c in counts} - set(reported))
    columns = reported + extra
    column = {t: i for i, t in enumerate(columns)}
    up = _ancestors(parents)
    areas = sorted({holder for area, *_ in counts for holder in up.get(area, [area])})
    row = {a: i for i, a in enumerate(areas)}
    first = min(c[1] for c in counts) if first is None else first
    last = max(c[1] for c in counts) if last is None else last
    grid = np.zeros((len(areas), last - first + 1, len(columns)), dtype=np.int64)
    for area, month, topic, n in counts:
        if first <= month <= last:
            for holder in up.get(area, [area]):
                grid[row[holder], month - first, column[topic]] += n
    # running[:, k] = comments in months first .. first + k - 1
    running = np.concatenate([np.zeros_like(grid[:, :1]), np.cumsum(grid, axis=1)], axis=1)
    out: list[TopicShare] = []
    shown = len(reported)
    small_reason = SUPPRESSED_REASON.format(minimum=minimum)
    hidden_topics = sorted(columns)
    siblings = _siblings(areas, parents, row, up)
    # hidden[:, k]: whether each area's counts in month first + k are hidden (suppressed or
    # withheld, with comments). all_periods lists every month before any quarter or year.
    hidden = np.zeros((len(areas), last - first + 1), dtype=bool)
    for period in all_periods(first, last):
        start, end = max(period.start, first) - first, min(period.end, last) - first
        summed = running[:, end + 1] - running[:, start]            # areas x topics
        totals = summed.sum(axis=1)
        safe = np.maximum(totals, 1)[:, None]
        low, high = wilson(summed / safe, np.broadcast_to(safe, summed.shape), Z)
        # Plain lists from here: indexing numpy element by element costs more than the maths.
        summed_, low_, high_ = summed.tolist(), (100 * low).tolist(), (100 * high).tolist()
        small = (totals > 0) & (totals < minimum)
        if period.kind == MONTH:
            withheld = np.zeros(len(areas), dtype=bool)
            for parent, kids in siblings:
                withheld[kids] |= complementary(totals[kids], small[kids], totals[parent],
                                                withheld[parent])
            hidden[:, start] = small | withheld
        else:
            # Published only as the sum of published months, a longer period says nothing
            # its months do not, so it needs no partition of its own.
            held = hidden[:, start:end + 1].sum(axis=1)
            withheld = across_periods(held) & (totals > 0) & ~small
        for i in np.flatnonzero(totals).tolist():
            area, total, got = areas[i], int(totals[i]), summed_[i]
            if small[i] or withheld[i]:
                # A row for every topic, not only those it has comments on: which topics a
                # hidden period holds would say which of its counts are zero, and with the
                # parent's count of that topic less the published siblings', give the others.
                reason = small_reason if small[i] else WITHHELD_REASON
                out += [TopicShare(area, period, topic, None, None, None, None, None, True,
                                   reason) for topic in hidden_topics]
                continue
            out += [TopicShare(area, period, columns[j], got[j], total, 100 * got[j] / total,
                               low_[i][j], high_[i][j], False, None)
                    for j in range(len(columns)) if j < shown or got[j]]
    return out


def _siblings(areas: list[int], parents: Mapping[int, int | None], row: Mapping[int, int],
              up: Mapping[int, list[int]]) -> list[tuple[int, np.ndarray]]:
    """(parent row, its children's rows) for every area with children among ``areas``, top
    level first: an area withheld under its parent is a hidden total over its own children."""
    kids: dict[int, list[int]] = {}
    for area in areas:
        parent = parents.get(area)
        if parent is not None and parent in row and parent != area:
            kids.setdefault(parent, []).append(row[area])
    order = sorted(kids, key=lambda p: (len(up.get(p, [p])), p))
    return [(row[p], np.array(kids[p])) for p in order]
