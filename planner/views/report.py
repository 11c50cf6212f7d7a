"""The manager's booking report (R12) over a date range."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection

from planner.booking.report import DayReport, booking_report, totals
from planner.domain import Dealership
from planner.errors import PlannerError
from planner.solver.snapshot import CapacitySnapshot
from planner.storage.repository import appointment_summaries, load_bookings


def report_days(conn: Connection, dealer_id: int, dealership: Dealership, start: date,
                end: date) -> tuple[list[DayReport], DayReport]:
    """Per day and in total: bookings, active share, show and confirmation rates,
    cancellations, preparation and booked utilisation of technician time."""
    if end < start:
        raise PlannerError("error.bad_range", start=start.isoformat(), end=end.isoformat())
    rows = appointment_summaries(conn, dealer_id, start, end)
    snapshot = CapacitySnapshot(dealership, load_bookings(conn, dealer_id, start, end), today=start)
    load = {}
    day = start
    while day <= end:
        state = snapshot.day(day)
        load[day] = (float(state.busy.sum()), float(state.present.sum()))
        day += timedelta(days=1)
    days = booking_report(rows, load, start, end)
    return days, totals(days)
