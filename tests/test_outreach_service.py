"""Outreach through the database and the CLI: worklist, attempts, follow-up, campaign plans."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from planner.cli import main
from planner.domain import Channel
from planner.domain.outreach import LostReason, Outcome, TaskStatus
from planner.errors import PlannerError
from planner.outreach.policy import part_of_day
from planner.outreach.service import load_setup, outreach_stats, plan_campaign, record_attempt, run_worklist
from planner.storage import find_dealer_id, open_database
from planner.storage import outreach as store
from planner.storage import tables as t
from planner.storage.db import copy_sqlite

from .conftest import TODAY


@pytest.fixture
def db_path(small_demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the small demo (SQLite's backup API: the file may be in WAL mode)."""
    return copy_sqlite(small_demo_db, tmp_path / "outreach.db")


@pytest.fixture
def engine(db_path: Path) -> Engine:
    return open_database(db_path)


@pytest.fixture
def dealer_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return find_dealer_id(conn)



def local(engine: Engine, dealer_id: int, day: date, t_: time) -> datetime:
    with engine.connect() as conn:
        return load_setup(conn, dealer_id).local(day, t_)


def test_the_worklist_makes_tasks_once(engine: Engine, dealer_id: int) -> None:
    first = run_worklist(engine, dealer_id, TODAY)
    assert first.items and all(i.task is not None for i in first.items)
    with engine.connect() as conn:
        n = store.count_tasks(conn, dealer_id)
    again = run_worklist(engine, dealer_id, TODAY)
    with engine.connect() as conn:
        assert store.count_tasks(conn, dealer_id) == n
    assert {i.task.task_no for i in again.items if i.task} == {i.task.task_no for i in first.items if i.task}
    names = [i.customer.customer_no for i in again.items]
    assert len(names) == len(set(names))


def test_a_preview_writes_nothing_and_a_past_day_cannot_make_tasks(engine: Engine, dealer_id: int) -> None:
    with engine.connect() as conn:
        n = store.count_tasks(conn, dealer_id)
    assert run_worklist(engine, dealer_id, TODAY, persist=False).items
    with engine.connect() as conn:
        assert store.count_tasks(conn, dealer_id) == n
    with pytest.raises(PlannerError, match="before today"):
        run_worklist(engine, dealer_id, TODAY - timedelta(days=1))


def test_a_simulated_week_of_failed_calls_ends_in_an_sms(engine: Engine, dealer_id: int) -> None:
    day = TODAY
    wl = run_worklist(engine, dealer_id, day, now=local(engine, dealer_id, day, time(9)))
    item = next(i for i in wl.items if i.is_call and i.task is not None and i.next.call_no == 1)
    assert item.task is not None
    task_no, customer_no = item.task.task_no, item.customer.customer_no
    channels: list[Channel] = []
    for offset in range(8):
        day = TODAY + timedelta(days=offset)
        wl = run_worklist(engine, dealer_id, day, now=local(engine, dealer_id, day, time(9)))
        mine = [i for i in wl.items if i.customer.customer_no == customer_no]
        if not mine:
            continue
        nxt = mine[0].next
        assert nxt.channel is not None
        channels.append(nxt.channel)
        if nxt.channel is Channel.PHONE:
            assert nxt.window is not None
            when = local(engine, dealer_id, day, nxt.window.start)
            record_attempt(engine, dealer_id, task_no, Outcome.NO_ANSWER, at=when, now=when)
        else:
            when = local(engine, dealer_id, day, time(10))
            done = record_attempt(engine, dealer_id, task_no, Outcome.SENT, channel=nxt.channel, at=when, now=when)
            assert done.task.status is TaskStatus.NOTIFIED
            break
    assert channels == [Channel.PHONE] * 3 + [Channel.SMS]
    with engine.connect() as conn:
        tried = store.load_attempts(conn, dealer_id, [task_no])[task_no]
    calls = [a for a in tried if a.channel is Channel.PHONE]
    days = sorted({a.at.date() for a in calls})
    assert len(days) == 3 and 3 <= (days[-1] - days[0]).days + 1 <= 5
    assert len({part_of_day(a.at.time()) for a in calls}) == 3
    later = run_worklist(engine, dealer_id, day + timedelta(days=1), persist=False)
    assert all(i.task is None or i.task.task_no != task_no for i in later.items)


