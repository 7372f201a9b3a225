"""Small-area estimates: empirical-Bayes shrinkage of a neighbourhood toward its parent.

For the children i of one parent, with direct estimates d_i and sampling variances v_i:
- v_i = s2 / n_eff_i, where s2 is the parent's per-respondent variance (score variance, or
  p(1-p) for a proportion): a smoothed variance, because a direct variance from a handful
  of answers is itself too noisy (it is 0 when five people all agree);
- between-area variance by the method of moments over the k usable siblings:
  tau2 = max(0, sample variance of d_i - mean of v_i);
- modelled_i = B_i * parent + (1 - B_i) * d_i with B_i = v_i / (v_i + tau2).
A child with few answers has a large v_i and moves toward the parent; a well-measured one
barely moves. Fewer than three usable siblings give no modelled estimate. The result is a
model, and is always labelled "modelled" beside the direct estimate.
"""
from __future__ import annotations

import numpy as np

MIN_SIBLINGS = 3


def shrink(direct: np.ndarray, n_eff: np.ndarray, parent: np.ndarray,
           parent_unit_variance: np.ndarray) -> np.ndarray:
    """Modelled estimates for children along axis 0; NaN where none can be made."""
    d = np.asarray(direct, dtype=float)
    neff = np.asarray(n_eff, dtype=float)
    usable = np.isfinite(d) & np.isfinite(neff) & (neff >= 2)
    s2 = np.asarray(parent_unit_variance, dtype=float)[None, ...]
    v = np.divide(s2, neff, out=np.full(d.shape, np.nan), where=usable)
    k = usable.sum(axis=0)
    dz = np.where(usable, d, 0.0)
    mean = np.divide(dz.sum(axis=0), k, out=np.full(k.shape, np.nan), where=k > 0)
    spread = np.where(usable, np.square(d - mean[None, ...]), 0.0).sum(axis=0)
    sample_var = np.divide(spread, k - 1, out=np.full(k.shape, np.nan), where=k > 1)
    mean_v = np.divide(np.where(usable, v, 0.0).sum(axis=0), k, out=np.full(k.shape, np.nan),
                       where=k > 0)
    tau2 = np.maximum(sample_var - mean_v, 0.0)
    denom = v + tau2[None, ...]
    b = np.divide(v, denom, out=np.ones(d.shape), where=usable & (denom > 0))
    modelled = b * np.asarray(parent, dtype=float)[None, ...] + (1 - b) * d
    ok = usable & (k >= MIN_SIBLINGS)[None, ...] & np.isfinite(parent)[None, ...]
    return np.where(ok, modelled, np.nan)
