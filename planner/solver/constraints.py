"""The rules of the workshop, one small function each.

The CP-SAT constraints act on a `DayModel`; the screening rules (reception, parts, the
counting bounds) are plain functions used before any model is built. An independent
checker (`planner.solver.checker`) re-verifies every plan the solver returns.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from ortools.sat.python import cp_model

from planner.domain import BayType, PartRequirement
from planner.solver.problem import DayModel, DayProblem
from planner.solver.snapshot import DayState, JobSlot, Option, PartsLedger

# -- eligibility (applied when the choices are created) ---------------------------------


def eligible_technicians(problem: DayProblem, job: JobSlot) -> list[Option]:
    """Hard: a job's technician has its skill, is at work from its start until it is done
    (pausing over breaks), finishes by the job's deadline and closing, and is not busy
    with a fixed job meanwhile."""
    taken = problem.fixed_intervals()
    deadline = min(job.deadline, problem.state.closes)
    return [o for o in problem.state.options(job.spec, job.start, deadline)
            if all(e <= job.start or s >= o.end for s, e in taken.get(o.technician, ()))]


# -- CP-SAT constraints -----------------------------------------------------------------


def one_technician_per_job(m: DayModel) -> None:
    """Hard: every job is done by exactly one of its eligible technicians."""
    for choices in m.choices.values():
        m.model.add_exactly_one(lit for _, lit in choices)


def technician_one_job_at_a_time(m: DayModel) -> None:
    """Hard: a technician works on one job at a time."""
    by_tech: dict[str, list[cp_model.IntervalVar]] = {}
    for key, choices in m.choices.items():
        for (option, _), interval in zip(choices, m.intervals[key], strict=True):
            by_tech.setdefault(option.technician, []).append(interval)
    for intervals in by_tech.values():
        if len(intervals) > 1:
            m.model.add_no_overlap(intervals)


def bays_of_each_type(m: DayModel) -> None:
    """Hard: at no moment do more jobs occupy bays of a type than bays of it are in service
    (a job holds its bay from start to end, breaks included)."""
    state = m.problem.state
    by_type: dict[BayType, list[tuple[cp_model.IntVar, int, int]]] = {}
    jobs = {job.key: job for job in m.problem.placed}
    for key, choices in m.choices.items():
        bay_type = jobs[key].spec.bay_type
        for (option, lit), _ in zip(choices, m.intervals[key], strict=True):
            by_type.setdefault(bay_type, []).append((lit, jobs[key].start, option.end))
    lo, hi = m.horizon
    for bay_type, uses in by_type.items():
        bays = len(state.bays.get(bay_type, ()))
        before = state.bay_use.get(bay_type)
        # never stricter than the plan as it stands (a what-if may already exceed a bay count)
        limit = np.maximum(bays, before if before is not None else 0) - m.problem.fixed_bay_use(bay_type)
        _cumulative_with_profile(m, [(lit, [(s, e)]) for lit, s, e in uses], np.maximum(limit, 0), lo, hi,
                                 f"bays_{bay_type}")


def walk_in_reserve_kept(m: DayModel) -> None:
    """Hard: at every minute, technicians working on booked jobs leave the walk-in reserve
    free (at work minus reserve), unless the plan already used more."""
    state = m.problem.state
    cap = np.maximum(state.present - state.reserve, state.busy) - m.problem.fixed_busy()
    uses: list[tuple[cp_model.IntVar, list[tuple[int, int]]]] = []
    for choices in m.choices.values():
        for option, lit in choices:
            uses.append((lit, list(option.pieces)))
    lo, hi = m.horizon
    _cumulative_with_profile(m, uses, np.maximum(cap, 0), lo, hi, "reserve")


def fewest_jobs_moved(m: DayModel) -> None:
    """Soft: reassign as few booked jobs as possible (technicians and advisors hate churn);
    among equal plans, finish new work earlier."""
    moved = []
    finish = []
    for job in m.problem.movable:
        for option, lit in m.choices[job.key]:
            if option.technician == job.technician:
                moved.append(1 - lit)
                m.model.add_hint(lit, True)
    for job in m.problem.new:
        for option, lit in m.choices[job.key]:
            finish.append((option.end - job.start) * lit)
    m.model.minimize(10_000 * sum(moved) + sum(finish))


def _cumulative_with_profile(m: DayModel, uses: list[tuple[cp_model.IntVar, list[tuple[int, int]]]],
                             capacity: np.ndarray,
                             lo: int, hi: int, name: str) -> None:
    """Cumulative of demand-1 optional intervals under a capacity that varies by minute:
    fixed blocks fill the gap between the highest capacity and the capacity at each time."""
    if not uses or hi <= lo:
        return
    window = capacity[lo:hi]
    top = int(window.max())
    intervals, demands = [], []
    for n, (lit, pieces) in enumerate(uses):
        for a, b in pieces:
            if b > a:
                intervals.append(m.model.new_optional_fixed_size_interval_var(a, b - a, lit, f"{name}_{n}_{a}"))
                demands.append(1)
    gap = top - window
    start = 0
    for i in range(1, len(gap) + 1):  # constant runs of the gap become fixed blocks
        if i == len(gap) or gap[i] != gap[start]:
            if gap[start] > 0:
                intervals.append(m.model.new_fixed_size_interval_var(lo + start, i - start, f"{name}_cap_{start}"))
                demands.append(int(gap[start]))
            start = i
    if top <= 0:
        for lit, _ in uses:
            m.model.add(lit == 0)
        return
    m.model.add_cumulative(intervals, demands, top)


# -- screening rules (no model) ----------------------------------------------------------


def reception_has_room(state: DayState, arrival: int, grid: int) -> bool:
    """Hard: the advisors at the desk can receive one more booked arrival in this slot."""
    return state.reception_room(arrival - arrival % grid) > 0


def parts_available(ledger: PartsLedger, parts: tuple[PartRequirement, ...], day: date) -> bool:
    """Hard: every part is in stock that day (on hand, minus what earlier and later
    bookings hold, plus orders arriving by then) without leaving a later booking short."""
    return all(ledger.free_on(req, day) for req in parts)


def bays_could_fit(state: DayState, job: JobSlot, shortest: int) -> bool:
    """Necessary: during the shortest possible run of the job, some bay of its type is not
    already taken by a booked job (bookings only ever get shorter or equal by moving)."""
    bays = len(state.bays.get(job.spec.bay_type, ()))
    if job.spec.bay_type not in state.bay_use:
        return bays > 0
    lower = state.bay_use_floor(job.spec.bay_type)
    return bool(bays > 0 and (lower[job.start:job.start + shortest] < bays).all())
