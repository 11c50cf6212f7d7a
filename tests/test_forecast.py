"""The intake forecast: features, metrics, distributions, models, sources and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.domain import (
    Campaign,
    CampaignKind,
    Dealer,
    DealerCalendar,
    Dealership,
    OpeningHours,
    TimeRange,
)
from planner.forecast import metrics
from planner.forecast.backtest import backtest, coverage_profile
from planner.forecast.distribution import calibrate_alpha, interval_coverage, nb_interval, nb_quantile
from planner.forecast.features import (
    DayContext,
    break_season,
    campaign_reach,
    campaign_stage,
    day_features,
    feature_names,
)
from planner.forecast.forecast import Forecast
from planner.forecast.models import (
    CAMPAIGN_DAY,
    PLAIN_DAY,
    SPECIAL_DAY,
    ForecastSettings,
    Model,
    SeriesContext,
    _calibrate,
    _calibrate_both,
    dispersion_classes,
    seasonal_naive,
    special_days,
    two_scale_nb,
    weekday_hour_mean,
)
from planner.forecast.series import Grid, dealer_open_mask
from planner.forecast.sources import dealer_context, from_csv, read_arrivals_csv

OPEN = TimeRange(time(8, 30), time(18, 0))
DEALER = Dealer("T1", "Test dealer", OpeningHours((OPEN,) * 7))
CAL = DealerCalendar(DEALER)
ALL_WEEKDAYS = list(range(7))


def features_on(day: date, campaigns: tuple[Campaign, ...] = ()) -> dict[str, float]:
    x = day_features(CAL, day, 1, DayContext(CAL.is_open, campaigns), ALL_WEEKDAYS, day)
    return dict(zip(feature_names(ALL_WEEKDAYS), x[0], strict=True))


# -- features ------------------------------------------------------------------------------

def test_adjusted_working_day_feature() -> None:
    assert features_on(date(2026, 10, 10))["adjusted_workday"] == 1  # Saturday worked for National Day
    assert features_on(date(2026, 10, 17))["adjusted_workday"] == 0


def test_days_before_and_after_a_closed_golden_week() -> None:
    assert features_on(date(2026, 9, 30))["before_break_1"] == 1
    assert features_on(date(2026, 9, 29))["before_break_2"] == 1
    assert features_on(date(2026, 10, 8))["after_break_1"] == 1
    assert features_on(date(2026, 10, 9))["after_break_2"] == 1
    plain = features_on(date(2026, 11, 11))
    assert not any(v for k, v in plain.items() if k.startswith(("before", "after")))


def test_the_season_of_a_break_reaches_ten_open_days_either_side() -> None:
    # open every day but holidays: Mid-Autumn closes 25-27 Sep 2026, National Day 1-7 Oct
    start = date(2026, 9, 1)
    season = dict(zip((start + timedelta(days=i) for i in range(60)),
                      break_season(CAL, start, 60, DayContext(CAL.is_open)), strict=True))
    assert season[date(2026, 9, 15)] and season[date(2026, 9, 24)]  # 10th and 1st open day before
    assert not season[date(2026, 9, 14)]  # the 11th
    assert not season[date(2026, 9, 25)]  # closed days are no season
    assert season[date(2026, 10, 17)] and not season[date(2026, 10, 18)]  # 10th and 11th after
    assert not any(season[date(2026, 9, 1) + timedelta(days=i)] for i in range(14))


def test_days_in_a_break_season_get_their_own_dispersion() -> None:
    ctx = context(campaigns=())
    flags = dict(zip((date(2026, 9, 10) + timedelta(days=i) for i in range(50)),
                     special_days(ctx, date(2026, 9, 10), 50), strict=True))
    assert flags[date(2026, 9, 16)]  # no feature of its own, but eight open days before a break
    assert not flags[date(2026, 9, 11)] and not flags[date(2026, 10, 22)]  # plain days


def test_a_holiday_the_dealer_opens_on() -> None:
    open_on_holidays = Dealer("T2", "Open", OpeningHours((OPEN,) * 7, holiday=OPEN))
    cal = DealerCalendar(open_on_holidays)
    x = day_features(cal, date(2026, 10, 1), 1, DayContext(cal.is_open), ALL_WEEKDAYS, date(2026, 10, 1))
    row = dict(zip(feature_names(ALL_WEEKDAYS), x[0], strict=True))
    assert row["holiday_open_weekday"] == 1 and row["holiday_open_weekend"] == 0  # a Thursday


def test_a_campaign_passes_through_launch_early_and_late_stages() -> None:
    c = Campaign("R", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 5, 11), date(2026, 6, 15))

    def stages(day: date) -> tuple[float, float, float]:
        row = features_on(day, (c,))
        return row["recall_launch"], row["recall_early"], row["recall_late"]
    assert stages(date(2026, 5, 10)) == (0, 0, 0)  # before it
    assert stages(date(2026, 5, 11)) == stages(date(2026, 5, 17)) == (1, 0, 0)  # its first week
    assert stages(date(2026, 5, 18)) == stages(date(2026, 6, 14)) == (0, 1, 0)  # days 7-34
    assert stages(date(2026, 6, 15)) == (0, 0, 1)  # from day 35 to its end
    assert stages(date(2026, 6, 16)) == (0, 0, 0)
    assert features_on(date(2026, 5, 12), (c,))["dealer_campaign_launch"] == 0  # a recall is no dealer campaign


def test_a_campaign_ages_by_open_days_so_a_closure_does_not_eat_its_launch() -> None:
    # launched the day before the National Day closure (1-7 Oct 2026): its first week of
    # answers comes when the workshop opens again
    c = Campaign("R", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 9, 30), date(2026, 12, 31))
    assert features_on(date(2026, 10, 8), (c,))["recall_launch"] == 1  # 2nd open day
    assert features_on(date(2026, 10, 13), (c,))["recall_launch"] == 1  # 7th open day
    assert features_on(date(2026, 10, 14), (c,))["recall_early"] == 1  # 8th


def test_a_recall_counts_by_the_share_of_cars_it_targets() -> None:
    recall = Campaign("R", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 12, 1), date(2027, 2, 28),
                      target_models=("A",))
    everyone = Campaign("W", "冬季", "Winter", CampaignKind.DEALER, date(2026, 12, 1), date(2026, 12, 31))
    fleet = [("A", date(2024, 1, 1)), ("A", date(2025, 1, 1)), ("A", date(2026, 1, 1)), ("B", date(2025, 6, 1)),
             ("A", date(2026, 12, 5))]  # the last car is sold after the recall starts: not on its list
    reach = campaign_reach((recall, everyone), fleet)
    assert reach == (("R", 0.75),)  # a campaign of every model reaches everyone: not listed
    days = DayContext(CAL.is_open, (recall, everyone), reach)
    row = dict(zip(feature_names(ALL_WEEKDAYS),
                   day_features(CAL, date(2026, 12, 2), 1, days, ALL_WEEKDAYS, date(2026, 12, 2))[0], strict=True))
    assert row["recall_launch"] == 0.75 and row["dealer_campaign_launch"] == 1
    assert campaign_reach((recall,), []) == ()  # no fleet known (a CSV series): full reach
    assert campaign_reach((recall,), fleet, known_on=date(2025, 12, 1)) == (("R", 2 / 3),)  # a forecast then
    assert campaign_reach((recall,), [("B", date(2025, 6, 1))]) == (("R", 0.0),)  # nobody to recall


def test_a_backtest_origin_counts_only_the_cars_sold_before_it() -> None:
    recall = Campaign("R", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 6, 1), date(2026, 8, 31),
                      target_models=("A",))
    fleet = [("B", date(2024, 1, 1)), ("A", date(2026, 3, 1)), ("A", date(2026, 5, 1))]
    ctx = dealer_context(CAL, Dealership(DEALER, (), (), (), (), (), (recall,)), fleet)
    assert ctx.days.reach_of(recall) == pytest.approx(2 / 3)
    history = synthetic(date(2026, 1, 1), 90)  # up to 31 Mar 2026: one of the A cars is sold, not the other
    assert ctx.known_at(history).days.reach_of(recall) == pytest.approx(1 / 2)


def test_overlapping_recalls_add_their_reach_and_one_reaching_nobody_is_no_campaign() -> None:
    a = Campaign("RA", "召回", "Recall A", CampaignKind.MANUFACTURER, date(2026, 5, 25), date(2026, 6, 30),
                 target_models=("A",))
    b = Campaign("RB", "召回", "Recall B", CampaignKind.MANUFACTURER, date(2026, 5, 25), date(2026, 6, 30),
                 target_models=("B",))
    nobody = Campaign("RC", "召回", "Recall C", CampaignKind.MANUFACTURER, date(2026, 5, 25), date(2026, 6, 30),
                      target_models=("C",))
    fleet = [("A", date(2024, 1, 1)), ("B", date(2024, 1, 1)), ("B", date(2024, 1, 1)), ("D", date(2024, 1, 1))]
    both = DayContext(CAL.is_open, (a, b), campaign_reach((a, b), fleet))
    row = dict(zip(feature_names(ALL_WEEKDAYS),
                   day_features(CAL, date(2026, 5, 26), 1, both, ALL_WEEKDAYS, date(2026, 5, 26))[0], strict=True))
    assert row["recall_launch"] == pytest.approx(0.75)
    assert dispersion_classes(dealer_context(CAL, Dealership(DEALER, (), (), (), (), (), (nobody,)), fleet),
                              date(2026, 5, 26), 1)[0] == PLAIN_DAY
    assert dispersion_classes(dealer_context(CAL, Dealership(DEALER, (), (), (), (), (), (a,)), fleet),
                              date(2026, 5, 26), 1)[0] == CAMPAIGN_DAY


def test_a_campaign_first_weeks_take_their_own_dispersion_class() -> None:
    recall = Campaign("R", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 11, 2), date(2027, 1, 31))
    ctx = context(campaigns=(recall,))
    start = date(2026, 9, 1)
    classes = dict(zip((start + timedelta(days=i) for i in range(120)), dispersion_classes(ctx, start, 120),
                       strict=True))
    assert classes[date(2026, 10, 28)] == PLAIN_DAY  # before the recall
    assert classes[date(2026, 11, 2)] == classes[date(2026, 12, 6)] == CAMPAIGN_DAY  # launch and early stages
    assert classes[date(2026, 12, 7)] == PLAIN_DAY  # its late stage is as sure as any plain day
    assert classes[date(2026, 10, 10)] == SPECIAL_DAY  # an adjusted working day
    with_holiday = context(campaigns=(replace(recall, start=date(2026, 9, 20)),))
    assert dispersion_classes(with_holiday, date(2026, 10, 8), 1)[0] == SPECIAL_DAY  # a holiday's morrow wins


def _nb(rng: np.random.Generator, mu: np.ndarray, alpha: float) -> np.ndarray:
    return np.asarray(rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)), dtype=float)


def test_a_noisier_class_gets_a_wider_alpha_of_its_own() -> None:
    rng = np.random.default_rng(3)
    mu = np.full(400, 80.0)
    y = np.concatenate([rng.poisson(mu[:300]).astype(float), _nb(rng, mu[300:], 0.04)])
    classes = np.array([PLAIN_DAY] * 300 + [CAMPAIGN_DAY] * 100)
    alphas = _calibrate(y, mu, classes, 15, 0.8)
    assert alphas[PLAIN_DAY] < 0.01 and 0.02 < alphas[CAMPAIGN_DAY] < 0.08
    assert alphas[SPECIAL_DAY] == max(alphas[PLAIN_DAY], calibrate_alpha(y, mu, 0.8))  # no special days: pooled


def test_a_small_class_is_pooled_with_the_surer_classes_only() -> None:
    rng = np.random.default_rng(4)
    mu = np.full(400, 80.0)
    y = np.concatenate([rng.poisson(mu[:290]).astype(float), _nb(rng, mu[290:300], 0.01), _nb(rng, mu[300:], 0.1)])
    classes = np.array([PLAIN_DAY] * 290 + [CAMPAIGN_DAY] * 10 + [SPECIAL_DAY] * 100)
    alphas = _calibrate(y, mu, classes, 15, 0.8)
    surer = classes <= CAMPAIGN_DAY  # ten campaign days: too few, pooled with plain days, not with holidays
    assert alphas[CAMPAIGN_DAY] == max(alphas[PLAIN_DAY], calibrate_alpha(y[surer], mu[surer], 0.8))
    assert alphas[CAMPAIGN_DAY] < calibrate_alpha(y, mu, 0.8) / 3
    assert alphas[SPECIAL_DAY] > 0.05  # enough days of its own


def test_no_class_is_surer_than_plain_days() -> None:
    rng = np.random.default_rng(5)
    mu = np.full(200, 80.0)
    y = np.concatenate([_nb(rng, mu[:100], 0.03), rng.poisson(mu[100:]).astype(float)])  # calm campaign days
    classes = np.array([PLAIN_DAY] * 100 + [CAMPAIGN_DAY] * 100)
    alphas = _calibrate(y, mu, classes, 15, 0.8)
    assert calibrate_alpha(y[100:], mu[100:], 0.8) < alphas[PLAIN_DAY] == alphas[CAMPAIGN_DAY]


def test_too_few_plain_days_take_the_campaign_days_in_and_then_all_days() -> None:
    # a dealer with back-to-back campaigns: 8 plain days are too few for an alpha
    rng = np.random.default_rng(6)
    mu = np.full(108, 80.0)
    y = _nb(rng, mu, 0.02)
    classes = np.array([PLAIN_DAY] * 8 + [CAMPAIGN_DAY] * 60 + [SPECIAL_DAY] * 40)
    alphas = _calibrate(y, mu, classes, 15, 0.8)
    plain_and_campaign = classes <= CAMPAIGN_DAY
    assert alphas[PLAIN_DAY] == alphas[CAMPAIGN_DAY] == calibrate_alpha(y[plain_and_campaign], mu[:68], 0.8)
    only_special = np.array([PLAIN_DAY] * 8 + [SPECIAL_DAY] * 100)
    assert _calibrate(y, mu, only_special, 15, 0.8)[PLAIN_DAY] == calibrate_alpha(y, mu, 0.8)  # all days


def test_plain_days_keep_a_tail_of_their_own_from_as_few_days_as_their_body() -> None:
    rng = np.random.default_rng(8)
    mu = np.full(90, 80.0)
    y = np.concatenate([rng.poisson(mu[:30]).astype(float), _nb(rng, mu[30:], 0.15)])
    classes = np.array([PLAIN_DAY] * 30 + [SPECIAL_DAY] * 60)  # 30 plain days: enough for a body, not a tail
    _, tail = _calibrate_both(y, mu, classes, 15, 40)
    assert tail[PLAIN_DAY] == calibrate_alpha(y[:30], mu[:30], 0.95)  # not pooled with the holidays
    assert tail[PLAIN_DAY] < 0.02 < tail[SPECIAL_DAY]


def test_hourly_cells_count_as_their_days_and_closed_cells_not_at_all() -> None:
    rng = np.random.default_rng(7)
    hours = 10
    mu = np.full(40 * hours, 8.0)
    y = rng.poisson(mu).astype(float)
    classes = np.repeat([PLAIN_DAY] * 30 + [CAMPAIGN_DAY] * 10, hours)
    day_of = np.repeat(np.arange(40), hours)
    y_camp = y.copy()
    y_camp[classes == CAMPAIGN_DAY] = _nb(rng, mu[classes == CAMPAIGN_DAY], 0.5)
    assert _calibrate(y_camp, mu, classes, 15, 0.8)[CAMPAIGN_DAY] > 0.2  # as cells, 100 seem plenty ...
    by_day = _calibrate(y_camp, mu, classes, 15, 0.8, day_of)  # ... but they are 10 days: pooled with plain
    assert by_day[CAMPAIGN_DAY] == max(by_day[PLAIN_DAY], calibrate_alpha(y_camp, mu, 0.8))
    assert _calibrate(y_camp, mu, classes, 8, 0.8, day_of)[CAMPAIGN_DAY] > 0.2  # 10 days are enough for 8
    closed = y_camp.copy()
    closed[np.flatnonzero(classes == CAMPAIGN_DAY)[:3 * hours]] = np.nan  # three closed days leave seven
    assert _calibrate(closed, mu, classes, 8, 0.8, day_of)[CAMPAIGN_DAY] < 0.2  # too few: pooled with plain


# -- metrics against hand-computed values ------------------------------------------------------

def test_metrics_by_hand() -> None:
    actual = np.array([10.0, 12.0, np.nan, 8.0])
    predicted = np.array([11.0, 9.0, 5.0, 8.0])
    assert metrics.mae(actual, predicted) == pytest.approx(4 / 3)
    assert metrics.rmse(actual, predicted) == pytest.approx(np.sqrt(10 / 3))
    assert metrics.mase(actual, predicted, scale=2.0) == pytest.approx(2 / 3)
    # 10 in [9, 11]; 12 above 11; 8 below 9; the NaN cell is skipped
    assert metrics.coverage(actual, np.array([9, 9, 0, 9.0]), np.array([11, 11, 9, 11.0])) == pytest.approx(1 / 3)
    # pinball at q=0.9: errors 10-11=-1 -> 0.1, 12-9=3 -> 2.7, 8-8=0 -> 0
    assert metrics.pinball(actual, predicted, 0.9) == pytest.approx((0.1 + 2.7 + 0) / 3)


def test_seasonal_scale_is_the_in_sample_naive_error() -> None:
    history = np.array([1, 2, 3, 4, 5, 6, 7, 2, 2, 3, 4, 5, 6, 9], dtype=float)
    assert metrics.seasonal_scale(history) == pytest.approx((1 + 0 + 0 + 0 + 0 + 0 + 2) / 7)


# -- distributions ------------------------------------------------------------------------------

def test_discrete_interval_holds_about_its_level() -> None:
    lo, hi = nb_interval(np.array([5.0]), 0.0, 0.8)
    assert (lo[0], hi[0]) in ((2, 7), (3, 8), (3, 7))
    rng = np.random.default_rng(1)
    mu = rng.uniform(2, 40, 4000)
    y = rng.poisson(mu)
    assert abs(interval_coverage(y, mu, 0.0, 0.8) - 0.8) < 0.03


def test_calibrated_alpha_gives_nominal_coverage_on_overdispersed_counts() -> None:
    rng = np.random.default_rng(2)
    mu = rng.uniform(20, 120, 3000)
    alpha = 0.05
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    fitted = calibrate_alpha(y.astype(float), mu)
    assert 0.02 < fitted < 0.09
    assert abs(interval_coverage(y, mu, fitted, 0.8) - 0.8) < 0.03


def test_heavy_tailed_errors_need_a_tail_dispersion_for_95_percent() -> None:
    rng = np.random.default_rng(4)
    mu = rng.uniform(40, 120, 6000)
    alpha = np.where(rng.random(mu.size) < 0.1, 0.15, 0.01)  # mostly calm days, some wild ones
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)).astype(float)
    body, tail = calibrate_alpha(y, mu, 0.8), calibrate_alpha(y, mu, 0.95)
    assert tail > 1.3 * body
    assert interval_coverage(y, mu, body, 0.95) < 0.93  # the body's dispersion: 95% intervals too narrow
    assert abs(interval_coverage(y, mu, tail, 0.95) - 0.95) < 0.01
    assert abs(interval_coverage(y, mu, body, 0.8) - 0.8) < 0.01


def test_a_forecast_uses_the_tail_dispersion_for_wide_intervals_only() -> None:
    mean = np.array([[50.0], [80.0]])
    body, tail = np.array([0.01, 0.01]), np.array([0.05, 0.001])  # the second tail is thinner than its body
    f = Forecast("m", date(2026, 1, 5), (-1,), mean, body[:, None], body, tail[:, None], tail)
    assert np.array_equal(f.interval(0.8)[1], nb_interval(mean, body[:, None], 0.8)[1])
    assert f.interval(0.95)[1][0, 0] == nb_interval(mean[:1], 0.05, 0.95)[1][0, 0]
    assert f.interval(0.95)[1][1, 0] == nb_interval(mean[1:], 0.01, 0.95)[1][0, 0]  # never thinner than the body
    assert 0.01 < f.alpha_at(0.9)[0, 0] < 0.05  # in between, interpolated
    assert np.array_equal(f.quantile(0.5), nb_quantile(mean, body[:, None], 0.5))
    assert f.quantile(0.975)[0, 0] == nb_quantile(mean[:1], 0.05, 0.975)[0, 0]


# -- models on a synthetic dealer with known structure -------------------------------------------

WEEKDAY_LEVEL = np.array([1.0, 0.9, 0.9, 0.95, 1.0, 1.6, 1.3])
PROFILE = np.array([0.05, 0.2, 0.18, 0.08, 0.04, 0.12, 0.14, 0.1, 0.06, 0.03])  # 08:00..17:00
CAMPAIGN = Campaign("C1", "活动", "Campaign", CampaignKind.DEALER, date(2026, 3, 2), date(2026, 3, 22))


def synthetic(start: date, n_days: int, seed: int = 0, uplift: float = 1.3) -> Grid:
    """Poisson arrivals: weekday levels, a 30% campaign uplift, closed on holiday periods."""
    rng = np.random.default_rng(seed)
    hours = tuple(range(8, 18))
    mask = dealer_open_mask(CAL, start, n_days, hours)
    counts = np.full(mask.shape, np.nan)
    for d in range(n_days):
        day = start + timedelta(days=d)
        if not mask[d].any():
            continue
        level = 60 * WEEKDAY_LEVEL[day.weekday()] * (uplift if CAMPAIGN.active_on(day) else 1.0)
        counts[d] = np.where(mask[d], rng.poisson(level * PROFILE), np.nan)
    return Grid(start, hours, counts)


def context(campaigns: tuple[Campaign, ...] = (CAMPAIGN,)) -> SeriesContext:
    return dealer_context(CAL, Dealership(DEALER, (), (), (), (), (), campaigns))


@pytest.fixture(scope="module")
def history() -> Grid:
    # 2 years of history, up to the start of a known campaign that the model must anticipate
    return synthetic(date(2024, 1, 1), (date(2026, 3, 2) - date(2024, 1, 1)).days)


def test_two_scale_model_recovers_weekdays_hours_and_the_campaign(history: Grid) -> None:
    last_year = Campaign("C0", "活动", "Campaign", CampaignKind.DEALER, date(2025, 3, 3), date(2025, 3, 23))
    grid = synthetic(date(2024, 1, 1), history.n_days)
    # last year's campaign is in the history too, with the same uplift
    for d, day in enumerate(grid.days):
        if last_year.active_on(day):
            grid.counts[d] = np.round(grid.counts[d] * 1.3)
    f = two_scale_nb(grid, 28, context((last_year, CAMPAIGN)), ForecastSettings())
    daily = f.daily().mean[:, 0]
    days = f.days
    weekday_mean = {w: np.mean([daily[i] for i, d in enumerate(days) if d.weekday() == w and
                                not CAMPAIGN.active_on(d)]) for w in range(7)}
    campaign_mon = np.mean([daily[i] for i, d in enumerate(days) if d.weekday() == 0 and CAMPAIGN.active_on(d)])
    assert campaign_mon / weekday_mean[0] > 1.15
    assert weekday_mean[5] / weekday_mean[1] == pytest.approx(1.6 / 0.9, rel=0.15)
    share = f.mean[0] / np.nansum(f.mean[0])
    assert np.argmax(share) == 1 and share[4] < share[6]  # morning peak, lunch dip, afternoon bump
    lo, hi = f.interval(0.8)
    assert np.all(lo <= np.ceil(f.mean)) and np.all(hi >= np.floor(f.mean))


def test_a_recall_is_forecast_stage_by_stage_and_by_its_reach() -> None:
    # last year's recall of every car: +60% in its first week, +30% to day 34, +15% after
    past = Campaign("R0", "召回", "Recall", CampaignKind.MANUFACTURER, date(2025, 3, 3), date(2025, 5, 31),
                    target_models=("A", "B"))
    grid = synthetic(date(2024, 1, 1), (date(2026, 3, 2) - date(2024, 1, 1)).days, seed=5)
    for d, day in enumerate(grid.days):
        stage = campaign_stage(past, day, CAL.is_open)  # aged in open days (Qingming falls in it)
        if stage is not None:
            grid.counts[d] = np.round(grid.counts[d] * (1.6, 1.3, 1.15)[stage])
    fleet = [("A", date(2020, 1, 1)), ("B", date(2020, 1, 1))]
    settings = ForecastSettings()
    base = two_scale_nb(grid, 60, dealer_context(CAL, Dealership(DEALER, (), (), (), (), (), (past,)), fleet),
                        settings).daily().mean[:, 0]
    f_days = [date(2026, 3, 2) + timedelta(days=i) for i in range(60)]

    def uplift(new: Campaign) -> dict[str, float]:
        ctx = dealer_context(CAL, Dealership(DEALER, (), (), (), (), (), (past, new)), fleet)
        ratio = two_scale_nb(grid, 60, ctx, settings).daily().mean[:, 0] / base
        stage = np.array([campaign_stage(new, day, CAL.is_open) for day in f_days])
        return {name: float(np.nanmean(ratio[stage == k])) for k, name in enumerate(("launch", "early", "late"))}
    every = uplift(Campaign("R1", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 3, 2), date(2026, 5, 31),
                            target_models=("A", "B")))
    assert every["launch"] == pytest.approx(1.6, rel=0.1) and every["early"] == pytest.approx(1.3, rel=0.1)
    assert every["late"] == pytest.approx(1.15, rel=0.05) and every["late"] > 1.08
    half = uplift(Campaign("R1", "召回", "Recall", CampaignKind.MANUFACTURER, date(2026, 3, 2), date(2026, 5, 31),
                           target_models=("B",)))  # half the cars
    assert half["launch"] == pytest.approx(1.6 ** 0.5, rel=0.1) and 1.0 < half["early"] < every["early"]


def test_no_forecast_mass_on_closed_days() -> None:
    grid = synthetic(date(2024, 6, 1), (date(2025, 9, 25) - date(2024, 6, 1)).days)
    f = two_scale_nb(grid, 21, context(), ForecastSettings())
    for i, day in enumerate(f.days):
        assert np.isnan(f.mean[i]).all() == (not CAL.is_open(day)), day
    assert np.isnan(f.daily().mean[f.days.index(date(2025, 10, 3)), 0])


def test_seasonal_naive_repeats_last_week(history: Grid) -> None:
    f = seasonal_naive(history, 7, context(()), ForecastSettings())
    n = history.n_days
    for d in range(7):  # the same day last week; if it was closed, the latest week it was open
        source = n - 7 + d
        while not history.open_days[source]:
            source -= 7
        np.testing.assert_array_equal(f.mean[d], history.counts[source])
    assert not history.open_days[n - 7]  # the history does end with a closed day a week ago


def test_weekday_hour_mean_is_the_historical_mean(history: Grid) -> None:
    f = weekday_hour_mean(history, 7, context(()), ForecastSettings())
    mondays = [i for i, d in enumerate(history.days) if d.weekday() == 0 and history.open_days[i]]
    first_monday = next(i for i, d in enumerate(f.days) if d.weekday() == 0)
    np.testing.assert_allclose(f.mean[first_monday], np.nanmean(history.counts[mondays], axis=0))


def test_backtest_scores_every_model_on_the_same_cells(history: Grid) -> None:
    result = backtest(history, context(()), holdout_days=14, horizon_days=7)
    payload = result.as_json()
    assert payload["chosen"] == "two_scale_nb"
    names = [m["model"] for m in payload["models"]]
    assert names == ["two_scale_nb", "long_window_nb", "weekday_hour_mean", "seasonal_naive"]
    naive = result.score("seasonal_naive")
    assert naive.rel_mae == pytest.approx(1.0)
    assert result.score("two_scale_nb").mase < naive.mase  # Poisson noise: the naive copies it
    assert all(0 <= m["coverage_80"] <= m["coverage_95"] <= 1 for m in payload["models"])


def test_coverage_profile_windows_agree_with_the_backtest(history: Grid) -> None:
    january = Campaign("CJ", "活动", "January", CampaignKind.DEALER, date(2026, 1, 5), date(2026, 1, 25))
    ctx = context((january, CAMPAIGN))
    profile = coverage_profile(history, ctx, weeks=10, window_weeks=8)
    assert profile.origins == 10 and len(profile.windows_80) == 3
    last_eight = backtest(history, ctx, daily=True, holdout_days=56, horizon_days=7).score("two_scale_nb")
    assert profile.windows_80[-1] == pytest.approx(last_eight.coverage_80)
    assert profile.coverage_95 >= profile.coverage_80
    assert profile.as_json()["window_coverage_80"]["max"] == round(max(profile.windows_80), 4)
    assert 0 <= profile.coverage_80_special <= 1  # the Spring Festival's break season is in these weeks ...
    assert 0 <= profile.coverage_80_campaign <= 1  # ... and January's campaign
    assert profile.as_json()["coverage_80_campaign"] == round(profile.coverage_80_campaign, 4)
    with pytest.raises(ValueError, match="needs"):
        coverage_profile(history.slice_days(0, 100), ctx, weeks=10)


def test_backtest_needs_enough_history() -> None:
    with pytest.raises(ValueError, match="needs at least"):
        backtest(synthetic(date(2026, 1, 1), 60), context(()), holdout_days=56)


# -- sources: CSV -----------------------------------------------------------------------------------

def write_arrivals(path: Path, grid: Grid, utc: bool = False) -> None:
    lines = ["timestamp"]
    for d, day in enumerate(grid.days):
        for i, h in enumerate(grid.hours):
            n = 0 if np.isnan(grid.counts[d, i]) else int(grid.counts[d, i])
            for k in range(n):
                local = f"{day}T{h:02d}:{(k * 7) % 60:02d}:00"
                if utc:  # the same instant written in UTC
                    from datetime import datetime
                    from zoneinfo import ZoneInfo
                    stamp = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
                    local = stamp.astimezone(ZoneInfo("UTC")).isoformat()
                lines.append(local)
    path.write_text("\n".join(lines) + "\n")


def test_csv_of_arrivals_infers_opening_and_handles_utc(tmp_path: Path) -> None:
    grid = synthetic(date(2025, 6, 1), 200)
    local, utc = tmp_path / "local.csv", tmp_path / "utc.csv"
    write_arrivals(local, grid)
    write_arrivals(utc, grid, utc=True)
    a = from_csv(local, "CN", "Asia/Shanghai", daily=False)
    b = from_csv(utc, "CN", "Asia/Shanghai", daily=False)
    assert a.grid.hours == b.grid.hours == tuple(range(8, 18))
    np.testing.assert_array_equal(np.nan_to_num(a.grid.counts), np.nan_to_num(b.grid.counts))
    assert np.isnan(a.grid.counts[a.grid.index_of(date(2025, 10, 2))]).all()  # holiday closure inferred
    d = from_csv(local, "CN", "Asia/Shanghai", daily=True)
    assert d.grid.is_daily and np.nansum(d.grid.counts) == np.nansum(grid.counts)


def test_csv_errors_name_the_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,count\n2026-01-01,3\n2026-01-02,x\n")
    with pytest.raises(ValueError, match=r"bad\.csv row 3, column count: 'x' is not a number"):
        read_arrivals_csv(bad, "Asia/Shanghai")
    bad.write_text("when\n2026-01-01\n")
    with pytest.raises(ValueError, match="needs a 'timestamp' column"):
        read_arrivals_csv(bad, "Asia/Shanghai")
    bad.write_text("timestamp\n2026-13-01\n")
    with pytest.raises(ValueError, match="row 2, column timestamp: '2026-13-01' is not an ISO 8601 time"):
        read_arrivals_csv(bad, "Asia/Shanghai")


def test_cli_backtest_and_forecast_on_a_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "arrivals.csv"
    write_arrivals(csv_path, synthetic(date(2025, 3, 1), 420))
    assert main(["backtest", "--arrivals", str(csv_path), "--holdout-days", "14", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["chosen"] == "two_scale_nb"
    assert {"model", "mase", "rmse", "coverage_80", "coverage_95"} <= set(payload["models"][0])
    assert main(["forecast", "--arrivals", str(csv_path), "--days", "3", "--freq", "D", "--json"]) == 0
    periods = json.loads(capsys.readouterr().out)["periods"]
    assert len(periods) == 3 and all(p["lo80"] <= p["arrivals"] <= p["hi80"] for p in periods if not p["closed"])


# -- robustness on other dealers' series -------------------------------------------------------------


def write_daily(path: Path, start: date, n_days: int, level: dict[int, float], seed: int = 0,
                closed: set[date] | None = None, skip: set[date] | None = None) -> None:
    """A `timestamp,count` daily CSV: Poisson counts by weekday; `closed` days get a zero
    row, `skip` days are absent (missing data)."""
    rng = np.random.default_rng(seed)
    rows = ["timestamp,count"]
    for i in range(n_days):
        day = start + timedelta(days=i)
        if skip and day in skip:
            continue
        mean = 0.0 if closed and day in closed else level.get(day.weekday(), 0.0)
        rows.append(f"{day},{int(rng.poisson(mean)) if mean else 0}")
    path.write_text("\n".join(rows) + "\n")


WEEKDAYS_ONLY = {0: 60.0, 1: 60.0, 2: 60.0, 3: 60.0, 4: 60.0}


def us_holidays(start: date, n_days: int, names: tuple[str, ...]) -> set[date]:
    from planner.domain import HolidayCalendar

    cal = HolidayCalendar("US")
    days = (start + timedelta(days=i) for i in range(n_days))
    return {d for d in days if any(n in (cal.public_holiday_name(d) or "") for n in names)}


def test_a_weekday_opened_recently_is_forecast(tmp_path: Path) -> None:
    start, n = date(2023, 1, 2), 2 * 365
    path = tmp_path / "sat.csv"
    level = dict(WEEKDAYS_ONLY)
    write_daily(path, start, n, level)
    text = path.read_text().splitlines()
    rng = np.random.default_rng(3)
    days = [start + timedelta(days=i) for i in range(n - 70, n)]
    recent_saturdays = {str(d) for d in days if d.weekday() == 5}  # opened on Saturdays ten weeks ago
    text = [f"{d},{rng.poisson(40)}" if d in recent_saturdays else line
            for line in text for d in [line.split(",")[0]]]
    path.write_text("\n".join(text) + "\n")
    source = from_csv(path, "US", "America/New_York", daily=True)
    old_saturday = source.grid.index_of(start + timedelta(days=5))
    assert np.isnan(source.grid.counts[old_saturday, 0])  # closed back then: absent, not zero
    f = two_scale_nb(source.grid, 7, source.context, ForecastSettings())
    saturday = next(i for i, d in enumerate(f.days) if d.weekday() == 5)
    assert 25 < f.mean[saturday, 0] < 60 and np.isnan(f.mean[next(i for i, d in enumerate(f.days)
                                                                   if d.weekday() == 6), 0])


def test_holiday_closing_is_judged_holiday_by_holiday(tmp_path: Path) -> None:
    start, n = date(2022, 1, 3), 3 * 365
    closed = us_holidays(start, n, ("Thanksgiving", "Christmas"))
    path = tmp_path / "hol.csv"
    write_daily(path, start, n, WEEKDAYS_ONLY, closed=closed)
    source = from_csv(path, "US", "America/New_York", daily=True)
    assert not source.context.days.is_open(date(2025, 11, 27))  # Thanksgiving: always closed
    assert source.context.days.is_open(date(2025, 10, 13))  # Columbus Day: always open


def test_missing_weeks_are_missing_not_zero(tmp_path: Path) -> None:
    start, n = date(2023, 1, 2), 2 * 365
    gap = {start + timedelta(days=i) for i in range(400, 430)}
    path = tmp_path / "gap.csv"
    write_daily(path, start, n, WEEKDAYS_ONLY, skip=gap)
    source = from_csv(path, "US", "America/New_York", daily=True)
    assert np.isnan(source.grid.counts[400:430]).all()
    f = two_scale_nb(source.grid, 14, source.context, ForecastSettings())
    plain = [f.mean[i, 0] for i, d in enumerate(f.days) if d.weekday() < 5 and not np.isnan(f.mean[i, 0])]
    assert 52 < np.median(plain) < 68  # the true level is 60


def test_a_partial_last_day_is_dropped(tmp_path: Path) -> None:
    start, n = date(2024, 1, 1), 200
    path = tmp_path / "cut.csv"
    write_daily(path, start, n, {w: 50.0 for w in range(7)})
    lines = path.read_text().splitlines()
    lines[-1] = lines[-1].split(",")[0] + ",6"  # the export was cut early on the last day
    path.write_text("\n".join(lines) + "\n")
    source = from_csv(path, "US", "America/New_York", daily=True)
    assert source.grid.end == start + timedelta(days=n - 2)


def test_short_series_get_a_shorter_holdout(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    write_daily(path, date(2025, 1, 6), 90, WEEKDAYS_ONLY)
    source = from_csv(path, "DE", "Europe/Berlin", daily=True)
    result = backtest(source.grid, source.context, daily=True, holdout_days=56)
    assert result.holdout_days == 28 and len(result.origins) == 4


def test_daily_counts_asked_for_hourly_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "daily.csv"
    write_daily(path, date(2025, 1, 6), 120, WEEKDAYS_ONLY)
    with pytest.raises(ValueError, match="look like daily counts, so use --freq D"):
        from_csv(path, "US", "America/New_York", daily=False)


def test_intervals_do_not_leave_out_the_mean() -> None:
    mu = np.array([0.05, 0.35, 1.09, 2.5, 7.0, 40.0])
    for alpha in (0.0, 0.3, 2.0):
        for level in (0.8, 0.95):
            lo, hi = nb_interval(mu, alpha, level)
            # whole counts: a mean of 0.05 has [0, 0] (95% of the probability), but a mean
            # of 1.09 must not get [0, 0] or [0, 1] cut below it by the inward step
            assert np.all(lo <= mu) and np.all(hi >= np.floor(mu))
            assert np.all((hi >= mu) | (mu < 0.5))


def test_country_codes_with_subdivisions() -> None:
    from planner.domain import HolidayCalendar

    england = HolidayCalendar("gb-eng")
    assert england.public_holiday_name(date(2024, 8, 26)) is not None  # a bank holiday in England only
    with pytest.raises(ValueError, match="has no subdivision XYZ"):
        HolidayCalendar("GB-XYZ")


def test_a_cell_forecast_closed_that_had_arrivals_is_scored_as_zero() -> None:
    grid = synthetic(date(2024, 6, 3), 140)

    def closed_on_mondays(history: Grid, n_days: int, ctx: SeriesContext, settings: ForecastSettings) -> Forecast:
        f = weekday_hour_mean(history, n_days, context(()), settings)
        for i, day in enumerate(f.days):
            if day.weekday() == 0:
                f.mean[i] = np.nan
        return f

    models: dict[str, Model] = {"seasonal_naive": seasonal_naive, "blind_on_mondays": closed_on_mondays}
    result = backtest(grid, context(()), holdout_days=14, models=models)
    honest = backtest(grid, context(()), holdout_days=14,
                      models={"seasonal_naive": seasonal_naive, "weekday_hour_mean": weekday_hour_mean})
    assert result.score("blind_on_mondays").mase > honest.score("weekday_hour_mean").mase


def test_daily_forecast_from_a_csv_lists_closed_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.csv"
    write_daily(path, date(2024, 1, 1), 400, WEEKDAYS_ONLY)
    assert main(["forecast", "--arrivals", str(path), "--country", "US", "--tz", "America/New_York",
                 "--freq", "D", "--days", "7", "--json"]) == 0
    periods = json.loads(capsys.readouterr().out)["periods"]
    assert len(periods) == 7
    assert sorted(p["closed"] for p in periods) == [False] * 5 + [True] * 2  # the weekend


def test_backtest_origins_do_not_peek_at_opening_read_off_the_holdout(tmp_path: Path) -> None:
    start, n = date(2024, 1, 1), 400
    path = tmp_path / "sat.csv"
    write_daily(path, start, n, dict(WEEKDAYS_ONLY))
    lines = path.read_text().splitlines()
    rng = np.random.default_rng(4)
    opened = start + timedelta(days=n - 40)  # Saturdays open for the last six weeks only
    lines = [f"{d},{rng.poisson(40)}" if date.fromisoformat(d).weekday() == 5 and date.fromisoformat(d) >= opened
             else line for line in lines[1:] for d in [line.split(",")[0]]]
    path.write_text("timestamp,count\n" + "\n".join(lines) + "\n")
    source = from_csv(path, "US", "America/New_York", daily=True)
    saturday = next(d for d in (source.next_day + timedelta(days=i) for i in range(7)) if d.weekday() == 5)
    assert source.context.days.is_open(saturday)  # known now
    before = source.grid.slice_days(0, source.grid.index_of(opened))
    assert not source.context.known_at(before).days.is_open(saturday)  # not known back then


def test_each_holiday_seen_often_enough_gets_its_own_effect(tmp_path: Path) -> None:
    """MLK Day is a normal day, Presidents' Day a quiet one, the day after Thanksgiving is
    quiet but the day after Christmas is not: pooled holiday effects would misjudge all four."""
    from planner.domain import HolidayCalendar

    cal = HolidayCalendar("US")
    start, end = date(2022, 1, 3), date(2026, 1, 10)
    rng = np.random.default_rng(5)
    rows = ["timestamp,count"]
    day = start
    while day <= end:
        name = cal.public_holiday_name(day) or ""
        before = cal.public_holiday_name(day - timedelta(days=1)) or ""
        mean = 60.0 if day.weekday() < 5 else 0.0
        if "Thanksgiving" in name or "Christmas" in name:
            mean = 0.0
        elif "Washington" in name:
            mean = 24.0
        elif "Thanksgiving" in before:
            mean = 30.0
        rows.append(f"{day},{rng.poisson(mean) if mean else 0}")
        day += timedelta(days=1)
    path = tmp_path / "us.csv"
    path.write_text("\n".join(rows) + "\n")
    source = from_csv(path, "US", "America/New_York", daily=True)
    f = two_scale_nb(source.grid, 365, source.context, ForecastSettings())
    forecast = dict(zip(f.days, f.mean[:, 0], strict=True))
    assert 53 < forecast[date(2026, 1, 19)] < 67  # MLK Day: like any Monday (pooled: 50)
    assert 17 < forecast[date(2026, 2, 16)] < 32  # Presidents' Day: 24 (pooled: 49)
    assert 22 < forecast[date(2026, 11, 27)] < 40  # the day after Thanksgiving: 30 (pooled: 52)
    assert 50 < forecast[date(2026, 12, 28)] < 70  # the Monday after Christmas: normal


def test_own_holiday_effects_are_counted_per_holiday() -> None:
    from planner.domain import HolidayCalendar
    from planner.forecast.features import own_effect_counts

    cal = HolidayCalendar("US")
    start, n = date(2023, 1, 1), 3 * 365
    weekdays = DayContext(lambda d: d.weekday() < 5)
    use = np.array([(start + timedelta(days=i)).weekday() < 5 for i in range(n)])
    counts = own_effect_counts(cal, start, n, weekdays, use)
    assert counts[("holiday_open_weekday", "Martin Luther King Jr. Day")] == 3
    # the Fridays; in 2023 that Friday is the tenth open day after the Veterans Day weekend,
    # which the break features describe instead
    assert counts[("after_holiday", "Thanksgiving Day")] == 2
    assert ("holiday_open_weekday", "Thanksgiving Day") in counts
    x = day_features(cal, date(2026, 1, 19), 1, weekdays, ALL_WEEKDAYS, date(2026, 1, 19),
                     own=[("holiday_open_weekday", "Martin Luther King Jr. Day")])
    row = dict(zip(feature_names(ALL_WEEKDAYS, [("holiday_open_weekday", "Martin Luther King Jr. Day")]), x[0],
                   strict=True))
    assert row["holiday_open_weekday:Martin Luther King Jr. Day"] == 1 and row["holiday_open_weekday"] == 0


def test_an_after_day_is_filed_under_the_holiday_it_follows() -> None:
    from planner.domain import HolidayCalendar
    from planner.forecast.features import own_effect_counts

    # closed on Sundays: Easter Saturday follows Good Friday and is the eve of Easter Monday
    start, n = date(2023, 1, 1), 3 * 365
    not_sunday = DayContext(lambda d: d.weekday() != 6)
    use = np.array([(start + timedelta(days=i)).weekday() != 6 for i in range(n)])
    counts = own_effect_counts(HolidayCalendar("GB-ENG"), start, n, not_sunday, use)
    assert counts[("after_holiday", "Good Friday")] == 3
    assert counts[("holiday_eve", "Easter Monday")] == 3
    assert counts[("after_holiday", "Easter Monday")] == 3  # the Tuesdays only


def test_a_chinese_holiday_period_is_one_holiday() -> None:
    from planner.domain import HolidayCalendar
    from planner.forecast.features import holiday_key

    cn = HolidayCalendar("CN")
    # the festival, a weekend inside the period and a day off moved from a weekend
    keys = {holiday_key(cn, d) for d in (date(2026, 2, 17), date(2026, 2, 21), date(2026, 2, 23))}
    assert keys == {holiday_key(cn, date(2025, 1, 29))}  # and the same festival a year earlier
    assert holiday_key(cn, date(2026, 10, 7)) == holiday_key(cn, date(2026, 10, 1)) != keys.pop()
    assert holiday_key(HolidayCalendar("US"), date(2021, 7, 5)) == "Independence Day"  # "(observed)"


def test_a_holiday_new_to_the_window_takes_the_mean_holiday_effect() -> None:
    """Every holiday seen twice has its own effect, so the shared one was never fitted; a
    one-off holiday (a day of mourning) must still not be forecast as a plain day."""
    from datetime import datetime

    from planner.domain import HolidayCalendar
    from planner.forecast.series import grid_from_local_counts
    from planner.forecast.sources import inferred_context

    one_off = date(2026, 2, 3)

    class WithMourning(HolidayCalendar):
        def public_holiday_name(self, day: date) -> str | None:
            return "Day of mourning" if day == one_off else super().public_holiday_name(day)

    cal = WithMourning("US")
    rng = np.random.default_rng(1)
    days = [date(2023, 1, 2) + timedelta(days=i) for i in range((date(2026, 1, 31) - date(2023, 1, 2)).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    counts = [float(rng.poisson(15.0 if cal.public_holiday_name(d) else 60.0)) for d in weekdays]
    grid, opening = grid_from_local_counts([datetime.combine(d, time()) for d in weekdays], counts, cal, True)
    f = two_scale_nb(grid, 7, inferred_context(cal, opening), ForecastSettings())
    forecast = dict(zip(f.days, f.mean[:, 0], strict=True))
    assert 10 < forecast[one_off] < 25  # holidays here bring 15, plain days 60
    assert 50 < forecast[date(2026, 2, 4)] < 70


def test_the_model_gives_wide_intervals_a_tail_that_survives_slicing(history: Grid) -> None:
    f = two_scale_nb(history, 14, context(), ForecastSettings())
    assert f.alpha_hour_tail is not None and f.alpha_day_tail is not None
    assert (f.alpha_at(0.95) >= f.alpha).all() and (f.alpha_at(0.8) == f.alpha).all()
    daily, later = f.daily(), f.drop_days(7)
    assert daily.alpha_day_tail is not None and np.array_equal(daily.alpha_day_tail, f.alpha_day_tail)
    assert later.alpha_hour_tail is not None and np.array_equal(later.alpha_hour_tail, f.alpha_hour_tail[7:])
    assert later.start == f.start + timedelta(days=7) and np.array_equal(later.interval(0.95)[1],
                                                                          f.interval(0.95)[1][7:], equal_nan=True)
