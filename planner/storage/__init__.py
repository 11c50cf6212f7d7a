"""Storage: schema, migrations, and rows ↔ domain (SQLite by default, PostgreSQL too)."""

from planner.storage.db import is_initialised, make_engine, migrate, open_database, resolve_url
from planner.storage.repository import (
    DealerNotFound,
    arrival_times,
    dealer_today,
    delete_dealer,
    find_dealer_id,
    load_dealer,
    load_dealership,
    load_history,
    save_dealership,
    save_history,
)

__all__ = [
    "DealerNotFound",
    "arrival_times",
    "dealer_today",
    "delete_dealer",
    "find_dealer_id",
    "is_initialised",
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
