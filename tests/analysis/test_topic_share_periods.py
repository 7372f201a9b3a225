"""Topic shares across periods: no comment count under the minimum can be worked out from the
topic shares published for areas, months, quarters and rolling years together.

Checked by linear algebra, independently of the rule: the unknowns are the comments given in
each (own area, month, topic); every published count is the sum of some of them, every topic
or area the rows show to be empty says its comments are all zero, and, as for estimates, an
(own area, month) with no comments at all is taken as known to be empty (a borough nobody
comments at directly, say). A hidden count (a period's total, or a topic's count in it, of an
area with 1..minimum-1 comments) is given away when its indicator vector lies in the row
space of what is known.
"""
import numpy as np
import pytest

from analysis.periods import MONTH, QUARTER, month_index
from analysis.topic_shares import WITHHELD_REASON, shares
from tests.analysis.test_period_suppression import derivable

FIRST = month_index(2025, 4)
TOPICS = ["asb", "litter", "drugs"]


def _subtrees(parents: dict[int, int | None]) -> dict[int, set[int]]:
    """Area -> itself and every area below it."""
    below = {a: {a} for a in parents}
    for area in parents:
        node, seen = parents[area], {area}
        while node is not None and node not in seen:
            below[node].add(area)
            seen.add(node)
            node = parents[node]
    return below


def system(own: np.ndarray, parents: dict[int, int | None], minimum: int = 10):
    """The published rows of ``shares`` over own-area x month x topic counts ``own`` (areas
    numbered from 0, months from FIRST), as equations in those counts; and the hidden
    counts, as indicator vectors."""
    areas, months, topics = own.shape
    counts = [(a, FIRST + m, TOPICS[t], int(own[a, m, t]))
              for a, m, t in zip(*np.nonzero(own))]
    rows = shares(counts, parents, TOPICS, minimum=minimum, first=FIRST,
                  last=FIRST + months - 1)
    below = _subtrees(parents)
    shown: dict[tuple[int, object], dict[str, object]] = {}
    for r in rows:
        shown.setdefault((r.area_id, r.period), {})[r.topic] = r
    periods = {r.period for r in rows} | {p for p in _periods(months)}

    def cell(area, period, topic=None) -> np.ndarray:
        out = np.zeros(own.shape)
        held = [m - FIRST for m in period.months if 0 <= m - FIRST < months]
        picked = list(below[area])
        out[np.ix_(picked, held, range(topics) if topic is None else [topic])] = 1
        return out

    equations, hidden = [], []
    for area in parents:
        for period in periods:
            got = shown.get((area, period), {})
            whole = cell(area, period)
            total = int((whole * own).sum())
            for t, topic in enumerate(TOPICS):
                one = cell(area, period, t)
                row = got.get(topic)
                if row is None:
                    # No row for the topic (or none for the area): it has no comments, so
                    # neither has any (own area, month) in it.
                    equations += [np.eye(own.size)[i] for i in np.flatnonzero(one.ravel())]
                elif not row.suppressed:
                    equations.append(one.ravel())
                elif 0 < total < minimum and (one * own).sum() > 0:
                    hidden.append(one.ravel())
            if got and not next(iter(got.values())).suppressed:
                equations.append(whole.ravel())
            elif 0 < total < minimum:
                hidden.append(whole.ravel())
    for a, m in zip(*np.nonzero(own.sum(axis=2) == 0)):
        empty = np.zeros(own.shape)
        empty[a, m] = 1
        equations += [np.eye(own.size)[i] for i in np.flatnonzero(empty.ravel())]
    return rows, equations, hidden


def _periods(months: int):
    from analysis.periods import all_periods

    return all_periods(FIRST, FIRST + months - 1)


def random_counts(seed: int, small: float = 0.45) -> tuple[np.ndarray, dict[int, int | None]]:
    """A borough (0) and three wards over three to six months, ``small`` of the ward-months
    under ten comments, each month's comments spread over three topics; a few comments
    given at the borough itself."""
    rng = np.random.default_rng(seed)
    months = int(rng.integers(3, 7))
    totals = np.where(rng.random((4, months)) < small, rng.integers(1, 10, (4, months)),
                      rng.integers(10, 30, (4, months)))
    totals[0] = np.where(rng.random(months) < 0.2, rng.integers(1, 4, months), 0)
    totals[rng.random((4, months)) < 0.1] = 0
    own = np.zeros((4, months, len(TOPICS)), dtype=int)
    for a in range(4):
        for m in range(months):
            own[a, m] = rng.multinomial(totals[a, m], [0.5, 0.3, 0.2])
    return own, {0: None, 1: 0, 2: 0, 3: 0}


@pytest.mark.parametrize("seed", range(30))
def test_no_small_count_is_derivable_over_areas_and_periods(seed):
    own, parents = random_counts(seed)
    _, equations, hidden = system(own, parents)
    assert hidden
    assert derivable(equations, hidden) == []


def test_a_quarter_with_a_small_month_is_withheld_whole():
    # One ward: 20 comments, then 4, then 30. Its quarter (54) less the two published months
    # would be the small month's 4; each topic's count likewise.
    own = np.zeros((2, 3, len(TOPICS)), dtype=int)
    own[1, :, 0] = [14, 3, 20]
    own[1, :, 1] = [6, 1, 10]
    rows, equations, hidden = system(own, {0: None, 1: 0})
    assert derivable(equations, hidden) == []
    quarter = [r for r in rows if r.area_id == 1 and r.period.kind == QUARTER]
    assert quarter and all(r.suppressed and r.suppressed_reason == WITHHELD_REASON
                           and (r.count, r.total, r.share, r.ci_low, r.ci_high) == (None,) * 5
                           for r in quarter)
    # The months around the small one still publish theirs.
    assert not any(r.suppressed for r in rows
                   if r.area_id == 1 and r.period.kind == MONTH and r.period.end != FIRST + 1)


def test_a_hidden_ward_does_not_say_which_topics_it_holds():
    # Wards 1 and 2 are both under ten, so neither is withheld for the other; but had ward 2's
    # row listed only litter, the borough's asb less ward 3's would be ward 1's 3 asb.
    own = np.zeros((4, 1, len(TOPICS)), dtype=int)
    own[1, 0], own[2, 0], own[3, 0] = [3, 2, 0], [0, 4, 0], [10, 10, 5]
    rows, equations, hidden = system(own, {0: None, 1: 0, 2: 0, 3: 0})
    assert {r.topic for r in rows if r.area_id == 2 and r.period.kind == MONTH} == set(TOPICS)
    assert derivable(equations, hidden) == []


def test_an_areas_first_year_gives_no_month_away():
    # Rolling years a month apart differ by the month entering (the one leaving is empty).
    own = np.zeros((2, 6, len(TOPICS)), dtype=int)
    own[1, :, 0] = [3, 12, 5, 7, 2, 4]
    own[1, :, 2] = [1, 0, 2, 6, 1, 0]
    _, equations, hidden = system(own, {0: None, 1: 0})
    assert hidden
    assert derivable(equations, hidden) == []