def test_booked_needs_a_real_appointment_and_settles_the_call(engine: Engine, dealer_id: int) -> None:
    wl = run_worklist(engine, dealer_id, TODAY)
    item = next(i for i in wl.items if i.task is not None and i.is_call)
    task = item.task
    assert task is not None
    when = local(engine, dealer_id, TODAY, time(10, 30))
    with pytest.raises(PlannerError, match="appointment"):
        record_attempt(engine, dealer_id, task.task_no, Outcome.BOOKED, at=when, now=when)
    with pytest.raises(PlannerError, match="no appointment"):
        record_attempt(engine, dealer_id, task.task_no, Outcome.BOOKED, appointment_no="AP000000-0000", at=when,
                       now=when)
    a, c = t.appointments, t.customers
    with engine.connect() as conn:
        mine = conn.execute(select(a.c.appointment_no).join(c, c.c.id == a.c.customer_id)
                            .where(c.c.customer_no == task.customer_no).limit(1)).scalar()
        other = conn.execute(select(a.c.appointment_no).join(c, c.c.id == a.c.customer_id)
                             .where(c.c.customer_no != task.customer_no).limit(1)).scalar_one()
    with pytest.raises(PlannerError, match="is not customer"):
        record_attempt(engine, dealer_id, task.task_no, Outcome.BOOKED, appointment_no=other, at=when, now=when)
    if mine is None:  # this customer never booked: nothing more to check
        return
    done = record_attempt(engine, dealer_id, task.task_no, Outcome.BOOKED, appointment_no=mine, at=when, now=when)
    assert done.task.status is TaskStatus.BOOKED and done.task.appointment_no == mine
    with pytest.raises(PlannerError, match="already booked"):
        record_attempt(engine, dealer_id, task.task_no, Outcome.NO_ANSWER, at=when, now=when)


def test_attempts_that_break_the_policy_are_refused(engine: Engine, dealer_id: int) -> None:
    item = next(i for i in run_worklist(engine, dealer_id, TODAY).items if i.task is not None and i.is_call)
    assert item.task is not None
    no = item.task.task_no
    lunch = local(engine, dealer_id, TODAY, time(13, 0))
    with pytest.raises(PlannerError, match="outside the call bands"):
        record_attempt(engine, dealer_id, no, Outcome.NO_ANSWER, at=lunch, now=lunch)
    ten = local(engine, dealer_id, TODAY, time(10, 30))
    with pytest.raises(PlannerError, match="future"):
        record_attempt(engine, dealer_id, no, Outcome.NO_ANSWER, at=ten + timedelta(days=2), now=ten)
    with pytest.raises(PlannerError, match="does not go with"):
        record_attempt(engine, dealer_id, no, Outcome.DECLINED, lost_reason=LostReason.MOVED, at=ten, now=ten)
    with pytest.raises(PlannerError, match="call-back day"):
        record_attempt(engine, dealer_id, no, Outcome.CALL_BACK, call_back_on=TODAY - timedelta(days=3), at=ten,
                       now=ten)
    record_attempt(engine, dealer_id, no, Outcome.NO_ANSWER, at=ten, now=ten)
    with pytest.raises(PlannerError, match="already tried today"):
        record_attempt(engine, dealer_id, no, Outcome.NO_ANSWER, at=ten + timedelta(minutes=20),
                       now=ten + timedelta(minutes=20))
    with pytest.raises(PlannerError, match="before a contact"):
        record_attempt(engine, dealer_id, no, Outcome.DECLINED, at=ten - timedelta(minutes=5), now=ten)


def test_a_call_back_reopens_on_its_day_and_a_reading_updates_the_car(engine: Engine, dealer_id: int) -> None:
    wl = run_worklist(engine, dealer_id, TODAY)
    item = wl.items[0]
    assert item.task is not None
    back = TODAY + timedelta(days=3)
    when = local(engine, dealer_id, TODAY, time(10, 30))
    done = record_attempt(engine, dealer_id, item.task.task_no, Outcome.CALL_BACK, call_back_on=back, km=123_456,
                          at=when, now=when)
    assert done.task.status is TaskStatus.OPEN and done.task.next_contact_on == back
    with engine.connect() as conn:
        readings = conn.execute(select(t.mileage_readings.c.km).where(t.mileage_readings.c.source == "phone")).all()
    assert (123_456,) in readings
    assert all(i.customer.customer_no != item.customer.customer_no
               for i in run_worklist(engine, dealer_id, TODAY + timedelta(days=1), persist=False).items)
    assert any(i.customer.customer_no == item.customer.customer_no
               for i in run_worklist(engine, dealer_id, back, persist=False).items)


