"""Suppression across periods: no month under the minimum can be worked out from the counts
published for its quarters and rolling years.

Derivability is checked by linear algebra, independently of the rule: a hidden count is
exactly derivable when its indicator vector lies in the row space of the published counts
(each published count being a sum of unknown month counts).
"""
import numpy as np
import pytest

from analysis import suppression
from analysis.aggregate import Prepared, compute_all
from analysis.cells import Responses, Tree, measures_for
from analysis.periods import all_periods, month_index
from tests.analysis.test_aggregate import COMPOSITES, QUESTIONS, generated

FIRST = month_index(2025, 4)


def derivable(rows: list[np.ndarray], targets: list[np.ndarray]) -> list[int]:
    """Indices of ``targets`` (indicator vectors) in the row space of ``rows``."""
    if not rows:
        return []
    base = np.array(rows, dtype=float)
    rank = np.linalg.matrix_rank(base)
    return [i for i, t in enumerate(targets)
            if np.linalg.matrix_rank(np.vstack([base, t])) == rank]


def one_series(counts: np.ndarray, rule: bool, minimum: int = 10) -> list[int]:
    """Hidden months of one cell's series that the published counts give away.

    ``counts`` are the months' counts from ``FIRST``; months before it are empty (known).
    """
    months = len(counts)
    hidden = (counts > 0) & (counts < minimum)
    # Unknowns: the hidden months only; published months and empty months are constants.
    rows = []
    for period in all_periods(FIRST, FIRST + months - 1):
        inside = np.zeros(months, dtype=bool)
        for m in period.months:
            if FIRST <= m < FIRST + months:
                inside[m - FIRST] = True
        n = counts[inside].sum()
        if n < minimum:
            continue
        if period.kind == "month":
            continue            # a published month is a constant, not an equation
        if rule and suppression.across_periods(hidden[inside].sum()):
            continue
        rows.append((inside & hidden).astype(float))
    targets = [np.eye(months)[h] for h in np.flatnonzero(hidden)]
    return [int(np.flatnonzero(hidden)[i]) for i in derivable(rows, targets)]


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_month_is_derivable_from_quarters_and_rolling_years(seed):
    rng = np.random.default_rng(seed)
    months = int(rng.integers(6, 30))
    # Mostly small counts, some empty, some large: every mix of hidden and published months.
    counts = np.where(rng.random(months) < 0.5, rng.integers(10, 40, months),
                      rng.integers(0, 10, months))
    assert one_series(counts, rule=True) == []


def test_without_the_rule_months_are_given_away():
    # The gap the rule closes: a month of 4 inside a published quarter of published months,
    # and an area's first year, where each rolling year adds one month to the last.
    assert one_series(np.array([20, 4, 30, 25, 22, 18]), rule=False) == [1]
    assert one_series(np.array([3, 12, 5, 7, 2, 4]), rule=False)
    assert one_series(np.array([20, 4, 30, 25, 22, 18]), rule=True) == []
    assert one_series(np.array([3, 12, 5, 7, 2, 4]), rule=True) == []


def test_a_total_is_published_only_over_published_months():
    assert suppression.across_periods(np.array([0, 1, 2, 3, 12])).tolist() == \
        [False, True, True, True, True]


def overall_system(tables, tree: Tree, full: np.ndarray, start: int, measure: int = 0):
    """One measure's overall-group published counts as equations in the unknown (own area, month)
    counts ``full`` (months from ``start``), with one more per (area, month) with no answers
    (known to be empty), and the indicator vectors of the hidden counts with 1-9 answers."""
    lineage = tree.lineage()
    rows, hidden = [], []
    for table in tables:
        pick = (table.group == 0) & (table.measure == measure)
        published = dict(zip(table.area[pick].tolist(), table.n[pick].tolist()))
        for a in range(tree.size):
            cell = np.zeros_like(full)
            cell[np.ix_((lineage == a).any(axis=1), [m - start for m in table.period.months])] = 1
            n = (cell * full).sum()
            if a in published and not np.isnan(published[a]):
                rows.append(cell.ravel())
            elif 0 < n < 10:
                hidden.append(cell.ravel())
    for a, col in zip(*np.nonzero(full == 0)):
        cell = np.zeros_like(full)
        cell[a, col] = 1
        rows.append(cell.ravel())
    return rows, hidden


