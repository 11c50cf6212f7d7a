"""The intake forecast the planner works with: arrivals with intervals, the walk-in and
appointment split, labour demand, capacity, load ratio and peak/valley label per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from planner.domain import DealerCalendar
from planner.forecast.distribution import nb_quantile
from planner.forecast.forecast import Forecast
from planner.forecast.load import (
    IntakeMix,
    LoadLabel,
    bay_type_shares,
    capacity_for_arrivals,
    estimate_mix,
    hourly_capacity,
    label_of,
)
from planner.forecast.models import DEFAULT_MODEL, MODELS, ForecastSettings
from planner.forecast.sources import ArrivalSource


@dataclass(frozen=True)
class IntakePeriod:
    """One hour (or day) of the horizon."""

    start: datetime
    end: datetime
    closed: bool
    arrivals: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    walk_ins: float | None = None
    appointments: float | None = None
    labour_hours: float | None = None
    capacity_hours: float | None = None
    load_ratio: float | None = None
    label: LoadLabel | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start.isoformat(), "end": self.end.isoformat(), "closed": self.closed}
        for key in ("arrivals", "lo80", "hi80", "lo95", "hi95", "walk_ins", "appointments", "labour_hours",
                    "capacity_hours", "load_ratio"):
            value = getattr(self, key)
            out[key] = None if value is None else round(float(value), 3)
        out["label"] = self.label.value if self.label else None
        return out


@dataclass(frozen=True)
class IntakeForecast:
    model: str
    freq: str  # "H" or "D"
    periods: tuple[IntakePeriod, ...]
    hourly: Forecast  # the model's forecast on the grid, for the solver and dashboards
    walk_in_mean: np.ndarray | None  # same grid: walk-ins expected per cell
    walk_in_hours: float | None = None  # standard labour hours one walk-in brings (recent weeks)

    def walk_in_quantile(self, q: float) -> np.ndarray:
        """A quantile of walk-ins per cell: capacity they will likely take (NB approximation)."""
        if self.walk_in_mean is None:
            raise ValueError("walk-ins are known only for a dealer's own history")
        return nb_quantile(self.walk_in_mean, self.hourly.alpha_for_quantile(q), q)


def _history_for(source: ArrivalSource, start: date) -> tuple[int, int]:
    """How many days of the grid to use as history, and how many leading days to skip."""
    if start <= source.next_day:
        return max(0, (start - source.grid.start).days), 0
    return source.grid.n_days, (start - source.next_day).days


def forecast_intake(source: ArrivalSource, start: date, days: int, daily: bool = False,
                    model: str = DEFAULT_MODEL, settings: ForecastSettings | None = None,
                    records: list[tuple[datetime, bool, float]] | None = None,
                    hours_by_op: dict[str, float] | None = None) -> IntakeForecast:
    """Forecast `days` days from `start` using the history before it (and no later data).

    With a dealer (`source.dealership`) and its repair-order `records`, each period also
    carries the walk-in/appointment split, labour demand, capacity and its label;
    `hours_by_op` (recent labour per operation) lets capacity account for bay types.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model '{model}' (known: {', '.join(MODELS)})")
    if days < 1:
        raise ValueError("the horizon must be at least one day")
    n_hist, skip = _history_for(source, start)
    history = source.grid.slice_days(0, n_hist)
    if history.n_days < 28:
        raise ValueError(f"only {history.n_days} days of history before {start}: at least 28 are needed")
    full = MODELS[model](history, skip + days, source.context, settings or ForecastSettings())
    f = full.drop_days(skip)
    assert f.start == start, "the model forecasts from the day after its history"
    open_mask = ~np.isnan(f.mean)
    walk = appt = labour = capacity = None
    walk_hours = None
    if source.dealership is not None and records is not None and not f.is_daily:
        zone = source.zone
        local = [(ts.astimezone(zone).replace(tzinfo=None), b, h) for ts, b, h in records]
        mix: IntakeMix = estimate_mix(local, f.hours, until=start)
        walk_hours = mix.hours_per_walk_in
        share = np.array([mix.appointment_share[d.weekday()] for d in f.days])
        appt = np.where(open_mask, f.mean * share, np.nan)
        walk = np.where(open_mask, f.mean - appt, np.nan)
        labour = np.nan_to_num(walk) * mix.hours_per_walk_in + np.nan_to_num(appt) * mix.hours_per_appointment
        calendar = DealerCalendar(source.dealership.dealer)
        shares = bay_type_shares(source.dealership, hours_by_op) if hours_by_op else None
        capacity = hourly_capacity(source.dealership, calendar, start, days, f.hours, shares)
    if daily or f.is_daily:  # daily output lists closed days too
        periods = _daily_periods(source, f, walk, appt, labour, capacity)
        freq = "D"
    else:
        serving = capacity_for_arrivals(capacity, open_mask) if capacity is not None else None
        periods = _periods(source, f, walk, appt, labour, serving)
        freq = "D" if f.is_daily else "H"
    return IntakeForecast(f.model, freq, tuple(periods), f, walk, walk_hours)


