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
    by_tech: dict[str, list[tuple[int, int, cp_model.IntVar]]] = {}
    for job in m.problem.placed:
        for option, lit in m.choices[job.key]:
            by_tech.setdefault(option.technician, []).append((job.start, option.end, lit))
    for uses in by_tech.values():
        one_at_a_time(m.model, uses)


def bays_of_each_type(m: DayModel) -> None:
    """Hard: at no moment do more jobs occupy bays of a type than bays of it are in service
    (a job holds its bay from start to end, breaks included)."""
    state = m.problem.state
    by_type: dict[BayType, list[tuple[int, int, cp_model.IntVar]]] = {}
    for job in m.problem.placed:
        for option, lit in m.choices[job.key]:
            by_type.setdefault(job.spec.bay_type, []).append((job.start, option.end, lit))
    for bay_type, uses in by_type.items():
        bays = len(state.bays.get(bay_type, ()))
        before = state.bay_use.get(bay_type)
        # never stricter than the plan as it stands (a what-if may already exceed a bay count)
        limit = np.maximum(bays, before if before is not None else 0) - m.problem.fixed_bay_use(bay_type)
        at_most_at_once(m.model, uses, np.maximum(limit, 0))


def walk_in_reserve_kept(m: DayModel) -> None:
    """Hard: at every minute, technicians working on booked jobs leave the walk-in reserve
    free (at work minus reserve), unless the plan already used more."""
    state = m.problem.state
    lo, hi = m.horizon
    if not state.reserve[lo:hi].any():
        return  # with nothing reserved, one job per technician at work already implies it
    cap = np.maximum(state.present - state.reserve, state.busy) - m.problem.fixed_busy()
    uses = [(a, b, lit) for choices in m.choices.values() for option, lit in choices for a, b in option.pieces]
    at_most_at_once(m.model, uses, np.maximum(cap, 0))


# With start times fixed, "never more than n at once" only needs checking where a use
# starts or the limit changes: linear constraints there are exact, and they give CP-SAT's
# LP the counting arguments (Hall's condition) that interval propagation lacks.


Use = tuple[int, int, cp_model.IntVar]  # [start, end) of an option, and its literal


def one_at_a_time(model: cp_model.CpModel, uses: list[Use]) -> None:
    """At every moment at most one of the chosen uses is running."""
    previous: set[int] = set()
    for t in sorted({s for s, _, _ in uses}):
        covering = [i for i, (s, e, _) in enumerate(uses) if s <= t < e]
        current = set(covering)
        if len(covering) > 1 and not current <= previous:  # a group inside the last one adds nothing
            model.add_at_most_one(uses[i][2] for i in covering)
        previous = current


def at_most_at_once(model: cp_model.CpModel, uses: list[Use], limit: np.ndarray | int) -> None:
    """At every moment the chosen uses running are at most `limit` there (a number, or one
    per minute of the day)."""
    if not uses:
        return
    points = {s for s, _, _ in uses}
    if isinstance(limit, np.ndarray):
        lo = min(s for s, _, _ in uses)
        hi = max(e for _, e, _ in uses)
        points |= {lo + int(i) for i in np.flatnonzero(np.diff(limit[lo:hi])) + 1}
    for t in sorted(points):
        cap = int(limit[t]) if isinstance(limit, np.ndarray) else limit
        covering = [lit for s, e, lit in uses if s <= t < e]
        if len(covering) > cap:
            model.add(sum(covering) <= cap)


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


# -- screening rules (no model) ----------------------------------------------------------


def reception_has_room(state: DayState, arrival: int, grid: int) -> bool:
    """Hard: the advisors at the desk can receive one more booked arrival in this slot."""
    return state.reception_room(arrival - arrival % grid) > 0


def parts_available(ledger: PartsLedger, parts: tuple[PartRequirement, ...], day: date) -> bool:
    """Hard: every part is in stock that day (on hand, minus what earlier and later
    bookings hold, plus orders arriving by then) without leaving a later booking short."""
    return all(ledger.free_on(req, day) for req in parts)


def technicians_could_fit(state: DayState, jobs: list[JobSlot]) -> bool:
    """Necessary: at every moment of each new job's shortest run, the jobs certainly in
    progress then (booked and new) can each have a different eligible technician (a
    bipartite matching at each point where a job starts; no reassignment can beat it)."""
    spans = state.certain_spans()
    new = []
    for job in jobs:
        options = state.options(job.spec, job.start, min(job.deadline, state.closes))
        if not options:
            return False
        new.append((job.start, min(o.end for o in options), frozenset(o.technician for o in options)))
    for start, end, _ in new:
        # every moment where the set of jobs in progress changes, within the new job's run
        points = {start} | {s for s, _, _ in spans if start < s < end} | {s for s, _, _ in new if start < s < end}
        for t in sorted(points):
            busy = [who for s, e, who in spans if s <= t < e] + [who for s, e, who in new if s <= t < e]
            if not _matching_exists(busy):
                return False
    return True


def _matching_exists(jobs: list[frozenset[str]]) -> bool:
    """Can every job get a distinct technician from its set? (Kuhn's augmenting paths.)"""
    owner: dict[str, int] = {}

    def claim(i: int, seen: set[str]) -> bool:
        for tech in jobs[i]:
            if tech in seen:
                continue
            seen.add(tech)
            if tech not in owner or claim(owner[tech], seen):
                owner[tech] = i
                return True
        return False

    return all(claim(i, set()) for i in sorted(range(len(jobs)), key=lambda i: len(jobs[i])))


def bays_could_fit(state: DayState, job: JobSlot, shortest: int) -> bool:
    """Necessary: during the shortest possible run of the job, some bay of its type is not
    already taken by a booked job (bookings only ever get shorter or equal by moving)."""
    bays = len(state.bays.get(job.spec.bay_type, ()))
    if job.spec.bay_type not in state.bay_use:
        return bays > 0
    lower = state.bay_use_floor(job.spec.bay_type)
    return bool(bays > 0 and (lower[job.start:job.start + shortest] < bays).all())
