"""Topic shares: what fraction of an area's comments in a period are about each topic.

Plain Python. The caller passes comment counts per (area, month, topic) and the area tree;
this module rolls them up to every level (an area's comments include those of the areas
below it), sums them over every month, quarter and rolling year in range, and gives each
topic's share with a 95% Wilson interval. As for every published figure, a share from fewer
than ``minimum`` comments is suppressed: no share, no interval, no counts.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .estimates import Z, wilson
from .periods import Period, all_periods
from .suppression import FLOOR, check_minimum

SUPPRESSED_REASON = "fewer than 10 comments"


@dataclass(frozen=True)
class TopicShare:
    """One topic's share of one area's comments in one period (percentages, 0-100)."""

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


def roll_up(counts: Iterable[tuple[int, int, str, int]],
            parents: Mapping[int, int | None]) -> dict[int, dict[int, dict[str, int]]]:
    """Area -> month -> topic -> comments, each area holding its own and its descendants'."""
    up = _ancestors(parents)
    out: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for area, month, topic, n in counts:
        for holder in up.get(area, [area]):
            cell = out[holder][month]
            cell[topic] = cell.get(topic, 0) + n
    return out


def shares(counts: Iterable[tuple[int, int, str, int]], parents: Mapping[int, int | None],
           topics: Iterable[str], *, minimum: int = FLOOR,
           first: int | None = None, last: int | None = None) -> list[TopicShare]:
    """Every (area, period, topic) share from (area, month index, topic, comments) counts.

    ``topics`` are the topics reported: a period with enough comments gets a row for each,
    zero included (an interval on 0% says how small it can be). A suppressed period gets a
    row only for the topics it has comments on, with no figures. Periods run over the months
    between ``first`` and ``last`` (default: the months with comments).
    """
    minimum = check_minimum(minimum)
    topics = list(dict.fromkeys(topics))
    by_area = roll_up(counts, parents)
    months = [m for per_month in by_area.values() for m in per_month]
    if not months:
        return []
    first = min(months) if first is None else first
    last = max(months) if last is None else last
    periods = all_periods(first, last)
    out: list[TopicShare] = []
    for area, per_month in sorted(by_area.items()):
        for period in periods:
            summed: dict[str, int] = {}
            for m in period.months:
                for topic, n in per_month.get(m, {}).items():
                    summed[topic] = summed.get(topic, 0) + n
            total = sum(summed.values())
            if total == 0:
                continue
            if total < minimum:
                out += [TopicShare(area, period, t, None, None, None, None, None, True,
                                   SUPPRESSED_REASON) for t in sorted(summed)]
                continue
            reported = topics + sorted(set(summed) - set(topics))
            counts_ = [summed.get(t, 0) for t in reported]
            low, high = wilson([c / total for c in counts_], [total] * len(counts_), Z)
            out += [TopicShare(area, period, t, c, total, 100 * c / total, 100 * float(lo),
                               100 * float(hi), False, None)
                    for t, c, lo, hi in zip(reported, counts_, low, high)]
    return out
