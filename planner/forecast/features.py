"""Calendar features of days, as a design matrix for the count models.

Every feature has a name a manager would recognise; the GLM's coefficient for it is
the multiplicative effect on expected arrivals (exp(beta)).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np

from planner.domain import Campaign, CampaignKind, DayKind, HolidayCalendar

YEARLY_HARMONICS = 3
BREAK_DAYS = 3  # a run of closed or holiday days at least this long (with a holiday in it) is a "break"
PRE_BREAK_DAYS = 5  # open days before a break that get their own effect
POST_BREAK_DAYS = 10  # ... and after it (a backlog takes days to clear)
BREAK_SEASON_DAYS = 10  # open days either side of a break whose forecasts are less sure (see break_season)
# A campaign's pull fades: most customers answer the letters and calls within weeks, a
# few come much later. Its days fall in one of three stages, each with its own effect.
CAMPAIGN_STAGES = (("launch", 0), ("early", 7), ("late", 35))  # (stage, first day of it, from the start)
FRESH_STAGES = ("launch", "early")  # the stages whose forecasts are less sure (see models.dispersion_classes)
_PAD = 30  # days looked at beyond the range, to find breaks just outside it


@dataclass(frozen=True)
class DayContext:
    """What features need beyond the public calendar: when the dealer is open, and its campaigns."""

    is_open: Callable[[date], bool]
    campaigns: tuple[Campaign, ...] = ()
    # (campaign code, share of the dealer's cars it targets): a recall of one model pulls
    # in fewer cars than one of every model; a campaign not listed reaches everyone
    reach: tuple[tuple[str, float], ...] = ()

    def reach_of(self, campaign: Campaign) -> float:
        return next((share for code, share in self.reach if code == campaign.code), 1.0)


def campaign_reach(campaigns: Sequence[Campaign], fleet: Sequence[tuple[str, date]],
                   known_on: date | None = None) -> tuple[tuple[str, float], ...]:
    """Each campaign's share of the dealer's cars (model, sale date) that it targets, among
    those sold before it starts and before `known_on` (a forecast made then knew no later
    sale). A campaign for every model is left out (it reaches everyone), and so is every
    campaign when no fleet is given (a CSV series: nothing to scale by)."""
    if not fleet:
        return ()
    out = []
    for c in campaigns:
        if not c.target_models:
            continue
        cutoff = c.start if known_on is None else min(c.start, known_on)
        sold = [model for model, sale in fleet if sale < cutoff]
        out.append((c.code, sum(c.targets(model) for model in sold) / len(sold) if sold else 0.0))
    return tuple(out)


def holiday_key(calendar: HolidayCalendar, day: date) -> str | None:
    """Which holiday a day belongs to, named the same every year.

    Where the country announces holiday periods (China), every day of a period takes the
    period's festival, so its days off moved from weekends are not a holiday of their own;
    elsewhere the official name loses "(observed)" and the like, and a day holding two
    holidays is named after the first.
    """
    if calendar.announces_holiday_periods:
        period = calendar.holiday_period(day)
        if period is not None:
            return period.name
    name = calendar.public_holiday_name(day)
    if name is None:
        return None
    return re.sub(r"\s*\([^)]*\)", "", name.split(";")[0]).strip() or None


OwnEffect = tuple[str, str]  # (shared feature, holiday name): a holiday with an effect of its own
SHARED_HOLIDAY_FEATURES = ("holiday_open_weekday", "holiday_eve", "after_holiday")  # ... in place of one of these


@functools.lru_cache(maxsize=256)
def _open_ages(campaign: Campaign, is_open: Callable[[date], bool]) -> Mapping[date, int]:
    """Each day of the campaign, with the count of open days from its start before it."""
    out, n, day = {}, 0, campaign.start
    while day <= campaign.end:
        out[day] = n
        n += int(is_open(day))
        day += timedelta(days=1)
    return MappingProxyType(out)


def _stage_of_age(age: int) -> int:
    return max(k for k, (_, first) in enumerate(CAMPAIGN_STAGES) if age >= first)


def campaign_stage(campaign: Campaign, day: date, is_open: Callable[[date], bool]) -> int | None:
    """The index in `CAMPAIGN_STAGES` of the stage `campaign` is in on `day` (None: not
    active). Age counts open days: letters sent on the eve of a closure are answered
    when the workshop opens again."""
    if not campaign.active_on(day):
        return None
    return _stage_of_age(_open_ages(campaign, is_open)[day])


def campaign_stage_matrix(campaigns: Sequence[Campaign], start: date, n_days: int, context: DayContext) -> np.ndarray:
    """Per day from `start` (rows) and stage of `CAMPAIGN_STAGES` (columns), the reach of
    the campaigns in that stage (1 for a campaign of every model; overlapping ones add up)."""
    out = np.zeros((n_days, len(CAMPAIGN_STAGES)))
    last_day = start + timedelta(days=n_days - 1)
    for c in campaigns:
        first, last = max(c.start, start), min(c.end, last_day)
        if first > last:
            continue
        ages, reach = _open_ages(c, context.is_open), context.reach_of(c)
        for k in range((first - start).days, (last - start).days + 1):
            out[k, _stage_of_age(ages[start + timedelta(days=k)])] += reach
    return out


def fresh_campaign_days(start: date, n_days: int, context: DayContext) -> np.ndarray:
    """Per day from `start`: in the `FRESH_STAGES` of a campaign that reaches any car."""
    fresh = [k for k, (name, _) in enumerate(CAMPAIGN_STAGES) if name in FRESH_STAGES]
    stages = campaign_stage_matrix(context.campaigns, start, n_days, context)
    return np.asarray(stages[:, fresh].sum(axis=1) > 0, dtype=bool)


def feature_names(weekdays_open: Sequence[int], own: Sequence[OwnEffect] = ()) -> list[str]:
    """The columns of `day_features`, in order; `own` effects come last, as "feature:name"."""
    names = [f"weekday_{w}" for w in weekdays_open[1:]]  # the first open weekday is the base
    names += ["adjusted_workday", "holiday_open_weekday", "holiday_open_weekend",
              "holiday_eve", "after_holiday", "bridge_day"]
    names += [f"before_break_{k}" for k in range(1, PRE_BREAK_DAYS + 1)]
    names += [f"after_break_{k}" for k in range(1, POST_BREAK_DAYS + 1)]
    for k in range(1, YEARLY_HARMONICS + 1):
        names += [f"year_sin_{k}", f"year_cos_{k}"]
    names += ["trend_years"]
    names += [f"{group}_{stage}" for group in ("dealer_campaign", "recall") for stage, _ in CAMPAIGN_STAGES]
    names += [f"{feature}:{name}" for feature, name in own]
    return names


def _break_positions(calendar: HolidayCalendar, days: list[date], is_open: list[bool],
                     pre_days: int = PRE_BREAK_DAYS, post_days: int = POST_BREAK_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """One-hot 'k-th open day before a break' and 'k-th open day after a break'."""
    off = [not o or calendar.day_kind(d) is DayKind.HOLIDAY for d, o in zip(days, is_open, strict=True)]
    before = np.zeros((len(days), pre_days))
    after = np.zeros((len(days), post_days))
    i = 0
    while i < len(days):
        if not off[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(days) and off[j + 1]:
            j += 1
        # a dealer closed every Sunday has no break: only runs holding a holiday count
        if j - i + 1 >= BREAK_DAYS and any(calendar.day_kind(days[k]) is DayKind.HOLIDAY for k in range(i, j + 1)):
            _mark(before, is_open, range(i - 1, -1, -1))
            _mark(after, is_open, range(j + 1, len(days)))
        i = j + 1
    return before, after


def _holiday_neighbours(calendar: HolidayCalendar, days: list[date],
                        is_open: list[bool]) -> tuple[np.ndarray, list[int | None], list[int | None]]:
    """Per day: open day just before a holiday, just after one, and between two holidays
    at most a week apart (Christmas to New Year, say), when no break covers it already;
    and the positions of the holiday a day is the eve of, and of the one it follows."""
    holiday = [calendar.day_kind(d) is DayKind.HOLIDAY for d in days]
    out = np.zeros((len(days), 3))
    eve_of: list[int | None] = [None] * len(days)
    after_of: list[int | None] = [None] * len(days)
    last_holiday = -100
    for i in range(len(days)):
        if holiday[i]:
            last_holiday = i
            continue
        if not is_open[i]:
            continue
        nxt = next((k for k in range(i + 1, min(len(days), i + 8)) if holiday[k]), None)
        out[i, 0] = float(nxt is not None and all(not is_open[k] for k in range(i + 1, nxt)))
        out[i, 1] = float(last_holiday >= 0 and all(not is_open[k] for k in range(last_holiday + 1, i)))
        out[i, 2] = float(nxt is not None and i - last_holiday <= 7 and not out[i, 0] and not out[i, 1])
        eve_of[i] = nxt if out[i, 0] else None
        after_of[i] = last_holiday if out[i, 1] else None
    return out, eve_of, after_of


def _mark(target: np.ndarray, is_open: list[bool], positions: range) -> None:
    k = 0
    for p in positions:
        if k >= target.shape[1]:
            return
        if is_open[p]:
            target[p, k] = 1
            k += 1


@dataclass(frozen=True)
class _CalendarParts:
    days: tuple[date, ...]  # _PAD days either side of the range
    is_open: tuple[bool, ...]
    before: np.ndarray
    after: np.ndarray
    neighbours: np.ndarray
    tags: tuple[Mapping[str, str], ...]  # per day: which shared holiday feature fires, for which holiday
    season: np.ndarray  # per day: within BREAK_SEASON_DAYS open days of a break


@functools.lru_cache(maxsize=32)  # a fit designs its window three times: count, fit, recalibrate
def _calendar_parts(calendar: HolidayCalendar, start: date, n_days: int, context: DayContext) -> _CalendarParts:
    days = [start + timedelta(days=i) for i in range(-_PAD, n_days + _PAD)]
    is_open = [context.is_open(d) for d in days]
    before, after = _break_positions(calendar, days, is_open)
    neighbours, eve_of, after_of = _holiday_neighbours(calendar, days, is_open)
    # a break's own before/after features describe those days better
    neighbours[before.any(axis=1), 0] = 0
    neighbours[after.any(axis=1), 1] = 0
    tags: list[Mapping[str, str]] = []
    for i, d in enumerate(days):
        tag: dict[str, str] = {}
        if calendar.day_kind(d) is DayKind.HOLIDAY and d.weekday() < 5:
            tag["holiday_open_weekday"] = holiday_key(calendar, d) or ""
        eve, after_day = eve_of[i], after_of[i]
        if eve is not None and neighbours[i, 0]:
            tag["holiday_eve"] = holiday_key(calendar, days[eve]) or ""
        if after_day is not None and neighbours[i, 1]:
            tag["after_holiday"] = holiday_key(calendar, days[after_day]) or ""
        tags.append(MappingProxyType(tag))
    near_before, near_after = _break_positions(calendar, days, is_open, BREAK_SEASON_DAYS, BREAK_SEASON_DAYS)
    season = np.asarray(near_before.any(axis=1) | near_after.any(axis=1), dtype=bool)
    for shared_array in (before, after, neighbours, season):  # cached: nobody may change them
        shared_array.setflags(write=False)
    return _CalendarParts(tuple(days), tuple(is_open), before, after, neighbours, tuple(tags), season)


def own_effect_counts(calendar: HolidayCalendar, start: date, n_days: int, context: DayContext,
                      use: np.ndarray) -> dict[OwnEffect, int]:
    """How often each holiday's shared features fire on the days `use` marks (for choosing
    which holidays have been seen often enough to get effects of their own)."""
    parts = _calendar_parts(calendar, start, n_days, context)
    counts: dict[OwnEffect, int] = {}
    for i in np.flatnonzero(use):
        for feature, name in parts.tags[_PAD + i].items():
            if name:
                counts[feature, name] = counts.get((feature, name), 0) + 1
    return counts


def break_season(calendar: HolidayCalendar, start: date, n_days: int, context: DayContext) -> np.ndarray:
    """Per day from `start`: within BREAK_SEASON_DAYS open days before or after a break.

    Customers bring work forward before a long break and a backlog follows it, by amounts
    that differ from break to break (its length, where it falls in the year). The GLM's
    pooled break features give the mean; these days get their own, wider dispersion.
    """
    return np.array(_calendar_parts(calendar, start, n_days, context).season[_PAD:_PAD + n_days])


def day_features(calendar: HolidayCalendar, start: date, n_days: int, context: DayContext,
                 weekdays_open: Sequence[int], origin: date, own: Sequence[OwnEffect] = ()) -> np.ndarray:
    """The design matrix (n_days × features, no intercept) for days from `start`.

    `origin` anchors the trend at zero (the forecast origin), so extrapolation stays short.
    A holiday listed in `own` gets its own column for that shared feature instead of the
    shared one: holidays differ (a minor holiday barely moves a workshop that opens on it,
    Christmas Eve empties it), and pooling them misjudges each.
    """
    parts = _calendar_parts(calendar, start, n_days, context)
    days, before, after, neighbours = parts.days, parts.before, parts.after, parts.neighbours
    shared = {f: k for k, f in enumerate(("holiday_open_weekday", "holiday_open_weekend", "holiday_eve",
                                          "after_holiday"))}
    dealer = [c for c in context.campaigns if c.kind is CampaignKind.DEALER]
    recalls = [c for c in context.campaigns if c.kind is CampaignKind.MANUFACTURER]
    campaign_rows = [campaign_stage_matrix(group, start, n_days, context) for group in (dealer, recalls)]
    rows = []
    for i in range(_PAD, _PAD + n_days):
        d = days[i]
        kind = calendar.day_kind(d)
        holiday_row = [float(kind is DayKind.HOLIDAY and d.weekday() < 5),
                       float(kind is DayKind.HOLIDAY and d.weekday() >= 5), *neighbours[i, :2]]
        mine = [0.0] * len(own)
        for feature, name in parts.tags[i].items():
            if (feature, name) in own:
                mine[own.index((feature, name))] = 1.0
                holiday_row[shared[feature]] = 0.0
        row = [float(d.weekday() == w) for w in weekdays_open[1:]]
        row += [float(kind is DayKind.ADJUSTED_WORKDAY), *holiday_row, neighbours[i, 2]]
        row += [*before[i], *after[i]]
        angle = 2 * np.pi * (d.timetuple().tm_yday - 1) / 365.25
        for k in range(1, YEARLY_HARMONICS + 1):
            row += [float(np.sin(k * angle)), float(np.cos(k * angle))]
        row.append((d - origin).days / 365.25)
        for stages in campaign_rows:
            row += list(stages[i - _PAD])
        rows.append(row + mine)
    return np.array(rows, dtype=float).reshape(n_days, len(feature_names(weekdays_open, own)))
