"""Storage: schema, migrations, and rows ↔ domain (SQLite by default, PostgreSQL too)."""

from planner.errors import DealerExists, DealerNotFound
from planner.storage.db import make_engine, migrate, open_database, resolve_url
from planner.storage.repository import (
    ACTIVE_BOOKING_STATUSES,
    arrival_times,
    dealer_today,
    delete_dealer,
    existing_dealer_id,
    find_dealer_id,
    find_vehicle,
    load_bookings,
    load_dealer,
    load_dealership,
    load_history,
    reserved_parts,
    save_bookings,
    save_dealership,
    save_history,
    update_booking_plans,
)

__all__ = [
    "ACTIVE_BOOKING_STATUSES",
    "DealerExists",
    "DealerNotFound",
    "arrival_times",
    "dealer_today",
    "delete_dealer",
    "existing_dealer_id",
    "find_dealer_id",
    "find_vehicle",
    "load_bookings",
    "load_dealer",
    "load_dealership",
    "load_history",
    "make_engine",
    "migrate",
    "open_database",
    "reserved_parts",
    "resolve_url",
    "save_bookings",
    "save_dealership",
    "save_history",
    "update_booking_plans",
]