def sixteen_months(seed: int, n: int = 1800):
    """A borough (0) and four wards, sixteen months; ward 4 has about six answers a month."""
    responses, tree, _ = generated(seed, n, months=16, first=FIRST,
                                   share=(.36, .3, .26, .05, .03))
    return responses, tree


@pytest.mark.parametrize("seed", [1, 2])
def test_published_tables_give_away_no_count_under_ten(seed):
    """Every published count of the overall group, over areas and periods together, as a
    system of equations in the unknown (own area, month) counts: no cell with 1-9 answers,
    of any area and any period, lies in its span."""
    responses, tree = sixteen_months(seed)
    measures = measures_for(QUESTIONS, COMPOSITES)
    periods = all_periods(FIRST, FIRST + 15)
    tables = compute_all(Prepared(responses, tree, measures), periods, [None] * 3, 10)
    start = FIRST - 11
    checked = 0
    for m, measure in enumerate(measures):
        y = responses.values[:, list(measure.columns)].mean(axis=1)
        ok = ~np.isnan(y)
        full = np.zeros((tree.size, max(p.end for p in periods) + 1 - start))
        np.add.at(full, (responses.area[ok], responses.month[ok] - start), 1)
        rows, hidden = overall_system(tables, tree, full, start, m)
        assert derivable(rows, hidden) == [], measure.code
        checked += len(hidden)
    assert checked > 50


def own_counts_responses(own: np.ndarray) -> Responses:
    """Responses with these own-area x month counts, every one answering ``safe_day``."""
    area, month = np.nonzero(own)
    repeat = own[area, month].astype(int)
    n = int(repeat.sum())
    return Responses(np.repeat(area, repeat), FIRST + np.repeat(month, repeat),
                     np.full((n, 3), -1, dtype=np.int8), np.full((n, 1), 5.0))


@pytest.mark.parametrize("seed", range(30))
def test_many_small_months_in_a_small_tree_give_nothing_away(seed):
    """A borough and three wards, three to six months, nearly half the ward-months under 10:
    every published count of every area and period, against every hidden one."""
    rng = np.random.default_rng(seed)
    months = int(rng.integers(3, 7))
    own = np.where(rng.random((4, months)) < 0.45, rng.integers(1, 10, (4, months)),
                   rng.integers(10, 30, (4, months)))
    own[0] = 0                                   # nobody answers for the borough itself
    own[rng.random((4, months)) < 0.1] = 0
    tree = Tree(np.array([-1, 0, 0, 0]))
    periods = all_periods(FIRST, FIRST + months - 1)
    tables = compute_all(Prepared(own_counts_responses(own), tree,
                                  measures_for([("safe_day", "s10")], [])),
                         periods, [None] * 3, 10)
    start = FIRST - 11
    full = np.zeros((tree.size, max(p.end for p in periods) + 1 - start))
    full[:, 11:11 + months] = own
    rows, hidden = overall_system(tables, tree, full, start)
    assert hidden
    assert derivable(rows, hidden) == []


def test_an_estimate_beside_a_withheld_count_does_not_narrow_the_count():
    """Unweighted, a percentage to full precision is a fraction with n below it: 5 of 12 is
    41.67%, which only 12, 24, 36... answers give. Beside a withheld count it is given to
    whole points, which many counts near n give."""
    own = np.array([[0, 0, 0], [30, 5, 30]])        # a borough and one ward; 5 in month 2
    tree = Tree(np.array([-1, 0]))
    responses = own_counts_responses(own)
    # 27 of the quarter's 65 answers agree: 41.54%, which only multiples of 65 answers give.
    responses.values = np.where(np.arange(len(responses.area))[:, None] < 27, 5.0, 2.0)
    tables = compute_all(Prepared(responses, tree, measures_for([("relied_on", "agree5")], [])),
                         all_periods(FIRST, FIRST + 2), [None] * 3, 10)
    quarter = next(t for t in tables if t.period.kind == "quarter")
    row = (quarter.area == 1) & (quarter.group == 0)
    assert quarter.reason[row] == [suppression.SECONDARY] and np.isnan(quarter.n[row])
    assert quarter.estimate[row] == [42.0]
    fits = [n for n in range(40, 90) if any(abs(100 * k / n - 42.0) <= 0.5 for k in range(n))]
    assert len(fits) > 30
