"""Deciding one candidate arrival: screening, a direct fit, then CP-SAT with reassignment.

A candidate is a day and an arrival minute. The request's jobs start one after another:
the first at arrival, each next one when the previous ends; since that end depends on
who does the job, a multi-job request gives a few *variants* of start times.

1. Screening (exact counting, no model): reception room in the arrival's grid slot, an
   eligible technician for every job, and bays of the type not already all taken.
2. Direct fit: every booked job keeps its technician and bay, and the new jobs fit in
   the gaps. This alone is the first-fit baseline (`first_fit`).
3. Repair: the few booked jobs in the way move to technicians free at their time (a
   quick witness; verified against bays and the walk-in reserve).
4. CP-SAT: booked jobs near the candidate may move to other technicians (and bays),
   fewest moves first; if that neighbourhood is not enough, the whole day.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

import numpy as np

from planner.domain import Booking, ScheduledJob, WorkRequest
from planner.solver.constraints import bays_could_fit, reception_has_room, technicians_could_fit
from planner.solver.model import Outcome, Placement, assign_bays, solve_day
from planner.solver.problem import DayProblem
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import CapacitySnapshot, DayState, JobSlot, at_minute

MAX_VARIANTS = 6
NEW = "__new__"


class Failure(StrEnum):
    """Why a candidate was not offered."""

    RECEPTION = "reception"  # the advisors' desk is full in that slot
    NO_TECHNICIAN = "no_technician"  # nobody with the skill at work for the whole job
    BAYS = "bays"  # every bay of the type taken
    BOOKED = "booked"  # technicians (or the walk-in reserve) fully booked
    TIMEOUT = "timeout"  # not decided in the time allowed


@dataclass
class SearchStats:
    candidates: int = 0
    screened_out: int = 0
    direct: int = 0
    repaired: int = 0
    models: int = 0
    models_placed: int = 0
    timeouts: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Fit:
    """A way to place the new jobs: their slots, and the day's placement (new + moved)."""

    jobs: list[JobSlot]
    placement: Placement
    moved: list[JobSlot] = field(default_factory=list)  # the booked jobs the model could move


def placed_jobs(fit: Fit, day: date, zone: ZoneInfo) -> tuple[ScheduledJob, ...]:
    """The new work's jobs as scheduled by a fit (technician, bay, local times)."""
    p = fit.placement
    return tuple(ScheduledJob(j.spec, p.technician[j.key], p.bay[j.key], at_minute(day, j.start, zone),
                              at_minute(day, p.end[j.key], zone)) for j in fit.jobs)


def bookings_after(snapshot: CapacitySnapshot, day: date, placement: Placement) -> list[Booking]:
    """The day's booked visits whose technician, bay or end a placement changes, as they
    would become (what is written back when the option is taken)."""
    out = []
    for booking in snapshot.bookings_on(day):
        jobs = []
        for seq, job in enumerate(booking.jobs, start=1):
            key = (booking.booking_id, seq)
            end = at_minute(day, placement.end[key], snapshot.zone) if key in placement.end else job.end
            jobs.append(replace(job, technician=placement.technician.get(key, job.technician),
                                bay=placement.bay.get(key, job.bay), end=end))
        if tuple(jobs) != booking.jobs:
            out.append(replace(booking, jobs=tuple(jobs)))
    return out


def variants(state: DayState, request: WorkRequest, arrival: int, booking_id: str = NEW) -> list[list[JobSlot]]:
    """Start times of the request's jobs for an arrival: the first at arrival, each next one
    when the previous one would end (one variant per distinct end, fastest first). A job's
    deadline is the next job's start."""
    chains: list[tuple[list[JobSlot], int]] = [([], arrival)]  # (jobs so far, next start)
    for seq, spec in enumerate(request.jobs, start=1):
        grown: list[tuple[list[JobSlot], int]] = []
        for jobs, start in chains:
            if seq == len(request.jobs):
                grown.append(([*jobs, JobSlot(booking_id, seq, spec, start, state.closes)], start))
                continue
            for end in sorted({o.end for o in state.options(spec, start, state.closes)})[:MAX_VARIANTS]:
                grown.append(([*jobs, JobSlot(booking_id, seq, spec, start, end)], end))
        chains = grown[:MAX_VARIANTS]
    return [jobs for jobs, _ in chains]


def screen(state: DayState, jobs: list[JobSlot], grid: int) -> Failure | None:
    """Exact counting tests that rule a candidate out before anything else is tried."""
    if not reception_has_room(state, jobs[0].start, grid):
        return Failure.RECEPTION
    for job in jobs:
        options = state.options(job.spec, job.start, min(job.deadline, state.closes))
        if not options:
            return Failure.NO_TECHNICIAN
        if not bays_could_fit(state, job, min(o.end for o in options) - job.start):
            return Failure.BAYS
    return None


