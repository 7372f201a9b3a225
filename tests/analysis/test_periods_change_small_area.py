import numpy as np
import pytest

from analysis import change, periods, small_area, suppression
from analysis.estimates import composite_mean, wilson


@pytest.mark.parametrize("label", ["2026-10", "2026-Q4", "R12-2026-10", "2027-01", "2026-Q1"])
def test_period_labels_round_trip(label):
    assert periods.parse(label).label == label


def test_periods_cover_the_right_months():
    oct26 = periods.month_index(2026, 10)
    assert list(periods.parse("2026-Q4").months) == [oct26, oct26 + 1, oct26 + 2]
    assert len(periods.parse("R12-2026-10").months) == 12
    assert periods.parse("R12-2026-10").previous().label == "R12-2025-10"
    assert periods.parse("2026-Q1").previous().label == "2025-Q4"
    assert periods.parse("2026-01").previous().label == "2025-12"


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "R12-2026", "26-10", "", "2026/10"])
def test_bad_period_labels_say_what_is_accepted(bad):
    with pytest.raises(ValueError, match="2026-Q4"):
        periods.parse(bad)


def test_a_new_month_touches_its_month_quarter_and_rolling_year():
    last = periods.month_index(2026, 10)
    touched = {p.label for p in periods.touched_by({last}, last - 30, last)}
    assert touched == {"2026-10", "2026-Q4", "R12-2026-10"}
    older = {p.label for p in periods.touched_by({last - 1}, last - 30, last)}
    assert {"2026-09", "2026-10", "2026-Q3", "2026-Q4", "R12-2026-09", "R12-2026-10"} == older


def test_change_is_significant_only_beyond_196_standard_errors():
    diff, sig = change.change([60.0, 60.0, np.nan], [2.0, 2.0, 1.0], [55.0, 57.0, 50.0],
                              [1.0, 1.0, 1.0])
    assert diff[0] == 5.0 and sig[0]             # z = 5 / sqrt(5) = 2.24
    assert diff[1] == 3.0 and not sig[1]         # z = 1.34
    assert np.isnan(diff[2]) and not sig[2]
    assert change.describe(3.0, False) == "no significant change"


def test_a_percentage_at_0_or_100_is_not_tested_on_the_other_side_alone():
    # 10 of 10 agreeing, then 7 of 10: the 100% side's standard error is 0, and on the 70%
    # side's error alone z = 30 / 14.49 = 2.07. Its Agresti-Caffo error (11/12 of 12 answers,
    # 7.98 points) gives z = 1.81: no significant change, as a pooled test says (z = 1.88).
    se70 = 100 * np.sqrt(0.7 * 0.3 / 10)
    diff, sig = change.change([70.0], [se70], [100.0], [0.0], percent=True, n_eff=10.0,
                              previous_n_eff=10.0)
    assert diff[0] == -30.0 and not sig[0]
    # A larger sample at 100% still shows a real fall: 60 of 60, then 21 of 30.
    se70 = 100 * np.sqrt(0.7 * 0.3 / 30)
    diff, sig = change.change([70.0], [se70], [100.0], [0.0], percent=True, n_eff=30.0,
                              previous_n_eff=60.0)
    assert sig[0]
    # Scores, and percentages whose effective sample size is not known, are tested as given.
    assert change.change([70.0], [se70], [100.0], [0.0])[1][0]
    assert change.change([70.0], [se70], [100.0], [0.0], percent=True)[1][0]


def test_wilson_matches_the_textbook_formula():
    low, high = wilson(0.3, 50)
    z = 1.96
    centre = (0.3 + z * z / 100) / (1 + z * z / 50)
    half = z * np.sqrt(0.3 * 0.7 / 50 + z * z / 10000) / (1 + z * z / 50)
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)


def test_shrinkage_pulls_small_areas_further_than_large_ones():
    direct = np.array([80.0, 40.0, 55.0, 60.0])
    n_eff = np.array([5.0, 400.0, 100.0, 200.0])
    out = small_area.shrink(direct, n_eff, np.array(55.0), np.array(400.0))
    v = 400.0 / n_eff
    tau2 = max(0.0, np.var(direct, ddof=1) - v.mean())
    expected = v / (v + tau2) * 55.0 + tau2 / (v + tau2) * direct
    np.testing.assert_allclose(out, expected)
    assert abs(out[0] - 55) < abs(direct[0] - 55)
    assert abs(out[1] - direct[1]) < abs(out[0] - direct[0])


def test_no_modelled_estimate_from_fewer_than_three_siblings():
    out = small_area.shrink(np.array([50.0, 60.0]), np.array([30.0, 30.0]), np.array(55.0),
                            np.array(100.0))
    assert np.isnan(out).all()


def test_minimum_can_be_raised_but_never_below_ten():
    assert suppression.primary(np.array([9, 10, 0]), 10).tolist() == [True, False, False]
    with pytest.raises(ValueError):
        suppression.primary(np.array([5]), 5)


def test_complementary_suppression_hides_the_smallest_published_member():
    n = np.array([40, 5, 12, 30])
    hidden = np.array([False, True, False, False])
    assert suppression.complementary(n, hidden, np.array(87)).tolist() == [False, False, True, False]
    # Two hidden parts already: nothing else to hide.
    assert not suppression.complementary(n, hidden, np.array(90)).any()


def test_composite_needs_every_component():
    out = composite_mean(np.array([[6, 8], [5, np.nan]]))
    assert out[0] == 7 and np.isnan(out[1])


@pytest.mark.parametrize("label", ["0000-01", "R12-0000-01", "1999-12", "0000-Q1", "2101-01",
                                   "R12-9999-12"])
def test_labels_outside_the_years_a_survey_can_run_are_refused(label):
    with pytest.raises(ValueError, match="is not a period"):
        periods.parse(label)


def test_labels_at_the_bounds_are_read():
    assert periods.parse("R12-2000-01").label == "R12-2000-01"
    assert periods.parse("2100-Q4").label == "2100-Q4"
