"""Helpers shared by the benchmarks: machine facts and writing results."""

from __future__ import annotations

import json
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def summarise(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples), 3), "min": round(min(samples), 3),
            "max": round(max(samples), 3), "runs": len(samples)}


def write(name: str, payload: dict[str, Any]) -> Path:
    """Write one benchmark's results as JSON under benchmarks/results/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2, ensure_ascii=False) + "\n")
    return path


CACHE = Path(__file__).parent / ".cache"
DEMO_SEED = 1
DEMO_TODAY = "2026-11-26"
# bump when the demo generator changes (3: booked weeks ahead, restocked parts, flexible windows;
# 6: walk-in waits, maintenance schedules, the contact policy and twelve weeks of outreach)
DEMO_VERSION = 7


def demo_database() -> Path:
    """The reference dealership (seed 1, today 2026-11-26) in an SQLite file, built once."""
    from datetime import date

    from planner.demo import write_demo
    from planner.storage import open_database

    path = CACHE / f"demo-seed{DEMO_SEED}-{DEMO_TODAY}-v{DEMO_VERSION}.db"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".building")
        for leftover in CACHE.glob(tmp.name + "*"):
            leftover.unlink()
        engine = open_database(tmp)
        write_demo(engine, DEMO_SEED, date.fromisoformat(DEMO_TODAY))
        engine.dispose()
        tmp.rename(path)
    return path
