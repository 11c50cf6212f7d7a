"""The demo's outreach history: walk-in waits, and twelve weeks of tasks and attempts
replayed with the product's rules (R18–R30)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from planner.demo.bookings import future_bookings
from planner.demo.outreach import Replay, created_on, fleet_histories, mondays, outreach_history
from planner.demo.schedules import DEMO_SCHEDULES
from planner.demo.waits import Arrival, complaint_chance, reception_queue, walk_in_waits
from planner.domain import Appointment, Channel, DealerCalendar, Dealership, ServiceHistory
from planner.domain.outreach import (
    DEFAULT_POLICY,
    ContactAttempt,
    Outcome,
    OutreachRule,
    OutreachTask,
    TaskStatus,
    WalkInWait,
)
from planner.outreach.facts import PastTask, facts_from_history
from planner.outreach.policy import call_window, part_of_day
from planner.outreach.rules import RuleContext, open_reminders
from planner.storage import find_dealer_id, open_database
from planner.storage.outreach import load_attempts, load_policy, load_schedules, load_tasks, load_walk_in_waits

from .conftest import TODAY

Demo = tuple[Dealership, ServiceHistory]
Replayed = tuple[list[WalkInWait], list[OutreachTask], list[ContactAttempt]]


@pytest.fixture(scope="module")
def book_ahead(small_demo: Demo) -> list[Appointment]:
    """The small demo's appointments beyond its history, as `write_demo` makes them."""
    dealership, history = small_demo
    return [a for a, _ in future_bookings(dealership, history, TODAY, np.random.default_rng([7, 7]))]


@pytest.fixture(scope="module")
def replayed(small_demo: Demo, book_ahead: list[Appointment]) -> Replayed:
    """The small demo's waits and outreach, as `write_demo` makes them (seed 7)."""
    dealership, history = small_demo
    waits = walk_in_waits(dealership, history, TODAY, np.random.default_rng([7, 9]))
    tasks, attempts = outreach_history(dealership, history, waits, TODAY, np.random.default_rng([7, 10]),
                                       booked=book_ahead)
    return waits, tasks, attempts


# -- walk-in waits ------------------------------------------------------------------------------


def test_every_recent_walk_in_has_a_wait_and_none_is_negative(small_demo: Demo, replayed: Replayed) -> None:
    dealership, history = small_demo
    waits, _, _ = replayed
    zone = dealership.dealer.zone
    recent_walk_ins = {ro.ro_number for ro in history.repair_orders if not ro.from_appointment
                       and TODAY - timedelta(days=365) <= ro.opened_at.astimezone(zone).date() < TODAY}
    assert {w.ro_number for w in waits} == recent_walk_ins
    assert len(waits) == len(recent_walk_ins)
    assert all(w.waited_minutes >= 0 for w in waits)


def test_one_advisor_receives_walk_ins_in_turn_and_appointments_first() -> None:
    desk = [[(540.0, 720.0), (780.0, 1080.0)]]  # 09:00-12:00, 13:00-18:00
    arrivals = [Arrival(540, "a", True), Arrival(540, "b", True), Arrival(545, "c", False), Arrival(546, "d", True)]
    waited = reception_queue(arrivals, desk, [12.0, 12.0, 12.0])
    # a at once (to 09:12); the booked c (6 min) goes before b, who waited since 09:00; d after b (09:30)
    assert waited == [0.0, 18.0, 24.0]
    lunch = reception_queue([Arrival(715, "e", True), Arrival(716, "f", True)], desk, [12.0, 12.0])
    assert lunch == [0.0, 780 - 716]  # the advisor goes to lunch after e; f waits until 13:00