def direct_fit(state: DayState, jobs: list[JobSlot]) -> Placement | None:
    """Place the new jobs in the gaps, every booked job staying as it is (first fit)."""
    techs: dict[tuple[str, int], str] = {}
    ends: dict[tuple[str, int], int] = {}
    bays: dict[tuple[str, int], str] = {}
    extra_busy: list[tuple[int, int]] = []
    own: list[tuple[str, int, int]] = []  # (technician, start, end) of new jobs placed so far
    own_bays: list[tuple[str, int, int]] = []
    limit = state.present - state.reserve
    for job in jobs:
        for option in state.options(job.spec, job.start, min(job.deadline, state.closes)):
            if not state.tech_free(option.technician, job.start, option.end):
                continue
            if any(t == option.technician and not (e <= job.start or s >= option.end) for t, s, e in own):
                continue
            if not _reserve_ok(state, limit, option.pieces, extra_busy):
                continue
            bay = _free_bay(state, job, option.end, own_bays)
            if bay is None:
                continue
            techs[job.key], ends[job.key], bays[job.key] = option.technician, option.end, bay
            own.append((option.technician, job.start, option.end))
            own_bays.append((bay, job.start, option.end))
            extra_busy.extend(option.pieces)
            break
        else:
            return None
    return Placement(techs, ends, bays, optimal=False)


def _reserve_ok(state: DayState, limit: np.ndarray, pieces: tuple[tuple[int, int], ...],
                extra: list[tuple[int, int]]) -> bool:
    for a, b in pieces:
        busy = state.busy[a:b].copy()
        for s, e in extra:
            lo, hi = max(a, s), min(b, e)
            if hi > lo:
                busy[lo - a:hi - a] += 1
        if (busy + 1 > limit[a:b]).any():
            return False
    return True


def _free_bay(state: DayState, job: JobSlot, end: int, own: list[tuple[str, int, int]]) -> str | None:
    for code in state.bays.get(job.spec.bay_type, ()):
        if not all(e <= job.start or s >= end for s, e in state.bay_jobs.get(code, ())):
            continue
        if any(c == code and not (e <= job.start or s >= end) for c, s, e in own):
            continue
        return code
    return None


def _on(state: DayState, techs: set[str], lo: int, hi: int) -> list[JobSlot]:
    """Booked jobs of these technicians overlapping [lo, hi)."""
    return [j for j in state.jobs if j.technician in techs and j.start < hi and (j.end or j.start) > lo]


def _who_can(state: DayState, job: JobSlot) -> set[str]:
    return {o.technician for o in state.options(job.spec, job.start, min(job.deadline, state.closes))}


def scopes(state: DayState, jobs: list[JobSlot], settings: SolverSettings) -> list[list[JobSlot]]:
    """Booked jobs the model may move, widening like an ejection chain: first the jobs in
    the way (on technicians who could do the new work, while it would run); then also the
    jobs in *their* way (on technicians who could take one of those, while it runs, with a
    margin); then the whole day, if the settings allow it or the day is small."""
    lo = jobs[0].start
    reach = set().union(*(_who_can(state, j) for j in jobs))
    hi = max(max((o.end for o in state.options(j.spec, j.start, min(j.deadline, state.closes))), default=j.start)
             for j in jobs)
    first = _on(state, reach, lo, hi)
    out = [first] if first else []
    if first:
        chain = {j.key for j in first}
        for job in first:
            for other in _on(state, _who_can(state, job), job.start - settings.neighbourhood_minutes,
                             (job.end or job.start) + settings.neighbourhood_minutes):
                chain.add(other.key)
        if len(chain) > len(first):
            out.append([j for j in state.jobs if j.key in chain])
    whole_day = settings.full_day_fallback or len(state.jobs) <= settings.full_day_up_to_jobs
    if whole_day and (not out or len(out[-1]) < len(state.jobs)):
        out.append(list(state.jobs))
    return out


