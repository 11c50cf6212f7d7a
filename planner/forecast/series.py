"""Arrival counts on a day × hour grid, in the series' local time.

The grid is the core data structure of the forecast: `counts[d, h]` arrivals on day `d`
in hour `hours[h]`, NaN where the dealer was closed (closed hours and days are absent,
not zero). A daily series is the same grid with a single column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from planner.domain import DealerCalendar, HolidayCalendar

DAILY = (-1,)  # the hours tuple of a daily series


class DayAxis:
    """Consecutive days from `start`, × `hours` of day (or DAILY): the axes of a grid of
    counts and of a forecast. Subclasses say which array holds the values."""

    start: date
    hours: tuple[int, ...]

    def values(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def n_days(self) -> int:
        return int(self.values().shape[0])

    @property
    def is_daily(self) -> bool:
        return self.hours == DAILY

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.n_days)]

    @property
    def end(self) -> date:
        """The last day covered."""
        return self.start + timedelta(days=self.n_days - 1)


@dataclass(frozen=True)
class Grid(DayAxis):
    """Counts on consecutive days × the hours of day covered."""

    start: date
    hours: tuple[int, ...]  # hours of day (0..23), or DAILY
    counts: np.ndarray  # shape (days, len(hours)); NaN where closed

    def __post_init__(self) -> None:
        if self.counts.ndim != 2 or self.counts.shape[1] != len(self.hours):
            raise ValueError(f"counts of shape {self.counts.shape} do not fit {len(self.hours)} hours")

    def values(self) -> np.ndarray:
        return self.counts

    @property
    def open(self) -> np.ndarray:
        return np.asarray(~np.isnan(self.counts), dtype=bool)

    @property
    def open_days(self) -> np.ndarray:
        return np.asarray(self.open.any(axis=1), dtype=bool)

    def daily_totals(self) -> np.ndarray:
        """Arrivals per day; NaN on closed days."""
        totals = np.nansum(self.counts, axis=1)
        return np.where(self.open_days, totals, np.nan)

    def to_daily(self) -> Grid:
        return Grid(self.start, DAILY, self.daily_totals()[:, None])

    def slice_days(self, first: int, last: int) -> Grid:
        """Days [first, last) of the grid."""
        return Grid(self.start + timedelta(days=first), self.hours, self.counts[first:last])

    def until(self, day: date) -> Grid:
        """The grid up to (not including) `day`."""
        return self.slice_days(0, max(0, (day - self.start).days))

    def index_of(self, day: date) -> int:
        return (day - self.start).days


def count_grid(local_times: Iterable[datetime], first: date, last: date, hours: tuple[int, ...]) -> np.ndarray:
    """Counts of arrivals (local, naive or aware-in-zone) per day × hour over [first, last]."""
    n = (last - first).days + 1
    counts = np.zeros((n, len(hours)))
    col = {h: i for i, h in enumerate(hours)}
    for ts in local_times:
        d = (ts.date() - first).days
        if 0 <= d < n:
            if hours == DAILY:
                counts[d, 0] += 1
            elif ts.hour in col:
                counts[d, col[ts.hour]] += 1
    return counts


def dealer_open_mask(calendar: DealerCalendar, first: date, n_days: int, hours: tuple[int, ...]) -> np.ndarray:
    """True where the dealer is open: an hour counts when any part of it is within opening hours."""
    mask = np.zeros((n_days, len(hours)), dtype=bool)
    for d in range(n_days):
        span = calendar.hours_on(first + timedelta(days=d))
        if span is None:
            continue
        if hours == DAILY:
            mask[d, 0] = True
            continue
        opens = span.start.hour * 60 + span.start.minute
        closes = span.end.hour * 60 + span.end.minute
        for i, h in enumerate(hours):
            mask[d, i] = h * 60 < closes and (h + 1) * 60 > opens
    return mask


def dealer_hours(calendar: DealerCalendar) -> tuple[int, ...]:
    """The hours of day in which the dealer is ever open."""
    spans = [s for s in (*calendar.dealer.opening_hours.weekly, calendar.dealer.opening_hours.holiday) if s]
    first = min(s.start.hour for s in spans)
    last = max(s.end.hour - (1 if s.end.minute == 0 else 0) for s in spans)
    return tuple(range(first, last + 1))


def grid_from_dealer(arrivals: Iterable[datetime], calendar: DealerCalendar, first: date, last: date,
                     daily: bool = False) -> Grid:
    """A dealer's arrival grid from aware timestamps, closed cells set to NaN by its calendar."""
    zone = calendar.dealer.zone
    hours = DAILY if daily else dealer_hours(calendar)
    counts = count_grid((ts.astimezone(zone) for ts in arrivals), first, last, hours)
    mask = dealer_open_mask(calendar, first, counts.shape[0], hours)
    # an arrival logged in a closed cell (a late walk-in) still happened: keep the cell open
    mask |= counts > 0
    return Grid(first, hours, np.where(mask, counts, np.nan))


