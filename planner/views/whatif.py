"""The manager's what-if: the next weeks' expected work against capacity, per day and
hour, before and after a change (absences, a bay out, a parts delay, a campaign surge,
the walk-in reserve), with the bookings the change breaks and their repairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection

from planner.domain import Booking, DealerCalendar, Dealership, WalkInReserve
from planner.domain.workshop import BayType
from planner.errors import PlannerError
from planner.forecast.intake import IntakeForecast
from planner.forecast.load import LoadLabel, bay_type_shares, capacity_for_arrivals, hourly_capacity, label_of
from planner.solver.loader import WalkInPolicy, load_snapshot
from planner.solver.reserve import walk_in_capacity
from planner.solver.whatif import Scenario, WhatIfResult, what_if


@dataclass(frozen=True)
class Outlook:
    """What the dashboard reads once: the forecast, the book, and the work's bay mix."""

    start: date
    days: int
    forecast: IntakeForecast
    bookings: tuple[Booking, ...]
    bay_shares: dict[BayType, float]
    today: date


@dataclass(frozen=True)
class LoadGrid:
    """Labour hours expected per day × arrival hour, and the capacity that work is done
    with (the hour and the next ones, see `capacity_for_arrivals`)."""

    days: tuple[date, ...]
    hours: tuple[int, ...]
    demand: np.ndarray
    capacity: np.ndarray
    open: np.ndarray

    @property
    def ratio(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(self.capacity > 0, self.demand / self.capacity, np.where(self.demand > 0, 9.99, 0.0))
        return np.where(self.open, r, np.nan)

    def labels(self) -> list[list[LoadLabel | None]]:
        ratio = self.ratio
        return [[None if np.isnan(x) else label_of(float(x)) for x in row] for row in ratio]

    @property
    def utilisation(self) -> float:
        cap = float(self.capacity[self.open].sum())
        return float(np.minimum(self.demand, self.capacity)[self.open].sum()) / cap if cap else 0.0

    @property
    def overload_hours(self) -> float:
        return float(np.maximum(0.0, self.demand - self.capacity)[self.open].sum())

    @property
    def peak_cells(self) -> int:
        return int(np.nansum(self.ratio > 1.0))


def outlook(conn: Connection, dealer_id: int, dealership: Dealership, today: date, days: int = 14) -> Outlook:
    """The forecast from today and the book for `days` days (the slow part: cache it)."""
    from planner.forecast.intake import forecast_intake
    from planner.forecast.sources import from_database
    from planner.storage.repository import arrival_records, labour_by_operation, load_bookings

    zone = dealership.dealer.zone
    since = datetime.combine(today - timedelta(weeks=16), time(0), tzinfo=zone)
    try:
        source = from_database(conn, dealer_id, until=today)
        hours_by_op = labour_by_operation(conn, dealer_id, since=since)
        forecast = forecast_intake(source, today, days, records=arrival_records(conn, dealer_id, since=since),
                                   hours_by_op=hours_by_op)
    except ValueError as exc:
        raise PlannerError("error.outreach_no_forecast", detail=str(exc)) from None
    bookings = load_bookings(conn, dealer_id, today, today + timedelta(days=days - 1))
    return Outlook(today, days, forecast, bookings, bay_type_shares(dealership, hours_by_op), today)


def booked_hours(bookings: tuple[Booking, ...], start: date, days: int, hours: tuple[int, ...],
                 zone: object) -> np.ndarray:
    """Standard hours of booked jobs per day × hour, each job spread evenly over its time."""
    out = np.zeros((days, len(hours)))
    col = {h: i for i, h in enumerate(hours)}
    for b in bookings:
        for j in b.jobs:
            s, e = j.start.astimezone(zone), j.end.astimezone(zone)  # type: ignore[arg-type]
            span = (e - s).total_seconds()
            cur = s
            while cur < e:
                nxt = min(e, cur.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
                d = (cur.date() - start).days
                if 0 <= d < days and cur.hour in col:
                    out[d, col[cur.hour]] += j.spec.standard_hours * (nxt - cur).total_seconds() / span
                cur = nxt
    return out


def load_grid(o: Outlook, dealership: Dealership, surge: float = 0.0) -> LoadGrid:
    """Expected labour against capacity: walk-ins (raised by a campaign `surge`, e.g. 0.2)
    plus appointments (the larger of what is booked and what the forecast expects)."""
    f = o.forecast
    hours = f.hourly.hours
    n = o.days
    open_mask = ~np.isnan(f.hourly.mean[:n])
    per_walk_in = f.walk_in_hours or 0.0
    walk = np.nan_to_num(f.walk_in_mean[:n] if f.walk_in_mean is not None else np.zeros_like(open_mask, float))
    appt_expected = np.zeros_like(walk)
    by_cell = {(p.start.date(), p.start.hour): p for p in f.periods}
    for d in range(n):
        for i, h in enumerate(hours):
            p = by_cell.get((o.start + timedelta(days=d), h))
            if p is not None and p.labour_hours is not None and p.walk_ins is not None:
                appt_expected[d, i] = max(0.0, p.labour_hours - p.walk_ins * per_walk_in)
    booked = booked_hours(o.bookings, o.start, n, hours, dealership.dealer.zone)
    demand = walk * per_walk_in * (1.0 + surge) + np.maximum(booked, appt_expected)
    # an arrival's work is done over that hour and the next ones: compare it with the
    # capacity of those hours, as the forecast's peak/valley labels do
    capacity = capacity_for_arrivals(
        hourly_capacity(dealership, DealerCalendar(dealership.dealer), o.start, n, hours, o.bay_shares), open_mask)
    days = tuple(o.start + timedelta(days=d) for d in range(n))
    return LoadGrid(days, hours, np.where(open_mask, demand, 0.0), capacity, open_mask)


@dataclass(frozen=True)
class WhatIf:
    before: LoadGrid
    after: LoadGrid
    result: WhatIfResult
    reserve_hours_before: float  # technician-hours kept free for walk-ins over the horizon
    reserve_hours_after: float


def run_what_if(conn: Connection, dealer_id: int, dealership: Dealership, o: Outlook, scenario: Scenario,
                reserve_quantile: float = 0.5) -> WhatIf:
    """The scenario's effect: both grids, the walk-in reserve, and the broken bookings with
    their repairs (reassign, else move later, else flagged)."""
    try:
        changed = scenario.apply(dealership)
    except ValueError as exc:
        raise PlannerError("error.bad_scenario", detail=str(exc)) from None
    before = load_grid(o, dealership, 0.0)
    after = load_grid(o, changed, scenario.demand - 1.0)
    snapshot = load_snapshot(conn, dealer_id, o.start, o.days, WalkInPolicy(quantile=None), dealership)
    techs = dealership.technicians
    efficiency = sum(t.efficiency for t in techs) / len(techs) if techs else 1.0
    reserve0, _ = walk_in_capacity(o.forecast, reserve_quantile, efficiency, 1.0)
    reserve1, expected1 = walk_in_capacity(o.forecast, reserve_quantile, efficiency, scenario.demand)
    result = what_if(snapshot, scenario, o.start, o.days, reserve1, expected1)

    def reserved(r: WalkInReserve) -> float:  # technicians per hour, summed: technician-hours
        return float(sum(sum(hours) for hours in r.by_day.values()))

    return WhatIf(before, after, result, reserved(reserve0), reserved(reserve1))
