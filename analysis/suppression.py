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


def bridges(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells of an additive table that its margins pin down exactly.

    ``hidden`` is rows x columns, the last row and column being the table's totals (so
    every row sums to its last cell and every column to its last cell). Each hidden cell is
    an edge between its row and its column; every row and column gives one equation in the
    hidden cells it holds. A hidden cell can be worked out exactly when it lies on no cycle
    of that graph, i.e. when it is a bridge: along a cycle the cells can all move by the
    same amount, alternately up and down, leaving every sum the same, while a bridge
    separates the table into two sides whose sums fix it. Rows are nodes 0..R-1, columns
    R..R+C-1.
    """
    rows, cols = hidden.shape
    adjacent: list[list[int]] = [[] for _ in range(rows + cols)]
    for r, c in zip(*np.nonzero(hidden)):
        adjacent[int(r)].append(rows + int(c))
        adjacent[rows + int(c)].append(int(r))
    order = [0] * (rows + cols)   # visiting order, from 1; 0 = not yet visited
    low = [0] * (rows + cols)
    found: list[tuple[int, int]] = []
    count = 0
    for root in range(rows + cols):
        if order[root] or not adjacent[root]:
            continue
        count += 1
        order[root] = low[root] = count
        # Depth-first without recursion: (node, the node it came from, next neighbour index).
        stack = [(root, -1, 0)]
        while stack:
            node, came, i = stack[-1]
            if i < len(adjacent[node]):
                stack[-1] = (node, came, i + 1)
                nxt = adjacent[node][i]
                if nxt == came:
                    continue
                if order[nxt]:
                    low[node] = min(low[node], order[nxt])
                else:
                    count += 1
                    order[nxt] = low[nxt] = count
                    stack.append((nxt, node, 0))
                continue
            stack.pop()
            if came >= 0:
                low[came] = min(low[came], low[node])
                if low[node] > order[came]:
                    r, c = (came, node) if came < rows else (node, came)
                    found.append((r, c - rows))
    return found


def close_bridges(n: np.ndarray, hidden: np.ndarray, small: np.ndarray,
                  published: np.ndarray) -> np.ndarray:
    """Published cells of one additive table to withhold so no small cell is pinned down.

    ``n``, ``hidden``, ``small`` and ``published`` are rows x columns with totals last (see
    :func:`bridges`). ``hidden`` are the cells not published (suppressed, withheld, and the
    parts no one publishes, such as "not stated", when not empty); ``small`` those of them
    with 1..minimum-1 answers; ``published`` the cells that may be withheld. Withholding
    makes an edge; for each small cell that is a bridge, the smallest published cell joining
    its two sides puts it on a cycle. The two-hidden-parts rule of :func:`complementary`
    gives every row and column holding a small cell a second hidden cell, but two such
    cycles joined by one small cell leave it pinned between them.
    """
    hidden = hidden.copy()
    out = np.zeros_like(hidden)
    rows = hidden.shape[0]
    for _ in range(hidden.size):
        pinned = [(r, c) for r, c in bridges(hidden) if small[r, c]]
        if not pinned:
            break
        r, c = pinned[0]
        # The side of the bridge's row: nodes reached from it without crossing the bridge.
        cut = hidden.copy()
        cut[r, c] = False
        side = _reach(cut, r)
        rows_in = np.array([i in side for i in range(rows)])
        cols_in = np.array([rows + j in side for j in range(hidden.shape[1])])
        joins = published & ~hidden & ((rows_in[:, None] & ~cols_in[None, :])
                                       | (~rows_in[:, None] & cols_in[None, :]))
        if not joins.any():
            break          # nothing published joins the sides: nothing more to withhold here
        pick = np.unravel_index(np.where(joins, n, np.inf).argmin(), n.shape)
        hidden[pick] = out[pick] = True
    return out


def _reach(hidden: np.ndarray, start: int) -> set[int]:
    rows = hidden.shape[0]
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        nxt = (rows + j for j in np.flatnonzero(hidden[node])) if node < rows \
            else iter(np.flatnonzero(hidden[:, node - rows]).tolist())
        for other in nxt:
            if other not in seen:
                seen.add(int(other))
                todo.append(int(other))
    return seen
