"""The weekly re-plan and the what-if analysis, on tiny hand-built workshops and end to end.

Every technician works 08:30-17:30 with lunch 12:00-13:00; the dealer is open 08:30-18:00
every day (tests/solver_instances.py). DEC1 is a Tuesday and the planning "today". A
re-plan result is judged by applying it (`snapshot.with_bookings(result.bookings)`) and
running the independent checker over the whole plan.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.domain import (
    Absence,
    AbsenceKind,
    Bay,
    BayType,
    Booking,
    Dealership,
    FlexibleWindow,
    LabourOperation,
    Part,
    PartRequirement,
    ScheduledJob,
    Skill,
    Technician,
    WalkInReserve,
    work_request,
)
from planner.solver.checker import check_plan
from planner.solver.replan import PlanMetrics, ReplanResult, plan_metrics, replan_week, week_start
from planner.solver.search import SearchStats, place
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import CapacitySnapshot, at_minute
from planner.solver.whatif import Repair, Scenario, WhatIfResult, what_if
from planner.storage import find_dealer_id, open_database
from planner.storage.db import copy_sqlite
from planner.storage.repository import load_bookings, load_dealership
from tests.conftest import TODAY
from tests.solver_instances import DEC1, WEEK, advisor, at, dealerships, make_dealer, operation, part, technician

DEC2, DEC3, DEC4, DEC5 = WEEK[1:5]
M, C = Skill.MAINTENANCE, Skill.CHASSIS
QUICK = BayType.QUICK_SERVICE
FAST = SolverSettings(replan_seconds=2)

OIL = operation("OIL", 1.0, M, QUICK)
LONG = operation("LONG", 8.0, M, QUICK)  # a technician's whole day
AFTERNOON = operation("AFT", 3.5, M, QUICK)  # 13:00-16:30
CHECK = operation("CHK", 1.0, C, QUICK)
PAD = operation("PAD", 1.0, M, QUICK, (PartRequirement("P1", 1),))


def quick_bays(n: int) -> tuple[Bay, ...]:
    return tuple(Bay(f"Q{i}", f"Quick {i}", QUICK) for i in range(1, n + 1))


def shop(techs: tuple[Technician, ...], bays: int = 2, ops: tuple[LabourOperation, ...] = (OIL, LONG, AFTERNOON),
         parts: tuple[Part, ...] = ()) -> Dealership:
    return Dealership(make_dealer(), (advisor("SA1", 2),), techs, quick_bays(bays), ops, parts)


def booking(booking_id: str, day: date, op: LabourOperation, tech: str, bay: str, start: str, end: str,
            flexible: FlexibleWindow | None = None) -> Booking:
    request = work_request([op])
    job = ScheduledJob(request.jobs[0], tech, bay, at(day, start), at(day, end))
    return Booking(booking_id, at(day, start), request, (job,), plate=f"P-{booking_id}", flexible=flexible)


def absent(tech: Technician, *days: date) -> Technician:
    return replace(tech, absences=(*tech.absences, *(Absence(d, d, AbsenceKind.SICKNESS) for d in days)))


def week_of(snapshot: CapacitySnapshot, bookings: tuple[Booking, ...] | list[Booking], start: date,
            days: int) -> list[Booking]:
    return [b for b in bookings if start <= b.arrival.astimezone(snapshot.zone).date() < start + timedelta(days=days)]


def assert_sound(snapshot: CapacitySnapshot, result: ReplanResult, start: date = DEC1, days: int = 7) -> None:
    """The re-plan, applied, keeps every hard rule; only flexible bookings move in time, and
    only within their window and the week; the work itself never changes."""
    assert result.status in ("optimal", "feasible")
    applied = snapshot.with_bookings(list(result.bookings))
    assert check_plan(snapshot.dealership, applied.bookings, today=snapshot.today) == []
    originals = {b.booking_id: b for b in snapshot.bookings}
    assert len({c.booking_id for c in result.changes}) == len(result.changes)
    for change in result.changes:
        before, after = originals[change.booking_id], change.after
        assert change.before == before and after != before
        assert (after.booking_id, after.request, after.plate, after.flexible) == \
            (before.booking_id, before.request, before.plate, before.flexible)
        assert [j.spec for j in after.jobs] == [j.spec for j in before.jobs]
        assert start <= before.arrival.astimezone(snapshot.zone).date() < start + timedelta(days=days)
        if after.arrival != before.arrival:
            assert change.moved
            assert before.flexible is not None, f"{before.booking_id} is not flexible but moved"
            assert after.arrival in before.flexible
            assert start <= after.arrival.astimezone(snapshot.zone).date() < start + timedelta(days=days)
            assert after.arrival.astimezone(snapshot.zone).date() >= snapshot.today
        else:
            assert not change.moved
    assert result.before == plan_metrics(snapshot, week_of(snapshot, snapshot.bookings, start, days), start, days)
    assert result.after == plan_metrics(snapshot, week_of(snapshot, applied.bookings, start, days), start, days)
    assert result.after.bookings == result.before.bookings


def arrival_of(result: ReplanResult, booking: Booking) -> datetime:
    return next((c.after.arrival for c in result.changes if c.booking_id == booking.booking_id), booking.arrival)


# == re-plan: the peak ==========================================================================

PAIR = (technician("T1", {M}), technician("T2", {M}))


def test_a_flexible_booking_leaves_the_peak_hour_and_a_fixed_one_stays() -> None:
    window = FlexibleWindow(at(DEC1, "08:30"), at(DEC1, "17:00"))
    flexible = booking("F", DEC1, OIL, "T1", "Q1", "09:00", "10:00", window)
    fixed = booking("N", DEC1, OIL, "T2", "Q2", "09:00", "10:00")
    snapshot = CapacitySnapshot(shop(PAIR), [flexible, fixed], today=DEC1)
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert_sound(snapshot, result)
    assert result.before.peak_load == pytest.approx(1.0) and result.before.peak_at == "2026-12-01T09:00"
    assert result.after.peak_load == pytest.approx(0.5)  # both technicians' 09:00 hour was full; now half
    moved = arrival_of(result, flexible)
    assert moved != flexible.arrival and moved in window
    assert arrival_of(result, fixed) == fixed.arrival
    assert [c.booking_id for c in result.changes if c.moved] == ["F"]


def test_a_flexible_booking_moves_to_a_quieter_day_of_its_window() -> None:
    # T2 works all of DEC1: any hour of F on DEC1 is full (2/2), on DEC2 it is half
    window = FlexibleWindow(at(DEC1, "08:30"), at(DEC2, "17:00"))
    flexible = booking("F", DEC1, OIL, "T1", "Q1", "10:00", "11:00", window)
    all_day = booking("L", DEC1, LONG, "T2", "Q2", "08:30", "17:30")
    snapshot = CapacitySnapshot(shop(PAIR), [flexible, all_day], today=DEC1)
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert_sound(snapshot, result)
    assert result.before.peak_load == pytest.approx(1.0)
    assert result.after.peak_load == pytest.approx(0.5)
    assert arrival_of(result, flexible).date() == DEC2
    assert arrival_of(result, all_day) == all_day.arrival


def test_bookings_without_a_window_never_move_in_time_however_full_the_hour() -> None:
    plan = [booking(f"N{i}", DEC1, OIL, f"T{i}", f"Q{i}", "09:00", "10:00") for i in (1, 2)]
    snapshot = CapacitySnapshot(shop(PAIR), plan, today=DEC1)
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert_sound(snapshot, result)
    assert not any(c.moved for c in result.changes)
    assert result.after.peak_load == result.before.peak_load == pytest.approx(1.0)


# == re-plan: a plan made before an absence was entered =============================================


def test_a_job_on_a_technician_now_absent_is_reassigned() -> None:
    plan = [booking("X", DEC1, OIL, "T1", "Q1", "09:00", "10:00"),
            booking("Y", DEC2, OIL, "T1", "Q1", "09:00", "10:00")]
    dealership = shop((absent(PAIR[0], DEC1), PAIR[1]))  # the absence is entered after X was booked
    snapshot = CapacitySnapshot(dealership, plan, today=DEC1)
    assert [v.rule for v in check_plan(dealership, plan, today=DEC1)] == ["technician_presence"]
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert result.before.overtime_minutes == 60
    assert result.after.overtime_minutes == 0
    assert_sound(snapshot, result)
    [change] = result.changes
    assert change.booking_id == "X" and not change.moved
    assert [j.technician for j in change.after.jobs] == ["T2"]


def test_with_nobody_to_take_it_the_job_stays_and_its_overtime_is_reported() -> None:
    dealership = shop((absent(PAIR[0], DEC1), technician("T2", {C})), ops=(OIL, CHECK))  # T2 cannot do OIL
    snapshot = CapacitySnapshot(dealership, [booking("X", DEC1, OIL, "T1", "Q1", "09:00", "10:00")], today=DEC1)
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert result.status == "optimal"
    assert result.before.overtime_minutes == result.after.overtime_minutes == 60
    assert result.changes == ()


def test_a_flexible_job_of_an_absent_technician_moves_to_a_day_they_are_back() -> None:
    dealership = shop((absent(PAIR[0], DEC1), technician("T2", {C})), ops=(OIL, CHECK))
    window = FlexibleWindow(at(DEC1, "08:30"), at(DEC3, "17:00"))
    x = booking("X", DEC1, OIL, "T1", "Q1", "09:00", "10:00", window)
    snapshot = CapacitySnapshot(dealership, [x], today=DEC1)
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert result.before.overtime_minutes == 60 and result.after.overtime_minutes == 0
    assert_sound(snapshot, result)
    assert arrival_of(result, x).date() in (DEC2, DEC3)


# == re-plan: random small workshops ==================================================================


@st.composite
def week_plans(draw: st.DrawFn) -> tuple[CapacitySnapshot, Technician | None, date]:
    """A random small dealer, bookings placed first-fit from a random wished time (some
    flexible, some with several jobs), walk-ins expected, sometimes a reserve; and maybe a
    technician to mark absent afterwards."""
    days = WEEK[:3]
    dealership = draw(dealerships(days=days))
    reserve = draw(st.sampled_from((None, WalkInReserve({d: (0,) * 9 + (1,) * 3 + (0,) * 12 for d in days}))))
    expected = {d: tuple(draw(st.lists(st.sampled_from((0.0, 0.3, 0.8)), min_size=24, max_size=24))) for d in days}
    snapshot = CapacitySnapshot(dealership, [], today=DEC1, reserve=reserve, walk_in_expected=expected)
    grid = snapshot.grid
    for n in range(draw(st.integers(3, 12))):
        ops = draw(st.lists(st.sampled_from(dealership.operations), min_size=1, max_size=2,
                            unique_by=lambda op: op.op_code))
        request = work_request(ops)
        day = draw(st.sampled_from(days))
        state = snapshot.day(day)
        if not all(snapshot.ledger.free_on(req, day) for req in request.parts):
            continue
        wished = draw(st.integers(state.opens // grid + 1, state.closes // grid - 1)) * grid
        for minute in range(wished, state.closes, grid):
            fit, _ = place(state, request, minute, grid, SolverSettings(), SearchStats(), float("inf"),
                           allow_moves=False)
            if fit is None:
                continue
            p = fit.placement
            jobs = tuple(ScheduledJob(j.spec, p.technician[j.key], p.bay[j.key], at_minute(day, j.start, snapshot.zone),
                                      at_minute(day, p.end[j.key], snapshot.zone)) for j in fit.jobs)
            arrival = at_minute(day, minute, snapshot.zone)
            flexible = None
            if draw(st.booleans()):
                flexible = FlexibleWindow(arrival - timedelta(minutes=draw(st.integers(0, 600))),
                                          arrival + timedelta(minutes=draw(st.integers(0, 2000))))
            snapshot = snapshot.with_bookings([Booking(f"B{n}", arrival, request, jobs, flexible=flexible)])
            break
    absentee = draw(st.sampled_from((None, *dealership.technicians)))
    return snapshot, absentee, draw(st.sampled_from(days))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=week_plans())
def test_every_replan_keeps_the_rules_and_moves_only_flexible_bookings_within_their_window(
        case: tuple[CapacitySnapshot, Technician | None, date]) -> None:
    snapshot, absentee, day = case
    dealership = snapshot.dealership
    assert check_plan(dealership, snapshot.bookings, today=DEC1) == []  # the generator's plan is sound
    if absentee is None:
        result = replan_week(snapshot, DEC1, 7, SolverSettings(replan_seconds=1))
        assert result.before.overtime_minutes == result.after.overtime_minutes == 0
        assert_sound(snapshot, result)
        if result.status == "optimal":  # staying put is a solution: the optimum is no worse at its peak
            assert result.after.peak_load <= result.before.peak_load + 1e-3
        return
    # the absence is entered after the plan was made
    techs = tuple(absent(t, day) if t.code == absentee.code else t for t in dealership.technicians)
    changed = CapacitySnapshot(replace(dealership, technicians=techs), snapshot.bookings, today=DEC1,
                               reserve=snapshot.reserve, walk_in_expected=snapshot.walk_in_expected)
    result = replan_week(changed, DEC1, 7, SolverSettings(replan_seconds=1))
    assert result.status in ("optimal", "feasible")
    assert result.after.overtime_minutes <= result.before.overtime_minutes
    if result.after.overtime_minutes == 0:
        assert_sound(changed, result)


# == the week and the report ========================================================================


def test_week_start_is_the_monday_of_an_iso_week() -> None:
    assert week_start("2026-W49") == date(2026, 11, 30)
    assert week_start("2026-W49").weekday() == 0
    assert week_start("2026-W01") == date(2025, 12, 29)  # ISO week 1 holds the year's first Thursday
    assert week_start("2026-w53") == date(2026, 12, 28)


@pytest.mark.parametrize("text", ["2026-49", "2026W49", "W49", "2026-W54", "2026-W00", "2026-Wxx", "", "2026-11-30"])
def test_a_malformed_week_is_refused_clearly(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        week_start(text)
    assert str(exc.value) == f"'{text}' is not an ISO week (YYYY-Www, e.g. 2026-W49)"


def test_the_result_reports_status_objective_bound_and_gap() -> None:
    window = FlexibleWindow(at(DEC1, "08:30"), at(DEC1, "17:00"))
    plan = [booking("F", DEC1, OIL, "T1", "Q1", "09:00", "10:00", window),
            booking("N", DEC1, OIL, "T2", "Q2", "09:00", "10:00")]
    snapshot = CapacitySnapshot(shop(PAIR), plan, today=DEC1)
    result = replan_week(snapshot, DEC1, 7, FAST)
    assert result.status == "optimal"
    assert result.objective is not None and result.bound is not None
    assert result.objective == pytest.approx(result.bound) and result.gap == 0.0
    assert result.objective > 0 and 0 <= result.seconds < 10
    out = result.as_json()
    json.dumps(out)  # serialisable as it is
    assert out["status"] == "optimal" and out["gap"] == 0.0 and out["week_start"] == "2026-12-01"
    assert out["objective"] == result.objective and out["bound"] == result.bound
    assert {"peak_load", "peak_at", "overtime_minutes", "headroom_shortfall_minutes", "bookings"} == set(out["before"])
    assert out["before"]["peak_load"] == 1.0 and out["after"]["peak_load"] == 0.5
    assert out["moved"] == 1 and out["reassigned"] == 0 and out["changes"][0]["booking"] == "F"


def test_the_gap_is_relative_to_the_objective() -> None:
    metrics = PlanMetrics(0.5, "", 0, 0, 1)

    def result(objective: float | None, bound: float | None) -> ReplanResult:
        return ReplanResult(DEC1, 7, "feasible", objective, bound, 1.0, metrics, metrics)

    assert result(100.0, 80.0).gap == pytest.approx(0.2)
    assert result(0.0, 0.0).gap == 0.0
    assert result(None, None).gap is None and result(None, None).as_json()["gap"] is None


def test_an_hour_loaded_over_ten_times_its_staff_does_not_make_the_week_infeasible() -> None:
    # T1 works 17:00-17:30 of hour 17 (30 minutes) and five technician-hours of walk-ins are
    # expected then: (30 + 300) / 30 = 11 with X booked across it; the plan as it stands is valid
    x = booking("X", DEC1, OIL, "T1", "Q1", "16:30", "17:30")
    expected = {DEC1: tuple(5.0 if h == 17 else 0.0 for h in range(24))}
    snapshot = CapacitySnapshot(shop(PAIR[:1], bays=1), [x], today=DEC1, walk_in_expected=expected)
    assert check_plan(snapshot.dealership, [x], today=DEC1) == []
    result = replan_week(snapshot, DEC1, 1, FAST)
    assert result.before.peak_load == pytest.approx(11.0)
    assert result.status in ("optimal", "feasible")


def test_an_empty_week_is_optimal_with_nothing_to_change() -> None:
    result = replan_week(CapacitySnapshot(shop(PAIR), [], today=DEC1), DEC1, 7, FAST)
    assert result.status == "optimal" and result.changes == () and result.gap == 0.0
    assert result.before.bookings == result.after.bookings == 0


# == what-if ====================================================================================


def repair_of(result: WhatIfResult, booking_id: str) -> Repair:
    return next(r for r in result.infeasible if r.booking_id == booking_id)


def assert_repaired(snapshot: CapacitySnapshot, scenario: Scenario, result: WhatIfResult) -> None:
    """The repaired bookings, applied, keep every rule of the workshop the scenario makes."""
    plan = snapshot.with_bookings(list(result.repaired_bookings)).bookings
    unrepaired = {r.booking_id for r in result.infeasible if r.action == "none"}
    violations = check_plan(scenario.apply(snapshot.dealership), plan, today=snapshot.today)
    assert {v.booking_id for v in violations} <= unrepaired, violations


def test_an_absence_with_a_spare_technician_is_repaired_by_reassigning() -> None:
    plan = [booking("X", DEC2, OIL, "T1", "Q1", "10:00", "11:00"),
            booking("Y", DEC2, OIL, "T2", "Q2", "14:00", "15:00")]
    snapshot = CapacitySnapshot(shop(PAIR), plan, today=DEC1)
    scenario = Scenario(absent=(("T1", DEC2),))
    result = what_if(snapshot, scenario, DEC1, 7)
    assert [r.booking_id for r in result.infeasible] == ["X"]  # Y is T2's
    repair = result.infeasible[0]
    assert repair.broken == ("technician_presence",) and repair.action == "reassign" and repair.plate == "P-X"
    assert repair.after is not None and repair.after.arrival == plan[0].arrival and repair.shift_hours == 0
    assert [j.technician for j in repair.after.jobs] == ["T2"]
    assert_repaired(snapshot, scenario, result)
    assert result.as_json()["summary"] == {"infeasible": 1, "reassigned": 1, "moved": 0, "unrepaired": 0,
                                           "at_risk": 0}


def test_without_a_spare_the_booking_moves_to_a_later_day() -> None:
    snapshot = CapacitySnapshot(shop(PAIR[:1]), [booking("X", DEC2, OIL, "T1", "Q1", "10:00", "11:00")], today=DEC1)
    scenario = Scenario(absent=(("T1", DEC2),))
    result = what_if(snapshot, scenario, DEC1, 7)
    repair = repair_of(result, "X")
    assert repair.action == "move" and repair.after is not None
    assert repair.after.arrival.date() > DEC2  # DEC1, free, is earlier than booked: never offered
    assert repair.after.arrival == at(DEC3, "08:30") and repair.shift_hours == pytest.approx(22.5)
    assert_repaired(snapshot, scenario, result)


def test_a_move_never_asks_the_customer_to_come_earlier_than_booked() -> None:
    # T1 is off on DEC2 and T2 is busy all afternoon: X (14:00) cannot be reassigned; T2
    # is free in the morning, which is earlier than the customer booked
    plan = [booking("X", DEC2, OIL, "T1", "Q1", "14:00", "15:00"),
            booking("Y", DEC2, AFTERNOON, "T2", "Q2", "13:00", "16:30")]
    snapshot = CapacitySnapshot(shop(PAIR), plan, today=DEC1)
    repair = repair_of(what_if(snapshot, Scenario(absent=(("T1", DEC2),)), DEC1, 7), "X")
    assert repair.action == "move" and repair.after is not None
    assert repair.after.arrival > plan[0].arrival, repair.after.arrival


def test_with_nothing_free_all_week_the_repair_is_none() -> None:
    snapshot = CapacitySnapshot(shop(PAIR[:1]), [booking("X", DEC2, OIL, "T1", "Q1", "10:00", "11:00")], today=DEC1)
    away = tuple(("T1", DEC2 + timedelta(days=i)) for i in range(7))
    result = what_if(snapshot, Scenario(absent=away), DEC1, 7)
    repair = repair_of(result, "X")
    assert repair.action == "none" and repair.after is None and repair.shift_hours == 0
    assert result.repaired_bookings == ()
    assert result.as_json()["summary"]["unrepaired"] == 1
    assert result.as_json()["infeasible"][0]["arrival"][1] is None


def test_the_repaired_plan_includes_jobs_moved_to_make_room() -> None:
    # only T2 (maintenance + chassis) can take X's chassis job, but T2 holds Y, which T3 can do
    dealership = shop((technician("T1", {C}), technician("T2", {M, C}), technician("T3", {M})), bays=3,
                      ops=(OIL, CHECK))
    plan = [booking("X", DEC2, CHECK, "T1", "Q1", "10:00", "11:00"),
            booking("Y", DEC2, OIL, "T2", "Q2", "10:00", "11:00")]
    snapshot = CapacitySnapshot(dealership, plan, today=DEC1)
    scenario = Scenario(absent=(("T1", DEC2),))
    result = what_if(snapshot, scenario, DEC1, 7)
    repair = repair_of(result, "X")
    assert repair.action == "reassign" and repair.moved_jobs == 1
    assert_repaired(snapshot, scenario, result)  # Y is still on T2 at 10:00 in the repaired plan


def test_a_bay_down_breaks_the_bookings_on_that_bay() -> None:
    plan = [booking("X", DEC2, OIL, "T1", "Q1", "10:00", "11:00"),
            booking("Y", DEC2, OIL, "T2", "Q2", "10:00", "11:00"),
            booking("Z", DEC3, OIL, "T1", "Q1", "10:00", "11:00")]
    snapshot = CapacitySnapshot(shop(PAIR, bays=3), plan, today=DEC1)
    scenario = Scenario(bay_down=(("Q1", DEC2),))
    result = what_if(snapshot, scenario, DEC1, 7)
    assert [r.booking_id for r in result.infeasible] == ["X"]  # Y is on Q2, Z on Q1 another day
    repair = result.infeasible[0]
    assert repair.broken == ("bay_type_and_service",) and repair.action == "reassign"
    assert repair.after is not None and repair.after.arrival == plan[0].arrival
    assert [j.bay for j in repair.after.jobs] == ["Q3"]
    assert_repaired(snapshot, scenario, result)


def test_a_parts_delay_breaks_a_booking_needing_the_part_before_the_new_date() -> None:
    p1 = part("P1", 0, ((2, DEC1),))  # two arrive on DEC1
    dealership = shop(PAIR[:1], bays=1, ops=(PAD,), parts=(p1,))
    plan = [booking("A", DEC2, PAD, "T1", "Q1", "10:00", "11:00"),
            booking("B", DEC5, PAD, "T1", "Q1", "10:00", "11:00")]
    assert check_plan(dealership, plan, today=DEC1) == []
    snapshot = CapacitySnapshot(dealership, plan, today=DEC1)
    scenario = Scenario(part_delay=(("P1", DEC4),))
    result = what_if(snapshot, scenario, DEC1, 7)
    assert [r.booking_id for r in result.infeasible] == ["A"]  # B, on DEC5, gets its part in time
    repair = result.infeasible[0]
    assert repair.broken == ("parts_stock",) and repair.action == "move"
    assert repair.after is not None and repair.after.arrival.date() >= DEC4
    assert_repaired(snapshot, scenario, result)


@pytest.mark.parametrize(("scenario", "message"), [
    (Scenario(absent=(("T9", DEC2),)), "unknown technician 'T9'"),
    (Scenario(bay_down=(("Q9", DEC2),)), "unknown bay 'Q9'"),
    (Scenario(part_delay=(("P9", DEC2),)), "unknown part 'P9'"),
])
def test_unknown_codes_in_a_scenario_are_named(scenario: Scenario, message: str) -> None:
    snapshot = CapacitySnapshot(shop(PAIR, parts=(part("P1", 1),)), [], today=DEC1)
    with pytest.raises(ValueError, match=message):
        what_if(snapshot, scenario, DEC1, 7)


def test_a_walk_in_reserve_beyond_what_booked_work_leaves_puts_bookings_at_risk() -> None:
    plan = [booking("X", DEC2, OIL, "T1", "Q1", "10:00", "11:00"),
            booking("Z", DEC2, OIL, "T1", "Q1", "14:00", "15:00")]
    snapshot = CapacitySnapshot(shop(PAIR[:1]), plan, today=DEC1)
    assert what_if(snapshot, Scenario(), DEC1, 7).at_risk == ()  # no reserve: nothing at risk
    reserve = WalkInReserve({DEC2: tuple(1 if h == 10 else 0 for h in range(24))})  # the only technician, 10-11
    result = what_if(snapshot, Scenario(demand=1.5), DEC1, 7, reserve=reserve)
    assert result.infeasible == ()  # the reserve is soft here: no hard rule breaks
    assert result.at_risk == (("X", "2026-12-02T10:00"),)
    assert result.as_json()["at_risk"] == [{"booking": "X", "hour": "2026-12-02T10:00"}]


# == the command line on the small demo database ===================================================


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def copy_db(source: Path, target: Path) -> Path:
    """A copy to write to (the fixture's file is shared)."""
    return copy_sqlite(source, target)


def stored(db: Path, start: date, days: int) -> tuple[Dealership, dict[str, Booking]]:
    engine = open_database(db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, None)
        dealership = load_dealership(conn, dealer_id)
        bookings = load_bookings(conn, dealer_id, start, start + timedelta(days=days - 1))
    engine.dispose()
    return dealership, {b.booking_id: b for b in bookings}


def test_replan_reports_applies_and_settles(small_demo_db: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_db(small_demo_db, tmp_path / "replan.db")
    year, week, _ = TODAY.isocalendar()
    iso = f"{year}-W{week:02d}"
    monday = week_start(iso)
    _, before = stored(db, TODAY, 400)
    assert any(b.flexible is not None for b in before.values())  # the demo has flexible bookings

    code, out, err = run(capsys, "replan", "--db", str(db), "--week", iso, "--seconds", "3", "--json", "--apply")
    assert code == 0, err
    first = json.loads(out)
    assert first["week_start"] == monday.isoformat() and first["days"] == 7
    assert first["status"] in ("optimal", "feasible")
    assert isinstance(first["objective"], float) and isinstance(first["bound"], float)
    assert first["gap"] is not None and 0 <= first["gap"] <= 1
    for key in ("before", "after"):
        assert {"peak_load", "peak_at", "overtime_minutes", "headroom_shortfall_minutes", "bookings"} == \
            set(first[key])
    assert first["before"]["bookings"] == first["after"]["bookings"] > 0
    assert first["after"]["overtime_minutes"] <= first["before"]["overtime_minutes"]
    assert first["moved"] + first["reassigned"] == len(first["changes"])
    assert first["applied"] is bool(first["changes"])

    # what was stored is what the re-plan reported, and the whole plan keeps every rule
    dealership, after = stored(db, TODAY, 400)
    assert set(after) == set(before)
    changed = {c["booking"]: c for c in first["changes"]}
    for booking_id, b in after.items():
        if booking_id not in changed:
            assert b == before[booking_id]
            continue
        c = changed[booking_id]
        assert b.arrival == datetime.fromisoformat(c["arrival"][1])
        assert [j.technician for j in b.jobs] == c["technicians"][1]
        assert [j.bay for j in b.jobs] == c["bays"][1]
        assert b.request == before[booking_id].request and b.flexible == before[booking_id].flexible
        if b.arrival != before[booking_id].arrival:
            assert b.flexible is not None and b.arrival in b.flexible
    assert check_plan(dealership, list(after.values()), today=TODAY) == []

    code, out, err = run(capsys, "replan", "--db", str(db), "--week", iso, "--seconds", "3", "--json")
    assert code == 0, err
    second = json.loads(out)
    assert len(second["changes"]) <= len(first["changes"]) and second["applied"] is False
    assert second["before"] == first["after"]
    assert stored(db, TODAY, 400)[1] == after  # without --apply nothing is written


def test_whatif_names_the_bookings_an_absence_breaks(small_demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    days = 7
    _, bookings = stored(small_demo_db, TODAY, days)
    first = min(bookings.values(), key=lambda b: (b.arrival, b.booking_id))
    tech, day = first.jobs[0].technician, first.arrival.date()
    hit = {b.booking_id for b in bookings.values() if b.arrival.date() == day and any(j.technician == tech
                                                                                    for j in b.jobs)}
    code, out, err = run(capsys, "whatif", "--db", str(small_demo_db), "--absent", f"{tech}@{day}",
                         "--days", str(days), "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["start"] == TODAY.isoformat() and answer["days"] == days
    assert {r["booking"] for r in answer["infeasible"]} == hit
    for r in answer["infeasible"]:
        assert "technician_presence" in r["broken"]
        assert r["action"] in ("reassign", "move", "none")
        assert r["arrival"][0] == bookings[r["booking"]].arrival.isoformat()
        if r["action"] == "reassign":
            assert r["arrival"][1] == r["arrival"][0] and tech not in r["technicians"][1]
        if r["action"] == "move":
            assert datetime.fromisoformat(r["arrival"][1]).date() >= day
    summary = answer["summary"]
    assert summary["infeasible"] == len(hit) == summary["reassigned"] + summary["moved"] + summary["unrepaired"]


def test_whatif_refuses_a_bad_absence_and_an_unknown_technician(small_demo_db: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["whatif", "--db", str(small_demo_db), "--absent", "TM01-2026-11-27"])
    assert exc.value.code == 2
    assert "'TM01-2026-11-27' should be CODE@YYYY-MM-DD" in capsys.readouterr().err
    code, out, err = run(capsys, "whatif", "--db", str(small_demo_db), "--absent", f"ZZ-NOBODY@{TODAY}",
                         "--days", "1", "--json")
    assert code == 2 and out == ""
    assert "unknown technician 'ZZ-NOBODY'" in err
