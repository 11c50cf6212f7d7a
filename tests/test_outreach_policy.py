"""Contact policy (R25, R26): call bands, three tries in 3–5 days in different parts of the
day, then SMS or letter; and the worklist that never calls a customer twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner.domain import Channel, Customer, MileageReading, Powertrain, TimeRange, Vehicle
from planner.domain.outreach import (
    DEFAULT_POLICY,
    ContactAttempt,
    MaintenanceSchedule,
    Outcome,
    OutreachRule,
    OutreachTask,
    PartOfDay,
    TaskStatus,
)
from planner.outreach.facts import PastVisit, VehicleFacts
from planner.outreach.policy import call_window, next_attempt, part_of_day
from planner.outreach.rules import RuleContext
from planner.outreach.worklist import build_worklist

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 30)


def every_day(d: date) -> bool:
    return True


def no_sundays(d: date) -> bool:
    return d.weekday() != 6


def customer(windows: tuple[TimeRange, ...] = (), channel: Channel = Channel.PHONE, no: str = "C1") -> Customer:
    return Customer(no, "李娜", "13900000000", None, windows, channel)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZONE)


def simulate_unreachable(c: Customer, start: datetime, desk_open: object = every_day,
                         days: int = 10) -> list[ContactAttempt]:
    """The desk works the task each time the policy says, and nobody ever answers."""
    attempts: list[ContactAttempt] = []
    now = start
    for _ in range(20):
        nxt = next_attempt(DEFAULT_POLICY, c, attempts, now, desk_open)  # type: ignore[arg-type]
        if nxt.done or nxt.day is None or nxt.day > start.date() + timedelta(days=days):
            break
        assert nxt.channel is not None
        if nxt.channel is Channel.PHONE:
            assert nxt.window is not None
            when = max(now, at(nxt.day, nxt.window.start.hour, nxt.window.start.minute))
            attempts.append(ContactAttempt("T1", when, Channel.PHONE, Outcome.NO_ANSWER))
        else:
            when = max(now, at(nxt.day, 10))
            attempts.append(ContactAttempt("T1", when, nxt.channel, Outcome.SENT))
            break  # the task is settled once a message went out
        now = when + timedelta(minutes=5)
    return attempts


def test_a_week_of_unanswered_calls_follows_the_policy() -> None:
    attempts = simulate_unreachable(customer(), at(MONDAY, 9))
    calls = [a for a in attempts if a.channel is Channel.PHONE]
    assert len(calls) == 3
    days = [a.at.date() for a in calls]
    assert len(set(days)) == 3, "one call a day"
    assert 3 <= (days[-1] - days[0]).days + 1 <= 5, "three tries within 3 to 5 days"
    assert len({part_of_day(a.at.time()) for a in calls}) == 3, "each in a different part of the day"
    for a in calls:
        window = call_window(DEFAULT_POLICY, customer(), part_of_day(a.at.time()))
        assert window is not None and window.contains(a.at.time()), "calls only within the acceptable bands"
    assert attempts[-1].channel is Channel.SMS and attempts[-1].at.date() > days[-1]


def test_closed_days_push_calls_but_keep_them_apart() -> None:
    saturday = date(2026, 12, 5)
    attempts = simulate_unreachable(customer(), at(saturday, 9), desk_open=no_sundays)
    days = [a.at.date() for a in attempts if a.channel is Channel.PHONE]
    assert all(d.weekday() != 6 for d in days) and len(set(days)) == 3


def test_calls_follow_the_customers_own_times_inside_the_bands() -> None:
    evening_person = customer((TimeRange(time(18, 30), time(21, 0)),))
    nxt = next_attempt(DEFAULT_POLICY, evening_person, (), at(MONDAY, 9), every_day)
    assert nxt.part is PartOfDay.EVENING and nxt.window == TimeRange(time(19, 0), time(20, 30))
    lunch_person = customer((TimeRange(time(12, 0), time(13, 30)),))  # asks for the rest hour: not honoured
    nxt = next_attempt(DEFAULT_POLICY, lunch_person, (), at(MONDAY, 9), every_day)
    assert nxt.window is not None and not nxt.window.overlaps(TimeRange(time(12, 0), time(14, 0)))


def test_a_part_of_today_already_over_is_skipped() -> None:
    nxt = next_attempt(DEFAULT_POLICY, customer(), (), at(MONDAY, 12, 0), every_day)
    assert nxt.day == MONDAY and nxt.part is PartOfDay.AFTERNOON


def test_an_sms_customer_gets_an_sms_first_and_a_wrong_number_a_letter() -> None:
    nxt = next_attempt(DEFAULT_POLICY, customer(channel=Channel.SMS), (), at(MONDAY, 9), every_day)
    assert nxt.channel is Channel.SMS
    wrong = [ContactAttempt("T1", at(MONDAY, 10), Channel.PHONE, Outcome.WRONG_NUMBER)]
    assert next_attempt(DEFAULT_POLICY, customer(), wrong, at(MONDAY, 11), every_day).channel is Channel.LETTER


def test_a_run_that_slipped_past_its_span_goes_to_sms() -> None:
    tried = [ContactAttempt("T1", at(MONDAY, 10), Channel.PHONE, Outcome.NO_ANSWER),
             ContactAttempt("T1", at(MONDAY + timedelta(days=1), 15), Channel.PHONE, Outcome.NO_ANSWER)]
    on_time = next_attempt(DEFAULT_POLICY, customer(), tried, at(MONDAY + timedelta(days=2), 9), every_day)
    late = next_attempt(DEFAULT_POLICY, customer(), tried, at(MONDAY + timedelta(days=6), 9), every_day)
    assert on_time.channel is Channel.PHONE and late.channel is Channel.SMS


def test_reaching_the_customer_starts_a_new_run_of_calls() -> None:
    tried = [ContactAttempt("T1", at(MONDAY, 10), Channel.PHONE, Outcome.NO_ANSWER),
             ContactAttempt("T1", at(MONDAY + timedelta(days=1), 15), Channel.PHONE, Outcome.NO_ANSWER),
             ContactAttempt("T1", at(MONDAY + timedelta(days=2), 19), Channel.PHONE, Outcome.CALL_BACK,
                            call_back_on=MONDAY + timedelta(days=7))]
    nxt = next_attempt(DEFAULT_POLICY, customer(), tried, at(MONDAY + timedelta(days=7), 9), every_day)
    assert nxt.channel is Channel.PHONE and nxt.call_no == 1


# -- the worklist ----------------------------------------------------------------------------

SCHEDULE = MaintenanceSchedule("")


def dormant_car(no: str, vin_tail: int, booking_ahead: bool = False) -> VehicleFacts:
    sale = date(2022, 1, 1)
    v = Vehicle(f"LPCSA5C1XR{vin_tail:07d}", f"粤B·{vin_tail:05d}", no, "Yuanhang 5 1.5T", Powertrain.ICE, sale,
                date(2025, 1, 1), 100_000, (MileageReading(sale, 0, "sale"),))
    visit = PastVisit(date(2026, 5, 1), 40_000, True, False, frozenset({"MNT"}))
    return VehicleFacts(v, customer(no=no), SCHEDULE, (visit,), booking_ahead=booking_ahead)


def test_the_worklist_skips_customers_with_a_booking_or_an_open_task_and_caps_calls() -> None:
    cars = [dormant_car(f"C{i}", i) for i in range(10)] + [dormant_car("CB", 99, booking_ahead=True)]
    open_task = OutreachTask("OT1", "C0", cars[0].vehicle.vin, OutreachRule.DORMANT, date(2026, 11, 1),
                             date(2026, 11, 1), 3, Channel.PHONE, TaskStatus.OPEN,
                             next_contact_on=MONDAY + timedelta(3))
    wl = build_worklist(cars, MONDAY, at(MONDAY, 9), RuleContext(), DEFAULT_POLICY, [open_task], {}, every_day,
                        limit=5)
    customers = [i.customer.customer_no for i in wl.items]
    assert "CB" not in customers and "C0" not in customers  # booked ahead; task open but not due today
    assert len(customers) == len(set(customers)) == 5
    assert wl.backlog == 4


def test_a_retry_due_today_comes_before_new_reminders_of_its_priority() -> None:
    cars = [dormant_car(f"C{i}", i) for i in range(3)]
    task = OutreachTask("OT1", "C2", cars[2].vehicle.vin, OutreachRule.PERIODIC_SERVICE, date(2026, 11, 1),
                        date(2026, 11, 1), 2, Channel.PHONE, TaskStatus.OPEN, next_contact_on=MONDAY)
    tried = {"OT1": [ContactAttempt("OT1", at(MONDAY - timedelta(days=1), 10), Channel.PHONE, Outcome.NO_ANSWER)]}
    wl = build_worklist(cars, MONDAY, at(MONDAY, 9), RuleContext(), DEFAULT_POLICY, [task], tried, every_day, limit=2)
    assert wl.items[0].task is task and wl.items[0].next.call_no == 2
    assert wl.items[0].next.part is not PartOfDay.MORNING  # the first call was in the morning


def test_the_retry_span_counts_only_days_the_desk_works() -> None:
    def closed_midweek(d: date) -> bool:  # Tuesday to Thursday closed, as in a holiday week
        return d.weekday() not in (1, 2, 3)

    attempts = simulate_unreachable(customer(), at(MONDAY, 9), desk_open=closed_midweek)
    days = [a.at.date() for a in attempts if a.channel is Channel.PHONE]
    assert [d.weekday() for d in days] == [0, 4, 5]  # Monday, then Friday and Saturday: 3 desk days


def test_a_more_urgent_new_reminder_comes_before_a_retry() -> None:
    cars = [dormant_car("C0", 0), dormant_car("C1", 1)]
    task = OutreachTask("OT1", "C1", cars[1].vehicle.vin, OutreachRule.LOST, date(2026, 11, 1), date(2026, 11, 1),
                        4, Channel.PHONE, TaskStatus.OPEN, next_contact_on=MONDAY)
    wl = build_worklist(cars, MONDAY, at(MONDAY, 9), RuleContext(), DEFAULT_POLICY, [task], {}, every_day, limit=1)
    assert wl.items[0].customer.customer_no == "C0" and wl.backlog == 1
