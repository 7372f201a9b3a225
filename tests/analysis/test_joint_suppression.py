"""Suppression over areas and breakdowns together: no count under the minimum can be worked
out from a month's published counts.

Derivability is checked by linear algebra, independently of the rule. Every published count
of a month (an area's overall count, or one category of a breakdown in it) is a sum of
unknowns: the answers given at each area itself, per category of each breakdown, "not
stated" included. The three breakdowns of one area's own answers add up to the same total,
which is three more equations. The attacker is also told every part that is empty - a
breakdown's "not stated" under an area, a group's answers given at a parent itself - which
is what the rule assumes when it counts hidden parts. A count is given away when its
indicator vector lies in the span of all of these.
"""
import numpy as np
import pytest

from analysis import suppression
from analysis.aggregate import Prepared, compute_all
from analysis.cells import DIMENSIONS, GROUPS, Responses, Tree, measures_for
from analysis.periods import MONTH as MONTH_KIND
from analysis.periods import all_periods, month_index
from tests.analysis.test_aggregate import COMPOSITES, QUESTIONS

MONTH = month_index(2026, 5)
SLOTS = [len(cats) + 1 for _, cats in DIMENSIONS]     # "not stated" is slot 0
OFFSET = np.concatenate([[0], np.cumsum(SLOTS)[:-1]])
WIDTH = sum(SLOTS)


def flat(rng):
    return Tree(np.array([-1] + [0] * int(rng.integers(2, 7))))


def deep(rng):
    boroughs = int(rng.integers(2, 4))
    parents = [-1] + [0] * boroughs
    for b in range(boroughs):
        parents += [1 + b] * int(rng.integers(2, 4))
    return Tree(np.array(parents))


def month_of_answers(seed: int, shape) -> tuple[Responses, Tree]:
    """One month: 40-400 answers per leaf, up to 7 at each parent, with skewed breakdowns
    (some categories rare, "not stated" rare or absent) so that small cells are common."""
    rng = np.random.default_rng(seed)
    tree = shape(rng)
    parents = set(tree.children())
    area, demo = [], []
    for a in range(tree.size):
        k = int(rng.integers(0, 8)) if a in parents else int(rng.integers(40, 400))
        probs = []
        for size in SLOTS:
            p = rng.dirichlet(np.ones(size - 1) * 1.5)
            p = np.concatenate([[0.0 if rng.random() < 0.7 else 0.01], p])
            probs.append(p / p.sum())
        area += [a] * k
        demo += np.column_stack([rng.choice(size, size=k, p=p) - 1
                                 for size, p in zip(SLOTS, probs)]).tolist()
    n = len(area)
    values = np.column_stack([
        rng.integers(0, 11, n) if s == "s10" else rng.integers(1, 6, n) for _, s in QUESTIONS
    ]).astype(float)
    values[rng.random(values.shape) < 0.05] = np.nan
    return Responses(np.array(area), np.full(n, MONTH), np.array(demo, dtype=np.int8)
                     .reshape(n, len(SLOTS)), values), tree


def given_away(responses: Responses, tree: Tree, measure: int, table) -> list[tuple]:
    """(group, area, count) of every hidden count of 1-9 answers the published ones give."""
    lineage = tree.lineage()
    inside = np.array([[(lineage[o] == a).any() for o in range(tree.size)]
                       for a in range(tree.size)], dtype=float)        # area x own area
    answered = ~np.isnan(Prepared(responses, tree, measures_for(QUESTIONS, COMPOSITES))
                         .y[:, measure])
    own = np.zeros((tree.size, WIDTH))                  # own answers per (dimension, slot)
    for d in range(len(SLOTS)):
        np.add.at(own, (responses.area[answered], OFFSET[d] + responses.demo[answered, d] + 1), 1)

    def vector(a: int, g: int) -> np.ndarray:
        group = GROUPS[g]
        cols = np.zeros(WIDTH)
        if group.dimension is None:
            cols[OFFSET[0]:OFFSET[0] + SLOTS[0]] = 1        # all: any one dimension's slots
        else:
            cols[OFFSET[group.dimension] + group.category + 1] = 1
        return np.outer(inside[a], cols).ravel()

    pick = table.measure == measure
    published = {(int(g), int(a)): n for g, a, n in
                 zip(table.group[pick], table.area[pick], table.n[pick])}
    rows, targets, labels = [], [], []
    for a in range(tree.size):
        for g in range(len(GROUPS)):
            vec = vector(a, g)
            count = vec @ own.ravel()
            n = published.get((g, a), 0.0 if count == 0 else np.nan)
            if not np.isnan(n):
                assert n == count
                rows.append(vec)
            elif 0 < count < 10:
                targets.append(vec)
                labels.append((GROUPS[g].label, a, int(count)))
    for o in range(tree.size):
        for d in range(1, len(SLOTS)):                       # the breakdowns share a total
            vec = np.zeros((tree.size, WIDTH))
            vec[o, OFFSET[d]:OFFSET[d] + SLOTS[d]] = 1
            vec[o, OFFSET[0]:OFFSET[0] + SLOTS[0]] = -1
            rows.append(vec.ravel())
    for a in range(tree.size):                               # empty parts are known
        for d in range(len(SLOTS)):
            vec = np.zeros(WIDTH)
            vec[OFFSET[d]] = 1
            vec = np.outer(inside[a], vec).ravel()
            if vec @ own.ravel() == 0:
                rows.append(vec)
    for o in tree.children():
        for g in range(len(GROUPS)):
            vec = vector(o, g).reshape(tree.size, WIDTH) * (np.arange(tree.size) == o)[:, None]
            if vec.ravel() @ own.ravel() == 0:
                rows.append(vec.ravel())
    if not targets:
        return []
    # An orthonormal basis of the published equations' row space: a target lies in it when
    # projecting onto it leaves nothing over.
    _, sv, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    basis = vt[sv > sv[0] * 1e-10]
    targets = np.array(targets)
    left = targets - (targets @ basis.T) @ basis
    return [labels[i] for i in np.flatnonzero(np.abs(left).max(axis=1) < 1e-8)]