RECENT_DAYS = 84  # opening "now" is read off the last twelve weeks
ERA_WINDOW = 4  # a weekday's opening in the past: its own 4 weeks either side
MIN_ACTIVE = 0.3  # share of a weekday's dates with arrivals for it to count as open
GAP_DAYS = 3  # this many usually-busy open days in a row with nothing: data missing, not zero


def _holiday_key(calendar: HolidayCalendar, day: date) -> str | None:
    """Which holiday a date belongs to (its period's name where periods are announced)."""
    if not calendar.is_holiday(day):
        return None
    period = calendar.holiday_period(day) if calendar.announces_holiday_periods else None
    name = period.name if period else calendar.public_holiday_name(day) or ""
    return name.replace("(observed)", "").strip()


@dataclass(frozen=True)
class InferredOpening:
    """Opening read off a series that came without opening hours.

    `hours_by_weekday` is the opening now (the last twelve weeks); `closed_holidays` names
    the holidays the dealer usually closes on, judged holiday by holiday; a holiday never
    seen before follows the majority (`closes_unknown_holidays`).
    """

    hours_by_weekday: tuple[frozenset[int], ...]
    closed_holidays: frozenset[str]
    closes_unknown_holidays: bool
    seen_holidays: frozenset[str] = frozenset()

    def closed_on_holiday(self, calendar: HolidayCalendar, day: date) -> bool:
        key = _holiday_key(calendar, day)
        if key is None:
            return False
        return key in self.closed_holidays if key in self.seen_holidays else self.closes_unknown_holidays

    def is_open(self, calendar: HolidayCalendar, day: date) -> bool:
        return bool(self.hours_by_weekday[day.weekday()]) and not self.closed_on_holiday(calendar, day)

    def open_mask(self, calendar: HolidayCalendar, first: date, n_days: int, hours: tuple[int, ...]) -> np.ndarray:
        mask = np.zeros((n_days, len(hours)), dtype=bool)
        for d in range(n_days):
            day = first + timedelta(days=d)
            if self.closed_on_holiday(calendar, day):
                continue
            allowed = self.hours_by_weekday[day.weekday()]
            mask[d] = [bool(allowed) if hours == DAILY else h in allowed for h in hours]
        return mask


def _weekday_hours(counts: np.ndarray, hours: tuple[int, ...], min_share: float) -> frozenset[int]:
    """Hours holding at least `min_share` of a weekday's arrivals, and those between."""
    total = counts.sum()
    if hours == DAILY:
        return frozenset({DAILY[0]})
    idx = [i for i, c in enumerate(counts) if c >= min_share * total]
    return frozenset(hours[idx[0]: idx[-1] + 1]) if idx else frozenset()


def infer_opening(grid: Grid, calendar: HolidayCalendar, min_share: float = 0.005) -> InferredOpening:
    """Open weekdays and hours (now) and holiday closing, from the counts alone.

    A weekday is open when at least 30% of its dates in the last twelve weeks had
    arrivals; its open hours are those holding at least `min_share` of its arrivals then
    (and the hours between). A holiday is a closed one when most of its past occurrences
    on open weekdays had no arrivals at all.
    """
    days = grid.days
    counts = np.nan_to_num(grid.counts)
    totals = counts.sum(axis=1)
    recent_from = max(0, grid.n_days - RECENT_DAYS)
    by_weekday: list[frozenset[int]] = []
    for w in range(7):
        rows = [i for i in range(recent_from, grid.n_days) if days[i].weekday() == w]
        if len(rows) < 4:  # a short series: use all of it
            rows = [i for i, d in enumerate(days) if d.weekday() == w]
        active = sum(1 for i in rows if totals[i] > 0)
        if not rows or active < MIN_ACTIVE * len(rows):
            by_weekday.append(frozenset())
            continue
        by_weekday.append(_weekday_hours(counts[rows].sum(axis=0), grid.hours, min_share))
    busy = np.median(totals[totals > 0]) if (totals > 0).any() else 0.0
    outcomes: dict[str, list[bool]] = {}
    for i, d in enumerate(days):
        key = _holiday_key(calendar, d)
        if key is not None and by_weekday[d.weekday()]:
            outcomes.setdefault(key, []).append(bool(totals[i] == 0))
    # with a few arrivals a day, an empty holiday proves little
    closed = {k for k, v in outcomes.items() if busy >= 3 and sum(v) > 0.5 * len(v)}
    majority = bool(outcomes) and len(closed) > 0.5 * len(outcomes)
    return InferredOpening(tuple(by_weekday), frozenset(closed), majority, frozenset(outcomes))


