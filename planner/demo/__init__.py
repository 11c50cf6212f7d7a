"""The reference dealership: a realistic mid-size 4S dealer, deterministic for a seed.

`build_demo` returns the dealership and three years of its history; `write_demo` puts
them into a database in one transaction, with four weeks of appointments already booked
(`planner.demo.bookings`), a year of walk-in waits (`planner.demo.waits`) and twelve weeks
of outreach replayed with the product's rules (`planner.demo.outreach`). The generating
process is described in docs/demo-dealership.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Engine

from planner.demo.bookings import future_bookings, restock
from planner.demo.fleet import build_fleet
from planner.demo.history import DemandDays, HistoryBuilder, VisitPlanner, level_to_capacity, renumber
from planner.demo.outreach import TASKS_MADE_AT, created_on, outreach_history
from planner.demo.reference import DEALER_CODE, build_reference
from planner.demo.schedules import DEMO_SCHEDULES
from planner.demo.waits import walk_in_waits
from planner.domain import DealerCalendar, Dealership, MileageReading, ServiceHistory
from planner.domain.outreach import DEFAULT_POLICY, OutreachTask
from planner.errors import DealerExists
from planner.storage import existing_dealer_id, save_bookings, save_dealership, save_history
from planner.storage.outreach import add_attempts, insert_tasks, save_policy, save_schedules, save_walk_in_waits

FLEET_YEARS = 10  # the dealer has sold cars for this long
DEFAULT_VEHICLES = 12_000
DEFAULT_HISTORY_YEARS = 3


@dataclass(frozen=True)
class DemoSize:
    vehicles: int = DEFAULT_VEHICLES
    history_years: int = DEFAULT_HISTORY_YEARS


def build_demo(seed: int, today: date, size: DemoSize | None = None) -> tuple[Dealership, ServiceHistory]:
    """The reference dealership and its service history up to (not including) `today`."""
    size = size or DemoSize()
    history_start = date(today.year - size.history_years, today.month, min(today.day, 28))
    first_sale = date(today.year - FLEET_YEARS, today.month, min(today.day, 28))
    dealership = build_reference(seed, today, history_start)
    calendar = DealerCalendar(dealership.dealer)
    customers, fleet = build_fleet(seed, size.vehicles, first_sale, today)
    days = DemandDays(calendar, first_sale, today + timedelta(days=120), np.random.default_rng([seed, 3]))
    planner = VisitPlanner(days, dealership.campaigns, today, np.random.default_rng([seed, 4]))
    builder = HistoryBuilder(dealership, days, calendar, history_start, today, np.random.default_rng([seed, 5]))
    planned = [(fv, visit) for fv in fleet for visit in planner.plan(fv)]
    planned = level_to_capacity(planned, days, builder.staffing, builder.ops, history_start, today,
                                np.random.default_rng([seed, 6]))
    for fv, visit in planned:
        builder.add(fv, visit)
    orders, appointments = renumber(builder.orders, builder.appointments)
    vehicles = tuple(
        replace(fv.vehicle, readings=(MileageReading(fv.vehicle.sale_date, 0, "sale"),
                                      *sorted(builder.readings.get(fv.vehicle.vin, ()))))
        for fv in fleet
    )
    history = ServiceHistory(tuple(customers), vehicles, tuple(orders), tuple(appointments))
    return restock(dealership, history, today, np.random.default_rng([seed, 8])), history


def write_demo(engine: Engine, seed: int, today: date, size: DemoSize | None = None,
               replace_existing: bool = False) -> int:
    """Build the demo and write it in one transaction; returns the dealer id."""
    with engine.connect() as conn:  # fail fast, before half a minute of generating
        if existing_dealer_id(conn, DEALER_CODE) is not None and not replace_existing:
            raise DealerExists(DEALER_CODE)
    dealership, history = build_demo(seed, today, size)
    booked = future_bookings(dealership, history, today, np.random.default_rng([seed, 7]))
    waits = walk_in_waits(dealership, history, today, np.random.default_rng([seed, 9]))
    tasks, attempts = outreach_history(dealership, history, waits, today, np.random.default_rng([seed, 10]),
                                       booked=[appointment for appointment, _ in booked])
    with engine.begin() as conn:
        dealer_id = save_dealership(conn, dealership, today=today, replace=replace_existing)
        save_history(conn, dealer_id, history)
        save_bookings(conn, dealer_id, booked)
        save_schedules(conn, dealer_id, DEMO_SCHEDULES)
        save_policy(conn, dealer_id, DEFAULT_POLICY)
        save_walk_in_waits(conn, dealer_id, waits)
        by_day: dict[date, list[OutreachTask]] = defaultdict(list)
        for task in tasks:
            by_day[created_on(task)].append(task)
        for day, made in sorted(by_day.items()):  # each Monday's run stamps its tasks with its own time
            stored = insert_tasks(conn, dealer_id, made, datetime.combine(day, TASKS_MADE_AT,
                                                                          tzinfo=dealership.dealer.zone))
            assert len(stored) == len(made), "the replay made a task twice"
        add_attempts(conn, dealer_id, attempts)
    return dealer_id


__all__ = ["DEALER_CODE", "DemoSize", "build_demo", "write_demo"]
