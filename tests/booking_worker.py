"""One booking attempt in its own process, for the race test in test_booking.py.

A spawned process imports this module, opens its own engine on the test's database (the
same SQLite file, or the same PostgreSQL database and schema), waits at the barrier
with the other racers and books; what happened goes back through the queue.
"""

from __future__ import annotations

from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from sqlalchemy import Engine, create_engine, text

from planner.booking.service import BookingRequest, SlotTaken, book
from planner.solver.loader import WalkInPolicy
from planner.storage.db import make_engine

Outcome = tuple[str, str | None]  # ("booked", booking id) | ("taken", next option or None) | ("error", what)


def connect(url: str, schema: str | None) -> Engine:
    """An engine on the test's database: PostgreSQL with the test's schema first on the
    search path (as conftest's `_pg_engine` does), or the SQLite file as the CLI opens it."""
    if schema is not None:
        return create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    return make_engine(url)


def book_at_the_barrier(url: str, schema: str | None, dealer_id: int, request: BookingRequest, now: datetime,
                        start: Barrier, results: Queue[Outcome]) -> None:
    outcome: Outcome
    engine = connect(url, schema)
    try:
        with engine.connect() as conn:  # connected and imported before the start
            conn.execute(text("SELECT 1"))
        start.wait(timeout=120)
        result = book(engine, dealer_id, request, now=now, policy=WalkInPolicy(quantile=None))
        outcome = ("booked", result.booking.booking_id)
    except SlotTaken as taken:
        outcome = ("taken", taken.next_option.start.isoformat() if taken.next_option else None)
    except Exception as exc:  # reported to the test, which fails on it
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
    results.put(outcome)
