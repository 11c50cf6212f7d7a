"""Where arrival series come from: a dealer's database, or any CSV of arrivals.

These adapters are the edge of the forecast package: they read, and hand the pure model
code a grid and a context.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection

from planner.domain import DealerCalendar, Dealership, HolidayCalendar
from planner.forecast.features import DayContext, campaign_reach
from planner.forecast.models import SeriesContext
from planner.forecast.series import (
    Grid,
    InferredOpening,
    dealer_open_mask,
    grid_from_dealer,
    grid_from_local_counts,
    infer_opening,
)
from planner.storage.repository import arrival_times, dealer_today, fleet_models, load_dealership


@dataclass(frozen=True)
class ArrivalSource:
    """A series ready to forecast: the grid, its context, and the day after it ends."""

    grid: Grid
    context: SeriesContext
    zone: ZoneInfo
    dealership: Dealership | None = None  # known when read from a dealer's database

    @property
    def next_day(self) -> date:
        return self.grid.end + timedelta(days=1)


def dealer_context(calendar: DealerCalendar, dealership: Dealership,
                   fleet: Sequence[tuple[str, date]] = (), known_on: date | None = None) -> SeriesContext:
    """What the dealer's models know besides its counts: its calendar, opening, campaigns,
    and how much of its `fleet` (model, sale date) each campaign reaches, counting the
    cars sold before `known_on`; a backtest origin counts those sold before it."""
    return SeriesContext(
        calendar=calendar,
        days=DayContext(is_open=calendar.is_open, campaigns=dealership.campaigns,
                        reach=campaign_reach(dealership.campaigns, fleet, known_on)),
        open_mask=lambda start, n, hours: dealer_open_mask(calendar, start, n, hours),
        as_of=(lambda history: dealer_context(calendar, dealership, fleet, history.end + timedelta(days=1)))
        if fleet else None,
    )


def from_database(conn: Connection, dealer_id: int, daily: bool = False, until: date | None = None) -> ArrivalSource:
    """The dealer's arrivals (repair orders opened) up to the day before `until` (default:
    the demo's today, or the last arrival)."""
    dealership = load_dealership(conn, dealer_id)
    calendar = DealerCalendar(dealership.dealer)
    zone = dealership.dealer.zone
    times = arrival_times(conn, dealer_id)
    if not times:
        raise ValueError("the dealer has no repair-order history to forecast from")
    first = times[0].astimezone(zone).date()
    end = until or dealer_today(conn, dealer_id) or times[-1].astimezone(zone).date() + timedelta(days=1)
    grid = grid_from_dealer(times, calendar, first, end - timedelta(days=1), daily=daily)
    context = dealer_context(calendar, dealership, fleet_models(conn, dealer_id), known_on=end)
    return ArrivalSource(grid, context, zone, dealership)


def _parse_time(text: str, zone: ZoneInfo, row: int, path: Path) -> datetime:
    try:
        ts = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{path.name} row {row}, column timestamp: '{text}' is not an ISO 8601 time") from None
    return ts if ts.tzinfo is None else ts.astimezone(zone).replace(tzinfo=None)


def read_arrivals_csv(path: str | os.PathLike[str], zone_name: str) -> tuple[list[datetime], list[float] | None]:
    """Local timestamps from a CSV with a `timestamp` column (one row per arrival), or
    `timestamp,count` rows. Aware timestamps are converted to `zone_name`; naive ones are
    taken as local already (convert UTC-stamped series with an offset, or the intraday
    profile is smeared)."""
    file = Path(path)
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{zone_name}'") from None
    if not file.exists():
        raise FileNotFoundError(f"no such file: {file}")
    with file.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        if "timestamp" not in columns:
            raise ValueError(f"{file.name}: the header needs a 'timestamp' column (found: {', '.join(columns)})")
        reader.fieldnames = columns
        stamps: list[datetime] = []
        counts: list[float] = []
        has_count = "count" in columns
        for row_no, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values()):
                continue
            stamps.append(_parse_time(row["timestamp"] or "", zone, row_no, file))
            if has_count:
                try:
                    value = float(row["count"] or "")
                except ValueError:
                    raise ValueError(f"{file.name} row {row_no}, column count: '{row['count']}' is not a number") \
                        from None
                if not math.isfinite(value) or value < 0:
                    raise ValueError(f"{file.name} row {row_no}, column count: '{row['count']}' is not a "
                                     "count (a finite number, zero or more)")
                counts.append(value)
    if not stamps:
        raise ValueError(f"{file.name} holds no arrivals")
    return stamps, counts if has_count else None


def inferred_context(calendar: HolidayCalendar, opening: InferredOpening) -> SeriesContext:
    """The context of a series whose opening was read off its data (re-read at each
    backtest origin from the history alone)."""
    def is_open(d: date) -> bool:
        return opening.is_open(calendar, d)

    return SeriesContext(calendar=calendar, days=DayContext(is_open=is_open),
                         open_mask=lambda start, n, hours: opening.open_mask(calendar, start, n, hours),
                         as_of=lambda history: inferred_context(calendar, infer_opening(history, calendar)))


def from_csv(path: str | os.PathLike[str], country: str, zone_name: str, daily: bool) -> ArrivalSource:
    """Any dealer's arrival history from a CSV; opening hours are inferred from the data.

    `country` is a holidays-package code, optionally with a subdivision: "CN", "US",
    "GB-ENG", "DE-BY".
    """
    calendar = HolidayCalendar(country)
    stamps, counts = read_arrivals_csv(path, zone_name)
    if not daily and all(ts.hour == 0 and ts.minute == 0 for ts in stamps):
        raise ValueError(f"every timestamp in {Path(path).name} is at midnight: these look like daily counts, "
                         "so use --freq D")
    grid, opening = grid_from_local_counts(stamps, counts, calendar, daily)
    return ArrivalSource(grid, inferred_context(calendar, opening), ZoneInfo(zone_name))
