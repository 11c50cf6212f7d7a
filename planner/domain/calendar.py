"""The dealer's calendar: public holidays, adjusted working days and opening hours.

Holidays come from the `holidays` package for the dealer's country. In China the State
Council moves working days: a long holiday is paid for by working on a weekend
("adjusted working day", 调休上班). A *holiday period* is the run of consecutive rest
days around an official holiday (for National Day, usually 1–7 October, weekend
included), which is how customers experience it. Where the country announces such
periods (China: the package marks substituted days), every day of a period is a holiday
for opening hours; elsewhere only the public holiday itself is, and an adjacent weekend
stays a weekend.

The package knows China's adjusted working days only for years the State Council has
announced (each December for the next year); for later years it gives the fixed
festival days without the substitutions, so plans that far ahead are provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

import holidays

from planner.domain.dealer import Dealer
from planner.domain.values import DateRange, TimeRange

LONG_HOLIDAY_DAYS = 3


class DayKind(StrEnum):
    """What kind of day a date is for customers: this drives demand."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend day worked to pay for a holiday


@dataclass(frozen=True)
class HolidayPeriod:
    days: DateRange
    name: str

    @property
    def is_long(self) -> bool:
        return self.days.days >= LONG_HOLIDAY_DAYS


def parse_country(code: str) -> tuple[str, str | None]:
    """"cn" → ("CN", None); "GB-ENG" → ("GB", "ENG"), checked against the holidays package."""
    country, _, subdiv = code.strip().upper().partition("-")
    if country not in holidays.list_supported_countries():
        raise ValueError(f"the holidays package knows no country '{code}'")
    if subdiv:
        known = holidays.country_holidays(country).subdivisions
        if subdiv not in known:
            raise ValueError(f"'{code}': {country} has no subdivision {subdiv} (known: {', '.join(known)})")
    return country, subdiv or None


class HolidayCalendar:
    """A country's holidays, holiday periods and adjusted working days (any span of years).

    `country` may name a subdivision ("GB-ENG", "DE-BY"), whose regional holidays count too.
    """

    def __init__(self, country: str) -> None:
        self.country = country
        self._country, self._subdiv = parse_country(country)
        self._periods: dict[date, HolidayPeriod] = {}
        self._built: set[int] = set()
        self._kinds: dict[date, DayKind] = {}  # forecasts ask about the same days many times

    # -- the holidays package -------------------------------------------------
    @cached_property
    def _all(self) -> Any:
        return holidays.country_holidays(self._country, subdiv=self._subdiv)

    def public_holiday_name(self, day: date) -> str | None:
        """The official name if the date is a public holiday (or official day off)."""
        name = self._all.get(day)
        return str(name) if name is not None else None

    def is_adjusted_workday(self, day: date) -> bool:
        """A weekend day made a working day to compensate for a holiday."""
        self._all.get(day)  # populates the year (and its substitutions) lazily
        workdays: set[date] = getattr(self._all, "weekend_workdays", set())
        return day in workdays

    @cached_property
    def announces_holiday_periods(self) -> bool:
        """Does the country move working days to make holiday periods (China does)?"""
        return bool(getattr(self._all, "has_substituted_holidays", False))

    def is_rest_day(self, day: date) -> bool:
        """A day off for most customers: weekend (unless adjusted) or public holiday."""
        if self.public_holiday_name(day) is not None:
            return True
        return day.weekday() >= 5 and not self.is_adjusted_workday(day)

    # -- holiday periods ------------------------------------------------------
    def _build_year(self, year: int) -> None:
        if year in self._built:
            return
        self._built.add(year)
        start, end = date(year, 1, 1), date(year, 12, 31)
        day = start
        while day <= end:
            name = self.public_holiday_name(day)
            if name is None or day in self._periods:
                day += timedelta(days=1)
                continue
            first = day
            while self.is_rest_day(first - timedelta(days=1)):
                first -= timedelta(days=1)
            last = day
            while self.is_rest_day(last + timedelta(days=1)):
                last += timedelta(days=1)
            names = [self.public_holiday_name(d) for d in DateRange(first, last).dates()]
            period = HolidayPeriod(DateRange(first, last), _main_name([n for n in names if n]))
            for d in period.days.dates():
                self._periods[d] = period
            day = last + timedelta(days=1)

    def holiday_period(self, day: date) -> HolidayPeriod | None:
        """The holiday period containing the date, if any."""
        for y in (day.year - 1, day.year, day.year + 1):
            self._build_year(y)
        return self._periods.get(day)

    def is_holiday(self, day: date) -> bool:
        """An official day off for a holiday: the whole period where the country announces
        periods, otherwise only the public holiday itself."""
        if self.announces_holiday_periods:
            return self.holiday_period(day) is not None
        return self.public_holiday_name(day) is not None

    def holiday_periods(self, start: date, end: date) -> list[HolidayPeriod]:
        """Holiday periods that overlap [start, end], in order."""
        seen: dict[DateRange, HolidayPeriod] = {}
        d = start
        while d <= end:
            p = self.holiday_period(d)
            if p is not None:
                seen[p.days] = p
                d = p.days.end
            d += timedelta(days=1)
        return sorted(seen.values(), key=lambda p: p.days.start)

    def day_kind(self, day: date) -> DayKind:
        kind = self._kinds.get(day)
        if kind is None:
            if self.is_holiday(day):
                kind = DayKind.HOLIDAY
            elif self.is_adjusted_workday(day):
                kind = DayKind.ADJUSTED_WORKDAY
            else:
                kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY
            self._kinds[day] = kind
        return kind


class DealerCalendar(HolidayCalendar):
    """One dealer's calendar: its country's holidays plus its opening hours and closures."""

    def __init__(self, dealer: Dealer) -> None:
        super().__init__(dealer.holiday_country)
        self.dealer = dealer

    def hours_on(self, day: date) -> TimeRange | None:
        """Opening hours on a date, or None when the dealer is closed."""
        if day in self.dealer.closures:
            return None
        if self.is_holiday(day):
            return self.dealer.opening_hours.holiday
        return self.dealer.opening_hours.on_weekday(day.weekday())

    def is_open(self, day: date) -> bool:
        return self.hours_on(day) is not None

    def is_open_at(self, moment: datetime) -> bool:
        """Is the dealer open at an aware moment (converted to the dealer's zone)?"""
        local = moment.astimezone(self.dealer.zone)
        hours = self.hours_on(local.date())
        return hours is not None and hours.contains(local.time())

    def localize(self, day: date, t: time) -> datetime:
        """An aware datetime for a local date and time at the dealer."""
        return datetime.combine(day, t, tzinfo=self.dealer.zone)


def _main_name(names: list[str]) -> str:
    """The festival a period is named after: its most frequent official name.

    "Day off (substituted from ...)" and "(observed)" days belong to the festival beside them.
    """
    cleaned = [n.split(";")[0].replace("(observed)", "").strip() for n in names]
    festive = [n for n in cleaned if not n.startswith("Day off")] or cleaned
    return max(dict.fromkeys(festive), key=festive.count)
