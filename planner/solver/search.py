"""Deciding one candidate arrival: screening, a direct fit, then CP-SAT with reassignment.

A candidate is a day and an arrival minute. The request's jobs start one after another:
the first at arrival, each next one when the previous ends; since that end depends on
who does the job, a multi-job request gives a few *variants* of start times.

1. Screening (exact counting, no model): reception room in the arrival's grid slot, an
   eligible technician for every job, and bays of the type not already all taken.
2. Direct fit: every booked job keeps its technician and bay, and the new jobs fit in
   the gaps. This alone is the first-fit baseline (`first_fit`).
3. CP-SAT: booked jobs near the candidate may move to other technicians (and bays),
   fewest moves first; if that neighbourhood is not enough, the whole day.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from planner.domain import WorkRequest
from planner.solver.constraints import bays_could_fit, reception_has_room
from planner.solver.model import Outcome, Placement, solve_day
from planner.solver.problem import DayProblem
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import DayState, JobSlot

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
    """Exact counting tests that rule a candidate out before any model."""
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


def solve_with_moves(state: DayState, jobs: list[JobSlot], settings: SolverSettings,
                     stats: SearchStats, deadline: float) -> tuple[Fit | None, Failure | None]:
    """CP-SAT on the neighbourhood of the candidate, then (if allowed) on the whole day."""
    lo = jobs[0].start
    hi = max(max((o.end for o in state.options(j.spec, j.start, min(j.deadline, state.closes))), default=j.start)
             for j in jobs)
    scopes = [settings.neighbourhood_minutes]
    if settings.full_day_fallback:
        scopes.append(24 * 60)
    timed_out = False
    for reach in scopes:
        remaining = deadline - clock.perf_counter()
        if remaining <= 0:
            return None, Failure.TIMEOUT
        movable = [j for j in state.jobs if j.start < hi + reach and (j.end or j.start) > lo - reach]
        fixed = [j for j in state.jobs if not (j.start < hi + reach and (j.end or j.start) > lo - reach)]
        if not movable and reach != scopes[0]:
            break
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
        if len(fixed) == 0:
            break
    return None, Failure.TIMEOUT if timed_out else Failure.BOOKED


def place(state: DayState, request: WorkRequest, arrival: int, grid: int, settings: SolverSettings,
          stats: SearchStats, deadline: float, allow_moves: bool = True) -> tuple[Fit | None, Failure | None]:
    """Decide one candidate: the first variant that fits, directly or with moves."""
    failure: Failure | None = None
    for jobs in variants(state, request, arrival):
        why = screen(state, jobs, grid)
        if why is not None:
            failure = failure or why
            continue
        direct = direct_fit(state, jobs)
        if direct is not None:
            stats.direct += 1
            return Fit(jobs, direct), None
        if not allow_moves:
            failure = Failure.BOOKED
            continue
        fit, why = solve_with_moves(state, jobs, settings, stats, deadline)
        if fit is not None:
            return fit, None
        failure = why if failure in (None, Failure.BOOKED) else failure
    if failure in (Failure.RECEPTION, Failure.NO_TECHNICIAN, Failure.BAYS):
        stats.screened_out += 1
    return None, failure or Failure.NO_TECHNICIAN
