"""Suppression: no figure from fewer than ``minimum`` responses, and no count that could be
worked out from the published ones: of the same month over areas and breakdowns, and of the
quarters and rolling years that hold it (:func:`across_periods`).

Primary: a cell with 1..minimum-1 valid answers publishes no estimate and no count ("fewer
than 10 responses"). ``minimum`` may be raised but never below 10.

Secondary (complementary): a partition is a set of published members that add up to a
published total - the neighbourhoods under a borough, or the categories of one breakdown
under the area's "all" figure. Whatever the total holds that no member publishes (primary
suppressed members, plus responses not in any member: answered at the parent itself, or
"not stated") is a hidden part. When exactly one hidden part is non-empty it can be derived
by subtraction, so the count of the smallest published member is withheld too. A withheld
total is a hidden part of its own partition: an area whose count is withheld and whose
children are all published would otherwise be their sum.
"""
from __future__ import annotations

import numpy as np

FLOOR = 10
NONE, PRIMARY, SECONDARY = 0, 1, 2
# Words stored with a suppressed row. PRIMARY names the minimum the cell fell under: use
# REASONS[code].format(minimum=...) ("fewer than 10 responses" at the floor, as always).
REASONS = {NONE: None, PRIMARY: "fewer than {minimum} responses",
           SECONDARY: "count withheld: it could be derived from the published counts"}


def check_minimum(minimum: int) -> int:
    minimum = int(minimum)
    if minimum < FLOOR:
        raise ValueError(f"the minimum number of responses may be raised but never below {FLOOR}")
    return minimum


def primary(n: np.ndarray, minimum: int) -> np.ndarray:
    n = np.asarray(n)
    return (n > 0) & (n < check_minimum(minimum))


def complementary(n: np.ndarray, hidden: np.ndarray, total: np.ndarray,
                  total_hidden: np.ndarray | bool = False) -> np.ndarray:
    """Members (axis 0) whose counts must be withheld so no hidden part is derivable alone.

    ``n`` and ``hidden`` are members x ..., ``total`` is the partition's total. When the total
    is itself withheld (``total_hidden``) it is one more hidden part: with every member
    published and nothing else in it, the total would be their sum.
    """
    n = np.asarray(n, dtype=float)
    hidden = np.asarray(hidden, dtype=bool) & (n > 0)
    residual = np.asarray(total, dtype=float) - n.sum(axis=0)
    parts = hidden.sum(axis=0) + (residual > 0.5) + np.asarray(total_hidden, dtype=bool)
    candidates = ~hidden & (n > 0)
    ranked = np.where(candidates, n, np.inf)
    pick = ranked.argmin(axis=0)
    need = (parts == 1) & np.isfinite(ranked.min(axis=0))
    out = np.zeros_like(hidden)
    np.put_along_axis(out, pick[None, ...], need[None, ...], axis=0)
    return out & candidates


def across_periods(hidden_months: np.ndarray) -> np.ndarray:
    """Cells of a quarter or rolling year whose count must be withheld, given how many of
    the period's months have a hidden count in each cell (suppressed or withheld, and not
    empty): every cell with one or more.

    A quarter's or rolling year's count is the sum of its months' counts. Published only
    when all of them are published, it adds nothing to what the months say, so whatever is
    safe about the months stays safe: no month can be worked out from its quarter and the
    quarter's other months, nor from two rolling years a month apart (which differ by one
    month entering and one leaving). Any weaker rule leaves chains that cross areas and
    periods together: publishing totals over an even number of hidden months, which is
    enough for one area's series on its own, still let a ward's quarter be worked out from
    its borough's and its siblings' and then a month from the quarter (7 of 150 random
    four-area, up-to-six-month trees with 15% small months; docs/METHODOLOGY.md).
    """
    return np.asarray(hidden_months) > 0