def test_a_customer_who_moved_gets_no_more_reminders(engine: Engine, dealer_id: int) -> None:
    item = next(i for i in run_worklist(engine, dealer_id, TODAY).items if i.task is not None and i.is_call)
    assert item.task is not None
    when = local(engine, dealer_id, TODAY, time(10, 30))
    with pytest.raises(PlannerError, match="reason"):
        record_attempt(engine, dealer_id, item.task.task_no, Outcome.LOST, at=when, now=when)
    record_attempt(engine, dealer_id, item.task.task_no, Outcome.LOST, lost_reason=LostReason.MOVED, at=when, now=when)
    with engine.connect() as conn:
        f = store.load_vehicle_facts(conn, dealer_id, TODAY, vins=[item.vehicle.vin])[0]
    assert f.lost_for_good
    stats = outreach_stats(engine, dealer_id)
    assert stats.lost.by_reason.get(LostReason.MOVED, 0) >= 1


def test_a_saved_campaign_plan_enters_the_worklist_on_its_days(engine: Engine, dealer_id: int) -> None:
    start = TODAY + timedelta(days=1)
    result = plan_campaign(engine, dealer_id, "rule:dormant", start, 2, calls_per_day=4, save=True, seconds=3)
    assert result.saved > 0 and result.plan.planned.max_calls_per_day <= 4
    first_day = min(d for d, cs in result.plan.schedule.items() if cs)
    wl = run_worklist(engine, dealer_id, first_day)
    batch = [i for i in wl.items if i.task is not None and i.task.batch]
    assert {i.customer.customer_no for i in batch} == set(result.plan.schedule[first_day])


def test_bad_segments_and_weeks_are_named(engine: Engine, dealer_id: int) -> None:
    with pytest.raises(PlannerError, match="segment"):
        plan_campaign(engine, dealer_id, "everyone", TODAY, 2)
    with pytest.raises(PlannerError, match="no rule"):
        plan_campaign(engine, dealer_id, "rule:sometimes", TODAY, 2)
    with pytest.raises(PlannerError, match="weeks"):
        plan_campaign(engine, dealer_id, "rule:dormant", TODAY, 0)


def test_cli_worklist_record_stats_message_and_plan(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(db_path)
    assert main(["outreach", "--db", db, "--date", TODAY.isoformat(), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert items and items[0]["task"] and items[0]["reason"]
    task = next(i["task"] for i in items if i["channel"] == "phone" and i["call_no"] == 1)
    assert main(["--lang", "zh", "outreach", "message", "--db", db, "--task", task, "--channel", "sms"]) == 0
    assert "回复1预约" in capsys.readouterr().out
    assert main(["outreach", "record", "--db", db, "--task", task, "--outcome", "no_answer", "--json",
                 "--at", f"{TODAY}T10:30+08:00", "--now", f"{TODAY}T10:31+08:00"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "open" and out["next"]["channel"] == "phone"
    assert main(["outreach", "record", "--db", db, "--task", "OT000000-9999", "--outcome", "declined"]) == 2
    assert "no outreach task OT000000-9999" in capsys.readouterr().err
    assert main(["outreach", "stats", "--db", db, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["attempts"] >= 1 and len(stats["lead_days"]) == 29
    assert main(["campaign", "plan", "--db", db, "--segment", "rule:dormant", "--start",
                 (TODAY + timedelta(days=1)).isoformat(), "--weeks", "2", "--calls-per-day", "5", "--seconds", "3",
                 "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["planned"]["max_calls_per_day"] <= 5 and plan["at_once"]["calls_over_capacity"] >= 0
    assert plan["customers"] == sum(d["contacts"] for d in plan["days"]) + len(plan["not_planned"])


def test_a_customer_who_books_after_our_call_counts_as_booked(engine: Engine, dealer_id: int) -> None:
    from planner.booking.service import BookingRequest, book
    from planner.solver.desk import propose

    item = next(i for i in run_worklist(engine, dealer_id, TODAY).items if i.task is not None and i.is_call)
    assert item.task is not None
    when = local(engine, dealer_id, TODAY, time(10, 30))
    record_attempt(engine, dealer_id, item.task.task_no, Outcome.NO_ANSWER, at=when, now=when)
    with engine.connect() as conn:
        op = conn.execute(select(t.operations.c.op_code).where(t.operations.c.category == "inspection")
                          .order_by(t.operations.c.op_code).limit(1)).scalar_one()
        proposal, _ = propose(conn, dealer_id, item.vehicle.plate, [op])
    assert proposal.options
    made = book(engine, dealer_id, BookingRequest(item.vehicle.plate, (op,), proposal.options[0].start))
    run_worklist(engine, dealer_id, TODAY + timedelta(days=1))
    with engine.connect() as conn:
        task = store.load_task(conn, dealer_id, item.task.task_no)
    assert task is not None and task.status is TaskStatus.BOOKED
    assert task.appointment_no == made.booking.booking_id
