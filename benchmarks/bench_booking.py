"""Booking throughput: 4 agents booking at once through the full booking path.

Each agent is its own process with its own engine, on the reference dealership (its
book of ~1,000 bookings ahead): it books random maintenance visits for random cars at
random grid times of the next two weeks with `planner.booking.service.book` (lock,
re-decide with the solver, re-check with the checker, write), and when the time was
taken, books the next option it is offered. The walk-in reserve is forecast once per
agent and passed in, as an app keeps it. Reports bookings per second over the wall time
of all agents, the latency of one booking call, and how many were refused, on SQLite
and (when PLANNER_TEST_PG_URL is set) PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
import types
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, select, text

from benchmarks.common import DEMO_TODAY, demo_database, write
from planner.storage.db import copy_sqlite

AGENTS = 4
PER_AGENT = int(os.environ.get("BENCH_BOOKINGS_PER_AGENT", "12"))


def _agent(url: str, schema: str | None, seed: int, start: Any, out: Any) -> None:
    from planner.booking.service import BookingRequest, SlotTaken, book
    from planner.errors import PlannerError
    from planner.solver.loader import WalkInPolicy, planning_today, walk_in_load
    from planner.storage import find_dealer_id, load_dealership, make_engine
    from planner.storage import tables as t

    engine = (create_engine(url, connect_args={"options": f"-csearch_path={schema}"}) if schema
              else make_engine(url))
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn)
        dealership = load_dealership(conn, dealer_id)
        today = planning_today(conn, dealer_id, dealership)
        walk_ins = walk_in_load(conn, dealer_id, dealership, today, today, 16, WalkInPolicy())
        plates = list(conn.execute(select(t.vehicles.c.plate).where(t.vehicles.c.dealer_id == dealer_id))
                      .scalars())
    ops = [op.op_code for op in dealership.operations if op.category.value == "maintenance" and not op.parts]
    ops += [op.op_code for op in dealership.operations if op.category.value == "maintenance"][:10]
    zone = dealership.dealer.zone
    rng = np.random.default_rng(seed)
    latencies, booked, refused, retried = [], 0, 0, 0
    start.wait()
    began = time.perf_counter()
    for i in range(PER_AGENT):
        day = today + timedelta(days=int(rng.integers(1, 15)))
        minute = 8 * 60 + 30 + 15 * int(rng.integers(0, 30))
        arrival = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
        request = BookingRequest(plates[int(rng.integers(len(plates)))], (ops[int(rng.integers(len(ops)))],),
                                 arrival, idempotency_key=f"bench-{seed}-{i}", actor=f"agent-{seed}")
        t0 = time.perf_counter()
        try:
            book(engine, dealer_id, request, walk_ins=walk_ins)
            booked += 1
        except SlotTaken as taken:
            if taken.next_option is None:
                refused += 1
            else:
                retried += 1
                try:
                    book(engine, dealer_id, BookingRequest(request.plate, request.op_codes, taken.next_option.start,
                                                           idempotency_key=f"bench-{seed}-{i}-b",
                                                           actor=request.actor), walk_ins=walk_ins)
                    booked += 1
                except PlannerError:
                    refused += 1
        except PlannerError:
            refused += 1
        latencies.append(time.perf_counter() - t0)
    out.put({"booked": booked, "refused": refused, "retried": retried, "latencies": latencies,
             "began": began, "ended": time.perf_counter()})
    engine.dispose()


def _race(url: str, schema: str | None) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(AGENTS)
    out = ctx.Queue()
    agents = [ctx.Process(target=_agent, args=(url, schema, seed, start, out)) for seed in range(AGENTS)]
    for a in agents:
        a.start()
    results = [out.get(timeout=1800) for _ in agents]
    for a in agents:
        a.join()
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    lat = [x for r in results for x in r["latencies"]]
    booked = sum(r["booked"] for r in results)
    return {"agents": AGENTS, "attempts": AGENTS * PER_AGENT, "booked": booked,
            "refused": sum(r["refused"] for r in results), "took_the_next_option": sum(r["retried"] for r in results),
            "wall_seconds": round(wall, 2), "bookings_per_second": round(booked / wall, 2),
            "call_seconds": {"p50": round(float(np.percentile(lat, 50)), 3),
                             "p95": round(float(np.percentile(lat, 95)), 3)}}


def _check(engine_url: str, schema: str | None) -> int:
    """Rule breaches in the book afterwards (the checker on every active booking)."""
    from planner.solver.checker import check_plan
    from planner.storage import find_dealer_id, load_bookings, load_dealership, make_engine
    from planner.storage.repository import dealer_today

    engine = (create_engine(engine_url, connect_args={"options": f"-csearch_path={schema}"}) if schema
              else make_engine(engine_url))
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn)
        today = dealer_today(conn, dealer_id)
        assert today is not None
        dealership = load_dealership(conn, dealer_id)
        bookings = load_bookings(conn, dealer_id, today, today + timedelta(days=400))
    engine.dispose()
    return len(check_plan(dealership, bookings, today=today))


def run() -> dict[str, Any]:
    import sys

    sys.modules["__main__"] = types.ModuleType("__main__")  # spawned agents import this module, not a script
    result: dict[str, Any] = {"per_agent": PER_AGENT}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.db"
        copy_sqlite(demo_database(), copy)
        url = f"sqlite:///{copy}"
        from planner.storage import open_database

        open_database(url).dispose()  # migrated before the agents start
        result["sqlite"] = _race(url, None)
        result["sqlite"]["breaches_after"] = _check(url, None)
    pg = os.environ.get("PLANNER_TEST_PG_URL")
    if pg:
        from planner.demo import write_demo
        from planner.storage import migrate

        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS bench_booking CASCADE; CREATE SCHEMA bench_booking"))
        engine = create_engine(pg, connect_args={"options": "-csearch_path=bench_booking"})
        migrate(engine)
        write_demo(engine, 1, datetime.fromisoformat(DEMO_TODAY).date())
        engine.dispose()
        result["postgresql"] = _race(pg, "bench_booking")
        result["postgresql"]["breaches_after"] = _check(pg, "bench_booking")
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA bench_booking CASCADE"))
        admin.dispose()
    path = write("booking", result)
    for name in ("sqlite", "postgresql"):
        if name in result:
            r = result[name]
            print(f"booking, {name}: {r['bookings_per_second']} bookings/s with {AGENTS} agents "
                  f"(p50 {r['call_seconds']['p50']} s, p95 {r['call_seconds']['p95']} s per call), "
                  f"{r['booked']} booked, {r['refused']} refused, breaches after: {r['breaches_after']}")
    print(f"wrote {path}")
    return result
