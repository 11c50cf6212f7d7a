"""pandas views of forecasts and backtests, for the notebook and the app (the edge)."""

from __future__ import annotations

import pandas as pd

from planner.forecast.backtest import BacktestResult
from planner.forecast.intake import IntakeForecast


def periods_frame(intake: IntakeForecast) -> pd.DataFrame:
    """One row per period: start, arrivals with intervals, mix, labour, capacity, load, label."""
    rows = [p.as_json() for p in intake.periods]
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["start"] = [p.start for p in intake.periods]
        frame["end"] = [p.end for p in intake.periods]
    return frame


def load_heatmap(intake: IntakeForecast) -> pd.DataFrame:
    """Load ratio as a day × hour table (NaN where closed or unknown)."""
    frame = periods_frame(intake)
    if frame.empty or frame["load_ratio"].isna().all():
        return pd.DataFrame()
    frame["day"] = [p.start.date() for p in intake.periods]
    frame["hour"] = [p.start.hour for p in intake.periods]
    return frame.pivot_table(index="day", columns="hour", values="load_ratio")


def peaks_and_valleys(intake: IntakeForecast) -> pd.DataFrame:
    """The periods labelled peak or valley, busiest first."""
    frame = periods_frame(intake)
    if frame.empty:
        return frame
    marked = frame[frame["label"].isin(["peak", "valley"])]
    return marked.sort_values("load_ratio", ascending=False)[
        ["start", "arrivals", "lo80", "hi80", "labour_hours", "capacity_hours", "load_ratio", "label"]]


def backtest_frame(result: BacktestResult) -> pd.DataFrame:
    """One row per model with its scores; the planner's default model first."""
    frame = pd.DataFrame(result.as_json()["models"]).set_index("model")
    order = [result.chosen] + [m for m in frame.index if m != result.chosen]
    return frame.loc[order]
