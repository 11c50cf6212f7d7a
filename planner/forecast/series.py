"""Arrival counts on a day × hour grid, in the series' local time.

The grid is the core data structure of the forecast: `counts[d, h]` arrivals on day `d`
in hour `hours[h]`, NaN where the dealer was closed (closed hours and days are absent,
not zero). A daily series is the same grid with a single column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from planner.domain import DealerCalendar, HolidayCalendar

DAILY = (-1,)  # the hours tuple of a daily series


@dataclass(frozen=True)
class Grid:
    """Counts (or a forecast's means) on consecutive days × the hours of day covered."""

    start: date
    hours: tuple[int, ...]  # hours of day (0..23), or DAILY
    counts: np.ndarray  # shape (days, len(hours)); NaN where closed

    def __post_init__(self) -> None:
        if self.counts.ndim != 2 or self.counts.shape[1] != len(self.hours):
            raise ValueError(f"counts of shape {self.counts.shape} do not fit {len(self.hours)} hours")

    @property
    def n_days(self) -> int:
        return int(self.counts.shape[0])

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


@dataclass(frozen=True)
class InferredOpening:
    """Opening inferred from a series alone: which hours of each weekday, and whether a
    public holiday is usually a closed day."""

    hours_by_weekday: tuple[frozenset[int], ...]
    holidays_closed: bool

    def open_mask(self, calendar: HolidayCalendar, first: date, n_days: int, hours: tuple[int, ...]) -> np.ndarray:
        mask = np.zeros((n_days, len(hours)), dtype=bool)
        for d in range(n_days):
            day = first + timedelta(days=d)
            if self.holidays_closed and calendar.is_holiday(day):
                continue
            allowed = self.hours_by_weekday[day.weekday()]
            for i, h in enumerate(hours):
                mask[d, i] = (h in allowed) if hours != DAILY else bool(allowed)
        return mask


def infer_opening(grid: Grid, calendar: HolidayCalendar, min_share: float = 0.005) -> InferredOpening:
    """Open hours per weekday and holiday closing, read off a series with no opening hours.

    An hour is open on a weekday when it holds at least `min_share` of that weekday's
    arrivals (then the hours between the first and last such hour are open too); a
    weekday with almost no arrivals is closed. Public holidays are closed when most past
    ones had no arrivals while the same weekdays usually had some.
    """
    days = grid.days
    counts = np.nan_to_num(grid.counts)
    by_weekday: list[frozenset[int]] = []
    totals = counts.sum(axis=1)
    usual = np.median(totals[totals > 0]) if (totals > 0).any() else 0.0
    for w in range(7):
        rows = [i for i, d in enumerate(days) if d.weekday() == w]
        week_counts = counts[rows].sum(axis=0) if rows else np.zeros(len(grid.hours))
        total = week_counts.sum()
        active = sum(1 for i in rows if totals[i] > 0)
        if not rows or total == 0 or active < 0.2 * len(rows):
            by_weekday.append(frozenset())
            continue
        if grid.is_daily:
            by_weekday.append(frozenset({DAILY[0]}))
            continue
        open_idx = [i for i, c in enumerate(week_counts) if c >= min_share * total]
        by_weekday.append(frozenset(grid.hours[open_idx[0]: open_idx[-1] + 1]))
    holiday_rows = [i for i, d in enumerate(days) if calendar.is_holiday(d)
                    and by_weekday[d.weekday()]]
    closed = [i for i in holiday_rows if totals[i] == 0]
    holidays_closed = bool(holiday_rows) and len(closed) >= 0.5 * len(holiday_rows) and usual >= 3
    return InferredOpening(tuple(by_weekday), holidays_closed)


def grid_from_local_counts(local_times: Iterable[datetime], weights: Iterable[float] | None, calendar: HolidayCalendar,
                           daily: bool) -> tuple[Grid, InferredOpening]:
    """A grid from local timestamps (one arrival each, or with counts), opening inferred."""
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
    mask = opening.open_mask(calendar, first, n, hours) | (counts > 0)
    return Grid(first, hours, np.where(mask, counts, np.nan)), opening


def to_local(ts: datetime, zone: ZoneInfo) -> datetime:
    """Local wall-clock time of a timestamp; a naive one is taken as already local."""
    return ts if ts.tzinfo is None else ts.astimezone(zone).replace(tzinfo=None)
