"""Run every benchmark: `python -m benchmarks` (or `make bench`)."""

from __future__ import annotations

from benchmarks import bench_demo

BENCHMARKS = (bench_demo,)

if __name__ == "__main__":
    for bench in BENCHMARKS:
        bench.run()
