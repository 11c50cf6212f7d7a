"""Negative-binomial predictive distributions: quantiles, intervals and dispersion.

Counts are modelled as NB(mean mu, dispersion alpha): variance mu + alpha * mu^2, with
alpha = 0 meaning Poisson. `alpha` may be a number or an array shaped like `mu`.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

MIN_ALPHA = 1e-6
Alpha = float | np.ndarray


def _params(mu: np.ndarray, alpha: Alpha) -> tuple[np.ndarray, np.ndarray]:
    """scipy's (n, p) for NB(mu, alpha); a tiny alpha stands in for Poisson."""
    a = np.maximum(np.broadcast_to(np.asarray(alpha, dtype=float), mu.shape), MIN_ALPHA)
    n = 1.0 / a
    return n, n / (n + mu)


def nb_quantile(mu: np.ndarray, alpha: Alpha, q: float) -> np.ndarray:
    """The q-quantile of NB(mu, alpha) for every cell; NaN stays NaN."""
    mu = np.asarray(mu, dtype=float)
    ok = ~np.isnan(mu)
    m = np.maximum(np.where(ok, mu, 1.0), 1e-9)
    n, p = _params(m, alpha)
    return np.where(ok, stats.nbinom.ppf(q, n, p), np.nan)


def _cdf(k: np.ndarray, mu: np.ndarray, alpha: Alpha) -> np.ndarray:
    n, p = _params(mu, alpha)
    return np.asarray(stats.nbinom.cdf(k, n, p))


def nb_interval(mu: np.ndarray, alpha: Alpha, level: float) -> tuple[np.ndarray, np.ndarray]:
    """A central prediction interval [lo, hi] of NB(mu, alpha) whose probability is as
    close to `level` as whole numbers allow.

    The equal-tailed quantiles of a small count over-cover (for Poisson(5) the 10%–90%
    quantiles 2..8 hold 89%), so each end may move one step inwards when that brings the
    interval's probability nearer the nominal level — never past the mean, which the
    interval always contains.
    """
    mu = np.asarray(mu, dtype=float)
    tail = (1 - level) / 2
    ok = ~np.isnan(mu)
    m = np.maximum(np.where(ok, mu, 1.0), 1e-9)
    lo0, hi0 = nb_quantile(m, alpha, tail), nb_quantile(m, alpha, 1 - tail)
    best_lo, best_hi = lo0, hi0
    best_gap = np.abs(_cdf(hi0, m, alpha) - _cdf(lo0 - 1, m, alpha) - level)
    for dlo, dhi in ((1, 0), (0, -1), (1, -1)):
        lo, hi = lo0 + dlo, hi0 + dhi
        gap = np.abs(_cdf(hi, m, alpha) - _cdf(lo - 1, m, alpha) - level)
        better = (gap < best_gap - 1e-12) & (lo <= hi) & (lo <= m) & (hi >= m)
        best_lo, best_hi = np.where(better, lo, best_lo), np.where(better, hi, best_hi)
        best_gap = np.where(better, gap, best_gap)
    return np.where(ok, best_lo, np.nan), np.where(ok, best_hi, np.nan)


def nb_loglik(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    """Log-likelihood of counts y under NB(mu, alpha)."""
    mu = np.maximum(mu, 1e-9)
    n = 1.0 / max(alpha, MIN_ALPHA)
    return float(np.sum(special.gammaln(y + n) - special.gammaln(n) - special.gammaln(y + 1)
                        + n * np.log(n / (n + mu)) + y * np.log(mu / (n + mu))))


def fit_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """Maximum-likelihood dispersion of counts y around given means (0 when under-dispersed)."""
    ok = ~np.isnan(y) & ~np.isnan(mu)
    y, mu = y[ok], mu[ok]
    if len(y) < 10:
        return 0.05
    result = optimize.minimize_scalar(lambda la: -nb_loglik(y, mu, float(np.exp(la))), bounds=(-12, 2),
                                      method="bounded", options={"xatol": 1e-3})
    alpha = float(np.exp(result.x))
    return alpha if alpha > 1e-5 else 0.0


def interval_coverage(y: np.ndarray, mu: np.ndarray, alpha: float, level: float) -> float:
    """Share of counts y inside the central `level` interval of NB(mu, alpha)."""
    lo, hi = nb_interval(mu, alpha, level)
    return float(np.mean((y >= lo) & (y <= hi)))


def calibrate_alpha(y: np.ndarray, mu: np.ndarray, level: float = 0.8) -> float:
    """The dispersion whose central `level` intervals cover that share of past errors.

    Likelihood fits let a few outliers (a typhoon day, a holiday the model misjudged)
    widen every interval; matching the coverage of past forecast errors directly keeps
    the intervals honest for the bulk of days.
    """
    ok = ~np.isnan(y) & ~np.isnan(mu)
    y, mu = y[ok], np.maximum(mu[ok], 1e-9)
    if len(y) < 10:
        return 0.05
    if interval_coverage(y, mu, 0.0, level) >= level:
        return 0.0
    # Coverage of whole-count intervals is a step function of alpha, not always rising:
    # search no higher than a few times the likelihood estimate, so sparse hours cannot
    # run off to absurd dispersions.
    ceiling = min(4.0, max(3 * fit_alpha(y, mu), 0.05))
    if interval_coverage(y, mu, ceiling, level) < level:
        return ceiling
    lo, hi = np.log(1e-5), np.log(ceiling)
    for _ in range(16):  # brackets alpha within 0.03% of itself: far finer than its noise
        mid = (lo + hi) / 2
        if interval_coverage(y, mu, float(np.exp(mid)), level) < level:
            lo = mid
        else:
            hi = mid
    return float(np.exp(hi))
