"""The dealer: identity, time zone, opening hours and booking grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from planner.domain.values import TimeRange

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours per weekday (Monday first; None = closed) and on public holidays."""

    weekly: tuple[TimeRange | None, ...]
    holiday: TimeRange | None = None

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError(f"opening hours need 7 weekdays, got {len(self.weekly)}")

    def on_weekday(self, weekday: int) -> TimeRange | None:
        return self.weekly[weekday]


@dataclass(frozen=True)
class Dealer:
    """A dealer's after-sales site."""

    code: str
    name: str
    opening_hours: OpeningHours
    time_zone: str = "Asia/Shanghai"
    holiday_country: str = "CN"
    booking_grid_minutes: int = 15
    closures: tuple[date, ...] = ()  # extra closed days beyond public holidays

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValueError("a dealer needs a code")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone '{self.time_zone}'") from None
        country = self.holiday_country.partition("-")[0]
        if country not in holidays.list_supported_countries():
            raise ValueError(f"the holidays package knows no country '{self.holiday_country}'")
        if len(set(self.closures)) != len(self.closures):
            raise ValueError("a closure date is listed twice")
        if self.booking_grid_minutes <= 0 or 60 % self.booking_grid_minutes:
            raise ValueError(
                f"booking grid of {self.booking_grid_minutes} min must divide an hour (5, 10, 15, 20, 30, 60)"
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)