def test_waits_are_longer_on_a_busy_morning_than_on_a_quiet_afternoon() -> None:
    rng = np.random.default_rng(1)
    advisors = [[(510.0, 720.0), (780.0, 1080.0)] for _ in range(3)]
    morning = sorted(rng.normal(9.6 * 60, 30, 40))
    afternoon = sorted(rng.uniform(15 * 60, 17 * 60, 8))
    arrivals = [Arrival(m, f"m{i}", True) for i, m in enumerate(morning)]
    arrivals += [Arrival(m, f"a{i}", True) for i, m in enumerate(afternoon)]
    waited = reception_queue(arrivals, advisors, list(rng.lognormal(np.log(12), 0.38, len(arrivals))))
    busy, quiet = np.mean(waited[:40]), np.mean(waited[40:])
    assert busy > 15 > quiet
    helped = reception_queue(arrivals, advisors, list(rng.lognormal(np.log(12), 0.38, len(arrivals))),
                             helper=[(480.0, 1080.0)], help_from=4)
    assert np.mean(helped[:40]) < busy  # the manager's extra desk shortens the queue


def test_complaints_rise_with_the_wait() -> None:
    chance = complaint_chance(np.array([0.0, 19.0, 25.0, 35.0, 45.0, 120.0]))
    assert list(chance) == sorted(chance)
    assert chance[0] <= 0.05 and chance[-1] >= 0.4


# -- the replay -----------------------------------------------------------------------------------


def test_replay_is_deterministic_for_a_seed(small_demo: Demo, book_ahead: list[Appointment],
                                            replayed: Replayed) -> None:
    dealership, history = small_demo
    waits, tasks, attempts = replayed
    again = outreach_history(dealership, history, waits, TODAY, np.random.default_rng([7, 10]), booked=book_ahead)
    assert again == (tasks, attempts)
    other = outreach_history(dealership, history, waits, TODAY, np.random.default_rng([8, 10]), booked=book_ahead)
    assert other != (tasks, attempts)
    assert walk_in_waits(dealership, history, TODAY, np.random.default_rng([7, 9])) == waits


def test_the_replay_sees_the_same_reminders_as_the_product(small_demo: Demo, replayed: Replayed) -> None:
    dealership, history = small_demo
    waits, _, _ = replayed
    schedules = {s.model: s for s in DEMO_SCHEDULES}
    fleet = fleet_histories(dealership, history, schedules, waits)
    ctx = RuleContext(dealership.campaigns, DEFAULT_POLICY.remind_days_ahead)
    day = TODAY - timedelta(days=40)
    for f in facts_from_history(dealership, history, day, schedules, waits):
        mine = fleet[f.vehicle.vin].facts(day, (), False)
        assert (mine.visits, mine.declined) == (f.visits, f.declined)
        assert open_reminders(mine, day, ctx) == open_reminders(f, day, ctx)


def test_watching_cars_gives_the_same_tasks_as_looking_at_every_car_every_week(
        small_demo: Demo, book_ahead: list[Appointment], replayed: Replayed) -> None:
    dealership, history = small_demo
    waits, tasks, attempts = replayed
    fleet = fleet_histories(dealership, history, {s.model: s for s in DEMO_SCHEDULES}, waits, book_ahead)
    slow = Replay(dealership, fleet, TODAY, np.random.default_rng([7, 10]), DEFAULT_POLICY, every_car_every_week=True)
    slow.run(mondays(TODAY, 12))
    assert slow.tasks == tasks
    assert sorted(slow.attempts, key=lambda a: (a.at, a.task_no)) == attempts


def test_tasks_come_from_the_weekly_runs(small_demo: Demo, replayed: Replayed) -> None:
    _, tasks, attempts = replayed
    origins = set(mondays(TODAY, 12))
    assert len(origins) == 12 and all(d.weekday() == 0 and d < TODAY for d in origins)
    before = min(origins) - timedelta(days=7)  # reminders handled before the replayed weeks
    assert {created_on(t) for t in tasks} <= origins | {before}
    assert all(t.status is TaskStatus.CLOSED for t in tasks if created_on(t) == before)
    assert len({t.task_no for t in tasks}) == len(tasks)
    assert not any(t.rule is OutreachRule.CAMPAIGN for t in tasks)
    assert all(t.remind_on <= created_on(t) for t in tasks)
    assert all(a.at.date() < TODAY for a in attempts)
    statuses = {t.status for t in tasks}
    assert {TaskStatus.BOOKED, TaskStatus.DECLINED, TaskStatus.NOTIFIED} <= statuses
    sms = {c.customer_no for c in small_demo[1].customers if c.preferred_channel is Channel.SMS}
    assert all(t.channel is not Channel.PHONE for t in tasks if t.customer_no in sms and created_on(t) != before)


