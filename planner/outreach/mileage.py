"""How far a car is driven a day, estimated robustly from its mileage readings (R19).

Readings come from repair orders, phone calls and the sale (0 km). Some are typed
wrong, and a car's use changes over the years, so the rate is the Theil–Sen slope (the
median of the slopes between every pair of readings) over the last year or two, which one
bad reading cannot drag; the estimate runs from the last reading unless it is the odd one
out. With too few readings the model's typical rate stands in.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from planner.domain import MileageReading

RECENT_DAYS = 730  # readings older than this say little about today's driving
SHORT_DAYS = 365  # the last year, when it holds enough readings, tells the current rate
MIN_SPAN_DAYS = 30  # pairs of readings closer than this give noisy slopes
MIN_RATE, MAX_RATE = 1.0, 500.0  # km a day: anything outside is a typing error


@dataclass(frozen=True)
class MileageEstimate:
    """The car's daily km and the reading it runs from."""

    km_per_day: float
    from_day: date
    from_km: int
    from_readings: bool  # False: the model's typical rate stands in

    def km_on(self, day: date) -> int:
        """Estimated odometer on `day` (never below the last reading)."""
        return self.from_km + max(0, round((day - self.from_day).days * self.km_per_day))

    def day_reaching(self, km: int) -> date:
        """First day the odometer is estimated to reach `km`."""
        if km <= self.from_km:
            return self.from_day
        return self.from_day + timedelta(days=math.ceil((km - self.from_km) / self.km_per_day))


def theil_sen_slope(days: Sequence[float], km: Sequence[float]) -> float | None:
    """Median slope over pairs of readings at least MIN_SPAN_DAYS apart (None if no pair)."""
    n = len(days)
    if n <= 16:  # the usual car: a handful of readings, where plain Python beats numpy
        slopes = [(km[j] - km[i]) / (days[j] - days[i]) for i in range(n) for j in range(i + 1, n)
                  if days[j] - days[i] >= MIN_SPAN_DAYS]
        return statistics.median(slopes) if slopes else None
    d, k = np.asarray(days, dtype=float), np.asarray(km, dtype=float)
    i, j = np.triu_indices(n, k=1)
    span = d[j] - d[i]
    keep = span >= MIN_SPAN_DAYS
    if not keep.any():
        return None
    return float(np.median((k[j] - k[i])[keep] / span[keep]))


def _rate(readings: Sequence[MileageReading]) -> float | None:
    base = readings[0].read_on
    return theil_sen_slope([float((r.read_on - base).days) for r in readings], [float(r.km) for r in readings])


def _window(usable: Sequence[MileageReading], today: date) -> list[MileageReading]:
    """The readings the rate is taken from: the last year when it holds readings two months
    apart, else the last two years, else the last three readings."""
    year = [r for r in usable if (today - r.read_on).days <= SHORT_DAYS]
    if len(year) >= 2 and (year[-1].read_on - year[0].read_on).days >= 2 * MIN_SPAN_DAYS:
        return year
    recent = [r for r in usable if (today - r.read_on).days <= RECENT_DAYS]
    return recent if len(recent) >= 2 else list(usable[-3:])


def estimate_mileage(readings: Sequence[MileageReading], today: date, typical_km_per_day: float) -> MileageEstimate:
    """Daily km from the readings before `today` (the typical rate when they cannot tell).

    The rate is the Theil–Sen slope over the last year when that year holds readings at
    least two months apart (a car's use changes), else over the last two years. The
    estimate runs from the last reading, unless that reading disagrees with the history
    before it (the odometer going back, or a jump at over three times the car's rate: a
    typing error); then it is set aside and the estimate runs from the one before.
    """
    usable = sorted(r for r in readings if r.read_on < today)
    if not usable:
        return MileageEstimate(typical_km_per_day, today, 0, False)
    if len(usable) >= 3:
        last, before = usable[-1], usable[-2]
        earlier = _rate(_window(usable[:-1], today))
        jump = (last.km - before.km) / max(1, (last.read_on - before.read_on).days)
        if earlier is not None and (jump < 0 or jump > 3 * earlier + 50):
            usable = usable[:-1]  # the last reading is the odd one out
    last = usable[-1]
    slope = _rate(_window(usable, today)) if len(usable) >= 2 else None
    if slope is None or not MIN_RATE <= slope <= MAX_RATE:
        return MileageEstimate(typical_km_per_day, last.read_on, last.km, False)
    return MileageEstimate(slope, last.read_on, last.km, True)
