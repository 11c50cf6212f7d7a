"""How long `planner demo` takes to build the reference dealership (target: under 2 minutes).

Runs the whole command (generate + write in one transaction) into a fresh SQLite file,
and into PostgreSQL when PLANNER_TEST_PG_URL is set, and reports the median of the runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from benchmarks.common import summarise, write
from planner.demo import build_demo, write_demo
from planner.storage import migrate, open_database

TODAY = date(2026, 11, 26)
RUNS = int(os.environ.get("BENCH_DEMO_RUNS", "3"))


def _sqlite_run() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_demo(open_database(Path(tmp) / "demo.db"), 1, TODAY)
        return time.perf_counter() - started


def _pg_run(url: str) -> float:
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_demo CASCADE; CREATE SCHEMA bench_demo"))
    engine = create_engine(url, connect_args={"options": "-csearch_path=bench_demo"})
    started = time.perf_counter()
    migrate(engine)
    write_demo(engine, 1, TODAY)
    elapsed = time.perf_counter() - started
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA bench_demo CASCADE"))
    admin.dispose()
    return elapsed


def run() -> dict[str, Any]:
    started = time.perf_counter()
    _, history = build_demo(1, TODAY)
    generate_only = time.perf_counter() - started
    result: dict[str, Any] = {
        "target_seconds": 120,
        "repair_orders": len(history.repair_orders),
        "generate_only_seconds": round(generate_only, 3),
        "sqlite_seconds": summarise([_sqlite_run() for _ in range(RUNS)]),
    }
    pg = os.environ.get("PLANNER_TEST_PG_URL")
    if pg:
        result["postgresql_seconds"] = summarise([_pg_run(pg) for _ in range(RUNS)])
    path = write("demo_build", result)
    print(f"demo build: SQLite median {result['sqlite_seconds']['median']} s "
          f"(generation alone {generate_only:.1f} s) → {path}")
    return result
