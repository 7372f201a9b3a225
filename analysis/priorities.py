"""Suggested priorities: which (neighbourhood, topic) pairs deserve attention, and why.

A transparent score, no model. For each neighbourhood with enough comments this period:

    score = severity x (share + 2 x rise) + 0.2 x (100 - safety after dark) + 0.2 x (100 - trust)

where ``share`` is the topic's share of the neighbourhood's comments this period in percent,
``rise`` the increase in that share since the previous period in percentage points, counted
only when a two-proportion z test finds it significant (|z| > 1.96) and only when it is a rise,
``severity`` the topic's weight (0-1) set by admins, and safety and trust the neighbourhood's
published estimates (0-100; a suppressed figure adds nothing and the reason says so). Every
suggestion carries a sentence with each of these numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .suppression import FLOOR, check_minimum

MIN_COMMENTS = FLOOR
CRITICAL = 1.96
RISE_WEIGHT = 2.0
LEVEL_WEIGHT = 0.2


@dataclass(frozen=True)
class TopicCount:
    """Plain inputs for one (neighbourhood, topic) pair."""

    area_code: str
    area_name: str
    topic_code: str
    topic_label: str
    severity: float
    count: int                 # comments on this topic this period
    total: int                 # all classified comments this period
    previous_count: int
    previous_total: int
    safety: float | None       # safety after dark, 0-100; None when not published
    trust: float | None
    # The area is suggested beside areas within it (it holds comments none of them publish:
    # its own, or those of a hidden one): its counts are its whole subtree's, and say so.
    whole: bool = False


@dataclass(frozen=True)
class Suggestion:
    area_code: str
    area_name: str
    topic_code: str
    topic_label: str
    score: float
    share: float               # percent
    change: float | None       # percentage points; None without a previous period
    significant: bool
    reason: str


def two_proportion_z(x1: int, n1: int, x0: int, n0: int) -> float:
    """z for p1 - p0 with the pooled standard error; 0 when it cannot be computed."""
    if n1 == 0 or n0 == 0:
        return 0.0
    pooled = (x1 + x0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if se == 0:
        return 0.0
    return (x1 / n1 - x0 / n0) / se


def _level(value: float | None) -> float:
    return 0.0 if value is None else LEVEL_WEIGHT * (100 - value)


def _said(value: float | None) -> str:
    return "not published" if value is None else f"{value:.0f}"


def suggest(counts: list[TopicCount], *, period_word: str = "this period",
            minimum: int = MIN_COMMENTS) -> list[Suggestion]:
    """Ranked suggestions, highest score first; pairs with no comments or too few are left out.

    ``minimum`` is the deployment's minimum number of responses: a raised one hides topic
    shares below it everywhere else, so the counts in a reason must not show them here.
    """
    minimum = check_minimum(minimum)
    out = []
    for c in counts:
        if c.total < minimum or c.count == 0:
            continue
        share = 100 * c.count / c.total
        if c.previous_total >= minimum:
            change = share - 100 * c.previous_count / c.previous_total
            significant = abs(two_proportion_z(c.count, c.total, c.previous_count,
                                               c.previous_total)) > CRITICAL
        else:
            change, significant = None, False
        rise = change if significant and change is not None and change > 0 else 0.0
        score = (c.severity * (share + RISE_WEIGHT * rise) + _level(c.safety) + _level(c.trust))
        if change is None:
            trend = "no earlier period with enough comments to compare"
        else:
            direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
            trend = (f"{direction} {abs(change):.0f} points from the period before, "
                     + ("significant" if significant else "not a significant change"))
        place = (f"{c.area_name} as a whole (its own comments and those of the areas within "
                 f"it)" if c.whole else c.area_name)
        reason = (
            f"{c.topic_label} in {place}: {c.count} of {c.total} comments "
            f"{period_word} ({share:.0f}%), {trend}; severity {c.severity:.1f}; "
            f"safety after dark {_said(c.safety)}; trust {_said(c.trust)}. "
            f"Score {c.severity:.1f} × ({share:.0f} + {RISE_WEIGHT:.0f} × {rise:.0f}) "
            f"+ {_level(c.safety):.1f} (safety) + {_level(c.trust):.1f} (trust) = {score:.1f}.")
        out.append(Suggestion(c.area_code, c.area_name, c.topic_code, c.topic_label,
                              round(score, 1), share, change, significant, reason))
    out.sort(key=lambda s: (-s.score, s.area_name, s.topic_label))
    return out
