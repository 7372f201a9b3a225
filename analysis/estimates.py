"""Weighted estimates with 95% confidence intervals, from weighted sums.

Every estimate here is a function of six sums over the respondents with a valid answer:
n, sum(w), sum(w^2), sum(w*y), sum(w*y^2) and sum(w*positive). Sums add up across cells,
months and areas, which is what lets the aggregation work on counts instead of people.

- Effective sample size (Kish): n_eff = (sum w)^2 / sum w^2.
- 0-10 questions and composites: score = 10 x weighted mean; per-respondent variance
  s2 = [sum w (y - mean)^2 / sum w] x n_eff / (n_eff - 1) (the unbiased weighted variance,
  which with equal weights is the usual variance on n - 1); CI = score +- 1.96 x 10 x
  sqrt(s2 / n_eff). Without the n_eff / (n_eff - 1) the interval is too narrow: 5% at n = 10.
- Agree/rating questions: weighted % positive; Wilson interval with n_eff in place of n.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z = 1.96
SCORE, PERCENT = "score", "percent"


@dataclass
class Sums:
    n: np.ndarray
    sw: np.ndarray
    sw2: np.ndarray
    swy: np.ndarray
    swy2: np.ndarray
    swp: np.ndarray


@dataclass
class Estimate:
    n: np.ndarray
    n_eff: np.ndarray
    estimate: np.ndarray
    std_error: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    # Per-respondent spread (variance for scores, p(1-p) for proportions) in published units,
    # which small-area estimation reuses.
    unit_variance: np.ndarray


def _div(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.divide(a, b, out=np.full(np.broadcast(a, b).shape, np.nan), where=b > 0)


def effective_n(sw, sw2):
    return _div(np.square(sw), sw2)


def score(s: Sums) -> Estimate:
    n_eff = effective_n(s.sw, s.sw2)
    mean = _div(s.swy, s.sw)
    spread = np.maximum(_div(s.swy2, s.sw) - np.square(mean), 0.0)
    # The spread about the sample's own mean understates the population's by (n_eff-1)/n_eff.
    variance = spread * _div(n_eff, n_eff - 1)
    se = np.sqrt(_div(variance, n_eff))
    return Estimate(np.asarray(s.n), n_eff, 10 * mean, 10 * se, 10 * (mean - Z * se),
                    10 * (mean + Z * se), 100 * variance)


def wilson(p, n_eff, z: float = Z):
    """Wilson score interval for a proportion p observed on (effective) sample size n_eff."""
    p, n = np.asarray(p, dtype=float), np.asarray(n_eff, dtype=float)
    z2 = z * z
    denom = 1 + _div(z2, n)
    centre = (p + _div(z2, 2 * n)) / denom
    half = z * np.sqrt(_div(p * (1 - p), n) + _div(z2, 4 * n * n)) / denom
    return centre - half, centre + half


def percent(s: Sums) -> Estimate:
    n_eff = effective_n(s.sw, s.sw2)
    p = _div(s.swp, s.sw)
    low, high = wilson(p, n_eff)
    unit = p * (1 - p)
    se = np.sqrt(_div(unit, n_eff))
    return Estimate(np.asarray(s.n), n_eff, 100 * p, 100 * se, 100 * low, 100 * high,
                    10000 * unit)


def estimate(unit: str, s: Sums) -> Estimate:
    return score(s) if unit == SCORE else percent(s)


def sums_of(values: np.ndarray, weights: np.ndarray, positive: tuple[float, ...] = ()) -> Sums:
    """The sums of one group of respondents (NaN value: no valid answer)."""
    values = np.asarray(values, dtype=float)
    ok = ~np.isnan(values)
    y, w = values[ok], np.asarray(weights, dtype=float)[ok]
    pos = np.isin(y, positive).astype(float) if positive else np.zeros_like(y)
    return Sums(np.array(ok.sum()), np.array(w.sum()), np.array((w * w).sum()),
                np.array((w * y).sum()), np.array((w * y * y).sum()), np.array((w * pos).sum()))


def composite_mean(columns: np.ndarray) -> np.ndarray:
    """Per-respondent mean of a composite's components; NaN unless every one is valid.

    Requiring all components keeps the composite's meaning fixed: a respondent who answered
    only "respect" would otherwise count as a trust score built from one item.
    """
    columns = np.asarray(columns, dtype=float)
    return columns.mean(axis=1)
