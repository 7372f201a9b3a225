"""Reference implementations for the tests, written without the code under test.

They work respondent by respondent (lists and dictionaries, or scipy's solver) instead of on
matrices of cells, so a shared mistake is unlikely. statsmodels supplies weighted moments and
the Wilson interval.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

# statsmodels takes alpha; this alpha gives exactly the 1.96 the methodology uses.
ALPHA_196 = 2 * (1 - norm.cdf(1.96))


def rake_loop(categories: list[list[int]], margins: list[dict[int, float] | None],
              tol: float = 1e-6, iterations: int = 100, trim: float = 5.0) -> list[float]:
    """Respondent-level IPF: for each dimension, respondents whose category is in the margins
    are scaled so their weighted shares match the population shares of the categories that
    occur among them. Then trim at trim x mean and rescale once."""
    n = len(categories[0])
    w = [1.0] * n
    for _ in range(iterations):
        old = list(w)
        for dim, margin in enumerate(margins):
            if not margin:
                continue
            members = [i for i in range(n) if categories[dim][i] in margin]
            present = {categories[dim][i] for i in members}
            pop = {k: margin[k] for k in present}
            total_pop = sum(pop.values())
            answered = sum(w[i] for i in members)
            achieved: dict[int, float] = {}
            for i in members:
                achieved[categories[dim][i]] = achieved.get(categories[dim][i], 0.0) + w[i]
            for i in members:
                k = categories[dim][i]
                w[i] *= (pop[k] / total_pop * answered) / achieved[k]
        if max(abs(a - b) / b for a, b in zip(w, old)) <= tol:
            break
    mean = sum(w) / n
    total = sum(w)
    capped = [min(x, trim * mean) for x in w]
    scale = total / sum(capped)
    return [x * scale for x in capped]


def rake_two_way_exact(rows: np.ndarray, cols: np.ndarray, row_pop: np.ndarray,
                       col_pop: np.ndarray) -> np.ndarray:
    """The raking solution for complete two-way data, found by a root solver instead of IPF.

    Raking weights are w_i = a_row * b_col with both margins met (up to the scale that keeps
    sum w = n); solve for log a, log b directly.
    """
    n = len(rows)
    r, c = len(row_pop), len(col_pop)
    counts = np.zeros((r, c))
    np.add.at(counts, (rows, cols), 1)
    t_row = row_pop / row_pop.sum() * n
    t_col = col_pop / col_pop.sum() * n

    def equations(x):
        a, b = np.exp(x[:r]), np.exp(np.concatenate([[0.0], x[r:]]))
        fitted = counts * a[:, None] * b[None, :]
        return np.concatenate([fitted.sum(axis=1) - t_row, (fitted.sum(axis=0) - t_col)[1:]])

    sol = optimize.root(equations, np.zeros(r + c - 1), method="hybr", tol=1e-14)
    assert sol.success, sol.message
    a, b = np.exp(sol.x[:r]), np.exp(np.concatenate([[0.0], sol.x[r:]]))
    return a[rows] * b[cols]


def score_reference(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float, float]:
    """(score, ci_low, ci_high, n_eff) with statsmodels' weighted moments."""
    ok = ~np.isnan(values)
    d = DescrStatsW(values[ok], weights=weights[ok], ddof=0)
    n_eff = d.sum_weights ** 2 / float(np.sum(weights[ok] ** 2))
    # Unbiased weighted variance (reliability weights): var x n_eff / (n_eff - 1), over n_eff.
    half = 1.96 * math.sqrt(d.var / (n_eff - 1))
    return 10 * d.mean, 10 * (d.mean - half), 10 * (d.mean + half), n_eff


def percent_reference(positive: np.ndarray, valid: np.ndarray, weights: np.ndarray
                      ) -> tuple[float, float, float, float]:
    w = weights[valid]
    p = float(np.sum(w * positive[valid]) / np.sum(w))
    n_eff = float(np.sum(w) ** 2 / np.sum(w ** 2))
    low, high = proportion_confint(p * n_eff, n_eff, alpha=ALPHA_196, method="wilson")
    return 100 * p, 100 * low, 100 * high, n_eff
