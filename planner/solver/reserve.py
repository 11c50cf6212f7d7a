"""From the walk-in forecast to the capacity the solver keeps free (pure, no I/O).

Walk-ins arriving in an hour bring `walk_in_hours` of standard labour each, worked over
that hour and the next two (`WORK_SPREAD`); dividing by the technicians' mean efficiency
gives technicians busy per hour. The reserve uses a quantile of each hour's walk-in
arrivals (NB per hour; adding hourly quantiles is a little cautious); the expected load
uses the mean and feeds the load ratios that steer callers into valleys.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from planner.domain import WalkInReserve
from planner.forecast.intake import IntakeForecast
from planner.forecast.load import WORK_SPREAD


def _technicians_busy(arrivals: np.ndarray, hours: tuple[int, ...], hours_each: float,
                      efficiency: float) -> np.ndarray:
    """Days × 24: technicians kept busy each hour by walk-ins arriving per (day, hour)."""
    out = np.zeros((arrivals.shape[0], 24))
    work = np.nan_to_num(arrivals) * hours_each / efficiency
    for i, h in enumerate(hours):
        for lag, share in enumerate(WORK_SPREAD):
            if h + lag < 24:
                out[:, h + lag] += work[:, i] * share
    return out


def walk_in_capacity(forecast: IntakeForecast, quantile: float, efficiency: float,
                     scale: float = 1.0) -> tuple[WalkInReserve, dict[date, tuple[float, ...]]]:
    """The reserve (whole technicians per hour, rounded) at `quantile` of the walk-in
    forecast, and the expected technicians busy with walk-ins per hour. `scale`
    multiplies demand (a what-if: +20% is 1.2)."""
    if forecast.walk_in_mean is None or forecast.walk_in_hours is None or forecast.hourly.is_daily:
        raise ValueError("the walk-in reserve needs an hourly forecast of a dealer's own history")
    if not 0 <= quantile < 1:
        raise ValueError(f"the walk-in quantile must be in [0, 1), not {quantile}")
    f = forecast.hourly
    mean = forecast.walk_in_mean * scale
    q = forecast.walk_in_quantile(quantile) * scale if quantile > 0 else np.zeros_like(mean)
    reserve = np.rint(_technicians_busy(q, f.hours, forecast.walk_in_hours, efficiency)).astype(int)
    expected = _technicians_busy(mean, f.hours, forecast.walk_in_hours, efficiency)
    days = f.days
    return (WalkInReserve({d: tuple(int(x) for x in reserve[i]) for i, d in enumerate(days)}),
            {d: tuple(float(x) for x in expected[i]) for i, d in enumerate(days)})
