"""Domain rules: value types, rosters and absences, stock, warranty, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Bay,
    BayOutage,
    BayType,
    Dealer,
    Dealership,
    Grade,
    LabourOperation,
    OpeningHours,
    Part,
    PartRequirement,
    Powertrain,
    PurchaseOrder,
    RepairOrder,
    RepairOrderLine,
    ServiceAdvisor,
    Shift,
    Skill,
    Technician,
    TimeRange,
    Vehicle,
    WeeklyRoster,
)
from planner.domain.values import minutes_of, subtract_all, time_of


def tr(a: str, b: str) -> TimeRange:
    return TimeRange(time.fromisoformat(a), time.fromisoformat(b))


DAY_SHIFT = Shift(time(8, 30), time(17, 30), (tr("12:00", "13:00"),))
WEEKDAYS_ONLY = WeeklyRoster((DAY_SHIFT,) * 5 + (None, None))
MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def tech(**kw: object) -> Technician:
    base: dict[str, object] = dict(code="T1", name="李强", skills=frozenset({Skill.MAINTENANCE}),
                                   grade=Grade.INTERMEDIATE, efficiency=1.0, roster=WEEKDAYS_ONLY)
    base.update(kw)
    return Technician(**base)  # type: ignore[arg-type]


# -- time ranges ------------------------------------------------------------------------

def test_time_range_refuses_end_before_start() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        tr("10:00", "09:00")


def test_time_range_parse_reports_bad_text() -> None:
    assert TimeRange.parse("09:00-12:30") == tr("09:00", "12:30")
    with pytest.raises(ValueError, match="'9-12' is not a time range"):
        TimeRange.parse("9-12")


def test_minus_splits_a_range_around_a_cut() -> None:
    assert tr("08:00", "12:00").minus(tr("09:00", "10:00")) == (tr("08:00", "09:00"), tr("10:00", "12:00"))
    assert tr("08:00", "12:00").minus(tr("13:00", "14:00")) == (tr("08:00", "12:00"),)
    assert tr("08:00", "12:00").minus(tr("07:00", "13:00")) == ()


minutes = st.integers(min_value=0, max_value=24 * 60 - 2)


@st.composite
def ranges(draw: st.DrawFn) -> TimeRange:
    a = draw(minutes)
    b = draw(st.integers(min_value=a + 1, max_value=24 * 60 - 1))
    return TimeRange(time_of(a), time_of(b))


@given(ranges(), ranges())
def test_minus_removes_exactly_the_overlap(r: TimeRange, cut: TimeRange) -> None:
    pieces = r.minus(cut)
    overlap = r.intersect(cut)
    assert sum(p.minutes for p in pieces) == r.minutes - (overlap.minutes if overlap else 0)
    assert not any(p.overlaps(cut) for p in pieces)
    assert all(r.start <= p.start and p.end <= r.end for p in pieces)


@given(st.lists(ranges(), max_size=4))
def test_subtract_all_leaves_no_cut_time(cuts: list[TimeRange]) -> None:
    day = tr("08:00", "18:00")
    left = subtract_all((day,), tuple(cuts))
    for piece in left:
        assert not any(piece.overlaps(c) for c in cuts)
    covered = {m for c in cuts for m in range(minutes_of(c.start), minutes_of(c.end))}
    expected = sum(1 for m in range(8 * 60, 18 * 60) if m not in covered)
    assert sum(p.minutes for p in left) == expected


# -- rosters, absences, efficiency ----------------------------------------------------------

def test_shift_working_time_excludes_breaks() -> None:
    assert DAY_SHIFT.working_periods() == (tr("08:30", "12:00"), tr("13:00", "17:30"))
    assert DAY_SHIFT.working_minutes == 8 * 60


def test_break_outside_shift_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the shift"):
        Shift(time(8, 30), time(12, 0), (tr("12:00", "13:00"),))


def test_roster_needs_seven_days() -> None:
    with pytest.raises(ValueError, match="7 days"):
        WeeklyRoster((DAY_SHIFT,) * 5)


def test_technician_is_not_at_work_on_rest_day_or_whole_day_absence() -> None:
    t = tech(absences=(Absence(MONDAY, MONDAY, AbsenceKind.SICKNESS),))
    assert t.working_periods_on(MONDAY) == ()
    assert t.working_periods_on(SATURDAY) == ()
    assert t.working_periods_on(date(2026, 11, 24)) == DAY_SHIFT.working_periods()
    assert t.is_absent(MONDAY) and not t.is_absent(date(2026, 11, 24))


def test_half_day_training_removes_only_the_morning() -> None:
    t = tech(absences=(Absence(MONDAY, MONDAY, AbsenceKind.TRAINING, tr("08:30", "12:00")),))
    assert t.working_periods_on(MONDAY) == (tr("13:00", "17:30"),)
    assert not t.is_absent(MONDAY)


def test_job_minutes_scale_with_efficiency() -> None:
    assert tech(efficiency=1.0).job_minutes(1.5) == 90
    assert tech(efficiency=1.2).job_minutes(1.0) == 50
    assert tech(efficiency=0.85).job_minutes(1.0) == 71  # rounded up: a job never takes less


def test_technician_needs_a_skill_and_a_sane_efficiency() -> None:
    with pytest.raises(ValueError, match="no skill"):
        tech(skills=frozenset())
    with pytest.raises(ValueError, match="efficiency"):
        tech(efficiency=5.0)


def test_advisor_reception_capacity_and_working_days() -> None:
    adv = ServiceAdvisor("SA1", "王芳", WEEKDAYS_ONLY, reception_capacity=2)
    assert adv.works_on(MONDAY) and not adv.works_on(SATURDAY)
    assert adv.working_days == frozenset(range(5))
    with pytest.raises(ValueError, match="reception capacity"):
        ServiceAdvisor("SA2", "x", WEEKDAYS_ONLY, reception_capacity=0)


# -- bays, parts ----------------------------------------------------------------------------

def test_bay_out_of_service_only_during_outage() -> None:
    bay = Bay("L1", "Lift 1", BayType.GENERAL_LIFT, (BayOutage(MONDAY, date(2026, 11, 24), "inspection"),))
    assert not bay.in_service_on(MONDAY)
    assert bay.in_service_on(date(2026, 11, 25))


def brake_pads(stock: int, *orders: tuple[int, date]) -> Part:
    pos = tuple(PurchaseOrder(f"PO{i}", "41060-C", q, d) for i, (q, d) in enumerate(orders))
    return Part("41060-C", "前刹车片", "Front brake pads", Decimal("450.00"), stock, pos)


def test_part_availability_counts_orders_arriving_by_the_day() -> None:
    part = brake_pads(1, (4, date(2026, 12, 1)), (2, date(2026, 12, 8)))
    assert part.available_by(date(2026, 11, 30)) == 1
    assert part.available_by(date(2026, 12, 1)) == 5
    assert part.available_by(date(2026, 12, 8)) == 7


def test_earliest_date_a_quantity_is_available() -> None:
    today = date(2026, 11, 26)
    assert brake_pads(2).earliest_date_with(2, today) == today
    two_orders = brake_pads(0, (1, date(2026, 12, 1)), (3, date(2026, 12, 4)))
    assert two_orders.earliest_date_with(2, today) == date(2026, 12, 4)
    assert brake_pads(0, (1, date(2026, 12, 1))).earliest_date_with(2, today) is None


def test_purchase_order_for_another_part_is_refused() -> None:
    with pytest.raises(ValueError, match="is for 99999-X"):
        Part("41060-C", "a", "b", Decimal(1), 0, (PurchaseOrder("PO1", "99999-X", 1, MONDAY),))


def test_operation_parts_have_one_canonical_order() -> None:
    a = LabourOperation("OP", "保养", "Service", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, Decimal(360),
                        parts=(PartRequirement("B", 1), PartRequirement("A", 2)))
    assert [r.part_number for r in a.parts] == ["A", "B"]


def test_dealership_refuses_duplicate_codes_and_unknown_parts() -> None:
    dealer = Dealer("D1", "Dealer", OpeningHours((tr("08:30", "18:00"),) * 7))
    op = LabourOperation("OP", "保养", "Service", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, Decimal(360),
                         parts=(PartRequirement("NOPE", 1),))
    with pytest.raises(ValueError, match="unknown part NOPE"):
        Dealership(dealer, (), (), (), (op,), ())
    with pytest.raises(ValueError, match="duplicate technician codes: T1"):
        Dealership(dealer, (), (tech(), tech()), (), (), ())


# -- dealer, vehicles, history --------------------------------------------------------------

def test_dealer_validates_zone_and_grid() -> None:
    hours = OpeningHours((tr("08:30", "18:00"),) * 7)
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        Dealer("D1", "x", hours, time_zone="Mars/Olympus")
    with pytest.raises(ValueError, match="must divide an hour"):
        Dealer("D1", "x", hours, booking_grid_minutes=25)
    assert Dealer("D1", "x", hours).booking_grid_minutes == 15


def car(**kw: object) -> Vehicle:
    base: dict[str, object] = dict(vin="LPCSA5C10N1000017", plate="粤B·12345", customer_no="C1", model="Yuanhang 5",
                                   powertrain=Powertrain.ICE, sale_date=date(2024, 1, 10),
                                   warranty_end_date=date(2027, 1, 10), warranty_end_km=100_000)
    base.update(kw)
    return Vehicle(**base)  # type: ignore[arg-type]


def test_warranty_ends_at_date_or_mileage_whichever_first() -> None:
    v = car()
    assert v.in_warranty(date(2026, 1, 1), km=50_000)
    assert not v.in_warranty(date(2026, 1, 1), km=100_001)
    assert not v.in_warranty(date(2027, 1, 11), km=10)


def test_vin_must_have_17_characters() -> None:
    with pytest.raises(ValueError, match="17 characters"):
        car(vin="SHORT")


def test_repair_order_needs_aware_times_and_an_operation() -> None:
    line = RepairOrderLine("OP", 1.0, Decimal(360), "T1")
    with pytest.raises(ValueError, match="timezone-aware"):
        RepairOrder("RO1", "V", "C", None, datetime(2026, 1, 1, 9), None, 10, False, (line,))
    with pytest.raises(ValueError, match="no operation"):
        RepairOrder("RO1", "V", "C", None, datetime(2026, 1, 1, 9, tzinfo=UTC), None, 10, False, ())
    ro = RepairOrder("RO1", "V", "C", None, datetime(2026, 1, 1, 9, tzinfo=UTC), None, 10, False,
                     (line, RepairOrderLine("OP2", 0.5, Decimal(180), "T2")))
    assert ro.labour_hours == 1.5 and ro.technicians == ("T1", "T2")


def test_active_appointment_names_its_rule() -> None:
    at = datetime(2026, 1, 1, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="names its rule"):
        Appointment("AP1", "V", "C", at, at, AppointmentOrigin.ACTIVE, AppointmentStatus.BOOKED)
    ok = Appointment("AP1", "V", "C", at, at, AppointmentOrigin.ACTIVE, AppointmentStatus.BOOKED, "first_service")
    assert ok.origin_rule == "first_service"