def solve_with_moves(state: DayState, jobs: list[JobSlot], settings: SolverSettings,
                     stats: SearchStats, deadline: float) -> tuple[Fit | None, Failure | None]:
    """CP-SAT on widening neighbourhoods of the candidate (see `scopes`)."""
    timed_out = False
    for movable in scopes(state, jobs, settings):
        remaining = deadline - clock.perf_counter()
        if remaining <= 0:
            return None, Failure.TIMEOUT
        keys = {j.key for j in movable}
        fixed = [j for j in state.jobs if j.key not in keys]
        problem = DayProblem(state, list(jobs), movable, fixed)
        stats.models += 1
        result = solve_day(problem, settings, min(settings.check_seconds, remaining))
        if result.outcome is Outcome.PLACED:
            stats.models_placed += 1
            assert result.placement is not None
            return Fit(jobs, result.placement, movable), None
        if result.outcome is Outcome.TIMEOUT:
            stats.timeouts += 1
            timed_out = True
    return None, Failure.TIMEOUT if timed_out else Failure.BOOKED


@dataclass
class _Plan:
    """The day's plan with a few changes laid over it (cheap to copy for a trial)."""

    state: DayState
    slots: dict[tuple[str, int], JobSlot]
    tech: dict[tuple[str, int], str] = field(default_factory=dict)  # changed technicians
    end: dict[tuple[str, int], int] = field(default_factory=dict)  # changed ends
    gone: set[tuple[str, int]] = field(default_factory=set)  # moved off their booked technician
    joined: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def copy(self) -> _Plan:
        return _Plan(self.state, self.slots, dict(self.tech), dict(self.end), set(self.gone),
                     {t: list(ks) for t, ks in self.joined.items()})

    def end_of(self, key: tuple[str, int]) -> int:
        return self.end.get(key, self.slots[key].end or self.slots[key].start)

    def in_way(self, who: str, lo: int, hi: int) -> list[tuple[str, int]]:
        keys = [k for k in self.state.keys_of(who) if k not in self.gone] + self.joined.get(who, [])
        return [k for k in keys if self.slots[k].start < hi and self.end_of(k) > lo]

    def blocked(self, who: str, lo: int, hi: int) -> bool:
        """Is the technician busy at some time in [lo, hi)?"""
        slots, gone = self.slots, self.gone
        for k in self.state.keys_of(who):
            if k not in gone and slots[k].start < hi and self.end.get(k, slots[k].end or 0) > lo:
                return True
        return any(slots[k].start < hi and self.end_of(k) > lo for k in self.joined.get(who, ()))

    def put(self, key: tuple[str, int], who: str, end: int) -> None:
        booked = self.slots[key].technician
        if booked is not None and booked != who:
            self.gone.add(key)
        for keys in self.joined.values():
            if key in keys:
                keys.remove(key)
        if who != booked:
            self.joined.setdefault(who, []).append(key)
        else:
            self.gone.discard(key)
        self.tech[key], self.end[key] = who, end


def repair_fit(state: DayState, jobs: list[JobSlot], max_moves: int = 3) -> Fit | None:
    """Place the new jobs by moving the few booked jobs in the way to other technicians
    (each to one who is free then), checking bays and the walk-in reserve after the moves.
    A quick witness before any model: when it finds a plan, the plan is valid; when it
    does not, CP-SAT still looks."""
    plan = _Plan(state, {**state.job_index(), **{j.key: j for j in jobs}})
    for job in jobs:
        moved = _repair_one(plan, job, max_moves)
        if moved is None:
            return None
        plan = moved
    changed = set(plan.tech)
    if not _resources_hold(state, plan.slots, plan.tech, plan.end, changed):
        return None
    new_keys = {j.key for j in jobs}
    moves = [plan.slots[k] for k in changed - new_keys if plan.tech[k] != plan.slots[k].technician]
    placed = moves + list(jobs)
    placed_keys = {j.key for j in placed}
    fixed = [j for j in state.jobs if j.key not in placed_keys]
    bays = assign_bays(state, fixed, placed, {k: plan.end[k] for k in placed_keys})
    if bays is None:
        return None
    placement = Placement({k: plan.tech[k] for k in placed_keys}, {k: plan.end[k] for k in placed_keys}, bays,
                          optimal=False)
    return Fit(jobs, placement, moves)


def _repair_one(plan: _Plan, job: JobSlot, max_moves: int) -> _Plan | None:
    """The plan with `job` placed on the first technician whose jobs in the way can all go
    to someone else, or None."""
    state = plan.state
    for option in state.options(job.spec, job.start, min(job.deadline, state.closes)):
        in_way = plan.in_way(option.technician, job.start, option.end)
        if len(in_way) > max_moves:
            continue
        trial = plan.copy()
        for k in in_way:  # off the technician first, so they do not block each other
            trial.gone.add(k)
            if k in trial.joined.get(option.technician, []):
                trial.joined[option.technician].remove(k)
        trial.put(job.key, option.technician, option.end)
        for k in in_way:
            other = plan.slots[k]
            for alt in state.options(other.spec, other.start, min(other.deadline, state.closes)):
                if alt.technician != option.technician and not trial.blocked(alt.technician, other.start, alt.end):
                    trial.put(k, alt.technician, alt.end)
                    break
            else:
                break
        else:
            return trial
    return None