def _runs(tasks: list[OutreachTask], attempts: list[ContactAttempt]
          ) -> dict[tuple[str, date], tuple[list[OutreachTask], list[ContactAttempt]]]:
    """Each customer's run (one Monday's tasks) with the attempts on its main task."""
    by_task: dict[str, list[ContactAttempt]] = defaultdict(list)
    for a in attempts:
        by_task[a.task_no].append(a)
    runs: dict[tuple[str, date], tuple[list[OutreachTask], list[ContactAttempt]]] = {}
    for t in tasks:
        run = runs.setdefault((t.customer_no, created_on(t)), ([], []))
        run[0].append(t)
        run[1].extend(by_task.get(t.task_no, ()))
    return runs


def test_a_run_shares_one_fate_and_only_its_main_task_has_attempts(replayed: Replayed) -> None:
    _, tasks, attempts = replayed
    for run_tasks, run_attempts in _runs(tasks, attempts).values():
        assert len({(t.status, t.appointment_no, t.next_contact_on) for t in run_tasks}) == 1
        main = min(run_tasks, key=lambda t: t.task_no)
        assert all(a.task_no == main.task_no for a in run_attempts)
        assert (main.priority, main.due_date) == min((t.priority, t.due_date) for t in run_tasks)


def test_every_attempt_obeys_the_contact_policy(small_demo: Demo, replayed: Replayed) -> None:
    dealership, history = small_demo
    _, tasks, attempts = replayed
    policy = DEFAULT_POLICY
    is_open = DealerCalendar(dealership.dealer).is_open
    customers = {c.customer_no: c for c in history.customers}
    checked = 0
    for (customer_no, _), (_, run) in _runs(tasks, attempts).items():
        customer = customers[customer_no]
        run = sorted(run, key=lambda a: a.at)
        assert [a.at for a in run] == sorted({a.at for a in run}), "two attempts at once"
        failed: list[ContactAttempt] = []
        wrong_number = False
        for a in run:
            assert is_open(a.at.date()), f"{a.task_no}: the desk is closed on {a.at:%Y-%m-%d}"
            if a.channel is not Channel.PHONE:
                assert (len(failed) >= policy.max_calls or wrong_number
                        or customer.preferred_channel is Channel.SMS), f"{a.task_no}: SMS or letter too early"
                if failed:
                    assert a.at.date() > failed[-1].at.date()
            elif a.outcome is not Outcome.BOOKED or "booked already" in a.note:
                # a call the desk placed (a booking may also come from the customer calling in)
                window = call_window(policy, customer, part_of_day(a.at.time()))
                assert window is not None and window.contains(a.at.time()), f"{a.task_no}: call at {a.at:%H:%M}"
            if a.outcome.reached:
                failed = []
            elif a.outcome.failed_call:
                failed.append(a)
                assert len(failed) <= policy.max_calls
                parts = [part_of_day(x.at.time()) for x in failed]
                assert len(set(parts)) == len(parts), f"{a.task_no}: two calls in the same part of the day"
                first, last = failed[0].at.date(), failed[-1].at.date()
                # the span counts the desk's days: a holiday closure stretches a run
                desk_days = sum(is_open(first + timedelta(days=i)) for i in range((last - first).days + 1))
                assert desk_days <= policy.max_span_days, f"{a.task_no}: calls over {desk_days} days"
                if len(failed) == policy.max_calls:
                    assert (last - first).days + 1 >= policy.min_span_days
            wrong_number = wrong_number or a.outcome is Outcome.WRONG_NUMBER
            checked += 1
    assert checked == len(attempts) > 100