def month_table(responses: Responses, tree: Tree):
    measures = measures_for(QUESTIONS, COMPOSITES)
    months = [p for p in all_periods(MONTH, MONTH) if p.kind == MONTH_KIND]
    (table,) = compute_all(Prepared(responses, tree, measures), months, [None] * 3, 10)
    return table, len(measures)


@pytest.mark.parametrize("shape,seed", [(flat, seed) for seed in range(40)]
                         + [(deep, seed) for seed in range(20)],
                         ids=[f"borough-{s}" for s in range(40)] + [f"force-{s}" for s in range(20)])
def test_no_count_under_ten_is_given_away(shape, seed):
    """A borough and 2-6 wards, or a force, 2-3 boroughs and 2-3 wards each."""
    responses, tree = month_of_answers(seed, shape)
    table, measures = month_table(responses, tree)
    for m in (0, measures - 1):
        assert given_away(responses, tree, m, table) == []


def test_a_count_withheld_for_one_partition_is_a_hidden_part_of_the_other():
    """A borough and three wards. Ward 1 has 9 answers from people of "other" ethnicity, so
    its ethnicity breakdown needs a second hidden part: its "mixed" count (31) is withheld.
    Checked once, that was the end of it; but that count was then the only hidden part
    among the wards' "mixed" counts under the borough's, so it was 72 less the other
    wards' 29 and 12, and the 9 followed (all of this was published). The partitions are
    now checked until neither withholds more: ward 3's "mixed" count goes too."""
    responses, tree = month_of_answers(49, lambda rng: Tree(np.array([-1, 0, 0, 0])))
    table, _ = month_table(responses, tree)
    other, mixed = (GROUPS.index(next(g for g in GROUPS if g.label == label))
                    for label in ("ethnicity=other", "ethnicity=mixed"))
    answered = ~np.isnan(Prepared(responses, tree, measures_for(QUESTIONS, COMPOSITES)).y[:, 0])
    ward1 = answered & (responses.area == 1)
    assert (ward1 & (responses.demo[:, 2] == DIMENSIONS[2][1].index("other"))).sum() == 9
    first = table.measure == 0
    assert not (first & (table.area == 1) & (table.group == other) & ~np.isnan(table.n)).any()
    withheld = table.area[first & (table.group == mixed) & (table.reason == suppression.SECONDARY)]
    assert sorted(withheld.tolist()) == [1, 3]
    assert given_away(responses, tree, 0, table) == []


def test_a_small_count_between_two_cycles_is_a_bridge():
    # Rows 0-1 and columns 0-1 hide a square, rows 2-3 and columns 2-3 another; cell (1, 2)
    # joins them. Every row and column has two hidden cells, yet (1, 2) is pinned.
    hidden = np.zeros((4, 4), dtype=bool)
    hidden[np.ix_([0, 1], [0, 1])] = hidden[np.ix_([2, 3], [2, 3])] = True
    hidden[1, 2] = True
    assert suppression.bridges(hidden) == [(1, 2)]
    n = np.arange(1, 17, dtype=float).reshape(4, 4) * 10
    small = np.zeros_like(hidden)
    small[1, 2] = True
    more = suppression.close_bridges(n, hidden, small, ~hidden)
    # The smallest published cell joining the two sides: row 0 or 1 with column 2 or 3, or
    # row 2 or 3 with column 0 or 1 -> (0, 2) holds 30.
    assert np.argwhere(more).tolist() == [[0, 2]]
    assert suppression.bridges(hidden | more) == []


def test_a_hidden_square_is_no_bridge():
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[np.ix_([0, 1], [0, 1])] = True
    assert suppression.bridges(hidden) == []