def _resources_hold(state: DayState, slots: dict[tuple[str, int], JobSlot], tech: dict[tuple[str, int], str],
                    end: dict[tuple[str, int], int], changed: set[tuple[str, int]]) -> bool:
    """Bays of each type and the walk-in reserve, after the changes, never worse than allowed."""
    busy = state.busy.copy()
    use = {t: a.copy() for t, a in state.bay_use.items()}
    for key in changed:
        job = slots[key]
        if job.technician is not None:  # a booked job leaves its old place
            old = state.techs.get(job.technician)
            if old is not None and job.end is not None:
                for a, b in old.pieces(job.start, job.end):
                    busy[a:b] -= 1
            if job.end is not None:
                use[job.spec.bay_type][job.start:job.end] -= 1
        for a, b in state.techs[tech[key]].pieces(job.start, end[key]):
            busy[a:b] += 1
        use.setdefault(job.spec.bay_type, np.zeros_like(busy))[job.start:end[key]] += 1
    if (busy > np.maximum(state.present - state.reserve, state.busy)).any():
        return False
    for bay_type, counts in use.items():
        before = state.bay_use.get(bay_type)
        limit = np.maximum(len(state.bays.get(bay_type, ())), before if before is not None else 0)
        if (counts > limit).any():
            return False
    return True


@dataclass
class Quick:
    """What the cheap stages said of a candidate: a fit, or the variants left for CP-SAT."""

    fit: Fit | None = None
    failure: Failure | None = None
    for_model: list[list[JobSlot]] = field(default_factory=list)
    reserve_tight: bool = False  # the walk-in reserve is already used up where the new work starts


def _reserve_used_up(state: DayState, jobs: list[JobSlot]) -> bool:
    """Is there no technician left above the walk-in reserve at some new job's start (when
    whoever does it is working)?"""
    return any(state.busy[j.start] + 1 > state.present[j.start] - state.reserve[j.start] for j in jobs)


def place_quick(state: DayState, request: WorkRequest, arrival: int, grid: int, stats: SearchStats,
                allow_moves: bool = True) -> Quick:
    """Screening, direct fit and (with moves allowed) repair, for every variant."""
    out = Quick()
    for jobs in variants(state, request, arrival):
        why = screen(state, jobs, grid)
        if why is not None:
            out.failure = out.failure or why
            continue
        direct = direct_fit(state, jobs)
        if direct is not None:
            stats.direct += 1
            return Quick(Fit(jobs, direct))
        if not allow_moves:
            out.failure = Failure.BOOKED
            continue
        if _reserve_used_up(state, jobs):
            # moving jobs between technicians rarely frees reserve: leave it to CP-SAT, last
            out.reserve_tight = True
            out.for_model.append(jobs)
            continue
        repaired = repair_fit(state, jobs)
        if repaired is not None:
            stats.repaired += 1
            return Quick(repaired)
        out.for_model.append(jobs)
    if not out.for_model:
        out.failure = out.failure or Failure.NO_TECHNICIAN
        if out.failure in (Failure.RECEPTION, Failure.NO_TECHNICIAN, Failure.BAYS):
            stats.screened_out += 1
    return out


def place_with_model(state: DayState, for_model: list[list[JobSlot]], settings: SolverSettings,
                     stats: SearchStats, deadline: float) -> tuple[Fit | None, Failure]:
    """The variants the cheap stages left: the matching bound, then CP-SAT with moves."""
    failure = Failure.BOOKED
    for jobs in for_model:
        if not technicians_could_fit(state, jobs):
            stats.screened_out += 1
            continue
        fit, why = solve_with_moves(state, jobs, settings, stats, deadline)
        if fit is not None:
            return fit, Failure.BOOKED
        if why is Failure.TIMEOUT:
            failure = why
    return None, failure


def place(state: DayState, request: WorkRequest, arrival: int, grid: int, settings: SolverSettings,
          stats: SearchStats, deadline: float, allow_moves: bool = True) -> tuple[Fit | None, Failure | None]:
    """Decide one candidate: every stage in turn."""
    quick = place_quick(state, request, arrival, grid, stats, allow_moves)
    if quick.fit is not None or not quick.for_model:
        return quick.fit, quick.failure
    fit, why = place_with_model(state, quick.for_model, settings, stats, deadline)
    return fit, None if fit is not None else why
