"""Campaign batches that respect capacity (R24, R28): who to contact on which day.

Contacting a target group makes bookings that arrive over the following weeks (a
conversion rate, then a lead-time distribution from call to visit). The plan picks how
many customers of each group to call on each desk day so that

- calls per day stay within the desk's capacity (hard),
- every customer is contacted within the horizon when capacity allows (hard; otherwise
  the remainder is reported as not planned),
- and the expected workshop load the bookings add lands in the forecast's valleys:
  the objective minimises the expected hours over capacity (an hour on a day the
  forecast already puts far over capacity counting up to nine times), the worst day's
  overload (added and in all), then how long customers wait to be contacted (weighted by
  priority).

Customers within a group are interchangeable for the model, so it decides counts per
(group, day): an integer program with a few hundred variables that CP-SAT solves to
optimality (or near it) in seconds. The same run evaluates "everyone at once": every
customer contacted on the first day with the same conversion (and the number of calls
that exceeds the desk's day), for comparison on overload and on the bookings whose
work fits the free capacity of the day it lands on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from ortools.sat.python import cp_model

SCALE = 1000  # CP-SAT works in integers: milli-hours


@dataclass(frozen=True)
class TargetGroup:
    """Customers of one category: same rule or campaign, model and priority."""

    key: str
    customers: tuple[str, ...]  # most urgent first
    conversion: float  # by phone
    sms_conversion: float
    hours: float  # labour hours one booking brings
    priority: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.conversion <= 1 or not 0 <= self.sms_conversion <= 1:
            raise ValueError(f"group {self.key}: conversion must be within 0..1")
        if self.hours <= 0:
            raise ValueError(f"group {self.key}: hours per booking must be positive")


@dataclass(frozen=True)
class LoadCurve:
    """Expected labour hours and capacity per calendar day from `start`."""

    start: date
    base_hours: np.ndarray
    capacity_hours: np.ndarray
    is_open: np.ndarray  # workshop open that day

    def __post_init__(self) -> None:
        if not len(self.base_hours) == len(self.capacity_hours) == len(self.is_open):
            raise ValueError("load curve: base, capacity and open days must have the same length")

    @property
    def days(self) -> int:
        return len(self.base_hours)


@dataclass(frozen=True)
class BatchSettings:
    """Solver settings for the batch plan."""

    calls_per_day: int = 60
    show_rate: float = 0.9
    seconds: float = 10.0
    workers: int = 2
    overload_weight: int = 1000  # per milli-hour over capacity
    peak_weight: int = 200  # per milli-hour of the worst day's overload
    wait_weight: int = 1  # per customer-day of waiting, times (6 - priority)


@dataclass(frozen=True)
class PlanMetrics:
    """Expected effect of a contact plan."""

    expected_bookings: float
    bookings_within_capacity: float  # of those, the share whose work fits the free capacity of its day
    overload_hours: float  # Σ hours over capacity, over every day the bookings land on
    added_overload_hours: float  # of which the campaign adds (beyond the forecast alone)
    peak_added_overload_hours: float  # the worst day's hours over capacity that the campaign adds
    peak_overload_hours: float  # the worst day's hours over capacity (forecast and campaign)
    peak_load_ratio: float  # the worst open day's load / capacity
    max_calls_per_day: int
    calls_over_capacity: int  # calls the desk could not make on their day

    def as_json(self) -> dict[str, float | int]:
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class BatchPlan:
    """Counts per (group, desk day), the customers per day, and both plans' metrics."""

    contact_days: tuple[date, ...]
    counts: np.ndarray  # groups × contact days
    schedule: dict[date, tuple[str, ...]]  # customers to contact each day
    not_planned: tuple[str, ...]
    planned: PlanMetrics
    at_once: PlanMetrics
    desk_speed: PlanMetrics  # the list worked as fast as the desk can, no planning
    status: str  # CP-SAT status name
    solve_seconds: float
    added_hours: np.ndarray = field(repr=False)  # expected hours the plan adds per curve day
    at_once_hours: np.ndarray = field(repr=False)


def _landing(curve: LoadCurve, lead_pmf: np.ndarray, offset: int) -> np.ndarray:
    """Share of bookings from a contact on day `offset` that land on each curve day;
    a visit that would fall on a closed day comes the next open day."""
    out = np.zeros(curve.days)
    for lag, p in enumerate(lead_pmf):
        t = offset + lag
        while t < curve.days and not curve.is_open[t]:
            t += 1
        if t < curve.days:
            out[t] += p
    return out


def _metrics(curve: LoadCurve, added: np.ndarray, bookings: float, calls: np.ndarray, limit: int) -> PlanMetrics:
    load = curve.base_hours + added
    over = np.maximum(0.0, load - curve.capacity_hours)
    base_over = np.maximum(0.0, curve.base_hours - curve.capacity_hours)
    ratio = np.where(curve.capacity_hours > 0, load / np.maximum(curve.capacity_hours, 1e-9), 0.0)
    free = np.maximum(0.0, curve.capacity_hours - curve.base_hours)
    fits = float(np.minimum(added, free).sum() / added.sum()) if added.sum() > 0 else 1.0
    return PlanMetrics(float(bookings), float(bookings) * fits, float(over.sum()),
                       float(over.sum() - base_over.sum()),
                       float((over - base_over).max(initial=0)), float(over.max(initial=0)),
                       float(ratio[curve.is_open].max(initial=0)), int(calls.max(initial=0)),
                       int(np.maximum(0, calls - limit).sum()))


