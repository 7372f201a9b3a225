"""Whole-period estimates checked, row by row, against the reference implementations."""
import numpy as np
import pytest

from analysis import suppression
from analysis.aggregate import Prepared, compute_all
from analysis.cells import DIMENSIONS, GROUPS, Responses, Tree, measures_for
from analysis.periods import all_periods, month_index, parse
from tests.analysis.independent import percent_reference, rake_loop, score_reference

QUESTIONS = [("safe_day", "s10"), ("respect", "s10"), ("listen", "s10"),
             ("relied_on", "agree5"), ("good_job", "rate5")]
COMPOSITES = [("trust", ("respect", "listen"))]
FIRST = month_index(2026, 8)


def generated(seed=3, n=900, months=4, first=FIRST, share=(.35, .3, .25, .04, .06)):
    """A borough (0) with four wards (1-4); ward 4 is small; the borough has no margins.
    ``share``: of wards 1-4 and of the borough's own responses, in that order."""
    rng = np.random.default_rng(seed)
    tree = Tree(np.array([-1, 0, 0, 0, 0]))
    area = rng.choice([1, 2, 3, 4, 0], size=n, p=list(share))
    month = first + rng.integers(0, months, size=n)
    demo = np.stack([rng.integers(-1, 6, n), rng.integers(-1, 3, n), rng.integers(-1, 5, n)],
                    axis=1).astype(np.int8)
    values = np.column_stack([
        rng.integers(0, 11, n) if s == "s10" else rng.integers(1, 6, n) for _, s in QUESTIONS
    ]).astype(float)
    values[rng.random(values.shape) < 0.08] = np.nan          # skipped or "don't know"
    age = np.full((5, 6), np.nan)
    age[1:] = rng.integers(200, 2000, size=(4, 6))
    sex = np.full((5, 3), np.nan)
    sex[1:, :2] = rng.integers(2000, 5000, size=(4, 2))
    return Responses(area, month, demo, values), tree, [age, sex, None]


def test_every_row_matches_a_respondent_level_reference():
    responses, tree, targets = generated()
    measures = measures_for(QUESTIONS, COMPOSITES)
    prep = Prepared(responses, tree, measures)
    tables = compute_all(prep, all_periods(FIRST, FIRST + 3), targets, 10)
    lineage = tree.lineage()
    checked = 0
    for table in tables:
        for i in range(len(table)):
            a, g, m = int(table.area[i]), int(table.group[i]), int(table.measure[i])
            in_area = (lineage[responses.area] == a).any(axis=1)
            in_period = np.isin(responses.month, list(table.period.months))
            people = np.flatnonzero(in_area & in_period)
            margins = [None if t is None or not np.isfinite(t[a]).any()
                       else {k: v for k, v in enumerate(t[a]) if np.isfinite(v)} for t in targets]
            w = np.array(rake_loop([list(responses.demo[people, d]) for d in range(3)], margins))
            group = GROUPS[g]
            if group.dimension is not None:
                member = responses.demo[people, group.dimension] == group.category
                people, w = people[member], w[member]
            measure = measures[m]
            cols = responses.values[people][:, list(measure.columns)]
            y = cols.mean(axis=1)
            valid = ~np.isnan(y)
            n = int(valid.sum())
            if table.reason[i] == suppression.PRIMARY:
                assert 0 < n < 10 and np.isnan(table.estimate[i]) and np.isnan(table.n[i])
                continue
            if table.reason[i] == suppression.NONE:
                assert table.n[i] == n
            assert n >= 10
            if measure.unit == "score":
                est, low, high, n_eff = score_reference(y, w)
            else:
                est, low, high, n_eff = percent_reference(np.isin(y, measure.positive), valid, w)
            if table.reason[i] == suppression.NONE:
                assert table.estimate[i] == pytest.approx(est, abs=1e-6)
            else:                       # a withheld count: the estimate to whole points
                assert table.estimate[i] == np.floor(est + 0.5)
            if table.reason[i] == suppression.NONE:
                assert table.ci_low[i] == pytest.approx(low, abs=1e-6)
                assert table.ci_high[i] == pytest.approx(high, abs=1e-6)
                assert table.n_eff[i] == pytest.approx(n_eff, rel=1e-6)
            else:                       # a withheld count: no interval to read it back from
                assert np.isnan(table.ci_low[i]) and np.isnan(table.n_eff[i])
            checked += 1
    assert checked > 500


def test_no_published_figure_rests_on_fewer_than_ten_responses():
    responses, tree, targets = generated(seed=5, n=500)
    prep = Prepared(responses, tree, measures_for(QUESTIONS, COMPOSITES))
    for table in compute_all(prep, all_periods(FIRST, FIRST + 3), targets, 12):
        shown = ~np.isnan(table.estimate)
        assert (table.reason[shown] != suppression.PRIMARY).all()
        assert (np.nan_to_num(table.n[shown], nan=99) >= 12).all()
        assert np.isnan(table.modelled[~shown]).all() and np.isnan(table.change[~shown]).all()
        # Only the "all" group keeps a row to say "fewer than 10 responses".
        assert (table.group[table.reason == suppression.PRIMARY] == 0).all()


