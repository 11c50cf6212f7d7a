"""Assemble a day's CP-SAT model from the named constraints, solve it, read the plan.

`solve_day` answers: can the `new` jobs be placed, reassigning `movable` booked jobs to
other technicians if needed, and how, moving as few as possible? Bays are then given
out by `assign_bays` (with start times fixed, "never more jobs than bays of a type"
is exactly what is needed, and a sweep in start order finds the bays).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ortools.sat.python import cp_model

from planner.domain import BayType
from planner.solver.constraints import (
    bays_of_each_type,
    eligible_technicians,
    fewest_jobs_moved,
    one_technician_per_job,
    technician_one_job_at_a_time,
    walk_in_reserve_kept,
)
from planner.solver.problem import DayModel, DayProblem
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import DayState, JobSlot

CONSTRAINTS: tuple[Callable[[DayModel], None], ...] = (
    one_technician_per_job,
    technician_one_job_at_a_time,
    bays_of_each_type,
    walk_in_reserve_kept,
    fewest_jobs_moved,
)


class Outcome(StrEnum):
    PLACED = "placed"
    INFEASIBLE = "infeasible"
    TIMEOUT = "timeout"  # no answer within the time allowed: treated as "do not offer"


@dataclass(frozen=True)
class Placement:
    """Technician, end and bay of each placed job (keyed by booking id and sequence)."""

    technician: dict[tuple[str, int], str]
    end: dict[tuple[str, int], int]
    bay: dict[tuple[str, int], str]
    optimal: bool


@dataclass(frozen=True)
class DayResult:
    outcome: Outcome
    placement: Placement | None = None
    wall_seconds: float = 0.0


def build_model(problem: DayProblem) -> DayModel | None:
    """The CP-SAT model, or None when some job has no eligible technician at all."""
    m = DayModel(problem)
    lo, hi = 24 * 60, 0
    for job in problem.placed:
        options = eligible_technicians(problem, job)
        if not options:
            return None
        lits = [m.model.new_bool_var(f"{job.booking_id}_{job.seq}_by_{o.technician}") for o in options]
        m.choices[job.key] = list(zip(options, lits, strict=True))
        lo = min(lo, job.start)
        hi = max(hi, max(o.end for o in options))
    m.horizon = (lo, hi)
    for add in CONSTRAINTS:
        add(m)
    return m


def solve_day(problem: DayProblem, settings: SolverSettings, seconds: float | None = None) -> DayResult:
    """Place the problem's jobs, or say it cannot be done (or was not decided in time)."""
    m = build_model(problem)
    if m is None:
        return DayResult(Outcome.INFEASIBLE)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds if seconds is not None else settings.check_seconds
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.cp_model_presolve = settings.presolve
    status = solver.solve(m.model)
    wall = solver.wall_time
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
        return DayResult(Outcome.INFEASIBLE, wall_seconds=wall)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return DayResult(Outcome.TIMEOUT, wall_seconds=wall)
    technician: dict[tuple[str, int], str] = {}
    end: dict[tuple[str, int], int] = {}
    for key, choices in m.choices.items():
        option = next(o for o, lit in choices if solver.boolean_value(lit))
        technician[key], end[key] = option.technician, option.end
    bays = assign_bays(problem.state, problem.fixed, problem.placed, end)
    if bays is None:  # cannot happen when the cumulative holds; kept as a guard
        return DayResult(Outcome.INFEASIBLE, wall_seconds=wall)
    return DayResult(Outcome.PLACED, Placement(technician, end, bays, status == cp_model.OPTIMAL), wall)


def assign_bays(state: DayState, fixed: list[JobSlot], placed: list[JobSlot],
                end: dict[tuple[str, int], int]) -> dict[tuple[str, int], str] | None:
    """Give every job of the day a bay of its type, keeping each job's current bay when it
    is free. Sweeping jobs in start order and taking any free bay never fails while no
    more jobs than bays of a type overlap (interval graphs colour greedily)."""
    jobs = [(j, j.end) for j in fixed] + [(j, end[j.key]) for j in placed]
    out: dict[tuple[str, int], str] = {}
    by_type: dict[BayType, list[tuple[JobSlot, int | None]]] = {}
    for job, job_end in jobs:
        by_type.setdefault(job.spec.bay_type, []).append((job, job_end))
    for bay_type, items in by_type.items():
        codes = state.bays.get(bay_type, ())
        free_at = {code: 0 for code in codes}
        claims: dict[str, list[int]] = {}
        for job, _ in items:
            if job.bay is not None:
                claims.setdefault(job.bay, []).append(job.start)
        for starts in claims.values():
            starts.sort()
        # a job keeps its bay when free; sort so kept bays are claimed before others take them
        for job, job_end in sorted(items, key=lambda it: (it[0].start, it[0].bay is None, it[0].key)):
            assert job_end is not None
            free = [c for c in codes if free_at[c] <= job.start]
            if not free:
                return None
            pick = job.bay if job.bay in free else _least_wanted(free, claims, job.start + 1)
            out[job.key] = pick
            free_at[pick] = job_end
    return out


def _least_wanted(free: list[str], claims: dict[str, list[int]], now: int) -> str:
    """Among free bays, the one whose current owner comes back last (keeps later jobs on
    their bays)."""
    def next_claim(code: str) -> int:
        starts = claims.get(code, [])
        i = bisect_left(starts, now)
        return starts[i] if i < len(starts) else 10**6
    return max(free, key=lambda c: (next_claim(c), c))