def _open_in_era(totals: np.ndarray, days: list[date]) -> np.ndarray:
    """Was each date's weekday open at the time? (its dates within ERA_WINDOW weeks)"""
    out = np.zeros(len(days), dtype=bool)
    for w in range(7):
        rows = [i for i, d in enumerate(days) if d.weekday() == w]
        active = np.array([totals[i] > 0 for i in rows], dtype=float)
        for k, i in enumerate(rows):
            window = active[max(0, k - ERA_WINDOW): k + ERA_WINDOW + 1]
            out[i] = window.mean() >= MIN_ACTIVE
    return out


def _missing_days(totals: np.ndarray, days: list[date], open_day: np.ndarray) -> np.ndarray:
    """Days that look like missing data rather than quiet days: runs of GAP_DAYS or more
    open days without one arrival where such a day would be a surprise, and a first or
    last day far below its weekday's usual (a partial day at the edge of the export)."""
    missing = np.zeros(len(days), dtype=bool)
    usual = np.zeros(7)
    for w in range(7):
        vals = [totals[i] for i, d in enumerate(days) if d.weekday() == w and totals[i] > 0]
        usual[w] = float(np.median(vals)) if vals else 0.0
    i = 0
    while i < len(days):
        if open_day[i] and totals[i] == 0 and usual[days[i].weekday()] >= 5:
            j = i
            while j + 1 < len(days) and (not open_day[j + 1] or totals[j + 1] == 0):
                j += 1
            run = [k for k in range(i, j + 1) if open_day[k]]
            if len(run) >= GAP_DAYS:
                missing[run] = True
            i = j + 1
        else:
            i += 1
    for edge in (0, len(days) - 1):
        typical = usual[days[edge].weekday()]
        if typical >= 5 and totals[edge] < 0.3 * typical:
            missing[edge] = True
    return missing


def grid_from_local_counts(local_times: Iterable[datetime], weights: Iterable[float] | None, calendar: HolidayCalendar,
                           daily: bool) -> tuple[Grid, InferredOpening]:
    """A grid from local timestamps (one arrival each, or with counts), opening inferred.

    Closed days (weekdays closed at the time, closed holidays) and days that look like
    missing data are NaN; a partial first or last day (an export cut mid-day) is dropped.
    """
    stamps = list(local_times)
    if not stamps:
        raise ValueError("the series has no arrivals")
    w = list(weights) if weights is not None else [1.0] * len(stamps)
    first, last = min(stamps).date(), max(stamps).date()
    hours = DAILY if daily else tuple(range(24))
    n = (last - first).days + 1
    counts = np.zeros((n, len(hours)))
    for ts, k in zip(stamps, w, strict=True):
        counts[(ts.date() - first).days, 0 if daily else ts.hour] += k
    raw = Grid(first, hours, counts)
    opening = infer_opening(raw, calendar)
    if not daily:
        used = sorted(set().union(*opening.hours_by_weekday)) or list(range(24))
        hours = tuple(range(used[0], used[-1] + 1))
        counts = counts[:, hours[0]: hours[-1] + 1]
    days = raw.days
    totals = raw.counts.sum(axis=1)
    era_open = _open_in_era(totals, days)
    holiday_closed = np.array([opening.closed_on_holiday(calendar, d) for d in days])
    open_day = era_open & ~holiday_closed
    missing = _missing_days(totals, days, open_day)
    weekday_hours = np.array([[h in opening.hours_by_weekday[d.weekday()] or not opening.hours_by_weekday[d.weekday()]
                               for h in hours] for d in days]) if not daily else np.ones((n, 1), dtype=bool)
    mask = ((open_day & ~missing)[:, None] & weekday_hours) | (counts > 0)
    mask[missing] = False
    grid = Grid(first, hours, np.where(mask, counts, np.nan))
    # trim days at the ends that are missing, so the history ends on a real day
    lead = int(np.argmax(~missing)) if (~missing).any() else 0
    tail = int(np.argmax(~missing[::-1])) if (~missing).any() else 0
    return grid.slice_days(lead, grid.n_days - tail), opening
