import numpy as np
import pytest

from analysis.weighting import rake_pairs, rake_respondents
from tests.analysis.independent import rake_loop, rake_two_way_exact


def test_complete_two_way_raking_matches_the_exact_solution():
    rng = np.random.default_rng(7)
    ages = rng.choice(6, size=400, p=[.05, .1, .15, .2, .2, .3])
    sexes = rng.choice(2, size=400, p=[.65, .35])
    age_pop = np.array([900., 1500, 1400, 1300, 1200, 1700])
    sex_pop = np.array([4100., 3900])
    weights, weighted = rake_respondents([ages, sexes, np.full(400, -1)],
                                         [age_pop, np.append(sex_pop, np.nan), None], [6, 3, 5])
    assert weighted
    exact = rake_two_way_exact(ages, sexes, age_pop, sex_pop)
    # No weight reaches the 5x cap here, so trimming leaves the fixed point alone.
    assert exact.max() < 5 * exact.mean()
    np.testing.assert_allclose(weights, exact, rtol=1e-6)
    for k in range(6):
        assert weights[ages == k].sum() / 400 == pytest.approx(age_pop[k] / age_pop.sum(), rel=1e-6)


def test_raking_with_unstated_categories_matches_a_respondent_loop():
    rng = np.random.default_rng(11)
    n = 300
    ages = rng.choice(7, size=n, p=[.1, .05, .1, .15, .2, .2, .2]) - 1      # -1: not stated
    sexes = rng.choice(4, size=n, p=[.1, .5, .35, .05]) - 1
    eth = rng.choice(6, size=n) - 1
    age_pop = np.array([900., 1500, 1400, 1300, 1200, 1700])
    sex_pop = np.array([4100., 3900])                                   # no margin for "other"
    weights, _ = rake_respondents([ages, sexes, eth], [age_pop, np.append(sex_pop, np.nan), None],
                                  [6, 3, 5])
    reference = rake_loop([list(ages), list(sexes)],
                          [dict(enumerate(age_pop)), dict(enumerate(sex_pop))])
    np.testing.assert_allclose(weights, reference, rtol=1e-6)
    # Respondents who stated neither dimension keep weight 1 before trimming's rescale.
    untouched = (ages < 0) & ((sexes < 0) | (sexes == 2))
    assert np.ptp(weights[untouched]) < 1e-9


def test_extreme_weights_are_trimmed_at_five_times_the_mean_and_the_total_kept():
    # One man among 99 women, raked to a 50/50 population: his raw weight would be ~50.
    sexes = np.array([1] + [0] * 99)
    weights, _ = rake_respondents([np.full(100, -1), sexes, np.full(100, -1)],
                                  [None, np.array([5000., 5000., np.nan]), None], [6, 3, 5])
    reference = rake_loop([list(sexes)], [{0: 5000., 1: 5000.}])
    np.testing.assert_allclose(weights, reference, rtol=1e-6)
    assert weights.sum() == pytest.approx(100)
    # Raw weights: 50 for him, 50/99 for each woman (mean 1). Capped at 5, then everyone is
    # rescaled once so the total stays 100: he ends at 5 x 100/55, each woman at (50/99) x 100/55.
    assert weights[0] == pytest.approx(5 * 100 / 55, rel=1e-9)
    assert weights[1] == pytest.approx(50 / 99 * 100 / 55, rel=1e-9)


def test_areas_without_margins_keep_weight_one_and_say_so():
    area = np.array([0, 0, 0, 1, 1, 1])
    counts = np.array([3., 4, 5, 1, 1, 1])
    cats = [np.array([0, 1, -1, 0, 1, -1])]
    target = np.array([[100., 300], [np.nan, np.nan]])
    result = rake_pairs(area, counts, cats, [target], 2)
    assert result.weighted.tolist() == [True, False]
    assert result.weights[3:].tolist() == [1.0, 1.0, 1.0]
    assert result.converged.all()
    assert rake_pairs(area, counts, cats, [None], 2).weighted.tolist() == [False, False]


def test_a_margin_category_without_respondents_does_not_break_the_fit():
    ages = np.array([0] * 10 + [1] * 30)
    weights, _ = rake_respondents([ages, np.full(40, -1), np.full(40, -1)],
                                  [np.array([100., 100, 800, 0, 0, 0]), None, None], [6, 3, 5])
    # Shares over the categories that have respondents: 50/50.
    assert weights[ages == 0].sum() == pytest.approx(20, rel=1e-9)
    assert weights[ages == 1].sum() == pytest.approx(20, rel=1e-9)


def test_respondents_in_a_category_the_margins_give_as_zero_keep_their_weight():
    # Ten respondents in categories with residents, three in one the margins put at 0. A zero
    # share would give those three weight 0: still counted in n (and in suppression's count)
    # but contributing nothing, and the fit never converging (0 -> 0 is a NaN change).
    pairs = rake_pairs(np.zeros(3, dtype=np.int64), np.array([5., 5, 3]), [np.array([0, 1, 2])],
                       [np.array([[100., 300, 0]])], 1)
    assert pairs.converged.all()
    assert (pairs.weights > 0).all()
    assert pairs.weights[2] == 1.0                       # treated as not covered by the margins
    np.testing.assert_allclose(pairs.weights[:2] * 5, [2.5, 7.5])
