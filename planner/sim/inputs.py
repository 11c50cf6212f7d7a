"""The edge between the database and the simulation: the dealership, its past visits,
booking lead times and no-shows, and the planner's walk-in forecast for the horizon."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection

from planner.errors import PlannerError
from planner.outreach.service import load_curve
from planner.sim.demand import DemandProfile, PastVisit
from planner.sim.run import SimInputs
from planner.solver.loader import WalkInPolicy, planning_today, walk_in_load
from planner.solver.settings import DEFAULT_WALK_IN_QUANTILE
from planner.storage.outreach import load_policy
from planner.storage.repository import load_dealership
from planner.storage.visits import appointment_rows, visit_rows

HISTORY_DAYS = 3 * 365 + 30  # analog days are looked for up to three years back
MAX_LEAD_DAYS = 60


def load_inputs(conn: Connection, dealer_id: int, start: date | None, days: int,
                walk_in_quantile: float = DEFAULT_WALK_IN_QUANTILE) -> SimInputs:
    """Everything the simulation reads, for `days` from `start` (default: the day after the
    dealer's today, so the history ends where the simulation begins); the planner keeps
    `walk_in_quantile` of the walk-in forecast free (0: nothing)."""
    dealership = load_dealership(conn, dealer_id)
    zone = dealership.dealer.zone
    today = planning_today(conn, dealer_id, dealership)
    start = start or today + timedelta(days=1)
    since = datetime.combine(today - timedelta(days=HISTORY_DAYS), time(0), tzinfo=zone)
    until = datetime.combine(start, time(0), tzinfo=zone)
    visits: dict[date, list[PastVisit]] = defaultdict(list)
    for opened, appt, ops in visit_rows(conn, dealer_id, since):
        local = opened.astimezone(zone)
        if local < until:
            visits[local.date()].append(PastVisit(local, appt, ops))
    leads: list[int] = []
    kept = missed = 0
    for created, slot, status in appointment_rows(conn, dealer_id, since):
        if slot.astimezone(zone) >= until:
            continue
        if status == "completed":
            kept += 1
        elif status == "no_show":
            missed += 1
        else:
            continue
        leads.append(min(MAX_LEAD_DAYS, max(0, (slot.astimezone(zone).date() - created.astimezone(zone).date()).days)))
    profile = DemandProfile({d: tuple(v) for d, v in visits.items()}, tuple(leads),
                            missed / (kept + missed) if kept + missed else 0.0)
    # the planner's forecast knows nothing from the first simulated day on
    origin = min(today, start - timedelta(days=1))
    reserve, expected = walk_in_load(conn, dealer_id, dealership, origin, start, days,
                                     WalkInPolicy(quantile=walk_in_quantile))
    try:
        curve = load_curve(conn, dealer_id, dealership, origin, start, days)
    except PlannerError:  # too little history to forecast: no campaign batching
        curve = None
    calls = load_policy(conn, dealer_id).calls_per_day
    return SimInputs(dealership, profile, today, start, reserve, expected, curve, calls)
