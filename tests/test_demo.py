"""The reference dealership: size, determinism, and the structure forecasts are judged on."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise
from statistics import mean, median

import pytest

from planner.demo import DemoSize, build_demo
from planner.domain import (
    AppointmentStatus,
    DayKind,
    DealerCalendar,
    Dealership,
    OperationCategory,
    Powertrain,
    ServiceHistory,
    Skill,
)

from .conftest import TODAY

Demo = tuple[Dealership, ServiceHistory]


def daily_counts(demo: Demo) -> dict[date, int]:
    dealership, history = demo
    zone = dealership.dealer.zone
    counts = Counter(o.opened_at.astimezone(zone).date() for o in history.repair_orders)
    first = min(counts)
    return {first + timedelta(days=i): counts.get(first + timedelta(days=i), 0)
            for i in range((TODAY - first).days)}


def test_same_seed_same_dealership_other_seed_other_history() -> None:
    size = DemoSize(vehicles=150, history_years=1)
    a, b, c = build_demo(3, TODAY, size), build_demo(3, TODAY, size), build_demo(4, TODAY, size)
    assert a == b
    assert a[1].repair_orders != c[1].repair_orders


def test_size_of_the_reference_dealership(full_demo: Demo) -> None:
    dealership, history = full_demo
    assert len(dealership.technicians) == 30
    assert len(dealership.bays) == 24
    assert len(dealership.advisors) == 5
    assert 100 <= len(dealership.operations) <= 140
    assert 450 <= len(dealership.parts) <= 600
    assert len(history.vehicles) == 12_000
    assert 11_000 <= len(history.customers) <= 12_000
    skills = Counter(s for t in dealership.technicians for s in t.skills)
    assert all(skills[s] >= 5 for s in Skill)
    days = daily_counts(full_demo)
    open_days = [n for n in days.values() if n > 0]
    assert 80 <= mean(open_days) <= 105, mean(open_days)
    assert 80 <= len(history.repair_orders) / len(days) <= 100  # about 90 a day, closed days included


def test_stock_outs_and_open_orders_exist(full_demo: Demo) -> None:
    dealership, _ = full_demo
    used = {r.part_number for op in dealership.operations for r in op.parts}
    out = [p for p in dealership.parts if p.part_number in used and p.stock_on_hand == 0]
    assert out, "some parts that bookings need are out of stock"
    assert any(p.open_orders for p in out) and any(not p.open_orders for p in out)
    assert all(po.expected_date > TODAY for p in dealership.parts for po in p.open_orders)


def test_weekend_busier_than_weekdays_and_saturday_busiest(full_demo: Demo) -> None:
    cal = DealerCalendar(full_demo[0].dealer)
    by_kind: dict[DayKind, list[int]] = defaultdict(list)
    by_weekday: dict[int, list[int]] = defaultdict(list)
    for day, n in daily_counts(full_demo).items():
        by_kind[cal.day_kind(day)].append(n)
        if cal.day_kind(day) in (DayKind.WORKDAY, DayKind.WEEKEND):
            by_weekday[day.weekday()].append(n)
    assert mean(by_kind[DayKind.WEEKEND]) > 1.15 * mean(by_kind[DayKind.WORKDAY])
    assert max(by_weekday, key=lambda d: mean(by_weekday[d])) == 5


def test_morning_peak_and_smaller_early_afternoon_peak(full_demo: Demo) -> None:
    dealership, history = full_demo
    zone = dealership.dealer.zone
    hours = Counter(o.opened_at.astimezone(zone).hour for o in history.repair_orders)
    assert max(hours, key=hours.__getitem__) in (9, 10)
    assert hours[12] < hours[13] or hours[12] < hours[14]  # a lull at lunch, then a second peak
    afternoon = max(hours[13], hours[14])
    assert hours[12] < afternoon < max(hours[9], hours[10])
    assert afternoon > hours[16]


def test_closed_on_holidays_with_surges_before_and_after_long_ones(full_demo: Demo) -> None:
    cal = DealerCalendar(full_demo[0].dealer)
    days = daily_counts(full_demo)
    assert all(n == 0 for d, n in days.items() if not cal.is_open(d))
    assert all(n > 0 for d, n in days.items() if cal.is_open(d))
    ratios_before, ratios_after = [], []
    first, last = min(days), max(days)
    for period in cal.holiday_periods(first, last):
        if not period.is_long or period.days.start - timedelta(days=35) < first or period.days.end + \
                timedelta(days=35) > last:
            continue
        normal = mean(n for d, n in days.items() if 14 <= abs((d - period.days.start).days) <= 35 and n > 0)
        before = [days[period.days.start - timedelta(days=k)] for k in (1, 2)]
        after = [days[period.days.end + timedelta(days=k)] for k in (1, 2)]
        ratios_before.append(mean(before) / normal)
        ratios_after.append(mean(after) / normal)
    assert len(ratios_before) >= 8
    assert median(ratios_before) > 1.4 and median(ratios_after) > 1.4


def test_growth_and_season(full_demo: Demo) -> None:
    days = daily_counts(full_demo)
    first_year = [n for d, n in days.items() if d < min(days) + timedelta(days=365)]
    last_year = [n for d, n in days.items() if d >= TODAY - timedelta(days=365)]
    assert mean(last_year) > 1.1 * mean(first_year)
    by_month: dict[int, list[int]] = defaultdict(list)
    for d, n in days.items():
        if d.year == 2025 and n:
            by_month[d.month].append(n)
    assert mean(by_month[7]) > 1.2 * mean(by_month[3])  # summer AC campaign and repairs


def test_campaign_visits_fall_inside_their_campaigns(full_demo: Demo) -> None:
    dealership, history = full_demo
    zone = dealership.dealer.zone
    campaign_ops = {c.op_code: c for c in dealership.campaigns if c.op_code}
    windows: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for c in dealership.campaigns:
        if c.op_code:
            windows[c.op_code].append((c.start, c.end + timedelta(days=60)))
    seen = 0
    for ro in history.repair_orders:
        day = ro.opened_at.astimezone(zone).date()
        for line in ro.lines:
            if line.op_code in campaign_ops:
                seen += 1
                assert any(a <= day <= b for a, b in windows[line.op_code]), (line.op_code, day)
    assert seen > 1000


def test_maintenance_returns_follow_mileage(full_demo: Demo) -> None:
    dealership, history = full_demo
    maintenance = {o.op_code for o in dealership.operations if o.category is OperationCategory.MAINTENANCE
                   and o.op_code.startswith("MNT-")}
    engines = {v.vin for v in history.vehicles if v.powertrain is not Powertrain.BEV}
    visits: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for ro in history.repair_orders:
        if ro.vin in engines and any(ln.op_code in maintenance for ln in ro.lines):
            visits[ro.vin].append((ro.opened_at.date(), ro.mileage_km))
    km_gaps, day_gaps = [], []
    for seq in visits.values():
        for (d0, k0), (d1, k1) in pairwise(seq):
            km_gaps.append(k1 - k0)
            day_gaps.append((d1 - d0).days)
    # a 5,000 km / 6 month schedule, kept loosely by real people
    assert 3_500 <= median(km_gaps) <= 7_000
    assert 90 <= median(day_gaps) <= 200


def test_mileage_readings_never_go_backwards(full_demo: Demo) -> None:
    for v in full_demo[1].vehicles[:2000]:
        kms = [r.km for r in v.readings]
        assert kms == sorted(kms)
        assert v.readings[0].source == "sale" and v.readings[0].read_on == v.sale_date


def test_appointments_a_third_with_no_shows(full_demo: Demo) -> None:
    _, history = full_demo
    share = sum(o.from_appointment for o in history.repair_orders) / len(history.repair_orders)
    assert 0.28 <= share <= 0.40
    status = Counter(a.status for a in history.appointments)
    no_show_rate = status[AppointmentStatus.NO_SHOW] / len(history.appointments)
    assert 0.04 <= no_show_rate <= 0.12
    assert all(a.ro_number is None for a in history.appointments if a.status is AppointmentStatus.NO_SHOW)
    completed = [a for a in history.appointments if a.status is AppointmentStatus.COMPLETED]
    assert all(a.ro_number for a in completed)
    assert {a.origin_rule for a in history.appointments if a.origin_rule} >= {"periodic_service", "first_service"}


def test_dormant_and_lost_customers(full_demo: Demo) -> None:
    _, history = full_demo
    last_visit: dict[str, date] = {}
    for ro in history.repair_orders:
        last_visit[ro.customer_no] = max(last_visit.get(ro.customer_no, date.min), ro.opened_at.date())
    gaps = [(TODAY - d).days for d in last_visit.values()]
    dormant = sum(180 <= g < 365 for g in gaps) / len(gaps)
    lost = sum(g >= 365 for g in gaps) / len(gaps)
    assert 0.05 <= dormant <= 0.35 and 0.03 <= lost <= 0.35, (dormant, lost)


def test_declined_recommendations_can_wait_until_later(full_demo: Demo) -> None:
    _, history = full_demo
    declined = [(ro, d) for ro in history.repair_orders for d in ro.declined]
    assert len(declined) > 0.03 * len(history.repair_orders)
    for ro, d in declined[:500]:
        assert d.wait_until_date is not None and d.wait_until_date > ro.opened_at.date()
        assert d.wait_until_km is not None and d.wait_until_km > ro.mileage_km


def test_work_is_done_by_skilled_staff_in_opening_hours(full_demo: Demo) -> None:
    dealership, history = full_demo
    cal = DealerCalendar(dealership.dealer)
    ops = {o.op_code: o for o in dealership.operations}
    techs = {t.code: t for t in dealership.technicians}
    electrified = {v.vin for v in history.vehicles if v.powertrain.high_voltage}
    for ro in history.repair_orders[::50]:
        assert cal.is_open_at(ro.opened_at)
        for line in ro.lines:
            op = ops[line.op_code]
            assert line.technician_code is not None and op.skill in techs[line.technician_code].skills
            if op.skill is Skill.EV:
                assert ro.vin in electrified


@pytest.mark.parametrize("vehicles", [50])
def test_tiny_fleet_still_builds(vehicles: int) -> None:
    dealership, history = build_demo(11, TODAY, DemoSize(vehicles=vehicles, history_years=1))
    assert len(history.vehicles) == vehicles and dealership.technicians


def test_no_day_takes_more_work_than_the_workshop_can_carry(full_demo: Demo) -> None:
    from planner.demo.history import OVERLOAD_LIMIT, Staffing

    dealership, history = full_demo
    zone = dealership.dealer.zone
    staffing = Staffing(dealership)
    hours: dict[date, float] = defaultdict(float)
    for ro in history.repair_orders:
        hours[ro.opened_at.astimezone(zone).date()] += ro.labour_hours
    loads = sorted(h / staffing.labour_hours(d) for d, h in hours.items())
    assert loads[-1] <= OVERLOAD_LIMIT * 1.15  # walk-ins after a no-show may add a little
    assert 0.5 <= loads[len(loads) // 2] <= 0.9  # a normal day is comfortably loaded


def test_staff_on_repair_orders_were_at_work(full_demo: Demo) -> None:
    dealership, history = full_demo
    zone = dealership.dealer.zone
    techs = {t.code: t for t in dealership.technicians}
    advisors = {a.code: a for a in dealership.advisors}
    for ro in history.repair_orders[::20]:
        day = ro.opened_at.astimezone(zone).date()
        advisor = advisors[ro.advisor_code or ""]
        assert not any(a.covers(day) and a.whole_day for a in advisor.absences)
        for line in ro.lines:
            tech = techs[line.technician_code or ""]
            assert any(tech.working_periods_on(day + timedelta(days=k)) for k in range(14))


def test_bookings_are_taken_during_opening_hours_before_the_slot(full_demo: Demo) -> None:
    dealership, history = full_demo
    cal = DealerCalendar(dealership.dealer)
    for appt in history.appointments[::10]:
        assert appt.created_at < appt.slot_start
        assert cal.is_open_at(appt.created_at) and cal.is_open_at(appt.slot_start)


def test_the_last_days_are_not_special(full_demo: Demo) -> None:
    """Visits due after the history ends are censored, not piled onto its last days."""
    days = daily_counts(full_demo)
    ordered = [n for _, n in sorted(days.items())]
    last_week, before = ordered[-7:], ordered[-35:-7]
    assert 0.75 <= mean(last_week) / mean(before) <= 1.3
