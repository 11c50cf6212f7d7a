"""Forecast models: two baselines and the planner's two-scale negative-binomial GLM.

Every model is a function `(history, n_days, context, settings) -> Forecast` that
forecasts the `n_days` after the history ends. They share the calendar and the grid, so
the backtest compares them on exactly the same cells.

Why the two-scale GLM (see ../shared/notes/forecast.md for the measurements behind it):
- arrivals are counts, so a count model (log link, negative-binomial errors);
- a *long* window (up to three years) is needed to learn the yearly season, public
  holidays, the days before and after long breaks, adjusted working days and campaigns,
  which a few weeks of data never show;
- but the level and the weekday pattern drift (a growing fleet, a new rota, a
  competitor): a *short* recent window (8 weeks) re-estimates the level of each weekday,
  shrunk towards the overall recent level so one odd Tuesday does not move it much;
- the hour-of-day profile comes from the recent weeks, per weekday, shrunk towards the
  workday or rest-day profile;
- dispersion (for the intervals) is estimated out of sample: the model is refitted at a
  few earlier origins and alpha is fitted to its own forecast errors, which brings
  interval coverage close to nominal.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import statsmodels.api as sm
from threadpoolctl import threadpool_limits

from planner.domain import DayKind, HolidayCalendar
from planner.forecast.distribution import calibrate_alpha, fit_alpha
from planner.forecast.features import (
    SHARED_HOLIDAY_FEATURES,
    DayContext,
    OwnEffect,
    break_season,
    day_features,
    feature_names,
    fresh_campaign_days,
    own_effect_counts,
)
from planner.forecast.forecast import BODY_LEVEL, TAIL_LEVEL, Forecast
from planner.forecast.names import DEFAULT_MODEL as DEFAULT_MODEL  # re-exported: callers import it from here
from planner.forecast.names import MODEL_NAMES
from planner.forecast.series import Grid

OpenMask = Callable[[date, int, tuple[int, ...]], np.ndarray]


@dataclass(frozen=True)
class ForecastSettings:
    """Tunable settings of the forecast, in one place."""

    long_window_days: int = 3 * 365
    min_days_for_season: int = 540  # the yearly season is learnt only from 1.5 years of history
    short_window_weeks: int = 8
    level_shrinkage_days: float = 2.0  # prior weight of the overall recent level, in days of data
    level_half_life_days: float = 21.0  # recent days weigh more in the level
    profile_weeks: int = 12
    profile_shrinkage: float = 150.0  # prior weight of the pooled hour profile, in arrivals
    calibration_origins: int = 12  # earlier origins used to fit the dispersion out of sample ...
    calibration_spacing_days: int = 28  # ... spread over the last year, so they meet holidays too
    calibration_horizon_days: int = 7
    min_special_days: int = 15  # days a class (special days, campaign days) needs for a dispersion of its own ...
    min_special_days_tail: int = 40  # ... and their own tail (at 95%, 2 misses in 40 set it)
    min_holiday_years: int = 2  # times a holiday (or its eve, its morrow) must have been seen to get its own effect
    residual_weeks: int = 8  # baselines: weeks of one-step errors used for their dispersion


@dataclass(frozen=True)
class SeriesContext:
    """What models know besides the counts: the calendar, opening, campaigns.

    `as_of`, when set, rebuilds the context from a history alone: opening that was read
    off the data must be read again at each backtest origin, or the backtest would peek.
    """

    calendar: HolidayCalendar
    days: DayContext
    open_mask: OpenMask  # which cells of future days are open
    as_of: Callable[[Grid], SeriesContext] | None = None

    def known_at(self, history: Grid) -> SeriesContext:
        return self.as_of(history) if self.as_of is not None else self


Model = Callable[[Grid, int, SeriesContext, ForecastSettings], Forecast]


# -- baselines ---------------------------------------------------------------------------


def _weekday_rows(history: Grid) -> list[int]:
    return [d.weekday() for d in history.days]


def _weekday_hour_means(history: Grid) -> np.ndarray:
    """Mean count per weekday × hour over the history's open cells (7 × hours)."""
    weekdays = np.array(_weekday_rows(history))
    means = np.full((7, len(history.hours)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a weekday never open
        for w in range(7):
            rows = history.counts[weekdays == w]
            if len(rows):
                means[w] = np.nanmean(rows, axis=0)
    return np.asarray(np.nan_to_num(means, nan=0.0), dtype=float)


def _baseline_forecast(name: str, history: Grid, start: date, mean: np.ndarray, one_step: np.ndarray,
                       settings: ForecastSettings) -> Forecast:
    """A baseline's forecast, its dispersion fitted to its errors over the last weeks."""
    n = min(history.n_days, settings.residual_weeks * 7)
    y, mu = history.counts[-n:], np.maximum(one_step[-n:], 0.1)
    yd = np.where(history.open_days[-n:], np.nansum(y, axis=1), np.nan)
    # a day whose one-step forecast is missing altogether (last week closed) is no error
    # of the baseline's: leave it out rather than call its forecast zero
    known = ~np.isnan(one_step[-n:]).all(axis=1)
    mud = np.where(history.open_days[-n:] & known,
                   np.nansum(np.where(np.isnan(y), np.nan, mu), axis=1), np.nan)
    alpha_hour = np.full(mean.shape, fit_alpha(y.ravel(), mu.ravel()))
    alpha_day = np.full(mean.shape[0], fit_alpha(yd, np.maximum(mud, 0.1)))
    return Forecast(name, start, history.hours, mean, alpha_hour, alpha_day)


def seasonal_naive(history: Grid, n_days: int, context: SeriesContext, settings: ForecastSettings) -> Forecast:
    """Baseline: the same hour (or day) of the most recent week observed."""
    start = history.end + timedelta(days=1)
    mask = context.open_mask(start, n_days, history.hours)
    fallback = _weekday_hour_means(history)
    mean = np.full(mask.shape, np.nan)
    last = history.n_days
    for d in range(n_days):
        t = last + d
        source = None
        for k in range(d // 7 + 1, d // 7 + 5):
            if 0 <= t - 7 * k < last and history.open_days[t - 7 * k]:
                source = history.counts[t - 7 * k]
                break
        weekday = (start + timedelta(days=d)).weekday()
        row = fallback[weekday] if source is None else np.where(np.isnan(source), fallback[weekday], source)
        mean[d] = np.where(mask[d], row, np.nan)
    lagged = np.full(history.counts.shape, np.nan)
    lagged[7:] = history.counts[:-7]
    return _baseline_forecast("seasonal_naive", history, start, mean, lagged, settings)


def weekday_hour_mean(history: Grid, n_days: int, context: SeriesContext, settings: ForecastSettings) -> Forecast:
    """Baseline: the historical mean of each weekday and hour."""
    start = history.end + timedelta(days=1)
    mask = context.open_mask(start, n_days, history.hours)
    means = _weekday_hour_means(history)
    mean = np.array([means[(start + timedelta(days=d)).weekday()] for d in range(n_days)]).reshape(mask.shape)
    in_sample = np.array([means[w] for w in _weekday_rows(history)]).reshape(history.counts.shape)
    return _baseline_forecast("weekday_hour_mean", history, start, np.where(mask, mean, np.nan), in_sample, settings)


# -- the two-scale negative-binomial GLM ------------------------------------------------------


@dataclass
class _DailyGlm:
    """The long-window GLM of daily totals, recalibrated on the recent weeks."""

    calendar: HolidayCalendar
    days: DayContext
    weekdays_open: list[int]
    origin: date
    keep: np.ndarray
    params: np.ndarray
    own: tuple[OwnEffect, ...] = ()
    # (shared column, coefficient): a shared holiday feature never seen apart from the
    # holidays with effects of their own takes their mean effect, so a holiday new to the
    # window (a one-off day of mourning) is not forecast as a plain day
    shared_fallback: tuple[tuple[int, float], ...] = ()
    weekday_level: np.ndarray = field(default_factory=lambda: np.ones(7))

    def predict_eta(self, start: date, n_days: int) -> np.ndarray:
        x = day_features(self.calendar, start, n_days, self.days, self.weekdays_open, self.origin, self.own)
        eta = np.column_stack([np.ones(n_days), x[:, self.keep]]) @ self.params
        for column, coefficient in self.shared_fallback:
            eta = eta + x[:, column] * coefficient
        return np.asarray(eta, dtype=float)

    def predict(self, start: date, n_days: int, recalibrated: bool = True) -> np.ndarray:
        eta = np.clip(self.predict_eta(start, n_days), -20, 20)
        mu = np.exp(eta)
        if recalibrated:
            mu = mu * np.array([self.weekday_level[(start + timedelta(days=i)).weekday()] for i in range(n_days)])
        return np.asarray(mu, dtype=float)


SPECIAL_DAY_FEATURES = ("adjusted_workday", "holiday_open", "before_break", "after_break", "holiday_eve",
                        "after_holiday", "bridge_day")


def _normal_days(calendar: HolidayCalendar, days: list[date], special: np.ndarray | np.bool_) -> np.ndarray:
    """Days with nothing special: not a holiday, not adjusted, not next to a break."""
    plain = np.array([calendar.day_kind(d) in (DayKind.WORKDAY, DayKind.WEEKEND) for d in days], dtype=bool)
    return np.asarray(plain & ~np.asarray(special, dtype=bool), dtype=bool)


def _own_effects(window: Grid, context: SeriesContext, open_rows: np.ndarray, min_seen: int) -> tuple[OwnEffect, ...]:
    """Holiday effects seen at least `min_seen` times in the window: enough to learn their own."""
    counts = own_effect_counts(context.calendar, window.start, window.n_days, context.days, open_rows)
    return tuple(sorted(k for k, v in counts.items() if v >= min_seen))


def _shared_fallback(names: list[str], keep: np.ndarray, params: np.ndarray) -> tuple[tuple[int, float], ...]:
    param_of = {int(column): 1 + k for k, column in enumerate(np.flatnonzero(keep))}
    out = []
    for shared in SHARED_HOLIDAY_FEATURES:
        column = names.index(shared)
        own = [params[param_of[c]] for c, name in enumerate(names) if name.startswith(shared + ":") and keep[c]]
        if not keep[column] and own:
            out.append((column, float(np.mean(own))))
    return tuple(out)


def _fit_daily_glm(daily: Grid, context: SeriesContext, settings: ForecastSettings) -> _DailyGlm:
    n = min(daily.n_days, settings.long_window_days)
    window = daily.slice_days(daily.n_days - n, daily.n_days)
    y = window.counts[:, 0]
    open_rows = ~np.isnan(y)
    weekdays_open = sorted({d.weekday() for d, o in zip(window.days, open_rows, strict=True) if o})
    origin = daily.end + timedelta(days=1)
    names = _own_effects(window, context, open_rows, settings.min_holiday_years)
    x = day_features(context.calendar, window.start, n, context.days, weekdays_open, origin, names)
    xo = x[open_rows]
    keep = xo.std(axis=0) > 1e-9
    if n < settings.min_days_for_season:  # a yearly wave fitted to part of a year extrapolates wildly
        keep &= ~np.array([name.startswith("year_") for name in feature_names(weekdays_open, names)])
    glm = _DailyGlm(context.calendar, context.days, weekdays_open, origin, keep, np.zeros(int(keep.sum()) + 1),
                    names)
    design = np.column_stack([np.ones(int(open_rows.sum())), xo[:, keep]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect separation or convergence chatter on tiny series
        result = sm.GLM(y[open_rows], design, family=sm.families.Poisson()).fit(maxiter=50)
    glm.params = np.nan_to_num(np.asarray(result.params, dtype=float))
    glm.shared_fallback = _shared_fallback(feature_names(weekdays_open, names), keep, glm.params)
    glm.weekday_level = _recent_weekday_level(window, glm, x, open_rows, settings)
    return glm


def _recent_weekday_level(window: Grid, glm: _DailyGlm, x: np.ndarray, open_rows: np.ndarray,
                          settings: ForecastSettings) -> np.ndarray:
    """Actual over fitted in the last weeks, per weekday, shrunk towards the overall ratio.

    Days count less the older they are (half-life `level_half_life_days`), so a step in
    the level shows within two or three weeks instead of eight.
    """
    recent = min(window.n_days, settings.short_window_weeks * 7)
    special = [i for i, name in enumerate(feature_names(glm.weekdays_open, glm.own))
               if name.startswith(SPECIAL_DAY_FEATURES)]
    days = window.days
    normal = _normal_days(glm.calendar, days, x[:, special].any(axis=1)) & open_rows
    fitted = glm.predict(window.start, window.n_days, recalibrated=False)
    y = np.nan_to_num(window.counts[:, 0])
    rows = np.arange(window.n_days) >= window.n_days - recent
    use = rows & normal
    if use.sum() < 5:
        return np.ones(7)
    age = window.n_days - 1 - np.arange(window.n_days)
    weight = np.where(use, 0.5 ** (age / settings.level_half_life_days), 0.0)
    overall = (weight * y).sum() / (weight * fitted).sum()
    prior = settings.level_shrinkage_days * fitted[use].mean()
    level = np.full(7, overall)
    weekdays = np.array([d.weekday() for d in days])
    for w in range(7):
        sel = weekdays == w
        # the prior is worth as much as two recent days of that weekday
        scale = weight[sel].max() if weight[sel].any() else 1.0
        level[w] = ((weight[sel] * y[sel]).sum() + scale * prior * overall) / \
            ((weight[sel] * fitted[sel]).sum() + scale * prior)
    return level


def _hour_profiles(history: Grid, calendar: HolidayCalendar, settings: ForecastSettings) -> np.ndarray:
    """Share of a day's arrivals per hour, per weekday (7 × hours), from the recent weeks."""
    n = min(history.n_days, settings.profile_weeks * 7)
    recent = history.slice_days(history.n_days - n, history.n_days)
    counts = np.nan_to_num(recent.counts)
    kinds = [calendar.day_kind(d) for d in recent.days]
    weekdays = np.array([d.weekday() for d in recent.days])
    normal = np.array([k in (DayKind.WORKDAY, DayKind.WEEKEND) for k in kinds]) & recent.open_days
    pooled = {}
    for name, days in (("work", range(5)), ("rest", (5, 6))):
        sel = normal & np.isin(weekdays, list(days))
        total = counts[sel].sum(axis=0)
        if total.sum() == 0:
            total = counts[recent.open_days].sum(axis=0)
        pooled[name] = total / max(total.sum(), 1e-9)
    profiles = np.zeros((7, len(history.hours)))
    for w in range(7):
        sel = normal & (weekdays == w)
        own = counts[sel].sum(axis=0)
        prior = pooled["work" if w < 5 else "rest"]
        profiles[w] = (own + settings.profile_shrinkage * prior) / (own.sum() + settings.profile_shrinkage)
    return profiles


def _spread_over_hours(day_means: np.ndarray, start: date, mask: np.ndarray, profiles: np.ndarray,
                       calendar: HolidayCalendar) -> np.ndarray:
    out = np.full(mask.shape, np.nan)
    for d in range(mask.shape[0]):
        if not mask[d].any():
            continue
        day = start + timedelta(days=d)
        kind = calendar.day_kind(day)
        w = day.weekday()
        if kind is DayKind.ADJUSTED_WORKDAY:
            w = 2  # behaves like a midweek day
        elif kind is DayKind.HOLIDAY:
            w = 6  # like a Sunday
        share = np.where(mask[d], profiles[w], 0.0)
        if share.sum() <= 0:
            share = mask[d].astype(float)
        out[d] = np.where(mask[d], day_means[d] * share / share.sum(), np.nan)
    return out


def _two_scale_means(history: Grid, n_days: int, context: SeriesContext, settings: ForecastSettings,
                     recalibrate: bool = True) -> np.ndarray:
    start = history.end + timedelta(days=1)
    mask = context.open_mask(start, n_days, history.hours)
    glm = _fit_daily_glm(history.to_daily(), context, settings)
    day_means = glm.predict(start, n_days, recalibrated=recalibrate)
    day_means = np.where(mask.any(axis=1), day_means, np.nan)
    if history.is_daily:
        return day_means[:, None]
    profiles = _hour_profiles(history, context.calendar, settings)
    return _spread_over_hours(day_means, start, mask, profiles, context.calendar)


def special_days(context: SeriesContext, start: date, n_days: int) -> np.ndarray:
    """Days whose forecasts are less sure, calibrated with their own dispersion: holidays,
    adjusted days, the days next to holidays and the season of a break (`break_season`)."""
    all_weekdays = list(range(7))
    x = day_features(context.calendar, start, n_days, context.days, all_weekdays, start)
    cols = [i for i, name in enumerate(feature_names(all_weekdays)) if name.startswith(SPECIAL_DAY_FEATURES)]
    days = [start + timedelta(days=i) for i in range(n_days)]
    out = ~_normal_days(context.calendar, days, x[:, cols].any(axis=1))
    return np.asarray(out | break_season(context.calendar, start, n_days, context.days), dtype=bool)


# Dispersion classes: days calibrated apart, from the surest to the least sure.
PLAIN_DAY, CAMPAIGN_DAY, SPECIAL_DAY = 0, 1, 2
_CLASSES = 3


def dispersion_classes(context: SeriesContext, start: date, n_days: int) -> np.ndarray:
    """Per day, the class whose dispersion it takes: SPECIAL_DAY (`special_days`) over
    CAMPAIGN_DAY (`fresh_campaign_days`: a campaign's first weeks, as how many customers
    answer its letters and calls differs from one campaign to the next) over PLAIN_DAY."""
    out = np.where(fresh_campaign_days(start, n_days, context.days), CAMPAIGN_DAY, PLAIN_DAY)
    return np.asarray(np.where(special_days(context, start, n_days), SPECIAL_DAY, out), dtype=int)


@dataclass(frozen=True)
class _Dispersion:
    """Alpha per dispersion class (plain, campaign, special), for hourly cells and daily
    totals, for the body (80% intervals) and the tail (95% intervals) of the errors."""

    hour: tuple[float, ...]
    day: tuple[float, ...]
    hour_tail: tuple[float, ...]
    day_tail: tuple[float, ...]

    def arrays(self, classes: np.ndarray, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
        def per_day(alphas: tuple[float, ...]) -> np.ndarray:
            return np.asarray(np.asarray(alphas, dtype=float)[classes], dtype=float)

        def per_cell(alphas: tuple[float, ...]) -> np.ndarray:
            return np.broadcast_to(per_day(alphas)[:, None], shape).copy()
        return {"alpha_hour": per_cell(self.hour), "alpha_day": per_day(self.day),
                "alpha_hour_tail": per_cell(self.hour_tail), "alpha_day_tail": per_day(self.day_tail)}


def _calibrate(y: np.ndarray, mu: np.ndarray, classes: np.ndarray, min_days: int, level: float,
               day_of: np.ndarray | None = None, min_plain: int | None = None) -> tuple[float, ...]:
    """An alpha per class, each resting on at least `min_days` days with a forecast and an
    actual (`day_of` maps hourly cells to their day, so days are counted, not cells).

    The classes run from the surest to the least sure, so a class never gets an alpha
    below the plain one, and one with too few days is pooled with the surer classes.
    When plain days are fewer than `min_plain` (default `min_days`), campaign days count
    as plain (as they did before they were a class), and if even those are too few,
    plain days take the alpha of all days.
    """
    min_plain = min_days if min_plain is None else min_plain
    seen = ~np.isnan(y) & ~np.isnan(mu)

    def days_in(sel: np.ndarray) -> int:
        return int(sel.sum()) if day_of is None else len(np.unique(day_of[sel]))

    known: dict[bytes, float] = {}  # the same days pooled twice are calibrated once

    def alpha(sel: np.ndarray) -> float:
        key = np.packbits(sel).tobytes()
        if key not in known:
            known[key] = calibrate_alpha(y[sel], mu[sel], level)
        return known[key]

    classes = np.where(seen, classes, -1)
    if days_in(classes == PLAIN_DAY) < min_plain:
        classes = np.where(classes == CAMPAIGN_DAY, PLAIN_DAY, classes)
    plain_days = classes == PLAIN_DAY
    plain = alpha(plain_days if days_in(plain_days) >= min_plain else seen)
    out = [plain]
    for k in range(1, _CLASSES):
        mine = classes == k
        pool = mine if days_in(mine) >= min_days else seen & (classes <= k)
        out.append(max(plain, alpha(pool)))
    return tuple(out)


def _calibrate_both(y: np.ndarray, mu: np.ndarray, classes: np.ndarray, min_days: int, min_days_tail: int,
                    day_of: np.ndarray | None = None) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Alphas per class for the body and for the tail. A tail is set by the few widest
    misses, so a class needs more days to get a tail of its own; plain days keep theirs
    from as few days as their body (pooling them with harder days would widen every
    ordinary day's 95% interval)."""
    return (_calibrate(y, mu, classes, min_days, BODY_LEVEL, day_of),
            _calibrate(y, mu, classes, min_days_tail, TAIL_LEVEL, day_of, min_plain=min_days))


def _out_of_sample_dispersion(history: Grid, context: SeriesContext, settings: ForecastSettings,
                              means: Callable[[Grid, int], np.ndarray]) -> _Dispersion:
    """Dispersion fitted to the model's own forecast errors at earlier origins.

    The origins are spread over the last year so that the errors include days after
    holidays and other hard days; those get their own alpha when there are enough.
    """
    h = settings.calibration_horizon_days
    ys, mus, yd, mud, classes = [], [], [], [], []
    for k in range(settings.calibration_origins, 0, -1):
        cut = history.n_days - h - (k - 1) * settings.calibration_spacing_days
        if cut < 8 * 7:
            continue
        past, actual = history.slice_days(0, cut), history.slice_days(cut, min(cut + h, history.n_days))
        mu = means(past, actual.n_days)
        ys.append(actual.counts.ravel())
        mus.append(mu.ravel())
        yd.append(actual.daily_totals())
        mud.append(np.where(actual.open_days, np.nansum(mu, axis=1), np.nan))
        classes.append(dispersion_classes(context, actual.start, actual.n_days))
    if not ys:
        return _Dispersion((0.05, 0.08, 0.1), (0.02, 0.035, 0.05), (0.1, 0.15, 0.2), (0.04, 0.07, 0.1))
    day_classes = np.concatenate(classes)
    hours = len(history.hours)
    day_of = np.repeat(np.arange(len(day_classes)), hours)  # each hourly cell's day, to count days
    hour, hour_tail = _calibrate_both(np.concatenate(ys), np.concatenate(mus), np.repeat(day_classes, hours),
                                      settings.min_special_days, settings.min_special_days_tail, day_of)
    day, day_tail = _calibrate_both(np.concatenate(yd), np.concatenate(mud), day_classes, settings.min_special_days,
                                    settings.min_special_days_tail)
    return _Dispersion(hour, day, hour_tail, day_tail)


def _glm_forecast(name: str, history: Grid, n_days: int, context: SeriesContext, settings: ForecastSettings,
                  recalibrate: bool) -> Forecast:
    # These are small dense problems (a thousand rows, a few dozen columns): one BLAS
    # thread is fastest, and several spin-waiting threads on a busy 2-core machine made
    # each least-squares step 300 times slower (measured: 0.6 ms against 220 ms).
    with threadpool_limits(limits=1, user_api="blas"):
        return _glm_forecast_unlimited(name, history, n_days, context, settings, recalibrate)


def _glm_forecast_unlimited(name: str, history: Grid, n_days: int, context: SeriesContext,
                            settings: ForecastSettings, recalibrate: bool) -> Forecast:
    start = history.end + timedelta(days=1)
    mean = _two_scale_means(history, n_days, context, settings, recalibrate)
    dispersion = _out_of_sample_dispersion(
        history, context, settings, lambda past, n: _two_scale_means(past, n, context, settings, recalibrate))
    classes = dispersion_classes(context, start, n_days)
    return Forecast(name, start, history.hours, mean, **dispersion.arrays(classes, mean.shape))


def two_scale_nb(history: Grid, n_days: int, context: SeriesContext, settings: ForecastSettings) -> Forecast:
    """The planner's model: long-window NB GLM for the calendar, short window for the level."""
    return _glm_forecast("two_scale_nb", history, n_days, context, settings, recalibrate=True)


def long_window_nb(history: Grid, n_days: int, context: SeriesContext, settings: ForecastSettings) -> Forecast:
    """The same GLM without the recent-level recalibration (to show what the short scale buys)."""
    return _glm_forecast("long_window_nb", history, n_days, context, settings, recalibrate=False)


MODELS: dict[str, Model] = {
    "two_scale_nb": two_scale_nb,
    "long_window_nb": long_window_nb,
    "weekday_hour_mean": weekday_hour_mean,
    "seasonal_naive": seasonal_naive,
}
assert tuple(MODELS) == MODEL_NAMES, "planner.forecast.names lists the models the CLI offers"