def test_booked_tasks_name_an_appointment_made_after_the_run_started(small_demo: Demo, book_ahead: list[Appointment],
                                                                     replayed: Replayed) -> None:
    _, history = small_demo
    _, tasks, attempts = replayed
    appointments = {a.appointment_no: a for a in (*history.appointments, *book_ahead)}
    zone = small_demo[0].dealer.zone
    booked = 0
    for (_, origin), (run_tasks, run) in _runs(tasks, attempts).items():
        main = min(run_tasks, key=lambda t: t.task_no)
        if main.status is not TaskStatus.BOOKED:
            assert all(a.outcome is not Outcome.BOOKED for a in run)
            continue
        booked += 1
        appointment = appointments[main.appointment_no or ""]
        assert appointment.vin == main.vin
        since = datetime.combine(origin, time(0), tzinfo=zone)
        assert since <= appointment.created_at <= run[0].at + timedelta(days=21)
        deciding = run[-1]
        assert deciding.outcome is Outcome.BOOKED and deciding.appointment_no == main.appointment_no
        assert deciding.at >= appointment.created_at or "booked already" in deciding.note
    assert booked > 5


def test_no_customer_is_worked_twice_at_once(replayed: Replayed) -> None:
    _, tasks, attempts = replayed
    open_runs: dict[str, set[date]] = defaultdict(set)
    for t in tasks:
        if t.status is TaskStatus.OPEN:
            open_runs[t.customer_no].add(created_on(t))
            assert t.next_contact_on is not None and t.next_contact_on >= TODAY
    assert all(len(days) == 1 for days in open_runs.values())
    by_customer: dict[str, list[tuple[date, list[ContactAttempt]]]] = defaultdict(list)
    for (customer_no, origin), (_, run) in sorted(_runs(tasks, attempts).items()):
        by_customer[customer_no].append((origin, run))
    for runs in by_customer.values():
        for (_, earlier), (later, _) in pairwise(runs):
            assert all(a.at.date() < later for a in earlier), "a new run began while the last was still going"


def test_the_last_monday_leaves_no_reminder_without_a_task(small_demo: Demo, book_ahead: list[Appointment],
                                                           replayed: Replayed) -> None:
    """Steady state: on the last Monday every open reminder has a task, unless its
    customer was busy with an earlier run or had booked already."""
    dealership, history = small_demo
    waits, tasks, attempts = replayed
    last = mondays(TODAY, 12)[-1]
    moment = datetime.combine(last, time(0), tzinfo=dealership.dealer.zone)
    past = [(t.vin, PastTask(t.task_no, t.rule, t.anchor_date, t.status)) for t in tasks]
    vin_of = {t.task_no: t.vin for t in tasks}
    gone = {vin_of[a.task_no] for a in attempts if a.lost_reason is not None and a.lost_reason.final}
    facts = facts_from_history(dealership, history, last, {s.model: s for s in DEMO_SCHEDULES}, waits, past, gone)
    ctx = RuleContext((), DEFAULT_POLICY.remind_days_ahead)
    latest = {a.task_no: a.at for a in attempts}
    busy = {t.customer_no for t in tasks if created_on(t) < last
            and (t.status in (TaskStatus.OPEN, TaskStatus.CLOSED) or latest.get(t.task_no, moment) >= moment)}
    ahead = {a.customer_no for a in (*history.appointments, *book_ahead) if a.created_at < moment <= a.slot_start}
    left = {f.customer.customer_no for f in facts if open_reminders(f, last, ctx)}
    assert left <= busy | ahead


def test_the_demo_database_holds_the_outreach(small_demo_db: Path, replayed: Replayed) -> None:
    waits, tasks, attempts = replayed
    engine = open_database(small_demo_db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn)
        assert load_schedules(conn, dealer_id) == {s.model: s for s in DEMO_SCHEDULES}
        assert load_policy(conn, dealer_id) == DEFAULT_POLICY
        assert sorted(load_walk_in_waits(conn, dealer_id), key=lambda w: w.ro_number) == sorted(
            waits, key=lambda w: w.ro_number)
        stored = load_tasks(conn, dealer_id)
        assert sorted(t.task_no for t in stored) == sorted(t.task_no for t in tasks)
        assert sum(len(v) for v in load_attempts(conn, dealer_id).values()) == len(attempts)
    engine.dispose()