def _label(labour: float | None, capacity: float | None) -> tuple[float | None, LoadLabel | None]:
    if labour is None or capacity is None:
        return None, None
    if capacity <= 0:
        return (float("inf"), LoadLabel.PEAK) if labour > 0 else (None, None)
    ratio = labour / capacity
    return ratio, label_of(ratio)


def _periods(source: ArrivalSource, f: Forecast, walk: np.ndarray | None, appt: np.ndarray | None,
             labour: np.ndarray | None, capacity: np.ndarray | None) -> list[IntakePeriod]:
    lo80, hi80 = f.interval(0.8)
    lo95, hi95 = f.interval(0.95)
    out = []
    for d, day in enumerate(f.days):
        for i, h in enumerate(f.hours):
            if np.isnan(f.mean[d, i]):
                continue
            if f.is_daily:
                begin = datetime.combine(day, time(0), tzinfo=source.zone)
                end = begin + timedelta(days=1)
            else:
                begin = datetime.combine(day, time(h), tzinfo=source.zone)
                end = begin + timedelta(hours=1)
            lab = float(labour[d, i]) if labour is not None else None
            cap = float(capacity[d, i]) if capacity is not None else None
            ratio, label = _label(lab, cap)
            out.append(IntakePeriod(begin, end, False, float(f.mean[d, i]), float(lo80[d, i]), float(hi80[d, i]),
                                    float(lo95[d, i]), float(hi95[d, i]),
                                    float(walk[d, i]) if walk is not None else None,
                                    float(appt[d, i]) if appt is not None else None, lab, cap, ratio, label))
    return out


def _daily_periods(source: ArrivalSource, f: Forecast, walk: np.ndarray | None, appt: np.ndarray | None,
                   labour: np.ndarray | None, capacity: np.ndarray | None) -> list[IntakePeriod]:
    daily = f.daily()
    lo80, hi80 = daily.interval(0.8)
    lo95, hi95 = daily.interval(0.95)
    out = []
    for d, day in enumerate(f.days):
        begin = datetime.combine(day, time(0), tzinfo=source.zone)
        end = begin + timedelta(days=1)
        if np.isnan(daily.mean[d, 0]):
            out.append(IntakePeriod(begin, end, True, 0.0, 0.0, 0.0, 0.0, 0.0))
            continue
        lab = float(np.nansum(labour[d])) if labour is not None else None
        cap = float(np.nansum(capacity[d])) if capacity is not None else None
        ratio, label = _label(lab, cap)
        out.append(IntakePeriod(begin, end, False, float(daily.mean[d, 0]), float(lo80[d, 0]), float(hi80[d, 0]),
                                float(lo95[d, 0]), float(hi95[d, 0]),
                                float(np.nansum(walk[d])) if walk is not None else None,
                                float(np.nansum(appt[d])) if appt is not None else None, lab, cap, ratio, label))
    return out

