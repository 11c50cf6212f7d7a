"""Run the benchmarks: `python -m benchmarks [NAME ...]` (or `make bench`); names: demo, forecast, solver."""

from __future__ import annotations

import sys

from benchmarks import bench_demo, bench_forecast, bench_solver

BENCHMARKS = {"demo": bench_demo, "forecast": bench_forecast, "solver": bench_solver}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHMARKS):
        BENCHMARKS[name].run()
