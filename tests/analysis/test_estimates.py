"""Estimates and intervals from hand-built data, checked against statsmodels."""
import math

import numpy as np
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from analysis.change import change
from analysis.estimates import percent, score, sums_of
from tests.analysis.independent import ALPHA_196


def test_score_interval_with_equal_weights_is_the_textbook_one():
    # Ten equal weights: the standard error of a mean is s / sqrt(n) with s on n - 1, as
    # statsmodels' std_mean gives it; a variance over n would make the interval 5% too narrow.
    y = np.array([0, 2, 3, 5, 5, 6, 7, 8, 9, 10], dtype=float)
    e = score(sums_of(y, np.ones(10)))
    ref = DescrStatsW(y, weights=np.ones(10))
    assert math.isclose(float(e.std_error), 10 * ref.std_mean, rel_tol=1e-12)
    assert math.isclose(float(e.ci_high - e.ci_low), 2 * 1.96 * 10 * ref.std_mean, rel_tol=1e-12)


def test_score_interval_with_unequal_weights_uses_the_effective_sample_size():
    y = np.array([1, 4, 4, 6, 7, 9, 10, 2, 5, 8, 3], dtype=float)
    w = np.array([0.5, 1, 1, 2, 3, 1, 0.7, 1.2, 1, 1, 2.6])
    e = score(sums_of(y, w))
    d = DescrStatsW(y, weights=w, ddof=0)
    n_eff = w.sum() ** 2 / (w * w).sum()
    # Unbiased weighted variance (reliability weights) over n_eff: var x n_eff/(n_eff-1) / n_eff.
    se = math.sqrt(d.var / (n_eff - 1))
    assert math.isclose(float(e.n_eff), n_eff, rel_tol=1e-12)
    assert math.isclose(float(e.std_error), 10 * se, rel_tol=1e-12)
    assert math.isclose(float(e.unit_variance), 100 * d.var * n_eff / (n_eff - 1), rel_tol=1e-12)


def test_percent_at_zero_and_one_hundred_keeps_a_wilson_interval():
    for k in (0, 10):
        y = np.array([5.0] * k + [1.0] * (10 - k))
        e = percent(sums_of(y, np.ones(10), (4.0, 5.0)))
        low, high = proportion_confint(k, 10, alpha=ALPHA_196, method="wilson")
        assert math.isclose(float(e.estimate), 10.0 * k)
        assert math.isclose(float(e.ci_low), 100 * low, abs_tol=1e-9)
        assert math.isclose(float(e.ci_high), 100 * high, abs_tol=1e-9)
        assert float(e.ci_high - e.ci_low) > 20


def test_one_huge_weight_widens_the_percent_interval_through_n_eff():
    w = np.ones(20)
    w[0] = 100.0
    y = np.r_[5.0, np.ones(19)]
    e = percent(sums_of(y, w, (4.0, 5.0)))
    n_eff = w.sum() ** 2 / (w * w).sum()
    low, high = proportion_confint(float(e.estimate) / 100 * n_eff, n_eff, alpha=ALPHA_196,
                                   method="wilson")
    assert math.isclose(float(e.n_eff), n_eff) and n_eff < 1.5
    assert math.isclose(float(e.ci_low), 100 * low, abs_tol=1e-9)
    assert math.isclose(float(e.ci_high), 100 * high, abs_tol=1e-9)


def test_dont_know_and_skipped_answers_leave_the_base():
    y = np.array([5.0, 4.0, np.nan, 1.0, np.nan])
    s = sums_of(y, np.ones(5), (4.0, 5.0))
    assert int(s.n) == 3
    assert math.isclose(float(percent(s).estimate), 200 / 3)


def test_no_change_is_given_against_a_figure_without_a_standard_error():
    # A withheld count's standard error is not kept; a change against it cannot be tested.
    diff, sig = change([60.0, 60.0], [2.0, 2.0], [50.0, 50.0], [np.nan, 1.0])
    assert np.isnan(diff[0]) and not sig[0]
    assert diff[1] == 10.0 and sig[1]
