"""Change against the previous period and whether it is statistically significant.

A two-sample z test on the two estimates' standard errors: z = (e1 - e0) / sqrt(se1^2 + se0^2),
significant when |z| > 1.96. The two periods hold different respondents, so the estimates are
independent; rolling years are compared with the non-overlapping year before for that reason.

A percentage of exactly 0 or 100 has a standard error of 0, which would leave the test to the
other side's error alone (100% -> 70% at about 10 answers each came out z = 2.07). Such a side
is given the Agresti-Caffo variance instead, p~(1 - p~) / (n_eff + 2) with p~ = (x + 1) /
(n_eff + 2): one answer of each kind added, which is never 0 (the same change: z = 1.81).
"""
from __future__ import annotations

import numpy as np

CRITICAL = 1.96
NO_SIGNIFICANT_CHANGE = "no significant change"


def change(estimate, std_error, previous, previous_se, *, percent=False, n_eff=np.nan,
           previous_n_eff=np.nan):
    """Return (difference, significant); NaN difference and False where either side's
    estimate or standard error is missing (a change that cannot be tested is not given).

    ``percent`` marks percentages (0-100), whose sides at exactly 0 or 100 take the
    Agresti-Caffo variance from their effective sample sizes ``n_eff``/``previous_n_eff``.
    """
    e1, s1 = np.asarray(estimate, dtype=float), np.asarray(std_error, dtype=float)
    e0, s0 = np.asarray(previous, dtype=float), np.asarray(previous_se, dtype=float)
    s1 = _at_bounds(e1, s1, n_eff, percent)
    s0 = _at_bounds(e0, s0, previous_n_eff, percent)
    diff = e1 - e0
    scale = np.sqrt(s1 * s1 + s0 * s0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, diff / np.where(scale > 0, scale, 1), np.where(diff != 0, np.inf, 0))
    known = np.isfinite(diff) & np.isfinite(scale)
    significant = known & (np.abs(np.nan_to_num(z)) > CRITICAL)
    return np.where(known, diff, np.nan), significant


def _at_bounds(estimate: np.ndarray, std_error: np.ndarray, n_eff, percent) -> np.ndarray:
    """Standard errors, with a percentage at 0 or 100 given its Agresti-Caffo error (in
    percentage points) where its effective sample size is known."""
    n = np.asarray(n_eff, dtype=float)
    edge = np.asarray(percent, dtype=bool) & ((estimate == 0) | (estimate == 100)) \
        & np.isfinite(n) & (n > 0)
    if not edge.any():
        return std_error
    with np.errstate(invalid="ignore", divide="ignore"):
        tilde = (estimate / 100 * n + 1) / (n + 2)
        adjusted = 100 * np.sqrt(tilde * (1 - tilde) / (n + 2))
    return np.where(edge & np.isfinite(std_error), adjusted, std_error)


def describe(difference: float | None, significant: bool | None) -> str:
    """Wording for views and exports: an arrow only for a real change."""
    if difference is None or significant is None or not np.isfinite(difference):
        return "no previous figure"
    if not significant:
        return NO_SIGNIFICANT_CHANGE
    return f"{'up' if difference > 0 else 'down'} {abs(difference):.1f} (significant)"
