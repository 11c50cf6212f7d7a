"""The independent plan checker: each hard rule, kept and broken, on a tiny hand-built workshop."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from planner.domain import (
    Absence,
    AbsenceKind,
    Bay,
    BayOutage,
    BayType,
    Booking,
    Dealer,
    Dealership,
    Grade,
    LabourOperation,
    OpeningHours,
    Part,
    PartRequirement,
    PurchaseOrder,
    ScheduledJob,
    ServiceAdvisor,
    Shift,
    Skill,
    Technician,
    TimeRange,
    WalkInReserve,
    WeeklyRoster,
    WorkRequest,
    work_request,
)
from planner.solver.checker import RULES, Violation, check_plan

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEC1, DEC2, DEC3, DEC4, DEC5, DEC8 = (date(2026, 12, d) for d in (1, 2, 3, 4, 5, 8))


def span(a: str, b: str) -> TimeRange:
    return TimeRange(time.fromisoformat(a), time.fromisoformat(b))


ROSTER = WeeklyRoster((Shift(time(8, 30), time(17, 30), (span("12:00", "13:00"),)),) * 7)


def technician(
    code: str, skills: set[Skill], efficiency: float = 1.0, absences: tuple[Absence, ...] = ()
) -> Technician:
    return Technician(code, f"Tech {code}", frozenset(skills), Grade.SENIOR, efficiency, ROSTER, absences)


def operation(
    code: str, hours: float, skill: Skill, bay: BayType, parts: tuple[PartRequirement, ...] = ()
) -> LabourOperation:
    return LabourOperation(code, f"{code} 作业", f"{code} job", hours, skill, bay, Decimal("100"), parts=parts)


OIL = operation("OIL", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, (PartRequirement("OILX", 4),))
BRAKE = operation("BRAKE", 2.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, (PartRequirement("PADS", 1),))
ALIGN = operation("ALIGN", 1.0, Skill.CHASSIS, BayType.ALIGNMENT)
OPS = {op.op_code: op for op in (OIL, BRAKE, ALIGN)}

DEALERSHIP = Dealership(
    dealer=Dealer(
        "D1", "Test Motors",
        OpeningHours((span("08:30", "18:00"),) * 7, holiday=span("08:30", "18:00")),
        time_zone="Asia/Shanghai", holiday_country="CN", booking_grid_minutes=15, closures=(DEC8,),
    ),
    advisors=(ServiceAdvisor("SA1", "Advisor", ROSTER, reception_capacity=1),),
    technicians=(
        technician("T1", {Skill.MAINTENANCE}),
        technician("T2", {Skill.CHASSIS}, efficiency=1.2),  # 1.0 standard hour takes 50 min
        technician("T3", {Skill.MAINTENANCE, Skill.CHASSIS},
                   absences=(Absence(DEC3, DEC3, AbsenceKind.TRAINING, span("08:30", "12:00")),)),
    ),
    bays=(
        Bay("Q1", "Quick 1", BayType.QUICK_SERVICE),
        Bay("A1", "Alignment 1", BayType.ALIGNMENT, (BayOutage(DEC4, DEC4, "lift inspection"),)),
    ),
    operations=(OIL, BRAKE, ALIGN),
    parts=(
        Part("OILX", "机油", "Engine oil", Decimal("50"), 100),
        Part("PADS", "刹车片", "Brake pads", Decimal("300"), 1, (PurchaseOrder("PO-1", "PADS", 2, DEC5),)),
    ),
)


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=SHANGHAI)


def book(booking_id: str, day: date, arrival: str, ops: str | WorkRequest, *jobs: tuple[str, str, str, str]) -> Booking:
    """A booking of `ops` ("OIL+ALIGN" or a request); each job given as (technician, bay, start, end)."""
    request = ops if isinstance(ops, WorkRequest) else work_request([OPS[c] for c in ops.split("+")])
    scheduled = tuple(
        ScheduledJob(spec, tech, bay, at(day, start), at(day, end))
        for spec, (tech, bay, start, end) in zip(request.jobs, jobs, strict=True)
    )
    return Booking(booking_id, at(day, arrival), request, scheduled)


def rules(*bookings: Booking, today: date = DEC1, reserve: WalkInReserve | None = None) -> list[str]:
    return [v.rule for v in check_plan(DEALERSHIP, bookings, today=today, reserve=reserve)]


def reserve_at(day: date, **hours: int) -> WalkInReserve:
    """A walk-in reserve on one day: hours given as h10=2, the others 0."""
    values = [0] * 24
    for key, n in hours.items():
        values[int(key[1:])] = n
    return WalkInReserve({day: tuple(values)})


VALID_DAY = (
    book("B1", DEC1, "09:00", "OIL+ALIGN", ("T1", "Q1", "09:00", "10:00"), ("T2", "A1", "10:00", "10:50")),
    book("B2", DEC1, "11:00", "BRAKE", ("T1", "Q1", "11:00", "14:00")),  # paused over lunch
    book("B3", DEC1, "13:00", "ALIGN", ("T3", "A1", "13:00", "14:00")),
    book("B4", DEC1, "14:00", "OIL", ("T3", "Q1", "14:00", "15:00")),  # the bay frees at 14:00
)


# -- the whole plan ---------------------------------------------------------------------
def test_a_valid_day_breaks_no_rule() -> None:
    assert check_plan(DEALERSHIP, VALID_DAY, today=DEC1, reserve=reserve_at(DEC1)) == []


def test_times_in_another_zone_are_read_in_the_dealer_zone() -> None:
    b = book("B1", DEC1, "09:00", "OIL", ("T1", "Q1", "09:00", "10:00"))
    in_utc = Booking(
        b.booking_id, b.arrival.astimezone(UTC), b.request,
        tuple(
            ScheduledJob(j.spec, j.technician, j.bay, j.start.astimezone(UTC), j.end.astimezone(UTC))
            for j in b.jobs
        ),
    )
    assert in_utc.arrival.hour == 1  # 09:00 in Shanghai
    assert rules(in_utc) == []


def test_every_rule_has_a_hard_docstring() -> None:
    assert list(RULES) == [
        "booking_ids_unique", "opening_hours", "job_sequence", "technician_skill", "technician_presence",
        "technician_overlap", "bay_type_and_service", "bay_overlap", "advisor_reception", "parts_stock",
        "walk_in_reserve",
    ]
    for name, rule in RULES.items():
        assert rule.__name__ == name
        assert (rule.__doc__ or "").startswith("Hard: ")


# -- opening hours and sequence ---------------------------------------------------------
def test_arrival_off_the_booking_grid() -> None:
    assert rules(book("B1", DEC1, "09:00", "OIL", ("T1", "Q1", "09:00", "10:00"))) == []
    assert rules(book("B1", DEC1, "09:05", "OIL", ("T1", "Q1", "09:05", "10:05"))) == ["opening_hours"]


def test_arrival_on_a_closed_day() -> None:
    assert rules(book("B1", DEC8, "09:00", "OIL", ("T1", "Q1", "09:00", "10:00")), today=DEC8) == ["opening_hours"]


def test_first_job_starts_at_arrival() -> None:
    assert rules(book("B1", DEC1, "09:00", "OIL", ("T1", "Q1", "09:15", "10:15"))) == ["job_sequence"]


def test_next_job_waits_for_the_previous_one() -> None:
    waits = book("B1", DEC1, "09:00", "OIL+ALIGN", ("T1", "Q1", "09:00", "10:00"), ("T2", "A1", "10:30", "11:20"))
    early = book("B1", DEC1, "09:00", "OIL+ALIGN", ("T1", "Q1", "09:00", "10:00"), ("T2", "A1", "09:30", "10:20"))
    assert rules(waits) == []
    assert rules(early) == ["job_sequence"]


# -- technicians ------------------------------------------------------------------------
def test_technician_needs_the_skill() -> None:
    assert rules(book("B1", DEC1, "09:00", "ALIGN", ("T3", "A1", "09:00", "10:00"))) == []
    assert rules(book("B1", DEC1, "09:00", "ALIGN", ("T1", "A1", "09:00", "10:00"))) == ["technician_skill"]


def test_unknown_technician_is_a_violation_not_an_error() -> None:
    plan = [book("B1", DEC1, "09:00", "OIL", ("T9", "Q1", "09:00", "10:00"))]
    found = check_plan(DEALERSHIP, plan, today=DEC1, reserve=reserve_at(DEC1, h9=1))
    assert [v.rule for v in found] == ["technician_skill"]
    assert "T9" in found[0].detail


def test_job_pauses_over_lunch() -> None:
    assert rules(book("B1", DEC1, "11:00", "BRAKE", ("T1", "Q1", "11:00", "14:00"))) == []
    found = check_plan(DEALERSHIP, [book("B1", DEC1, "11:00", "BRAKE", ("T1", "Q1", "11:00", "13:00"))], today=DEC1)
    assert [v.rule for v in found] == ["technician_presence"]
    assert "14:00" in found[0].detail


def test_efficiency_shortens_the_job() -> None:
    assert rules(book("B1", DEC1, "09:00", "ALIGN", ("T2", "A1", "09:00", "09:50"))) == []
    assert rules(book("B1", DEC1, "09:00", "ALIGN", ("T2", "A1", "09:00", "10:00"))) == ["technician_presence"]


def test_half_day_absence() -> None:
    assert rules(book("B1", DEC3, "13:00", "OIL", ("T3", "Q1", "13:00", "14:00"))) == []
    assert rules(book("B1", DEC3, "09:00", "OIL", ("T3", "Q1", "09:00", "10:00"))) == ["technician_presence"]


def test_job_must_fit_the_shift() -> None:
    # 16:00 + 2 h would end at 18:00, but the shift ends at 17:30 with 90 minutes done
    assert rules(book("B1", DEC1, "16:00", "BRAKE", ("T1", "Q1", "16:00", "18:00"))) == ["technician_presence"]


def test_technician_does_one_job_at_a_time() -> None:
    first = book("B1", DEC1, "10:00", "OIL", ("T3", "Q1", "10:00", "11:00"))
    after = book("B2", DEC1, "11:00", "ALIGN", ("T3", "A1", "11:00", "12:00"))
    during = book("B2", DEC1, "10:30", "ALIGN", ("T3", "A1", "10:30", "11:30"))
    assert rules(first, after) == []
    found = check_plan(DEALERSHIP, [first, during], today=DEC1)
    assert [(v.rule, v.booking_id) for v in found] == [("technician_overlap", "B2")]


# -- bays -------------------------------------------------------------------------------
def test_bay_of_the_wrong_type_or_unknown() -> None:
    assert rules(book("B1", DEC1, "09:00", "OIL", ("T1", "A1", "09:00", "10:00"))) == ["bay_type_and_service"]
    assert rules(book("B1", DEC1, "09:00", "OIL", ("T1", "X9", "09:00", "10:00"))) == ["bay_type_and_service"]


def test_bay_out_of_service() -> None:
    assert rules(book("B1", DEC5, "09:00", "ALIGN", ("T2", "A1", "09:00", "09:50"))) == []
    assert rules(book("B1", DEC4, "09:00", "ALIGN", ("T2", "A1", "09:00", "09:50"))) == ["bay_type_and_service"]


def test_bay_holds_one_job_at_a_time() -> None:
    first = book("B1", DEC1, "10:00", "OIL", ("T1", "Q1", "10:00", "11:00"))
    after = book("B2", DEC1, "11:00", "OIL", ("T3", "Q1", "11:00", "12:00"))
    during = book("B2", DEC1, "10:30", "OIL", ("T3", "Q1", "10:30", "11:30"))
    assert rules(first, after) == []
    assert rules(first, during) == ["bay_overlap"]


# -- reception --------------------------------------------------------------------------
def test_advisor_receives_one_car_per_slot() -> None:
    a = book("B1", DEC1, "10:00", "OIL", ("T1", "Q1", "10:00", "11:00"))
    b_next_slot = book("B2", DEC1, "10:15", "ALIGN", ("T2", "A1", "10:15", "11:05"))
    b_same_slot = book("B2", DEC1, "10:00", "ALIGN", ("T2", "A1", "10:00", "10:50"))
    assert rules(a, b_next_slot) == []
    assert rules(a, b_same_slot) == ["advisor_reception"]


# -- parts ------------------------------------------------------------------------------
def test_parts_arrive_with_the_purchase_order() -> None:
    three_pads = WorkRequest(work_request([BRAKE]).jobs, (PartRequirement("PADS", 3),))
    before = book("B1", DEC4, "09:00", three_pads, ("T1", "Q1", "09:00", "11:00"))
    after = book("B1", DEC5, "09:00", three_pads, ("T1", "Q1", "09:00", "11:00"))
    assert rules(after) == []
    found = check_plan(DEALERSHIP, [before], today=DEC1)
    assert [v.rule for v in found] == ["parts_stock"]
    assert "PADS" in found[0].detail and "2026-12-04" in found[0].detail


def test_bookings_share_the_stock() -> None:
    first = book("B1", DEC2, "09:00", "BRAKE", ("T1", "Q1", "09:00", "11:00"))
    next_day = book("B2", DEC3, "09:00", "BRAKE", ("T1", "Q1", "09:00", "11:00"))
    after_po = book("B2", DEC5, "09:00", "BRAKE", ("T1", "Q1", "09:00", "11:00"))
    assert rules(first, after_po) == []
    found = check_plan(DEALERSHIP, [first, next_day], today=DEC1)
    assert [(v.rule, v.booking_id) for v in found] == [("parts_stock", "B2")]
    assert "PADS" in found[0].detail and "2026-12-03" in found[0].detail


def test_bookings_before_today_do_not_draw_on_stock() -> None:
    yesterday = book("B1", DEC2, "09:00", "BRAKE", ("T1", "Q1", "09:00", "11:00"))
    today = book("B2", DEC3, "09:00", "BRAKE", ("T1", "Q1", "09:00", "11:00"))
    assert rules(yesterday, today, today=DEC3) == []


def test_unknown_part_is_a_violation_not_an_error() -> None:
    request = WorkRequest(work_request([OIL]).jobs, (PartRequirement("NOPE", 1),))
    assert rules(book("B1", DEC1, "09:00", request, ("T1", "Q1", "09:00", "10:00"))) == ["parts_stock"]


# -- walk-in reserve --------------------------------------------------------------------
TWO_AT_TEN = (
    book("B1", DEC1, "10:00", "OIL", ("T1", "Q1", "10:00", "11:00")),
    book("B2", DEC1, "10:15", "ALIGN", ("T3", "A1", "10:15", "11:15")),
)


def test_walk_in_reserve_binding_or_not() -> None:
    assert rules(*TWO_AT_TEN) == []  # no reserve given: not checked
    assert rules(*TWO_AT_TEN, reserve=reserve_at(DEC1, h10=1)) == []  # 3 at work - 1 >= 2 jobs
    found = check_plan(DEALERSHIP, TWO_AT_TEN, today=DEC1, reserve=reserve_at(DEC1, h10=2))
    assert [(v.rule, v.booking_id) for v in found] == [("walk_in_reserve", "B2")]
    assert "10:15" in found[0].detail


def test_walk_in_reserve_counts_absences() -> None:
    on_dec3 = [
        book("B1", DEC3, "10:00", "OIL", ("T1", "Q1", "10:00", "11:00")),
        book("B2", DEC3, "10:15", "ALIGN", ("T2", "A1", "10:15", "11:05")),
    ]
    assert rules(*on_dec3, today=DEC3, reserve=reserve_at(DEC3, h10=1)) == ["walk_in_reserve"]  # T3 away


def test_job_paused_over_lunch_keeps_no_one_from_walk_ins() -> None:
    brake = book("B1", DEC1, "11:00", "BRAKE", ("T1", "Q1", "11:00", "14:00"))
    assert rules(brake, reserve=reserve_at(DEC1, h12=3)) == []  # paused 12:00-13:00
    assert rules(brake, reserve=reserve_at(DEC1, h13=3)) == ["walk_in_reserve"]


# -- duplicates and messages ------------------------------------------------------------
def test_booking_ids_are_unique() -> None:
    a = book("B1", DEC1, "09:00", "OIL", ("T1", "Q1", "09:00", "10:00"))
    b = book("B1", DEC1, "09:00", "ALIGN", ("T2", "A1", "09:00", "09:50"))
    b_late = book("B1", DEC1, "09:15", "ALIGN", ("T2", "A1", "09:15", "10:05"))
    assert rules(a, book("B2", DEC1, "09:15", "ALIGN", ("T2", "A1", "09:15", "10:05"))) == []
    assert rules(a, b_late) == ["booking_ids_unique"]
    assert sorted(rules(a, b)) == ["advisor_reception", "booking_ids_unique"]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_messages_in_both_languages(rule: str) -> None:
    v = Violation(rule, "B7", "some detail")
    zh, en = v.message("zh"), v.message("en")
    assert zh.strip() and en.strip() and zh != en
    assert "B7" in zh and "B7" in en and "some detail" in en


def test_a_real_violation_reads_well() -> None:
    [v] = check_plan(DEALERSHIP, [book("B1", DEC1, "09:00", "ALIGN", ("T1", "A1", "09:00", "10:00"))], today=DEC1)
    assert v.message("en").startswith("Booking B1")
    assert "技能" in v.message("zh") and "T1" in v.message("zh")


# -- speed ------------------------------------------------------------------------------
def test_a_busy_day_is_checked_quickly() -> None:
    techs = tuple(technician(f"T{i:02d}", {Skill.MAINTENANCE}) for i in range(30))
    shop = Dealership(
        DEALERSHIP.dealer,
        (ServiceAdvisor("SA1", "Advisor", ROSTER, reception_capacity=30),),
        techs,
        tuple(Bay(f"Q{i:02d}", f"Quick {i}", BayType.QUICK_SERVICE) for i in range(30)),
        (OIL,),
        (Part("OILX", "机油", "Engine oil", Decimal("50"), 1000),),
    )
    slots = [("08:30", "09:30"), ("09:30", "10:30"), ("10:30", "11:30"), ("13:00", "14:00"), ("14:00", "15:00")]
    plan = [
        book(f"B{i:02d}{k}", DEC1, start, "OIL", (f"T{i:02d}", f"Q{i:02d}", start, end))
        for i in range(30)
        for k, (start, end) in enumerate(slots)
    ]
    assert len(plan) == 150
    began = clock.perf_counter()
    found = check_plan(shop, plan, today=DEC1, reserve=reserve_at(DEC1))
    elapsed = clock.perf_counter() - began
    assert found == []
    assert elapsed < 1.0
    # one more job than the shop has people at 09:30 with 1 kept for walk-ins
    busy = check_plan(shop, plan, today=DEC1, reserve=reserve_at(DEC1, h9=1))
    assert {v.rule for v in busy} == {"walk_in_reserve"}
