"""The confirmation worklist (R16): calls due 72 h, 24 h and 1 h before arrival."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from planner.booking.confirmations import Booked, Task, tasks_for, unconfirmed
from planner.domain import Dealership
from planner.storage.repository import call_outcomes, confirmation_rows


@dataclass(frozen=True)
class ConfirmationList:
    day: date
    tasks: tuple[Task, ...]
    unconfirmed: tuple[Booked, ...]  # within 24 h and still not confirmed


def confirmation_list(conn: Connection, dealer_id: int, dealership: Dealership, day: date,
                      now: datetime | None = None) -> ConfirmationList:
    """The calls due on `day`, judged at `now` (default: now, or the day's start if later)."""
    zone = dealership.dealer.zone
    rows = confirmation_rows(conn, dealer_id, day, day + timedelta(days=4))
    outcomes = call_outcomes(conn, dealer_id)
    now = now or max(datetime.now(zone), datetime.combine(day, datetime.min.time(), tzinfo=zone))
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    booked = [Booked(*r) for r in rows]
    tasks = [t for t in tasks_for(booked, outcomes, now) if t.due_at.astimezone(zone).date() == day]
    return ConfirmationList(day, tuple(tasks), tuple(unconfirmed(booked, now)))
