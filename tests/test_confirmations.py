"""Confirmation calls (R16): 72 h and 24 h by customer service, 1 h by the advisor."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from planner.booking.confirmations import Booked, Stage, tasks_for, unconfirmed

Z = ZoneInfo("Asia/Shanghai")
ARRIVAL = datetime(2026, 12, 5, 10, 0, tzinfo=Z)


def booked(created_hours_before: float, status: str = "booked", number: str = "A1") -> Booked:
    return Booked(number, "粤B·12345", ARRIVAL, ARRIVAL - timedelta(hours=created_hours_before), status)


def test_all_three_stages_when_booked_a_week_ahead() -> None:
    tasks = tasks_for([booked(24 * 7)], {}, ARRIVAL - timedelta(days=5))
    assert [(t.stage, t.owner, t.due_at) for t in tasks] == [
        (Stage.H72, "customer_service", ARRIVAL - timedelta(hours=72)),
        (Stage.H24, "customer_service", ARRIVAL - timedelta(hours=24)),
        (Stage.H1, "advisor", ARRIVAL - timedelta(hours=1)),
    ]
    assert not any(t.overdue for t in tasks)


def test_a_late_booking_skips_stages_already_past() -> None:
    assert [t.stage for t in tasks_for([booked(10)], {}, ARRIVAL - timedelta(hours=10))] == [Stage.H1]


def test_outcomes_close_tasks_and_missed_calls_are_overdue() -> None:
    now = ARRIVAL - timedelta(hours=2)
    tasks = {t.stage: t for t in tasks_for([booked(24 * 7)], {("A1", "72h"): "confirmed"}, now)}
    assert tasks[Stage.H72].outcome == "confirmed" and not tasks[Stage.H72].overdue
    assert tasks[Stage.H24].outcome is None and tasks[Stage.H24].overdue
    assert not tasks[Stage.H1].overdue  # due in an hour


def test_unconfirmed_bookings_within_a_day_are_flagged() -> None:
    now = ARRIVAL - timedelta(hours=20)
    items = [booked(48, number="A1"), booked(48, "confirmed", number="A2")]
    assert [b.appointment_no for b in unconfirmed(items, now)] == ["A1"]
    assert unconfirmed(items, ARRIVAL - timedelta(hours=30)) == []  # not yet within 24 h
