"""The edge between the database and the solver: build a snapshot for a horizon.

Reads the dealership, its active bookings from today on (later bookings hold parts too)
and, from the arrival history, the walk-in forecast that sets the reserve and the
expected load. Everything after this is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from planner.domain import Dealership, WalkInReserve
from planner.solver.reserve import walk_in_capacity
from planner.solver.settings import DEFAULT_WALK_IN_QUANTILE
from planner.solver.snapshot import CapacitySnapshot
from planner.solver.suggest import LOOKAHEAD_DAYS
from planner.storage.repository import dealer_today, load_bookings, load_dealership

BOOKINGS_AHEAD_DAYS = 400  # bookings this far ahead are loaded (they hold parts)


@dataclass(frozen=True)
class WalkInPolicy:
    """How much walk-in capacity to keep free: a quantile of the hourly walk-in forecast
    (None: keep nothing free), and a demand factor for what-ifs."""

    quantile: float | None = DEFAULT_WALK_IN_QUANTILE
    demand_scale: float = 1.0


def planning_today(conn: Connection, dealer_id: int, dealership: Dealership) -> date:
    """The dealer's today: the demo's fixed date, or the date now in the dealer's zone."""
    return dealer_today(conn, dealer_id) or datetime.now(dealership.dealer.zone).date()


def load_snapshot(conn: Connection, dealer_id: int, start: date, days: int,
                  policy: WalkInPolicy | None = None, dealership: Dealership | None = None) -> CapacitySnapshot:
    """A snapshot from `start` for `days` days (plus the look-ahead used to name the
    earliest option when nothing fits); pass `dealership` if it is loaded already."""
    policy = policy or WalkInPolicy()
    dealership = dealership or load_dealership(conn, dealer_id)
    today = planning_today(conn, dealer_id, dealership)
    bookings = load_bookings(conn, dealer_id, today, today + timedelta(days=BOOKINGS_AHEAD_DAYS))
    reserve: WalkInReserve | None = None
    expected: dict[date, tuple[float, ...]] | None = None
    if policy.quantile is not None:
        reserve, expected = walk_in_load(conn, dealer_id, dealership, today, start, days + LOOKAHEAD_DAYS, policy)
    return CapacitySnapshot(dealership, bookings, today=today, reserve=reserve, walk_in_expected=expected)


def walk_in_load(conn: Connection, dealer_id: int, dealership: Dealership, today: date, start: date, days: int,
                  policy: WalkInPolicy) -> tuple[WalkInReserve | None, dict[date, tuple[float, ...]] | None]:
    """The walk-in reserve and expected walk-in load for `days` from `start` (None, None
    without enough history to forecast)."""
    from planner.forecast.intake import forecast_intake
    from planner.forecast.sources import from_database
    from planner.storage.repository import arrival_records, labour_by_operation

    try:
        source = from_database(conn, dealer_id, until=today)
    except ValueError:  # no history yet: nothing to reserve from
        return None, None
    since = datetime.combine(today - timedelta(weeks=16), datetime.min.time(), tzinfo=dealership.dealer.zone)
    first = min(start, today)
    horizon = (start - first).days + days
    try:
        forecast = forecast_intake(source, first, horizon, records=arrival_records(conn, dealer_id, since=since),
                                   hours_by_op=labour_by_operation(conn, dealer_id, since=since))
    except ValueError:  # too little history to forecast
        return None, None
    techs = dealership.technicians
    efficiency = sum(t.efficiency for t in techs) / len(techs) if techs else 1.0
    return walk_in_capacity(forecast, policy.quantile or 0.0, efficiency, policy.demand_scale)
