"""Storage: schema, migrations, and rows ↔ domain (SQLite by default, PostgreSQL too)."""

from planner.errors import DealerExists, DealerNotFound
from planner.storage.db import make_engine, migrate, open_database, resolve_url
from planner.storage.repository import (
    arrival_times,
    dealer_today,
    delete_dealer,
    existing_dealer_id,
    find_dealer_id,
    load_dealer,
    load_dealership,
    load_history,
    save_dealership,
    save_history,
)

__all__ = [
    "DealerExists",
    "DealerNotFound",
    "arrival_times",
    "dealer_today",
    "delete_dealer",
    "existing_dealer_id",
    "find_dealer_id",
    "load_dealer",
    "load_dealership",
    "load_history",
    "make_engine",
    "migrate",
    "open_database",
    "resolve_url",
    "save_dealership",
    "save_history",
]
