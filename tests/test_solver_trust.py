"""Can the slot solver be trusted? Its proposals keep every hard rule (checked by the
independent checker on random dealers), it finds a slot whenever one exists (compared
with a brute-force search written here), reassignment beats first fit, and when nothing
fits it says why.
"""

from __future__ import annotations

import time as clock
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from planner.domain import (
    Absence,
    AbsenceKind,
    Bay,
    BayType,
    Booking,
    DealerCalendar,
    Dealership,
    JobSpec,
    LabourOperation,
    PartRequirement,
    ScheduledJob,
    Skill,
    Technician,
    WalkInReserve,
    WorkRequest,
    work_request,
)
from planner.solver.checker import check_plan
from planner.solver.search import Failure, Fit, SearchStats, place
from planner.solver.settings import Preference, SolverSettings
from planner.solver.snapshot import CapacitySnapshot
from planner.solver.suggest import (
    Candidate,
    JobMove,
    Proposal,
    Reason,
    SlotOption,
    SlotRequest,
    _option,
    first_fit,
    suggest_slots,
)
from tests.solver_instances import (
    DEC1,
    ENGINE,
    MAINTENANCE,
    OP_45,
    SHANGHAI,
    WEEK,
    advisor,
    at,
    at_local_minute,
    chain_workshop,
    dealerships,
    make_dealer,
    operation,
    part,
    reassignment_workshop,
    reserves,
    technician,
)

TRUST = SolverSettings(check_seconds=1.0, call_seconds=5.0)  # no timeout decides anything here
EXACT = SolverSettings(check_seconds=5.0, call_seconds=30.0, full_day_fallback=True)  # may move any job of the day
DEC4, DEC10 = date(2026, 12, 4), date(2026, 12, 10)
REASSIGNMENT = reassignment_workshop()[0]  # operations: MAINTENANCE, ENGINE


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def minute_of_day(moment: datetime) -> int:
    m = local(moment)
    return m.hour * 60 + m.minute


def apply(snapshot: CapacitySnapshot, option: SlotOption) -> CapacitySnapshot:
    return snapshot.with_bookings([option.booking, *option.moved_bookings])


# == 1. no proposal ever breaks a hard rule ================================================


@dataclass(frozen=True)
class Ask:
    """One caller: operations (indices into the catalogue), from when, and which option they take."""

    ops: tuple[int, ...]
    day: int  # offset from DEC1
    minute: int  # earliest arrival, minutes after midnight (not necessarily on the grid)
    days: int
    count: int
    pick: int
    prefer: frozenset[Preference] = frozenset()
    in_utc: bool = False  # the earliest arrival given in UTC rather than local time


ASKS = st.builds(
    Ask,
    ops=st.lists(st.integers(0, 5), min_size=1, max_size=2, unique=True).map(tuple),
    day=st.sampled_from((0, 0, 1)),
    minute=st.just(8 * 60) | st.integers(7 * 12, 16 * 12).map(lambda m: m * 5),
    days=st.sampled_from((1, 1, 2)),
    count=st.integers(1, 4),
    pick=st.integers(0, 3),
    prefer=st.sets(st.sampled_from((Preference.MORNING, Preference.AFTERNOON)), max_size=1).map(frozenset),
    in_utc=st.booleans(),
)


def slot_request(dealership: Dealership, ask: Ask, booking_id: str) -> SlotRequest:
    ops = dealership.operations
    chosen = list(dict.fromkeys(ops[i % len(ops)] for i in ask.ops))
    earliest = at_local_minute(DEC1 + timedelta(days=ask.day), ask.minute)
    return SlotRequest(work_request(chosen), earliest=earliest.astimezone(UTC) if ask.in_utc else earliest,
                       days=ask.days, count=ask.count, prefer=ask.prefer, booking_id=booking_id)


