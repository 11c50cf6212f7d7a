"""Outreach rules (R18–R24, R30): each at its boundary dates, in satisfied/violated pairs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import Campaign, CampaignKind, Customer, MileageReading, Powertrain, Vehicle
from planner.domain.outreach import MaintenanceSchedule, OutreachRule, TaskStatus
from planner.outreach.facts import OpenDeclined, PastTask, PastVisit, VehicleFacts, open_declined
from planner.outreach.mileage import estimate_mileage
from planner.outreach.rules import (
    RuleContext,
    add_months,
    campaign,
    declined_repair,
    dormant,
    first_service,
    lost,
    next_follow_up,
    open_reminders,
    periodic_service,
    reminders,
    walk_in_wait,
    warranty_first,
    warranty_second,
)

CTX = RuleContext()
SCHEDULE = MaintenanceSchedule("Yuanhang 5 1.5T", first_months=3, first_km=3000, interval_months=6, interval_km=5000,
                               typical_km_per_day=40.0)
CUSTOMER = Customer("C000001", "张伟", "13800000000")


def car(sale: date, readings: tuple[MileageReading, ...] = (), warranty_end: date | None = None,
        warranty_km: int = 100_000) -> Vehicle:
    return Vehicle("LPCSA5C1XR0000001", "粤B·12345", "C000001", "Yuanhang 5 1.5T", Powertrain.ICE, sale,
                   warranty_end or date(sale.year + 3, sale.month, min(sale.day, 28)), warranty_km,
                   (MileageReading(sale, 0, "sale"), *readings))


def facts(vehicle: Vehicle, visits: tuple[PastVisit, ...] = (), **kw: object) -> VehicleFacts:
    return VehicleFacts(vehicle, CUSTOMER, SCHEDULE, visits, **kw)  # type: ignore[arg-type]


def service(day: date, km: int, appointment: bool = True) -> PastVisit:
    return PastVisit(day, km, True, appointment, frozenset({"MNT-MIN-YH5"}))


def is_open(rule: object, f: VehicleFacts, day: date, ctx: RuleContext = CTX) -> bool:
    r = rule(f, day, ctx)  # type: ignore[operator]
    return r is not None and r.open_on(day)


# -- R18 first service ---------------------------------------------------------------------


def test_first_service_opens_three_months_after_the_sale() -> None:
    f = facts(car(date(2026, 8, 26)))
    assert not is_open(first_service, f, date(2026, 11, 25))
    assert is_open(first_service, f, date(2026, 11, 26))


def test_first_service_is_not_reminded_once_a_service_was_done() -> None:
    sale = date(2026, 8, 26)
    f = facts(car(sale), (service(date(2026, 11, 1), 2900),))
    assert first_service(f, date(2026, 11, 26), CTX) is None


def test_first_service_comes_earlier_when_readings_show_heavy_use() -> None:
    sale = date(2026, 8, 1)
    heavy = car(sale, (MileageReading(date(2026, 9, 10), 4000, "phone"),))  # 100 km a day: 3000 km by 31 Aug
    r = first_service(facts(heavy), date(2026, 9, 11), CTX)
    assert r is not None and r.due_date < add_months(sale, 3)
    assert r.open_on(date(2026, 9, 11))


def test_first_service_window_closes_three_months_after_it_opens() -> None:
    f = facts(car(date(2026, 2, 26)))
    assert is_open(first_service, f, date(2026, 8, 26))
    assert not is_open(first_service, f, date(2026, 8, 27))


# -- R19 periodic service -------------------------------------------------------------------


def test_periodic_service_by_time_is_reminded_two_weeks_ahead() -> None:
    slow = car(date(2024, 5, 1), (MileageReading(date(2026, 5, 1), 7300, "repair_order"),))  # 10 km a day
    f = facts(slow, (service(date(2026, 5, 1), 7300),))
    due = date(2026, 11, 1)
    assert periodic_service(f, due, CTX).due_date == due  # type: ignore[union-attr]
    assert not is_open(periodic_service, f, due - timedelta(days=15))
    assert is_open(periodic_service, f, due - timedelta(days=14))
    assert is_open(periodic_service, f, due + timedelta(days=60))
    assert not is_open(periodic_service, f, due + timedelta(days=61))


def test_periodic_service_by_km_uses_the_cars_own_daily_mileage() -> None:
    sale = date(2025, 5, 1)
    fast = car(sale, (MileageReading(date(2025, 11, 1), 18_400, "repair_order"),
                      MileageReading(date(2026, 5, 1), 36_500, "repair_order")))  # 100 km a day
    f = facts(fast, (service(date(2026, 5, 1), 36_500),))
    r = periodic_service(f, date(2026, 5, 10), CTX)
    assert r is not None and r.reason_key == "outreach.reason.periodic_km"
    assert r.due_date == date(2026, 6, 20)  # 5,000 km at 100 km a day
    assert not r.open_on(date(2026, 6, 5)) and r.open_on(date(2026, 6, 6))


def test_periodic_service_falls_back_to_the_models_typical_rate() -> None:
    f = facts(car(date(2026, 1, 5)), (service(date(2026, 4, 5), 3000),))
    r = periodic_service(f, date(2026, 6, 1), CTX)
    # only sale + one reading 90 days apart: the slope is the car's own (33 km a day), not typical
    assert r is not None and r.params["per_day"] == 33


def test_no_periodic_reminder_before_the_first_service() -> None:
    assert periodic_service(facts(car(date(2026, 1, 5))), date(2026, 11, 26), CTX) is None


# -- mileage estimate --------------------------------------------------------------------------


def test_one_mistyped_reading_does_not_drag_the_estimate() -> None:
    sale = date(2024, 1, 1)
    good = tuple(MileageReading(sale + timedelta(days=90 * i), 4_500 * i, "ro") for i in range(1, 8))
    typo = MileageReading(sale + timedelta(days=700), 450_000, "ro")  # an extra zero
    clean = estimate_mileage((MileageReading(sale, 0, "sale"), *good), date(2026, 1, 1), 40.0)
    dirty = estimate_mileage((MileageReading(sale, 0, "sale"), *good, typo), date(2026, 1, 1), 40.0)
    assert clean.from_readings and dirty.from_readings
    assert abs(dirty.km_per_day - 50.0) < 2.0 and abs(clean.km_per_day - 50.0) < 0.5
    assert abs(dirty.km_on(date(2026, 3, 1)) - clean.km_on(date(2026, 3, 1))) < 1_500


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(5, 300), gaps=st.lists(st.integers(20, 200), min_size=2, max_size=8))
def test_the_estimate_recovers_a_steady_rate(rate: float, gaps: list[int]) -> None:
    sale = date(2022, 1, 1)
    day, readings = sale, [MileageReading(sale, 0, "sale")]
    for g in gaps:
        day += timedelta(days=g)
        readings.append(MileageReading(day, round((day - sale).days * rate), "ro"))
    est = estimate_mileage(readings, day + timedelta(days=1), 40.0)
    if est.from_readings:
        assert abs(est.km_per_day - rate) < 0.02 * rate + 0.05


# -- R20 warranty -----------------------------------------------------------------------------


def test_warranty_first_invitation_one_month_before_the_end() -> None:
    f = facts(car(date(2024, 1, 15), warranty_end=date(2027, 1, 15)))
    assert not is_open(warranty_first, f, date(2026, 12, 14))
    assert is_open(warranty_first, f, date(2026, 12, 15))
    assert is_open(warranty_first, f, date(2026, 12, 31))
    assert not is_open(warranty_first, f, date(2027, 1, 1))


def test_warranty_second_invitation_only_if_the_first_did_not_succeed() -> None:
    end = date(2027, 1, 15)
    v = car(date(2024, 1, 15), warranty_end=end)
    failed = facts(v, tasks=(PastTask("OT1", OutreachRule.WARRANTY_FIRST, end, TaskStatus.DECLINED),))
    booked = facts(v, tasks=(PastTask("OT1", OutreachRule.WARRANTY_FIRST, end, TaskStatus.BOOKED),))
    assert v.warranty_end_date == end  # the anchor of both invitations
    assert not is_open(warranty_second, failed, date(2026, 12, 31))
    assert is_open(warranty_second, failed, date(2027, 1, 1))
    assert not is_open(warranty_second, booked, date(2027, 1, 1))


def test_no_warranty_invitation_after_a_visit_in_the_last_month() -> None:
    end = date(2027, 1, 15)
    f = facts(car(date(2024, 1, 15), warranty_end=end), (service(date(2026, 12, 20), 30_000),))
    assert warranty_first(f, date(2026, 12, 21), CTX) is None
    assert warranty_second(f, date(2027, 1, 2), CTX) is None


def test_warranty_ends_at_its_km_when_the_car_gets_there_first() -> None:
    sale = date(2024, 1, 15)
    v = car(sale, (MileageReading(date(2026, 1, 15), 73_100, "ro"),), warranty_end=date(2027, 1, 15))  # 100 km/day
    r = warranty_first(facts(v), date(2026, 1, 20), CTX)
    assert r is not None and r.due_date == date(2026, 1, 15) + timedelta(days=269)  # 100,000 km


# -- R21 dormant, R22 lost ------------------------------------------------------------------


def test_dormant_after_six_months_without_a_visit() -> None:
    f = facts(car(date(2023, 1, 1)), (service(date(2026, 5, 26), 40_000),))
    assert not is_open(dormant, f, date(2026, 11, 25))
    assert is_open(dormant, f, date(2026, 11, 26))


def test_lost_after_twelve_months_and_dormant_ends_there() -> None:
    f = facts(car(date(2022, 1, 1)), (service(date(2025, 11, 26), 40_000),))
    assert is_open(dormant, f, date(2026, 11, 25)) and not is_open(lost, f, date(2026, 11, 25))
    assert not is_open(dormant, f, date(2026, 11, 26)) and is_open(lost, f, date(2026, 11, 26))
    assert not is_open(lost, f, date(2026, 11, 26) + timedelta(days=91))


# -- R23 declined repairs -------------------------------------------------------------------


def test_declined_work_two_weeks_before_its_date() -> None:
    item = OpenDeclined("BRK-FP-C", date(2026, 8, 1), None, date(2026, 12, 10))
    f = facts(car(date(2023, 1, 1)), declined=(item,))
    assert not is_open(declined_repair, f, date(2026, 11, 25))
    assert is_open(declined_repair, f, date(2026, 11, 26))


def test_declined_work_by_km_comes_before_its_date() -> None:
    v = car(date(2025, 1, 1), (MileageReading(date(2026, 1, 1), 36_500, "ro"),))  # 100 km a day
    item = OpenDeclined("BRK-FP-C", date(2026, 1, 1), 41_500, date(2026, 12, 1))
    r = declined_repair(facts(v, declined=(item,)), date(2026, 1, 2), CTX)
    assert r is not None and r.due_date == date(2026, 2, 20)


def test_declined_work_done_on_a_later_visit_is_not_reminded() -> None:
    visits = [PastVisit(date(2026, 8, 1), 30_000, False, False, frozenset({"ENG-CF"})),
              PastVisit(date(2026, 10, 1), 33_000, False, False, frozenset({"BRK-FP-C"}))]
    items = open_declined([(date(2026, 8, 1), "BRK-FP-C", None, date(2026, 12, 10))], visits)
    assert items == ()
    f = facts(car(date(2023, 1, 1)), tuple(visits), declined=items)
    assert declined_repair(f, date(2026, 11, 26), CTX) is None


# -- R24 campaigns ---------------------------------------------------------------------------


def _campaign(models: tuple[str, ...] = (), kind: CampaignKind = CampaignKind.DEALER) -> Campaign:
    return Campaign("WIN2026", "冬季关怀", "Winter care", kind, date(2026, 11, 15), date(2026, 12, 15), "CMP-WIN",
                    models)


def test_campaign_targets_its_models_until_it_ends() -> None:
    f = facts(car(date(2023, 1, 1)))
    ctx = RuleContext((_campaign(("Yuanhang 5 1.5T",)),))
    assert is_open(campaign, f, date(2026, 11, 15), ctx) and is_open(campaign, f, date(2026, 12, 15), ctx)
    assert not is_open(campaign, f, date(2026, 12, 16), ctx)
    assert campaign(f, date(2026, 11, 20), RuleContext((_campaign(("Xingyao EV",)),))) is None


def test_campaign_work_already_done_is_not_offered_again() -> None:
    done = PastVisit(date(2026, 11, 20), 40_000, False, True, frozenset({"CMP-WIN"}))
    f = facts(car(date(2023, 1, 1)), (done,))
    assert campaign(f, date(2026, 11, 21), RuleContext((_campaign(),))) is None


def test_a_recall_comes_first() -> None:
    ctx = RuleContext((_campaign(), Campaign("RC-1", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 11, 1),
                                             date(2027, 2, 1), "RC-FP")))
    r = campaign(facts(car(date(2023, 1, 1))), date(2026, 11, 20), ctx)
    assert r is not None and r.campaign_code == "RC-1" and r.priority == 1


# -- R30 walk-ins who waited ---------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "complained", "expected"), [(45, False, True), (44, False, False),
                                                                 (10, True, True)])
def test_a_long_walk_in_wait_is_followed_up(minutes: int, complained: bool, expected: bool) -> None:
    v = PastVisit(date(2026, 11, 20), 40_000, False, False, frozenset({"ENG-CF"}), minutes, complained)
    f = facts(car(date(2023, 1, 1)), (v,))
    assert not is_open(walk_in_wait, f, date(2026, 11, 20))
    assert is_open(walk_in_wait, f, date(2026, 11, 21)) is expected


def test_no_wait_follow_up_once_they_came_by_appointment() -> None:
    waited = PastVisit(date(2026, 10, 20), 40_000, False, False, frozenset({"ENG-CF"}), 70, True)
    booked = PastVisit(date(2026, 11, 1), 41_000, True, True, frozenset({"MNT-MIN-YH5"}))
    assert walk_in_wait(facts(car(date(2023, 1, 1)), (waited, booked)), date(2026, 11, 2), CTX) is None


# -- all rules together ---------------------------------------------------------------------------


def test_a_car_whose_owner_moved_gets_no_reminder() -> None:
    f = facts(car(date(2022, 1, 1)), (service(date(2025, 1, 1), 40_000),), lost_for_good=True)
    assert reminders(f, date(2026, 11, 26), CTX) == []


def test_a_reminder_already_tasked_is_not_open_again() -> None:
    f = facts(car(date(2023, 1, 1)), (service(date(2026, 5, 26), 40_000),))
    r = dormant(f, date(2026, 11, 26), CTX)
    assert r is not None and r in open_reminders(f, date(2026, 11, 26), CTX)
    tasked = facts(f.vehicle, f.visits, tasks=(PastTask("OT1", OutreachRule.DORMANT, r.anchor, TaskStatus.DECLINED),))
    assert all(x.rule is not OutreachRule.DORMANT for x in open_reminders(tasked, date(2026, 11, 26), CTX))


def test_the_next_follow_up_is_the_next_reminder_to_open() -> None:
    f = facts(car(date(2023, 1, 1)), (service(date(2026, 11, 20), 40_000),))
    nxt = next_follow_up(f, date(2026, 11, 21), CTX)
    assert nxt is not None and nxt.rule is OutreachRule.PERIODIC_SERVICE
    assert nxt.remind_on > date(2026, 11, 21)


def test_a_car_driven_less_this_year_is_estimated_from_this_years_readings() -> None:
    sale = date(2022, 1, 1)
    fast = [MileageReading(sale + timedelta(days=90 * i), 9_000 * i, "ro") for i in range(1, 13)]  # 100 km/day
    last = fast[-1]
    slow = [MileageReading(last.read_on + timedelta(days=90 * i), last.km + 2_700 * i, "ro")
            for i in range(1, 5)]  # then 30 km/day for a year
    est = estimate_mileage((MileageReading(sale, 0, "sale"), *fast, *slow), slow[-1].read_on + timedelta(days=1), 40.0)
    assert abs(est.km_per_day - 30.0) < 1.0
    assert est.from_km == slow[-1].km  # runs from the car's own last reading


def test_too_few_readings_fall_back_to_the_models_typical_rate() -> None:
    f = facts(car(date(2026, 6, 1)))  # the sale reading only
    est = f.mileage(date(2026, 11, 26))
    assert not est.from_readings and est.km_per_day == SCHEDULE.typical_km_per_day


def test_the_walk_in_follow_up_closes_thirty_days_after_the_wait() -> None:
    v = PastVisit(date(2026, 10, 20), 40_000, False, False, frozenset({"ENG-CF"}), 60, False)
    f = facts(car(date(2023, 1, 1)), (v,))
    assert is_open(walk_in_wait, f, date(2026, 11, 19))
    assert not is_open(walk_in_wait, f, date(2026, 11, 20))


def test_declined_work_is_reminded_until_thirty_days_after_its_limit() -> None:
    item = OpenDeclined("BRK-FP-C", date(2026, 8, 1), None, date(2026, 12, 10))
    f = facts(car(date(2023, 1, 1)), declined=(item,))
    assert is_open(declined_repair, f, date(2027, 1, 9))
    assert not is_open(declined_repair, f, date(2027, 1, 10))
