"""Calendar features of days, as a design matrix for the count models.

Every feature has a name a manager would recognise; the GLM's coefficient for it is
the multiplicative effect on expected arrivals (exp(beta)).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from planner.domain import Campaign, CampaignKind, DayKind, HolidayCalendar

YEARLY_HARMONICS = 3
BREAK_DAYS = 3  # a run of closed or holiday days at least this long (with a holiday in it) is a "break"
PRE_BREAK_DAYS = 5  # open days before a break that get their own effect
POST_BREAK_DAYS = 10  # ... and after it (a backlog takes days to clear)
LAUNCH_DAYS = 7  # a campaign's first week, when the letters and calls have just gone out
_PAD = 30  # days looked at beyond the range, to find breaks just outside it


@dataclass(frozen=True)
class DayContext:
    """What features need beyond the public calendar: when the dealer is open, and its campaigns."""

    is_open: Callable[[date], bool]
    campaigns: tuple[Campaign, ...] = ()


def feature_names(weekdays_open: Sequence[int]) -> list[str]:
    names = [f"weekday_{w}" for w in weekdays_open[1:]]  # the first open weekday is the base
    names += ["adjusted_workday", "holiday_open_weekday", "holiday_open_weekend",
              "holiday_eve", "after_holiday", "bridge_day"]
    names += [f"before_break_{k}" for k in range(1, PRE_BREAK_DAYS + 1)]
    names += [f"after_break_{k}" for k in range(1, POST_BREAK_DAYS + 1)]
    for k in range(1, YEARLY_HARMONICS + 1):
        names += [f"year_sin_{k}", f"year_cos_{k}"]
    names += ["trend_years", "dealer_campaign", "dealer_campaign_launch", "recall", "recall_launch"]
    return names


def _break_positions(calendar: HolidayCalendar, days: list[date], is_open: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """One-hot 'k-th open day before a break' and 'k-th open day after a break'."""
    off = [not o or calendar.day_kind(d) is DayKind.HOLIDAY for d, o in zip(days, is_open, strict=True)]
    before = np.zeros((len(days), PRE_BREAK_DAYS))
    after = np.zeros((len(days), POST_BREAK_DAYS))
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


def _holiday_neighbours(calendar: HolidayCalendar, days: list[date], is_open: list[bool]) -> np.ndarray:
    """Per day: open day just before a holiday, just after one, and between two holidays
    at most a week apart (Christmas to New Year, say), when no break covers it already."""
    holiday = [calendar.day_kind(d) is DayKind.HOLIDAY for d in days]
    out = np.zeros((len(days), 3))
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
    return out


def _mark(target: np.ndarray, is_open: list[bool], positions: range) -> None:
    k = 0
    for p in positions:
        if k >= target.shape[1]:
            return
        if is_open[p]:
            target[p, k] = 1
            k += 1


def day_features(calendar: HolidayCalendar, start: date, n_days: int, context: DayContext,
                 weekdays_open: Sequence[int], origin: date) -> np.ndarray:
    """The design matrix (n_days × features, no intercept) for days from `start`.

    `origin` anchors the trend at zero (the forecast origin), so extrapolation stays short.
    """
    days = [start + timedelta(days=i) for i in range(-_PAD, n_days + _PAD)]
    is_open = [context.is_open(d) for d in days]
    before, after = _break_positions(calendar, days, is_open)
    neighbours = _holiday_neighbours(calendar, days, is_open)
    # a break's own before/after features describe those days better
    neighbours[before.any(axis=1), 0] = 0
    neighbours[after.any(axis=1), 1] = 0
    dealer = [c for c in context.campaigns if c.kind is CampaignKind.DEALER]
    recalls = [c for c in context.campaigns if c.kind is CampaignKind.MANUFACTURER]
    rows = []
    for i in range(_PAD, _PAD + n_days):
        d = days[i]
        kind = calendar.day_kind(d)
        row = [float(d.weekday() == w) for w in weekdays_open[1:]]
        row += [float(kind is DayKind.ADJUSTED_WORKDAY),
                float(kind is DayKind.HOLIDAY and d.weekday() < 5),
                float(kind is DayKind.HOLIDAY and d.weekday() >= 5), *neighbours[i]]
        row += [*before[i], *after[i]]
        angle = 2 * np.pi * (d.timetuple().tm_yday - 1) / 365.25
        for k in range(1, YEARLY_HARMONICS + 1):
            row += [float(np.sin(k * angle)), float(np.cos(k * angle))]
        row.append((d - origin).days / 365.25)
        for group in (dealer, recalls):
            active = [c for c in group if c.active_on(d)]
            row += [float(bool(active)), float(any((d - c.start).days < LAUNCH_DAYS for c in active))]
        rows.append(row)
    return np.array(rows, dtype=float).reshape(n_days, len(feature_names(weekdays_open)))
