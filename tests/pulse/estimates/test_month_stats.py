"""Kept month sums are stored narrow and read back bit for bit."""
import numpy as np


def test_sums_in_quarters_are_kept_as_integers_and_read_back_exactly():
    from pulse.estimates.month_stats import SCALE, _narrow

    sums = np.array([[3.0, 1.5, 2.25, 0.0], [7.0, 0.5, 20.75, 1.0]])
    narrow = _narrow(sums)
    assert narrow.dtype == np.int16
    assert np.array_equal(narrow / SCALE, sums)
    large = sums * 10_000
    assert _narrow(large).dtype == np.int32
    assert np.array_equal(_narrow(large) / SCALE, large)


def test_sums_that_are_not_quarters_or_too_large_are_kept_as_they_are():
    from pulse.estimates.month_stats import _narrow

    thirds = np.array([[3.0, 1 / 3, 2.0]])        # a composite of three answers
    assert _narrow(thirds) is thirds
    huge = np.array([[2.0 ** 40, 1.0]])
    assert _narrow(huge) is huge
