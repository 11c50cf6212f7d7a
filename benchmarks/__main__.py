"""Run the benchmarks: `python -m benchmarks [NAME ...]` (or `make bench`).

Names: demo, forecast, solver, booking, outreach, simulation.
"""

from __future__ import annotations

import sys

from benchmarks import bench_booking, bench_demo, bench_forecast, bench_outreach, bench_sim, bench_solver

BENCHMARKS = {"demo": bench_demo, "forecast": bench_forecast, "solver": bench_solver, "booking": bench_booking,
              "outreach": bench_outreach, "simulation": bench_sim}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHMARKS):
        BENCHMARKS[name].run()
