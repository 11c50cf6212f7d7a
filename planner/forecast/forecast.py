"""The result of a forecast: means and NB intervals on the day × hour grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from planner.forecast.distribution import nb_interval, nb_quantile
from planner.forecast.series import DAILY, DayAxis


@dataclass(frozen=True)
class Forecast(DayAxis):
    """Expected arrivals per cell (NaN where closed), with the dispersion of each scale.

    Hourly cells are NB(mean, alpha_hour[cell]); daily totals are NB(day mean,
    alpha_day[day]). Dispersion differs by cell because some days (just after a long
    break, say) are harder to forecast than others.
    """

    model: str
    start: date
    hours: tuple[int, ...]
    mean: np.ndarray
    alpha_hour: np.ndarray  # shaped like mean
    alpha_day: np.ndarray  # one per day

    def values(self) -> np.ndarray:
        return self.mean

    @property
    def alpha(self) -> np.ndarray:
        return self.alpha_day[:, None] if self.is_daily else self.alpha_hour

    def quantile(self, q: float) -> np.ndarray:
        return nb_quantile(self.mean, self.alpha, q)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Central prediction interval holding about `level` of the probability (whole counts)."""
        return nb_interval(self.mean, self.alpha, level)

    def daily(self) -> Forecast:
        """Daily totals (closed days NaN)."""
        open_days = ~np.isnan(self.mean).all(axis=1)
        totals = np.where(open_days, np.nansum(self.mean, axis=1), np.nan)
        return Forecast(self.model, self.start, DAILY, totals[:, None], self.alpha_day[:, None], self.alpha_day)