def test_a_suppressed_ward_cannot_be_recovered_from_its_borough_and_siblings():
    responses, tree, targets = generated(seed=9, n=700)
    prep = Prepared(responses, tree, measures_for(QUESTIONS, COMPOSITES))
    checked = 0
    for table in compute_all(prep, all_periods(FIRST, FIRST + 3), targets, 10):
        in_period = np.isin(responses.month, list(table.period.months))
        for m, measure in enumerate(prep.measures):
            y = responses.values[:, list(measure.columns)].mean(axis=1)
            true_n = np.bincount(responses.area[in_period & ~np.isnan(y)], minlength=5)
            rows = (table.group == 0) & (table.measure == m)
            reason = {int(a): int(r) for a, r in zip(table.area[rows], table.reason[rows])}
            hidden_wards = [a for a in (1, 2, 3, 4) if true_n[a] > 0 and reason[a] != 0]
            # The borough's own responses are never published apart: one more hidden part.
            parts = len(hidden_wards) + (true_n[0] > 0)
            assert parts != 1, (table.period, measure.code, reason, true_n)
            checked += any(reason[a] == suppression.SECONDARY for a in (1, 2, 3, 4))
    assert checked  # the data makes the rule act at least once


def test_breakdowns_cover_every_dimension():
    labels = {g.label for g in GROUPS}
    for name, cats in DIMENSIONS:
        assert {f"{name}={c}" for c in cats} <= labels
    assert "all" in labels


def test_a_rolling_year_slid_on_a_month_equals_its_twelve_months_added_up():
    # Sixteen months, so later rolling years drop a month with respondents in it.
    responses, tree, targets = generated(seed=5, n=2400)
    rng = np.random.default_rng(6)
    responses.month[:] = FIRST + rng.integers(0, 16, size=len(responses))
    measures = measures_for(QUESTIONS, COMPOSITES)
    periods = [p for p in all_periods(FIRST, FIRST + 15) if p.kind == "r12"]
    slid = compute_all(Prepared(responses, tree, measures), periods, targets, 10)
    for table in slid[12:]:
        # Computed on its own, a rolling year adds its twelve months up.
        alone, = compute_all(Prepared(responses, tree, measures), [table.period], targets, 10)
        assert len(alone) == len(table) > 0
        for name in ("area", "group", "measure", "n", "n_eff", "estimate", "std_error",
                     "ci_low", "ci_high", "reason", "weighted", "modelled"):
            assert np.array_equal(getattr(alone, name), getattr(table, name), equal_nan=True), \
                (table.period.label, name)


def test_a_withheld_borough_count_cannot_be_rebuilt_from_its_own_wards():
    # Force 0; boroughs 1, 2, 3; wards 4, 5 under borough 1, 6, 7 under 2, 8 under 3. Borough
    # 3 has 5 responses, so borough 1 (the smallest published) has its count withheld; were
    # wards 4 and 5 both published, borough 1 = 12 + 11 and borough 3 = force - 1 - 2 again.
    tree = Tree(np.array([-1, 0, 0, 0, 1, 1, 2, 2, 3]))
    sizes = {4: 12, 5: 11, 6: 30, 7: 25, 8: 5}
    area = np.concatenate([[a] * k for a, k in sizes.items()])
    n = len(area)
    values = np.random.default_rng(0).integers(1, 6, (n, 1)).astype(float)
    responses = Responses(area, np.full(n, FIRST), np.full((n, 3), -1, dtype=np.int8), values)
    prep = Prepared(responses, tree, measures_for([("good_job", "rate5")]))
    table = compute_all(prep, [parse("2026-08")], [None, None, None], 10)[0]
    count = {int(a): table.n[i] for i, a in enumerate(table.area) if table.group[i] == 0}
    assert np.isnan(count[3]) and np.isnan(count[1])
    assert count[0] == 83 and count[2] == 55
    # One of borough 1's wards is withheld too, so its count is not the sum of published ones.
    assert np.isnan(count[4]) or np.isnan(count[5])
    assert not (np.isnan(count[4]) and np.isnan(count[5]))


def test_a_withheld_count_cannot_be_read_back_from_the_interval():
    # Wards of 40, 5, 12 and 30 unweighted responses: ward 2 is suppressed, ward 3's count
    # withheld. For a percentage p(1 - p) / se^2 is n_eff (= n unweighted) and the Wilson
    # interval's width gives it too, as does the shrinkage factor of the modelled estimate;
    # with n of ward 3 back, ward 2 = 87 - 40 - 12 - 30 again.
    tree = Tree(np.array([-1, 0, 0, 0, 0]))
    sizes = {1: 40, 2: 5, 3: 12, 4: 30}
    area = np.concatenate([[a] * k for a, k in sizes.items()])
    n = len(area)
    values = np.random.default_rng(1).integers(1, 6, (n, 2)).astype(float)
    responses = Responses(area, np.full(n, FIRST), np.full((n, 3), -1, dtype=np.int8), values)
    prep = Prepared(responses, tree, measures_for([("good_job", "rate5"), ("safe_day", "s10")]))
    table = compute_all(prep, [parse("2026-08")], [None, None, None], 10)[0]
    withheld = table.reason == suppression.SECONDARY
    assert set(table.area[withheld].tolist()) == {3}
    assert np.isfinite(table.estimate[withheld]).all()          # the figure itself stands
    for column in (table.n, table.n_eff, table.std_error, table.ci_low, table.ci_high,
                   table.modelled):
        assert np.isnan(column[withheld]).all()
    shown = table.reason == suppression.NONE
    assert np.isfinite(table.ci_low[shown]).all() and np.isfinite(table.std_error[shown]).all()