def plan_batches(groups: Sequence[TargetGroup], curve: LoadCurve, contact_days: Sequence[date],
                 lead_pmf: np.ndarray, settings: BatchSettings | None = None) -> BatchPlan:
    """The capacity-aware contact plan (see the module docstring)."""
    s = settings or BatchSettings()
    days = list(contact_days)
    if not days:
        raise ValueError("no desk day in the planning horizon")
    offsets = [(d - curve.start).days for d in days]
    if min(offsets) < 0 or max(offsets) >= curve.days:
        raise ValueError("contact days must lie within the load curve")
    land = np.array([_landing(curve, lead_pmf, o) for o in offsets])  # contact day × curve day
    per_booking = np.array([g.conversion * s.show_rate * g.hours for g in groups])
    base = np.rint(curve.base_hours * SCALE).astype(int)
    cap = np.rint(curve.capacity_hours * SCALE).astype(int)

    m = cp_model.CpModel()
    n = [[m.new_int_var(0, len(g.customers), f"contact_{gi}_{d:%m%d}") for d in days] for gi, g in enumerate(groups)]
    left = [m.new_int_var(0, len(g.customers), f"not_planned_{gi}") for gi, g in enumerate(groups)]
    for gi, g in enumerate(groups):
        m.add(sum(n[gi]) + left[gi] == len(g.customers))
    for di in range(len(days)):
        m.add(sum(n[gi][di] for gi in range(len(groups))) <= s.calls_per_day)
    over: list[tuple[int, cp_model.IntVar]] = []
    for t in range(curve.days):
        terms = [(gi, di, round(per_booking[gi] * land[di, t] * SCALE))
                 for gi in range(len(groups)) for di in range(len(days)) if land[di, t] > 0]
        terms = [(gi, di, c) for gi, di, c in terms if c > 0]
        if not terms and base[t] <= cap[t]:
            continue
        o = m.new_int_var(0, 10**9, f"over_{t}")
        m.add(o >= base[t] - cap[t] + sum(c * n[gi][di] for gi, di, c in terms))
        over.append((t, o))
    peak = m.new_int_var(0, 10**9, "peak_added_over")
    worst = m.new_int_var(0, 10**9, "worst_day_over")
    for t, o in over:
        m.add(peak >= o - max(0, int(base[t] - cap[t])))  # the campaign's share of the day's overload
        m.add(worst >= o)
    # an hour over capacity costs more on a day that is already far over (a peak) than on
    # one just over: 1 + 4 × how far the forecast alone is over, up to 200%
    ratio = np.where(cap > 0, base / np.maximum(cap, 1), 0.0)
    weight = {t: s.overload_weight + round(4 * s.overload_weight * min(2.0, max(0.0, ratio[t] - 1.0)))
              for t, _ in over}
    wait = sum(s.wait_weight * (6 - g.priority) * di * n[gi][di]
               for gi, g in enumerate(groups) for di in range(len(days)))
    unplanned_penalty = 10**7  # contact everyone the desk can reach before shaving load
    m.minimize(sum(weight[t] * o for t, o in over) + s.peak_weight * (peak + worst) + wait
               + unplanned_penalty * sum(left))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = s.seconds
    solver.parameters.num_workers = s.workers
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(f"the batch plan found no solution ({solver.status_name(status)})")

    counts = np.array([[solver.value(v) for v in row] for row in n], dtype=int).reshape(len(groups), len(days))
    schedule: dict[date, list[str]] = {d: [] for d in days}
    not_planned: list[str] = []
    for gi, g in enumerate(groups):
        i = 0
        for di, d in enumerate(days):
            schedule[d] += g.customers[i:i + counts[gi, di]]
            i += counts[gi, di]
        not_planned += g.customers[i:]
    added = (counts * per_booking[:, None]).T  # contact day × group → hours per contact day
    added_hours = land.T @ added.sum(axis=1)
    bookings = float((counts.sum(axis=1) * np.array([g.conversion for g in groups])).sum())
    calls = counts.sum(axis=0)
    planned = _metrics(curve, added_hours, bookings, calls, s.calls_per_day)

    # everyone at once: the planned customers all on the first desk day, by phone as in
    # the plan (the desk could not make those calls in a day: `calls_over_capacity`)
    sizes = counts.sum(axis=1).astype(float)
    once_bookings = float((sizes * [g.conversion for g in groups]).sum())
    once_hours = land[0] * float((sizes * per_booking).sum())
    at_once = _metrics(curve, once_hours, once_bookings, np.array([int(sizes.sum())]), s.calls_per_day)
    # as fast as the desk can: down the list, most urgent first, a full desk every day
    fast = np.zeros_like(counts)
    room = np.full(len(days), s.calls_per_day)
    for gi in sorted(range(len(groups)), key=lambda i: groups[i].priority):
        need = int(sizes[gi])
        for di in range(len(days)):
            take = min(need, int(room[di]))
            fast[gi, di] += take
            room[di] -= take
            need -= take
    fast_hours = land.T @ (fast * per_booking[:, None]).sum(axis=0)
    desk_speed = _metrics(curve, fast_hours, bookings, fast.sum(axis=0), s.calls_per_day)
    return BatchPlan(tuple(days), counts, {d: tuple(c) for d, c in schedule.items()}, tuple(not_planned), planned,
                     at_once, desk_speed, solver.status_name(status), solver.wall_time, added_hours, once_hours)
