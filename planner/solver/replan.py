"""The weekly re-plan: one CP-SAT model over a week's bookings.

Every booking keeps its arrival unless the customer marked it flexible; then it may move
to any grid time of its accepted window (same relative job times). Any booking may get
other technicians and bays. The objective, in order of weight:

- overtime: minutes of booked work outside its technician's working time (a plan made
  before an absence was entered has some; re-planning removes what it can);
- walk-in headroom: technician-minutes by which booked work eats into the walk-in
  reserve, per hour;
- the peak hourly load: the highest (booked work + expected walk-ins) / technicians at
  work over the hours of the week, in per mille;
- churn: each booking moved in time, each job given to another technician.

The result reports all of these before and after, CP-SAT's bound and the gap. The
independent checker re-verifies the whole book; a plan that would add a
breach is rejected (and the bookings stay as they were).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from planner.domain import BayType, Booking, ScheduledJob
from planner.solver.constraints import at_most_at_once, one_at_a_time
from planner.solver.model import assign_bays
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import (
    CapacitySnapshot,
    DayState,
    JobSlot,
    Option,
    at_minute,
    job_slots,
    minute_of,
)

MAX_ARRIVALS = 24  # arrival times considered for one flexible booking (spread over its window)


@dataclass(frozen=True)
class ReplanWeights:
    """Weights of the re-plan objective (integers: CP-SAT needs them)."""

    overtime_minute: int = 1000
    headroom_minute: int = 20
    peak_per_mille: int = 50
    move: int = 400
    reassign: int = 100


@dataclass(frozen=True)
class PlanMetrics:
    """How a week's plan stands."""

    peak_load: float  # highest hourly (booked + expected walk-ins) / technicians at work
    peak_at: str
    overtime_minutes: int
    headroom_shortfall_minutes: int
    bookings: int

    def as_json(self) -> dict[str, Any]:
        return {"peak_load": round(self.peak_load, 3), "peak_at": self.peak_at,
                "overtime_minutes": self.overtime_minutes,
                "headroom_shortfall_minutes": self.headroom_shortfall_minutes, "bookings": self.bookings}


@dataclass(frozen=True)
class BookingChange:
    booking_id: str
    before: Booking
    after: Booking

    @property
    def moved(self) -> bool:
        return self.before.arrival != self.after.arrival

    def as_json(self) -> dict[str, Any]:
        return {
            "booking": self.booking_id,
            "arrival": [self.before.arrival.isoformat(), self.after.arrival.isoformat()],
            "technicians": [[j.technician for j in self.before.jobs], [j.technician for j in self.after.jobs]],
            "bays": [[j.bay for j in self.before.jobs], [j.bay for j in self.after.jobs]],
        }


@dataclass(frozen=True)
class ReplanResult:
    start: date
    days: int
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    before: PlanMetrics
    after: PlanMetrics
    changes: tuple[BookingChange, ...] = field(default=())
    violations: tuple[str, ...] = field(default=())  # what the checker found, when it rejected the plan

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return 0.0 if self.objective == 0 else abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)

    @property
    def bookings(self) -> tuple[Booking, ...]:
        """The changed bookings as they would be stored."""
        return tuple(c.after for c in self.changes)

    def as_json(self) -> dict[str, Any]:
        return {
            "week_start": self.start.isoformat(), "days": self.days, "status": self.status,
            "objective": self.objective, "bound": self.bound,
            "gap": None if self.gap is None else round(self.gap, 4), "seconds": round(self.seconds, 2),
            "before": self.before.as_json(), "after": self.after.as_json(),
            "moved": sum(c.moved for c in self.changes),
            "reassigned": sum(not c.moved for c in self.changes),
            "changes": [c.as_json() for c in self.changes],
            "violations": list(self.violations),
        }


# -- measuring a plan --------------------------------------------------------------------


def _worked(state: DayState, tech: str, start: int, end: int) -> tuple[list[tuple[int, int]], int]:
    """Working stretches of a job on a technician, and its minutes outside working time."""
    td = state.techs.get(tech)
    if td is None:
        return [], end - start
    pieces = td.pieces(start, end)
    inside = sum(b - a for a, b in pieces)
    return pieces, max(0, (end - start) - inside - _break_minutes(td.periods, start, end))


def _break_minutes(periods: tuple[tuple[int, int], ...], start: int, end: int) -> int:
    """Minutes of [start, end) between two working periods (a pause, not overtime)."""
    total = 0
    for (_, b), (a2, _) in pairwise(periods):
        total += max(0, min(end, a2) - max(start, b))
    return total


