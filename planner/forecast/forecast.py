"""The result of a forecast: means and NB intervals on the day × hour grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from planner.forecast.distribution import MIN_ALPHA, nb_interval, nb_quantile
from planner.forecast.series import DAILY, DayAxis

BODY_LEVEL = 0.8  # the central interval the body dispersion is calibrated to hold ...
TAIL_LEVEL = 0.95  # ... and the one the tail dispersion is


@dataclass(frozen=True)
class Forecast(DayAxis):
    """Expected arrivals per cell (NaN where closed), with the dispersion of each scale.

    Hourly cells are NB(mean, alpha_hour[cell]); daily totals are NB(day mean,
    alpha_day[day]). Dispersion differs by cell because some days (just after a long
    break, say) are harder to forecast than others.

    Forecast errors have heavier tails than one negative binomial: a dispersion that
    holds 80% intervals makes 95% ones too narrow. So a model may give a second, tail
    dispersion for the 95% intervals; levels in between interpolate (`alpha_at`).
    """

    model: str
    start: date
    hours: tuple[int, ...]
    mean: np.ndarray
    alpha_hour: np.ndarray  # shaped like mean
    alpha_day: np.ndarray  # one per day
    alpha_hour_tail: np.ndarray | None = None  # None: the tails are the body's
    alpha_day_tail: np.ndarray | None = None

    def values(self) -> np.ndarray:
        return self.mean

    @property
    def alpha(self) -> np.ndarray:
        """The body dispersion of each cell (80% intervals and narrower)."""
        return self.alpha_day[:, None] if self.is_daily else self.alpha_hour

    def _tail(self) -> np.ndarray | None:
        tail = self.alpha_day_tail[:, None] if self.is_daily and self.alpha_day_tail is not None else \
            self.alpha_hour_tail
        return None if tail is None else np.maximum(tail, self.alpha)  # never thinner than the body

    def alpha_at(self, level: float) -> np.ndarray:
        """The dispersion for a central interval holding `level`: the body's up to 80%, the
        tail's from 95%, interpolated on the log scale in between."""
        tail = self._tail()
        if tail is None or level <= BODY_LEVEL:
            return self.alpha
        t = min(1.0, (level - BODY_LEVEL) / (TAIL_LEVEL - BODY_LEVEL))
        log_body, log_tail = np.log(np.maximum(self.alpha, MIN_ALPHA)), np.log(np.maximum(tail, MIN_ALPHA))
        return np.asarray(np.exp((1 - t) * log_body + t * log_tail), dtype=float)

    def alpha_for_quantile(self, q: float) -> np.ndarray:
        """The dispersion for the q-quantile: that of the central interval it bounds."""
        return self.alpha_at(abs(2 * q - 1))

    def quantile(self, q: float) -> np.ndarray:
        """The q-quantile of each cell."""
        return nb_quantile(self.mean, self.alpha_for_quantile(q), q)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Central prediction interval holding about `level` of the probability (whole counts)."""
        return nb_interval(self.mean, self.alpha_at(level), level)

    def daily(self) -> Forecast:
        """Daily totals (closed days NaN)."""
        open_days = ~np.isnan(self.mean).all(axis=1)
        totals = np.where(open_days, np.nansum(self.mean, axis=1), np.nan)
        tail = None if self.alpha_day_tail is None else self.alpha_day_tail[:, None]
        return Forecast(self.model, self.start, DAILY, totals[:, None], self.alpha_day[:, None], self.alpha_day,
                        tail, self.alpha_day_tail)

    def drop_days(self, n: int) -> Forecast:
        """The same forecast without its first `n` days."""
        def cut(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[n:]
        return Forecast(self.model, self.start + timedelta(days=n), self.hours, self.mean[n:], self.alpha_hour[n:],
                        self.alpha_day[n:], cut(self.alpha_hour_tail), cut(self.alpha_day_tail))