def assert_option_is_sound(snapshot: CapacitySnapshot, request: SlotRequest, option: SlotOption,
                           reserve: WalkInReserve | None, in_window: bool) -> None:
    """The option books the request, in the window (or after it, for `earliest`), and the
    plan with it keeps every rule."""
    booking = option.booking
    assert booking.booking_id == request.booking_id and booking.request == request.work
    assert option.start == booking.arrival >= request.earliest
    last = local(request.earliest).date() + timedelta(days=request.days)
    assert (local(option.start).date() < last) == in_window
    booked = {b.booking_id for b in snapshot.bookings}
    assert {b.booking_id for b in option.moved_bookings} == {m.booking_id for m in option.moves} <= booked
    after = apply(snapshot, option)
    assert len(after.bookings) == len(snapshot.bookings) + 1
    violations = check_plan(snapshot.dealership, after.bookings, today=DEC1, reserve=reserve)
    assert violations == [], [v.message() for v in violations]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dealership=dealerships(), reserve=st.none() | reserves(), asks=st.lists(ASKS, min_size=2, max_size=12))
@example(dealership=REASSIGNMENT, reserve=None, asks=[Ask((0,), 0, 9 * 60, 1, 1, 0), Ask((1,), 0, 8 * 60, 1, 1, 0)])
def test_no_proposal_breaks_a_rule(dealership: Dealership, reserve: WalkInReserve | None, asks: list[Ask]) -> None:
    snapshot = CapacitySnapshot(dealership, [], today=DEC1, reserve=reserve)
    for n, ask in enumerate(asks):
        request = slot_request(dealership, ask, f"R{n}")
        proposal = suggest_slots(snapshot, request, settings=TRUST)
        assert proposal.complete
        assert len(proposal.options) <= request.count
        assert len({o.start for o in proposal.options}) == len(proposal.options)
        for option in proposal.options:  # every option offered, not only the one taken
            assert_option_is_sound(snapshot, request, option, reserve, in_window=True)
        event(f"options offered: {len(proposal.options)}")
        event(f"an option reassigns booked jobs: {any(o.moves for o in proposal.options)}")
        if proposal.options:
            assert proposal.unavailable is None
            taken = proposal.options[ask.pick % len(proposal.options)]
        else:
            assert proposal.unavailable is not None and proposal.unavailable.reasons
            if proposal.unavailable.earliest is None:
                continue
            taken = proposal.unavailable.earliest
            assert_option_is_sound(snapshot, request, taken, reserve, in_window=False)
        snapshot = apply(snapshot, taken)
        assert check_plan(dealership, snapshot.bookings, today=DEC1, reserve=reserve) == []


# == 2. the solver finds a slot whenever one exists ===========================================
#
# The brute force below shares nothing with the solver: it enumerates every assignment of
# technicians to the day's jobs (booked ones and the new one), each job starting at its
# booked start (the new one at the candidate arrival), and checks the rules minute by minute.

NEW_ID = "NEW"
MINUTES = 24 * 60


@dataclass(frozen=True)
class BruteJob:
    key: tuple[str, int]
    spec: JobSpec
    start: int
    deadline: int  # the booking's next job starts then, or the dealer closes


def working_mask(tech: Technician, day: date) -> np.ndarray:
    mask = np.zeros(MINUTES, dtype=bool)
    for p in tech.working_periods_on(day):
        mask[p.start.hour * 60 + p.start.minute:p.end.hour * 60 + p.end.minute] = True
    return mask


def work_done_at(mask: np.ndarray, start: int, needed: int) -> int | None:
    """The minute `needed` working minutes from `start` are done (None: not at work at
    start, or the day runs out)."""
    if not mask[start]:
        return None
    done = np.cumsum(mask[start:])
    hits = np.nonzero(done >= needed)[0]
    return start + int(hits[0]) + 1 if len(hits) else None


