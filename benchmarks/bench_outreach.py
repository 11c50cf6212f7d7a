"""Outreach: the daily worklist's speed, and campaign batching against "everyone at once".

On the reference dealership (12,000 cars, with its replayed outreach history) this
measures the time to build a day's worklist (preview, three runs, median), and for three
target groups plans the contacts with `planner.outreach.service.plan_campaign` and
compares, in the same run and on the same customers, the batched plan with

- everyone at once: every planned customer contacted on the first day (what the desk
  could not call that day is reported as calls over capacity), and
- as fast as the desk can: the list worked down at full desk capacity, no planning,

on the expected hours over capacity the contacts add, the worst day's added overload,
the expected bookings and how many of them fit the free capacity of their day.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import DEMO_TODAY, demo_database, write
from planner.storage.db import copy_sqlite

SEGMENTS = (("rule:dormant", 4), ("rule:lost", 4), ("campaign:WIN2026", 3))


def run() -> dict[str, Any]:
    from planner.outreach.service import plan_campaign, run_worklist
    from planner.storage import find_dealer_id, open_database

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        copy_sqlite(demo_database(), path)
        engine = open_database(path)
        with engine.connect() as conn:
            dealer_id = find_dealer_id(conn)
        today = date.fromisoformat(DEMO_TODAY)
        times, items = [], 0
        for _ in range(3):
            began = time.perf_counter()
            wl = run_worklist(engine, dealer_id, today, persist=False)
            times.append(time.perf_counter() - began)
            items = len(wl.items)
        plans = []
        for segment, weeks in SEGMENTS:
            began = time.perf_counter()
            result = plan_campaign(engine, dealer_id, segment, today + timedelta(days=1), weeks, seconds=10)
            elapsed = time.perf_counter() - began
            p = result.plan
            plans.append({
                "segment": segment, "weeks": weeks, "customers": len(result.targets),
                "planned_contacts": int(p.counts.sum()), "not_planned": len(p.not_planned),
                "solver_status": p.status, "solve_seconds": round(p.solve_seconds, 2),
                "total_seconds": round(elapsed, 2),
                "batched": p.planned.as_json(), "at_once": p.at_once.as_json(), "desk_speed": p.desk_speed.as_json(),
                "peak_added_overload_ratio_batched_vs_at_once": round(
                    p.planned.peak_added_overload_hours / p.at_once.peak_added_overload_hours, 3)
                if p.at_once.peak_added_overload_hours > 0 else None,
            })
            print(f"{segment:<18} {len(result.targets):>6} customers, {int(p.counts.sum()):>5} planned; "
                  f"worst day +h: batched {p.planned.peak_added_overload_hours:.1f}, "
                  f"at once {p.at_once.peak_added_overload_hours:.1f}, "
                  f"desk speed {p.desk_speed.peak_added_overload_hours:.1f}; added h: "
                  f"{p.planned.added_overload_hours:.1f} / {p.at_once.added_overload_hours:.1f} / "
                  f"{p.desk_speed.added_overload_hours:.1f}; bookings within capacity: "
                  f"{p.planned.bookings_within_capacity:.0f} / {p.at_once.bookings_within_capacity:.0f} / "
                  f"{p.desk_speed.bookings_within_capacity:.0f} ({p.status}, {p.solve_seconds:.1f} s)")
        engine.dispose()
    payload = {"worklist": {"seconds": {"median": round(statistics.median(times), 2), "runs": times},
                            "items": items},
               "campaigns": plans}
    print(f"worklist: {items} lines, median {statistics.median(times):.2f} s over 3 runs")
    out = write("outreach", payload)
    print(f"wrote {out}")
    return payload
