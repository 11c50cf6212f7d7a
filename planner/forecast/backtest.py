"""Rolling-origin backtests: every model forecasts from the same origins, scored alike."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from planner.forecast import metrics
from planner.forecast.models import (
    CAMPAIGN_DAY,
    DEFAULT_MODEL,
    MODELS,
    SPECIAL_DAY,
    ForecastSettings,
    Model,
    SeriesContext,
    dispersion_classes,
)
from planner.forecast.series import Grid

PINBALL_QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)


@dataclass(frozen=True)
class ModelScore:
    model: str
    mase: float
    rel_mae: float
    rmse: float
    coverage_80: float
    coverage_95: float
    pinball: float
    seconds: float  # median time of one fit and forecast


@dataclass(frozen=True)
class BacktestResult:
    freq: str  # "H" or "D"
    holdout_days: int
    horizon_days: int
    origins: tuple[date, ...]
    scores: tuple[ModelScore, ...]
    chosen: str

    def as_json(self) -> dict[str, Any]:
        return {
            "chosen": self.chosen,
            "freq": self.freq,
            "holdout_days": self.holdout_days,
            "horizon_days": self.horizon_days,
            "origins": [d.isoformat() for d in self.origins],
            "models": [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(s).items()}
                       for s in self.scores],
        }

    def score(self, model: str) -> ModelScore:
        return next(s for s in self.scores if s.model == model)


@dataclass
class _Collected:
    actual: list[np.ndarray]
    mean: list[np.ndarray]
    scaled_abs: list[np.ndarray]
    quantiles: dict[float, list[np.ndarray]]
    intervals: dict[float, list[tuple[np.ndarray, np.ndarray]]]
    seconds: list[float]


def _stack(pairs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([lo for lo, _ in pairs]), np.concatenate([hi for _, hi in pairs])


def backtest(grid: Grid, context: SeriesContext, settings: ForecastSettings | None = None, *,
             daily: bool = False, holdout_days: int = 56, horizon_days: int = 7, step_days: int = 7,
             models: dict[str, Model] | None = None) -> BacktestResult:
    """Forecast from origins every `step_days` over the last `holdout_days`, `horizon_days` ahead.

    Scores are computed on hourly cells, or on daily totals when `daily` (or when the grid
    is daily). Every model sees exactly the same history and is scored on the same cells;
    a cell a model calls closed but where arrivals came is scored as a forecast of zero.
    A series too short for the holdout gets a shorter one (the result says which).
    """
    settings = settings or ForecastSettings()
    models = models or MODELS
    if holdout_days < 1 or horizon_days < 1 or step_days < 1:
        raise ValueError("the holdout, the horizon and the step must each be at least one day")
    min_history = 8 * 7
    if grid.n_days < holdout_days + min_history:
        # a short series: hold out what leaves eight weeks to learn from, in whole steps
        shrunk = (grid.n_days - min_history) // step_days * step_days
        if shrunk < step_days:
            raise ValueError(f"the series covers {grid.n_days} days: a backtest needs at least "
                             f"{min_history + step_days} (eight weeks to learn from and one step to score)")
        holdout_days = shrunk
    daily = daily or grid.is_daily
    cuts = list(range(grid.n_days - holdout_days, grid.n_days, step_days))
    collected = {name: _Collected([], [], [], {q: [] for q in PINBALL_QUANTILES}, {0.8: [], 0.95: []}, [])
                 for name in models}
    for cut in cuts:
        history = grid.slice_days(0, cut)
        actual = grid.slice_days(cut, min(cut + horizon_days, grid.n_days))
        truth = actual.daily_totals()[:, None] if daily else actual.counts
        scale = metrics.seasonal_scale(history.daily_totals() if daily else history.counts)
        known = context.known_at(history)
        for name, model in models.items():
            started = time.perf_counter()
            forecast = model(history, actual.n_days, known, settings)
            collected[name].seconds.append(time.perf_counter() - started)
            if daily:
                forecast = forecast.daily()
            c = collected[name]
            # forecast closed where arrivals came: that is a forecast of zero, and a miss
            said_closed = np.isnan(forecast.mean) & ~np.isnan(truth)
            mean = np.where(said_closed, 0.0, forecast.mean)
            c.actual.append(truth.ravel())
            c.mean.append(mean.ravel())
            c.scaled_abs.append(np.abs(truth - mean).ravel() / scale)
            for q in PINBALL_QUANTILES:
                c.quantiles[q].append(np.where(said_closed, 0.0, forecast.quantile(q)).ravel())
            for level in c.intervals:
                lo, hi = forecast.interval(level)
                c.intervals[level].append((np.where(said_closed, 0.0, lo).ravel(),
                                           np.where(said_closed, 0.0, hi).ravel()))
    naive_mae = metrics.mae(np.concatenate(collected["seasonal_naive"].actual),
                            np.concatenate(collected["seasonal_naive"].mean)) if "seasonal_naive" in models else np.nan
    scores = []
    for name, c in collected.items():
        a, m = np.concatenate(c.actual), np.concatenate(c.mean)
        qs = {k: np.concatenate(v) for k, v in c.quantiles.items()}
        scaled = np.concatenate(c.scaled_abs)
        scores.append(ModelScore(
            model=name,
            mase=float(np.nanmean(scaled)),
            rel_mae=metrics.mae(a, m) / naive_mae if naive_mae else float("nan"),
            rmse=metrics.rmse(a, m),
            coverage_80=metrics.coverage(a, *_stack(c.intervals[0.8])),
            coverage_95=metrics.coverage(a, *_stack(c.intervals[0.95])),
            pinball=float(np.mean([metrics.pinball(a, qs[k], k) for k in PINBALL_QUANTILES])),
            seconds=float(np.median(c.seconds)),
        ))
    origins = tuple(grid.start + timedelta(days=cut) for cut in cuts)
    chosen = DEFAULT_MODEL if DEFAULT_MODEL in models else scores[0].model
    return BacktestResult("D" if daily else "H", holdout_days, horizon_days, origins, tuple(scores), chosen)


@dataclass(frozen=True)
class CoverageProfile:
    """How interval coverage varies across a long run of weekly origins.

    A short holdout's coverage rests on few independent weeks (errors within a week share
    the week's level), so it scatters far more than its count of days suggests; this
    shows by how much: the coverage of every `window_weeks` run of consecutive origins.
    """

    model: str
    origins: int
    coverage_80: float
    coverage_95: float
    coverage_80_special: float  # on special days (holidays, break seasons) ...
    coverage_80_campaign: float  # ... and on a campaign's first weeks: each class is calibrated apart
    window_weeks: int
    windows_80: tuple[float, ...]  # coverage of each run of `window_weeks` origins

    def as_json(self, band: tuple[float, float] = (0.75, 0.85)) -> dict[str, Any]:
        w = np.array(self.windows_80)
        return {
            "model": self.model, "origins": self.origins, "coverage_80": round(self.coverage_80, 4),
            "coverage_95": round(self.coverage_95, 4), "coverage_80_special": round(self.coverage_80_special, 4),
            "coverage_80_campaign": round(self.coverage_80_campaign, 4),
            "window_weeks": self.window_weeks,
            "window_coverage_80": {"min": round(float(w.min()), 4), "q25": round(float(np.quantile(w, 0.25)), 4),
                                   "median": round(float(np.median(w)), 4),
                                   "q75": round(float(np.quantile(w, 0.75)), 4), "max": round(float(w.max()), 4),
                                   "share_in_band": round(float(np.mean((w >= band[0]) & (w <= band[1]))), 4),
                                   "band": list(band)},
        }


def coverage_profile(grid: Grid, context: SeriesContext, settings: ForecastSettings | None = None, *,
                     weeks: int = 78, window_weeks: int = 8, model: str = DEFAULT_MODEL) -> CoverageProfile:
    """Daily 80%/95% coverage of `model` from weekly origins over the last `weeks`, 7 days ahead."""
    settings = settings or ForecastSettings()
    if weeks < window_weeks or grid.n_days < 7 * weeks + 8 * 7:
        raise ValueError(f"a coverage profile over {weeks} weeks needs {7 * weeks + 56} days of history")
    inside80: list[np.ndarray] = []
    inside95: list[np.ndarray] = []
    classes: list[np.ndarray] = []
    for cut in range(grid.n_days - 7 * weeks, grid.n_days, 7):
        history, actual = grid.slice_days(0, cut), grid.slice_days(cut, min(cut + 7, grid.n_days))
        known = context.known_at(history)
        forecast = MODELS[model](history, actual.n_days, known, settings).daily()
        truth = actual.daily_totals()
        seen = ~np.isnan(truth)
        for level, out in ((0.8, inside80), (0.95, inside95)):
            lo, hi = (np.nan_to_num(a[:, 0]) for a in forecast.interval(level))
            out.append(((truth >= lo) & (truth <= hi))[seen])
        classes.append(dispersion_classes(known, actual.start, actual.n_days)[seen])
    a80, a95, cls = np.concatenate(inside80), np.concatenate(inside95), np.concatenate(classes)
    windows = tuple(float(np.concatenate(inside80[k:k + window_weeks]).mean())
                    for k in range(len(inside80) - window_weeks + 1))

    def on(kind: int) -> float:
        return float(a80[cls == kind].mean()) if (cls == kind).any() else float("nan")
    return CoverageProfile(model, len(inside80), float(a80.mean()), float(a95.mean()), on(SPECIAL_DAY),
                           on(CAMPAIGN_DAY), window_weeks, windows)
