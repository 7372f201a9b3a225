"""Change against the previous period and whether it is statistically significant.

A two-sample z test on the two estimates' standard errors: z = (e1 - e0) / sqrt(se1^2 + se0^2),
significant when |z| > 1.96. The two periods hold different respondents, so the estimates are
independent; rolling years are compared with the non-overlapping year before for that reason.
"""
from __future__ import annotations

import numpy as np

CRITICAL = 1.96
NO_SIGNIFICANT_CHANGE = "no significant change"


def change(estimate, std_error, previous, previous_se):
    """Return (difference, significant); NaN difference and False where either side's
    estimate or standard error is missing (a change that cannot be tested is not given)."""
    e1, s1 = np.asarray(estimate, dtype=float), np.asarray(std_error, dtype=float)
    e0, s0 = np.asarray(previous, dtype=float), np.asarray(previous_se, dtype=float)
    diff = e1 - e0
    scale = np.sqrt(s1 * s1 + s0 * s0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, diff / np.where(scale > 0, scale, 1), np.where(diff != 0, np.inf, 0))
    known = np.isfinite(diff) & np.isfinite(scale)
    significant = known & (np.abs(np.nan_to_num(z)) > CRITICAL)
    return np.where(known, diff, np.nan), significant


def describe(difference: float | None, significant: bool | None) -> str:
    """Wording for views and exports: an arrow only for a real change."""
    if difference is None or significant is None or not np.isfinite(difference):
        return "no previous figure"
    if not significant:
        return NO_SIGNIFICANT_CHANGE
    return f"{'up' if difference > 0 else 'down'} {abs(difference):.1f} (significant)"