def plan_metrics(snapshot: CapacitySnapshot, bookings: list[Booking], start: date, days: int) -> PlanMetrics:
    """Peak hourly load, overtime and walk-in headroom shortfall of bookings over days."""
    zone = snapshot.zone
    peak, peak_at, overtime, shortfall = 0.0, "", 0, 0
    by_day: dict[date, list[Booking]] = {}
    for b in bookings:
        by_day.setdefault(b.arrival.astimezone(zone).date(), []).append(b)
    for offset in range(days):
        day = start + timedelta(days=offset)
        state = snapshot.day(day)
        if not state.is_open:
            continue
        busy = np.zeros(24 * 60)
        for b in by_day.get(day, ()):
            for job in b.jobs:
                s, e = minute_of(job.start, zone)[1], minute_of(job.end, zone)[1]
                pieces, outside = _worked(state, job.technician, s, e)
                overtime += outside
                for a, z in pieces:
                    busy[a:z] += 1
        for h in range(24):
            present = float(state.present[h * 60:(h + 1) * 60].sum())
            if present <= 0:
                continue
            used = float(busy[h * 60:(h + 1) * 60].sum())
            load = (used + float(state.walk_in_expected[h * 60:(h + 1) * 60].sum())) / present
            if load > peak:
                peak, peak_at = load, f"{day.isoformat()}T{h:02d}:00"
            room = present - float(state.reserve[h * 60:(h + 1) * 60].sum())
            shortfall += int(max(0.0, used - room))
    return PlanMetrics(peak, peak_at, overtime, shortfall, sum(len(v) for v in by_day.values()))


# -- the model ------------------------------------------------------------------------------


@dataclass
class _Choice:
    booking: Booking
    arrival_day: date
    arrival: int
    jobs: list[JobSlot]
    lit: cp_model.IntVar
    options: list[list[tuple[Option, cp_model.IntVar, int]]]  # per job: option, literal, overtime minutes