def day_jobs(bookings: tuple[Booking, ...], day: date, closes: int) -> list[BruteJob]:
    jobs = []
    for b in bookings:
        if local(b.arrival).date() != day:
            continue
        starts = [minute_of_day(j.start) for j in b.jobs]
        for i, job in enumerate(b.jobs):
            deadline = starts[i + 1] if i + 1 < len(starts) else closes
            jobs.append(BruteJob((b.booking_id, i + 1), job.spec, starts[i], deadline))
    return jobs


def brute_force(dealership: Dealership, bookings: tuple[Booking, ...], day: date, spec: JobSpec, arrival: int,
                reserve: WalkInReserve | None) -> dict[tuple[str, int], tuple[str, int]] | None:
    """A technician and end for every job of the day (new job keyed (NEW_ID, 1)) that keeps
    every rule, or None when there is none."""
    hours = DealerCalendar(dealership.dealer).hours_on(day)
    assert hours is not None
    closes = hours.end.hour * 60 + hours.end.minute
    grid = dealership.dealer.booking_grid_minutes
    # reception: advisors at the desk at the slot's start receive `capacity` arrivals in the slot
    slot = arrival - arrival % grid
    capacity = sum(a.reception_capacity for a in dealership.advisors
                   if any(p.start.hour * 60 + p.start.minute <= slot < p.end.hour * 60 + p.end.minute
                          for p in a.working_periods_on(day)))
    arrived = sum(1 for b in bookings
                  if local(b.arrival).date() == day and minute_of_day(b.arrival) // grid * grid == slot)
    if arrived + 1 > capacity:
        return None
    jobs = [BruteJob((NEW_ID, 1), spec, arrival, closes), *day_jobs(bookings, day, closes)]
    masks = {t.code: working_mask(t, day) for t in dealership.technicians}
    present = sum((m.astype(np.int32) for m in masks.values()), np.zeros(MINUTES, dtype=np.int32))
    kept = np.repeat([reserve.at(day, h) if reserve else 0 for h in range(24)], 60)
    limit = present - kept
    bays = Counter(b.bay_type for b in dealership.bays if b.in_service_on(day))
    choices: list[list[tuple[str, int]]] = []
    for job in jobs:
        options = []
        for t in dealership.technicians:
            if job.spec.skill in t.skills:
                end = work_done_at(masks[t.code], job.start, t.job_minutes(job.spec.standard_hours))
                if end is not None and end <= job.deadline:
                    options.append((t.code, end))
        if not options:
            return None
        choices.append(options)
    bay_use = {bay_type: np.zeros(MINUTES, dtype=np.int32) for bay_type in BayType}
    worked = np.zeros(MINUTES, dtype=np.int32)
    taken: dict[str, list[tuple[int, int]]] = {t.code: [] for t in dealership.technicians}
    chosen: dict[tuple[str, int], tuple[str, int]] = {}

    def search(i: int) -> bool:
        if i == len(jobs):
            return True
        job = jobs[i]
        use = bay_use[job.spec.bay_type]
        for code, end in choices[i]:
            if any(s < end and job.start < e for s, e in taken[code]):
                continue
            if (use[job.start:end] + 1 > bays[job.spec.bay_type]).any():
                continue
            at_work = masks[code][job.start:end]
            if (worked[job.start:end][at_work] + 1 > limit[job.start:end][at_work]).any():
                continue
            use[job.start:end] += 1
            worked[job.start:end] += at_work
            taken[code].append((job.start, end))
            chosen[job.key] = (code, end)
            if search(i + 1):
                return True
            use[job.start:end] -= 1
            worked[job.start:end] -= at_work
            taken[code].pop()
        return False

    return chosen if search(0) else None


def with_assignment(dealership: Dealership, bookings: tuple[Booking, ...], day: date, new: Booking,
                    assignment: dict[tuple[str, int], tuple[str, int]]) -> list[Booking]:
    """The plan with the brute force's technicians and ends, bays given out in start order."""
    plan = [*bookings, new]
    jobs = [(b.booking_id, i, j) for b in plan if local(b.arrival).date() == day for i, j in enumerate(b.jobs, 1)]
    free_at = {bay.code: 0 for bay in dealership.bays if bay.in_service_on(day)}
    bay_of: dict[tuple[str, int], str] = {}
    for booking_id, i, job in sorted(jobs, key=lambda it: minute_of_day(it[2].start)):
        start, end = minute_of_day(job.start), assignment[(booking_id, i)][1]
        code = next(c.code for c in dealership.bays
                    if c.code in free_at and c.bay_type is job.spec.bay_type and free_at[c.code] <= start)
        bay_of[(booking_id, i)] = code
        free_at[code] = end

    def redo(b: Booking) -> Booking:
        if local(b.arrival).date() != day:
            return b
        return replace(b, jobs=tuple(
            replace(j, technician=assignment[(b.booking_id, i)][0], bay=bay_of[(b.booking_id, i)],
                    end=at_local_minute(day, assignment[(b.booking_id, i)][1]))
            for i, j in enumerate(b.jobs, 1)))

    return [redo(b) for b in plan]


def with_fit(bookings: tuple[Booking, ...], day: date, new: Booking, fit: Fit) -> list[Booking]:
    """The plan with the solver's placement: the new booking's jobs and every booked job it
    moved (`new` gives the id, arrival and request; its jobs are replaced)."""
    p = fit.placement
    jobs = tuple(ScheduledJob(j.spec, p.technician[j.key], p.bay[j.key], at_local_minute(day, j.start),
                              at_local_minute(day, p.end[j.key])) for j in fit.jobs)

    def redo(b: Booking) -> Booking:
        if local(b.arrival).date() != day:
            return b
        jobs = []
        for i, j in enumerate(b.jobs, 1):
            key = (b.booking_id, i)
            end = at_local_minute(day, p.end[key]) if key in p.end else j.end
            jobs.append(replace(j, technician=p.technician.get(key, j.technician), bay=p.bay.get(key, j.bay), end=end))
        return replace(b, jobs=tuple(jobs))

    return [*(redo(b) for b in bookings), replace(new, jobs=jobs)]


def placeholder(booking_id: str, day: date, arrival: int, work: WorkRequest) -> Booking:
    """A booking with its jobs not yet placed (to be replaced by `with_fit` or `with_assignment`)."""
    start = at_local_minute(day, arrival)
    return Booking(booking_id, start, work,
                   tuple(ScheduledJob(spec, "?", "?", start, start + timedelta(minutes=1)) for spec in work.jobs))


@dataclass(frozen=True)
class Tiny:
    dealership: Dealership
    reserve: WalkInReserve | None
    asks: list[Ask]  # bookings made by the solver first (all on DEC1)
    new_op: int


@st.composite
def tiny_instances(draw: st.DrawFn) -> Tiny:
    """2-3 technicians, 1-2 bays, and 6-14 bookings asked for at distinct half hours of DEC1."""
    dealership = draw(dealerships(techs=(2, 3), bays=(1, 2), advisors=(1, 2), ops=(2, 4), with_parts=False,
                                  days=WEEK[:3]))
    minutes = draw(st.permutations(range(18 * 30, 33 * 30, 30)))[:draw(st.integers(6, 14))]
    asks = [Ask(draw(st.lists(st.integers(0, 3), min_size=1, max_size=2, unique=True).map(tuple)), 0, minute, 1, 1, 0)
            for minute in minutes]
    return Tiny(dealership, draw(st.none() | reserves(days=(DEC1,))), asks, draw(st.integers(0, 3)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tiny=tiny_instances())
@example(tiny=Tiny(REASSIGNMENT, None, [Ask((0,), 0, 9 * 60, 1, 1, 0)], new_op=1))  # needs a move at 09:00
def test_place_finds_a_slot_exactly_when_one_exists(tiny: Tiny) -> None:
    dealership, reserve = tiny.dealership, tiny.reserve
    grid = dealership.dealer.booking_grid_minutes
    bookings: tuple[Booking, ...] = ()
    for n, ask in enumerate(tiny.asks):  # the day's bookings, placed by the solver at the times asked
        work = slot_request(dealership, ask, f"R{n}").work
        state = CapacitySnapshot(dealership, bookings, today=DEC1, reserve=reserve).day(DEC1)
        fit, _ = place(state, work, ask.minute, grid, EXACT, SearchStats(), clock.perf_counter() + 60.0)
        if fit is not None:
            bookings = tuple(with_fit(bookings, DEC1, placeholder(f"R{n}", DEC1, ask.minute, work), fit))
            assert check_plan(dealership, bookings, today=DEC1, reserve=reserve) == []
    event(f"bookings on the day: {len(bookings)}")
    op = dealership.operations[tiny.new_op % len(dealership.operations)]
    work = work_request([op])
    [spec] = work.jobs
    snapshot = CapacitySnapshot(dealership, bookings, today=DEC1, reserve=reserve)
    state = snapshot.day(DEC1)
    for arrival in range(state.opens, state.closes, grid):
        new = placeholder(NEW_ID, DEC1, arrival, work)
        expected = brute_force(dealership, bookings, DEC1, spec, arrival, reserve)
        if expected is not None:  # the brute force is itself checked by the checker
            plan = with_assignment(dealership, bookings, DEC1, new, expected)
            assert check_plan(dealership, plan, today=DEC1, reserve=reserve) == []
        fit, why = place(state, work, arrival, grid, EXACT, SearchStats(), clock.perf_counter() + 60.0,
                         allow_moves=True)
        assert why is not Failure.TIMEOUT
        assert (fit is not None) == (expected is not None), (
            f"arrival {arrival // 60:02d}:{arrival % 60:02d}: solver {why or 'fits'}, "
            f"brute force {'fits' if expected else 'finds nothing'}")
        moved = fit is not None and any(
            fit.placement.technician.get(j.key, j.technician) != j.technician for j in state.jobs)
        event(f"slot: {'fits with moves' if moved else 'fits' if fit else 'none'}")
        # the default settings: never wrong; exact too on a day small enough to be modelled whole
        quick, _ = place(state, work, arrival, grid, TRUST, SearchStats(), clock.perf_counter() + 60.0)
        assert quick is None or expected is not None
        if len(state.jobs) <= TRUST.full_day_up_to_jobs:
            assert (quick is not None) == (expected is not None)
        elif quick is None and expected is not None:
            event("default settings miss a slot the whole day's reassignment finds")
        if quick is not None:
            assert check_plan(dealership, with_fit(bookings, DEC1, new, quick), today=DEC1, reserve=reserve) == []
        if fit is not None:
            plan = with_fit(bookings, DEC1, new, fit)
            violations = check_plan(dealership, plan, today=DEC1, reserve=reserve)
            assert violations == [], [v.message() for v in violations]
            # the option as suggest_slots would offer it (its moves and moved bookings) is the same plan
            request = SlotRequest(work, earliest=new.arrival, days=1, booking_id=NEW_ID)
            option = _option(snapshot, request, Candidate(DEC1, arrival, 0.0, 0.0), fit)
            assert sorted(apply(snapshot, option).bookings, key=lambda b: b.booking_id) == sorted(
                plan, key=lambda b: b.booking_id)
            assert {(m.booking_id, m.seq) for m in option.moves if m.technician_from != m.technician_to} == {
                j.key for j in state.jobs if fit.placement.technician.get(j.key, j.technician) != j.technician}


def test_brute_force_sees_what_a_reassignment_frees() -> None:
    """The brute force itself, on the reassignment workshop: the engine job fits at
    09:00 only by moving booking X to B, and not when a rule binds."""
    dealership, x = reassignment_workshop()
    bookings = (x,)
    [spec] = work_request([ENGINE]).jobs
    assert brute_force(dealership, bookings, DEC1, spec, 9 * 60, None) == {
        (NEW_ID, 1): ("A", 17 * 60 + 30),
        ("X", 1): ("B", 10 * 60),
    }
    assert brute_force(dealership, bookings, DEC1, spec, 9 * 60 + 15, None) is None  # A cannot finish by 17:30
    one_desk = replace(dealership, advisors=(advisor("SA1", capacity=1),))
    assert brute_force(one_desk, bookings, DEC1, spec, 9 * 60, None) is None  # X already arrives at 09:00
    keep_one = WalkInReserve({DEC1: tuple(1 if h == 9 else 0 for h in range(24))})
    assert brute_force(dealership, bookings, DEC1, spec, 9 * 60, keep_one) is None  # 2 at work, 1 kept free
    one_bay = replace(dealership, bays=dealership.bays[:1])
    quick = replace(spec, bay_type=BayType.QUICK_SERVICE)
    assert brute_force(one_bay, bookings, DEC1, quick, 9 * 60, None) is None  # X holds the only bay


def test_a_slot_behind_a_long_reassignment_chain() -> None:
    """The 08:45 slot of the chain workshop needs four of the five booked jobs to swap technicians:
    the brute force and the whole-day model find it."""
    dealership, bookings = chain_workshop()
    assert check_plan(dealership, bookings, today=DEC1) == []
    work = work_request([OP_45])
    assert brute_force(dealership, bookings, DEC1, work.jobs[0], 8 * 60 + 45, None) is not None
    state = CapacitySnapshot(dealership, bookings, today=DEC1).day(DEC1)
    fit, _ = place(state, work, 8 * 60 + 45, 15, EXACT, SearchStats(), clock.perf_counter() + 60.0)
    assert fit is not None
    plan = with_fit(bookings, DEC1, placeholder(NEW_ID, DEC1, 8 * 60 + 45, work), fit)
    assert check_plan(dealership, plan, today=DEC1) == []
    assert sum(fit.placement.technician.get(j.key, j.technician) != j.technician for j in state.jobs) == 4


def test_default_settings_find_a_slot_behind_a_long_reassignment_chain() -> None:
    """A day this small is always modelled whole, so the default settings find the chain too."""
    dealership, bookings = chain_workshop()
    state = CapacitySnapshot(dealership, bookings, today=DEC1).day(DEC1)
    assert len(state.jobs) <= TRUST.full_day_up_to_jobs
    fit, why = place(state, work_request([OP_45]), 8 * 60 + 45, 15, TRUST, SearchStats(), clock.perf_counter() + 60.0)
    assert fit is not None, why


def test_a_busy_day_limits_the_model_to_rings_around_the_candidate() -> None:
    """The documented limit: on a day with more jobs than `full_day_up_to_jobs` and no
    fallback, a chain of four moves is beyond the two rings modelled."""
    dealership, bookings = chain_workshop()
    state = CapacitySnapshot(dealership, bookings, today=DEC1).day(DEC1)
    narrow = replace(TRUST, full_day_up_to_jobs=0, full_day_fallback=False)
    fit, _ = place(state, work_request([OP_45]), 8 * 60 + 45, 15, narrow, SearchStats(), clock.perf_counter() + 60.0)
    assert fit is None
    wide = replace(narrow, full_day_fallback=True)
    fit, _ = place(state, work_request([OP_45]), 8 * 60 + 45, 15, wide, SearchStats(), clock.perf_counter() + 60.0)
    assert fit is not None


# == 3. reassignment beats first fit ==========================================================

def test_reassignment_finds_a_slot_first_fit_misses() -> None:
    dealership, x = reassignment_workshop()
    assert check_plan(dealership, [x], today=DEC1) == []
    snapshot = CapacitySnapshot(dealership, [x], today=DEC1)
    request = SlotRequest(work_request([ENGINE]), earliest=at(DEC1, "08:30"), days=1, count=3, booking_id="E")
    assert first_fit(snapshot, request) == []
    assert suggest_slots(snapshot, request, settings=TRUST, allow_moves=False).options == ()
    fit, why = place(snapshot.day(DEC1), request.work, 9 * 60, 15, TRUST, SearchStats(), float("inf"),
                     allow_moves=False)
    assert fit is None and why is Failure.BOOKED

    proposal = suggest_slots(snapshot, request, settings=TRUST)
    [option] = proposal.options  # 09:00 is the only time A can do 7.5 hours
    assert option.start == at(DEC1, "09:00") and option.end == at(DEC1, "17:30")
    assert [(j.technician, j.bay) for j in option.booking.jobs] == [("A", "L1")]
    assert option.moves == (JobMove("X", 1, "A", "B", "Q1", "Q1"),)
    [moved] = option.moved_bookings
    assert moved.booking_id == "X" and [(j.technician, j.end) for j in moved.jobs] == [("B", at(DEC1, "10:00"))]
    assert Reason("reassigned", (("n", "1"),)) in option.reasons
    after = apply(snapshot, option)
    assert sorted(b.booking_id for b in after.bookings) == ["E", "X"]
    assert check_plan(dealership, after.bookings, today=DEC1) == []


# == 4. when nothing fits, the reason and the earliest arrival that works =====================


def explain_workshop(*extra_ops: LabourOperation) -> Dealership:
    """M does maintenance; E, the only engine technician, is on leave DEC1-DEC3."""
    away = Absence(DEC1, date(2026, 12, 3), AbsenceKind.LEAVE)
    return Dealership(
        make_dealer(15),
        (advisor("SA1"),),
        (technician("M", {Skill.MAINTENANCE}), technician("E", {Skill.ENGINE}, absences=(away,))),
        (Bay("Q1", "Quick 1", BayType.QUICK_SERVICE), Bay("L1", "Lift 1", BayType.GENERAL_LIFT)),
        (MAINTENANCE, *extra_ops),
        (part("BAT", 0, ((1, DEC10),)),),
    )


def unavailable(dealership: Dealership, op: LabourOperation) -> Proposal:
    request = SlotRequest(work_request([op]), earliest=at(DEC1, "08:30"), days=3, count=3, booking_id="U")
    proposal = suggest_slots(CapacitySnapshot(dealership, [], today=DEC1), request, settings=TRUST)
    assert proposal.options == () and proposal.unavailable is not None
    return proposal


def test_no_skill_on_duty_names_the_skill_and_when_it_returns() -> None:
    gearbox = operation("GBX", 2.0, Skill.ENGINE, BayType.GENERAL_LIFT)
    found = unavailable(explain_workshop(gearbox), gearbox).unavailable
    assert found is not None
    assert found.reasons == (Reason("no_skill", (("skill", Skill.ENGINE.value),)),)
    assert "engine" in found.reasons[0].text("en").lower()
    assert found.earliest is not None
    assert found.earliest.start == at(DEC4, "08:30")  # E is back on DEC4, first thing
    assert [j.technician for j in found.earliest.booking.jobs] == ["E"]


def test_parts_on_order_name_the_delivery_date() -> None:
    battery = operation("BATT", 0.5, Skill.MAINTENANCE, BayType.QUICK_SERVICE, (PartRequirement("BAT", 1),))
    found = unavailable(explain_workshop(battery), battery).unavailable
    assert found is not None
    [reason] = found.reasons
    assert reason.key == "parts_not_before" and dict(reason.values)["date"] == "2026-12-10"
    assert "2026-12-10" in reason.text("en")
    assert found.earliest is not None and local(found.earliest.start).date() == DEC10


def test_a_job_longer_than_any_shift_is_too_long() -> None:
    overhaul = operation("OVH", 10.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE)
    found = unavailable(explain_workshop(overhaul), overhaul).unavailable
    assert found is not None
    assert found.reasons == (Reason("too_long", (("hours", "10"),)),)
    assert found.earliest is None
