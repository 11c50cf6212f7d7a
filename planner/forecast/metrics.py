"""Accuracy measures, computed the same way for every model.

All work on arrays where NaN marks a closed cell (ignored). MASE is scaled by the
in-sample MAE of the seasonal naive forecast (same hour, or day, one week earlier);
relMAE divides a model's MAE by the seasonal naive forecast's MAE on the same holdout,
which is comparable across series (see ../shared/notes/forecast.md).
"""

from __future__ import annotations

import numpy as np

SEASON = 7  # days: the seasonal naive repeats last week


def _pairs(actual: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, p = np.asarray(actual, float).ravel(), np.asarray(predicted, float).ravel()
    ok = ~np.isnan(a) & ~np.isnan(p)
    return a[ok], p[ok]


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    a, p = _pairs(actual, predicted)
    return float(np.mean(np.abs(a - p))) if len(a) else float("nan")


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    a, p = _pairs(actual, predicted)
    return float(np.sqrt(np.mean((a - p) ** 2))) if len(a) else float("nan")


def seasonal_scale(history: np.ndarray) -> float:
    """In-sample MAE of the seasonal naive on a days × cells history (rows are days)."""
    h = np.asarray(history, float)
    if h.ndim == 1:
        h = h[:, None]
    return mae(h[SEASON:], h[:-SEASON])


def mase(actual: np.ndarray, predicted: np.ndarray, scale: float) -> float:
    return mae(actual, predicted) / scale if scale > 0 else float("nan")


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actual values inside [lower, upper]."""
    a, lo = _pairs(actual, lower)
    _, hi = _pairs(actual, upper)
    return float(np.mean((a >= lo) & (a <= hi))) if len(a) else float("nan")


def pinball(actual: np.ndarray, quantile_pred: np.ndarray, q: float) -> float:
    """Mean pinball (quantile) loss of a q-quantile forecast."""
    a, p = _pairs(actual, quantile_pred)
    diff = a - p
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff))) if len(a) else float("nan")