def _arrivals(snapshot: CapacitySnapshot, booking: Booking, start: date, days: int) -> list[tuple[date, int]]:
    """Where a booking may arrive: its own time, and for a flexible one the grid times of
    its window within the week (spread, at most MAX_ARRIVALS), on days its parts allow."""
    zone = snapshot.zone
    own = minute_of(booking.arrival, zone)
    if booking.flexible is None:
        return [own]
    lo = booking.flexible.earliest.astimezone(zone)
    hi = booking.flexible.latest.astimezone(zone)
    others = [b for b in snapshot.bookings if b.booking_id != booking.booking_id]
    ledger = CapacitySnapshot(snapshot.dealership, others, today=snapshot.today).ledger
    out = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        state = snapshot.day(day)
        if not state.is_open or not (lo.date() <= day <= hi.date()):
            continue
        if day < snapshot.today or not all(ledger.free_on(req, day) for req in booking.request.parts):
            continue
        first = -(-state.opens // snapshot.grid) * snapshot.grid
        for minute in range(first, state.closes, snapshot.grid):
            moment = at_minute(day, minute, zone)
            if lo <= moment <= hi:
                out.append((day, minute))
    if len(out) > MAX_ARRIVALS:
        step = len(out) / MAX_ARRIVALS
        out = [out[int(i * step)] for i in range(MAX_ARRIVALS)]
    if own not in out:
        out.append(own)
    return out


def replan_week(snapshot: CapacitySnapshot, start: date, days: int = 7, settings: SolverSettings | None = None,
                weights: ReplanWeights | None = None) -> ReplanResult:
    """Re-plan the bookings whose arrival falls in [start, start + days)."""
    settings = settings or SolverSettings()
    weights = weights or ReplanWeights()
    zone = snapshot.zone
    week = [b for b in snapshot.bookings if start <= b.arrival.astimezone(zone).date() < start + timedelta(days=days)]
    before = plan_metrics(snapshot, week, start, days)
    model = cp_model.CpModel()
    choices: dict[str, list[_Choice]] = {}
    for b in week:
        own_day, own_minute = minute_of(b.arrival, zone)
        options_for_b: list[_Choice] = []
        for day, minute in _arrivals(snapshot, b, start, days):
            state = snapshot.day(day)
            stay = (day, minute) == (own_day, own_minute)
            jobs = job_slots(b, zone, state.closes, minute)
            if jobs[-1].start >= state.closes:
                continue
            lit = model.new_bool_var(f"{b.booking_id}_at_{day}_{minute}")
            per_job = []
            for job in jobs:
                opts: list[tuple[Option, cp_model.IntVar, int]] = []
                for o in state.options(job.spec, job.start, min(job.deadline, state.closes)):
                    opts.append((o, model.new_bool_var(f"{b.booking_id}_{job.seq}_{o.technician}_{minute}"), 0))
                if stay and job.technician and all(o.technician != job.technician for o, _, _ in opts):
                    # keep the job as booked though its technician cannot do it now: overtime
                    end = job.end or job.start
                    pieces, outside = _worked(state, job.technician, job.start, end)
                    keep = Option(job.technician, end, tuple(pieces))
                    opts.append((keep, model.new_bool_var(f"{b.booking_id}_{job.seq}_keep"), max(outside, 1)))
                per_job.append(opts)
            if any(not opts for opts in per_job):
                model.add(lit == 0)
            for opts in per_job:
                if opts:
                    model.add(sum(v for _, v, _ in opts) == lit)
            options_for_b.append(_Choice(b, day, minute, jobs, lit, per_job))
        if not options_for_b:
            continue
        model.add_exactly_one(c.lit for c in options_for_b)
        choices[b.booking_id] = options_for_b
    terms = _resources(model, snapshot, choices, start, days, weights)
    churn = []
    for alternatives in choices.values():
        for c in alternatives:
            moved = (c.arrival_day, c.arrival) != minute_of(c.booking.arrival, zone)
            if moved:
                churn.append(weights.move * c.lit)
            model.add_hint(c.lit, not moved)  # the plan as it stands is a complete first solution
            for job, job_opts in zip(c.jobs, c.options, strict=True):
                for o, v, over in job_opts:
                    if o.technician != job.technician:
                        churn.append(weights.reassign * v)
                    model.add_hint(v, not moved and o.technician == job.technician)
                    if over:
                        terms.append(weights.overtime_minute * over * v)
    model.minimize(sum(terms) + sum(churn))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.replan_seconds
    solver.parameters.num_workers = settings.replan_workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_presolve_iterations = 1  # full presolve of a week took 5 of the 10 s
    status = solver.solve(model)
    name = solver.status_name(status).lower()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ReplanResult(start, days, name, None, None, solver.wall_time, before, before)
    changes = _read(snapshot, choices, solver)
    kept = {c.booking_id for c in changes}
    after_week = [b for b in week if b.booking_id not in kept] + [c.after for c in changes]
    after = plan_metrics(snapshot, after_week, start, days)
    new_faults = _new_violations(snapshot, changes)
    if new_faults:  # the independent checker has the last word: keep the plan as it was
        return ReplanResult(start, days, "rejected_by_checker", None, None, solver.wall_time, before, before,
                            violations=tuple(new_faults))
    return ReplanResult(start, days, name, solver.objective_value, solver.best_objective_bound, solver.wall_time,
                        before, after, tuple(changes))


def _new_violations(snapshot: CapacitySnapshot, changes: list[BookingChange]) -> list[str]:
    """Rule breaches the re-plan would add (ones the plan already had are not counted)."""
    from planner.solver.checker import check_plan

    def faults(bookings: list[Booking]) -> set[tuple[str, str]]:
        return {(v.rule, v.booking_id) for v in check_plan(snapshot.dealership, bookings, today=snapshot.today)}

    touched = {c.booking_id for c in changes}
    everything = list(snapshot.bookings)  # all of them: parts are shared across days
    before = faults(everything)
    after = faults([b for b in everything if b.booking_id not in touched] + [c.after for c in changes])
    return [f"{rule}: {booking}" for rule, booking in sorted(after - before)]


def _resources(model: cp_model.CpModel, snapshot: CapacitySnapshot, choices: dict[str, list[_Choice]],
               start: date, days: int, weights: ReplanWeights) -> list[Any]:
    """Hard: technicians one job at a time, bays per type, reception per grid slot; soft:
    walk-in headroom and the peak hourly load. Returns the objective's resource terms."""
    terms: list[Any] = []
    peak = model.new_int_var(0, 10**9, "peak_per_mille")  # no cap: an understaffed hour may be far over 100%
    terms.append(weights.peak_per_mille * peak)
    for offset in range(days):
        day = start + timedelta(days=offset)
        state = snapshot.day(day)
        if not state.is_open:
            continue
        techs: dict[str, list[tuple[int, int, cp_model.IntVar]]] = {}
        bays: dict[BayType, list[tuple[int, int, cp_model.IntVar]]] = {}
        load: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        arrivals: dict[int, list[cp_model.IntVar]] = {}
        for opts in choices.values():
            for c in opts:
                if c.arrival_day != day:
                    continue
                arrivals.setdefault(c.arrival - c.arrival % snapshot.grid, []).append(c.lit)
                for job, per in zip(c.jobs, c.options, strict=True):
                    for o, v, _ in per:
                        techs.setdefault(o.technician, []).append((job.start, o.end, v))
                        bays.setdefault(job.spec.bay_type, []).append((job.start, o.end, v))
                        for a, b in o.pieces:
                            for h in range(a // 60, (b - 1) // 60 + 1):
                                overlap = min(b, (h + 1) * 60) - max(a, h * 60)
                                if overlap > 0:
                                    load.setdefault(h, []).append((overlap, v))
        for uses in techs.values():
            one_at_a_time(model, uses)
        for bay_type, uses in bays.items():
            limit = len(state.bays.get(bay_type, ()))
            before = state.bay_use.get(bay_type)
            if before is not None:
                limit = max(limit, int(before.max()))  # never stricter than the plan as it stands
            at_most_at_once(model, uses, limit)
        for slot, lits in arrivals.items():
            cap = max(state.reception.get(slot, 0), state.arrivals.get(slot, 0))
            if len(lits) > cap:
                model.add(sum(lits) <= cap)
        for h, minutes in load.items():
            present = int(state.present[h * 60:(h + 1) * 60].sum())
            if present <= 0:
                continue
            used = sum(m * v for m, v in minutes)
            walk = round(float(state.walk_in_expected[h * 60:(h + 1) * 60].sum()))
            model.add(1000 * used + 1000 * walk <= peak * present)
            room = present - int(state.reserve[h * 60:(h + 1) * 60].sum())
            short = model.new_int_var(0, 60 * 200, f"short_{day}_{h}")
            model.add(short >= used - room)
            terms.append(weights.headroom_minute * short)
    return terms


def _read(snapshot: CapacitySnapshot, choices: dict[str, list[_Choice]],
          solver: cp_model.CpSolver) -> list[BookingChange]:
    """The solved plan as bookings (bays given out per day), and what changed."""
    zone = snapshot.zone
    picked: dict[str, tuple[_Choice, list[Option]]] = {}
    for bid, opts in choices.items():
        c = next(c for c in opts if solver.boolean_value(c.lit))
        chosen = [next(o for o, v, _ in per if solver.boolean_value(v)) for per in c.options]
        picked[bid] = (c, chosen)
    changes: list[BookingChange] = []
    by_day: dict[date, list[tuple[JobSlot, int, str]]] = {}
    for c, chosen in picked.values():
        for job, o in zip(c.jobs, chosen, strict=True):
            by_day.setdefault(c.arrival_day, []).append((job, o.end, o.technician))
    bay_of: dict[tuple[str, int], str] = {}
    for day, items in by_day.items():
        state = snapshot.day(day)
        placed = [job for job, _, _ in items]
        ends = {job.key: end for job, end, _ in items}
        bays = assign_bays(state, [], placed, ends)
        if bays is None:  # bay counts held at every start, so this does not happen
            raise RuntimeError(f"no bay assignment for {day}")
        bay_of.update(bays)
    for bid, (c, chosen) in picked.items():
        jobs = tuple(
            ScheduledJob(job.spec, o.technician, bay_of[job.key], at_minute(c.arrival_day, job.start, zone),
                         at_minute(c.arrival_day, o.end, zone))
            for job, o in zip(c.jobs, chosen, strict=True)
        )
        after = replace(c.booking, arrival=at_minute(c.arrival_day, c.arrival, zone), jobs=jobs)
        if after != c.booking:
            changes.append(BookingChange(bid, c.booking, after))
    changes.sort(key=lambda ch: (ch.after.arrival, ch.booking_id))
    return changes


def week_start(text: str) -> date:
    """Monday of an ISO week 'YYYY-Www'."""
    try:
        year, week = text.upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO week (YYYY-Www, e.g. 2026-W49)") from None


__all__ = ["PlanMetrics", "ReplanResult", "ReplanWeights", "plan_metrics", "replan_week", "week_start"]
