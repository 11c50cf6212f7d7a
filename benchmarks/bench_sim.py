"""Proof of value: the booking policies simulated on the reference dealership.

Runs `planner.sim.run.simulate` exactly as `planner simulate --weeks 8 --policies
walkin,first-available,planner --seed N` does, for seeds 1-3 (the table is seed 1; the
JSON has every seed and, per measure, on how many seeds the planner beat first-available),
and once more with 60% of customers booking ahead (what if the desk wins more callers).
Wall time covers reading the database, the forecast, the demand and all three policies.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from benchmarks.common import RESULTS, demo_database, write

SEEDS = (1, 2, 3)
WEEKS = 8
LOWER_IS_BETTER = ("wait_mean_min", "wait_p90_min", "turnaround_mean_h", "turnaround_p90_h", "peak_to_mean_hourly",
                   "p95_to_mean_hourly", "daily_load_cv", "overtime_h", "turned_away", "lost", "pushed", "no_slot",
                   "parts_delayed")


def run() -> dict[str, Any]:
    from planner.sim.inputs import load_inputs
    from planner.sim.run import POLICIES, simulate, table
    from planner.sim.settings import SimSettings
    from planner.storage import find_dealer_id, open_database

    settings = SimSettings()
    days = settings.warmup_days + 7 * WEEKS + settings.tail_days + 60
    engine = open_database(demo_database())
    runs = []
    reports = {}
    for label, seed, share in [*((f"seed {s}", s, None) for s in SEEDS), ("seed 1, 60% book ahead", 1, 0.6)]:
        began = time.perf_counter()
        with engine.connect() as conn:
            inputs = load_inputs(conn, find_dealer_id(conn), None, days)
        report = simulate(inputs, POLICIES, WEEKS, seed, replace(settings, booked_share=share))
        elapsed = time.perf_counter() - began
        reports[label] = report
        runs.append({"label": label, "seed": seed, "booked_share": share, "wall_seconds": round(elapsed, 1),
                     **report.as_json()})
        print(f"simulation {label}: {elapsed:.0f} s", flush=True)
    wins = {}
    for key in LOWER_IS_BETTER:
        per_seed = []
        for s in SEEDS:
            m = {x.policy: getattr(x, key) for x in reports[f"seed {s}"].measures}
            per_seed.append("win" if m["planner"] < m["first-available"] else
                            "tie" if m["planner"] == m["first-available"] else "loss")
        wins[key] = per_seed
    payload = {"weeks": WEEKS, "command": "planner simulate --weeks 8 --policies walkin,first-available,planner "
                                          "--seed N --json", "planner_vs_first_available_by_seed": wins, "runs": runs}
    write("simulation", payload)
    md = [f"Command: `planner simulate --db data/planner.db --weeks {WEEKS} --seed 1` (reference demo, seed 1; "
          f"wall time {runs[0]['wall_seconds']} s for all three policies)", "", table(reports["seed 1"]), "",
          "With 60% of customers booking ahead (`--booked-share 0.6`):", "", table(reports["seed 1, 60% book ahead"]),
          ""]
    (RESULTS / "simulation.md").write_text("\n".join(md))
    return payload
