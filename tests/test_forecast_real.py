"""The forecast on public real series shipped in benchmarks/series/ (not generated here)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.forecast.backtest import backtest
from planner.forecast.models import ForecastSettings, two_scale_nb
from planner.forecast.sources import from_csv

SERIES = Path(__file__).parent.parent / "benchmarks" / "series"


def test_the_shipped_series_are_whole() -> None:
    expected = {"US_births_2000-2014_SSA.csv": (5479, 62_187_024),
                "US_births_1994-2003_CDC_NCHS.csv": (3652, 39_722_137),
                "bike_sharing_day.csv": (731, 3_292_679)}
    for name, (rows, total) in expected.items():
        lines = (SERIES / name).read_text().splitlines()
        assert lines[0] == "timestamp,count" and len(lines) == rows + 1
        assert sum(int(line.split(",")[1]) for line in lines[1:]) == total


def test_births_on_holidays_that_differ() -> None:
    """Veterans Day barely moves births, Thanksgiving and the day after cut them: a pooled
    holiday effect forecast 9,545 and 11,408 for the first and last (25% off)."""
    source = from_csv(SERIES / "US_births_2000-2014_SSA.csv", "US", "America/New_York", daily=True)
    history = source.grid.slice_days(0, source.grid.index_of(date(2014, 11, 10)))
    f = two_scale_nb(history, 21, source.context.known_at(history), ForecastSettings())
    mean = dict(zip(f.days, f.mean[:, 0], strict=True))
    actual = {date(2014, 11, 11): 12_794, date(2014, 11, 27): 7_351, date(2014, 11, 28): 9_049}
    for day, births in actual.items():
        assert mean[day] == pytest.approx(births, rel=0.08), day


def test_bike_rentals_beat_the_seasonal_naive() -> None:
    source = from_csv(SERIES / "bike_sharing_day.csv", "US-DC", "America/New_York", daily=True)
    result = backtest(source.grid, source.context, daily=True, holdout_days=28, horizon_days=7)
    score = result.score("two_scale_nb")
    assert score.rel_mae < 0.95
    assert score.coverage_95 >= score.coverage_80  # 28 days are too few to judge calibration itself
