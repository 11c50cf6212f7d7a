"""The dealer's calendar: public holidays, holiday periods, adjusted working days, hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from planner.domain import DayKind, Dealer, DealerCalendar, OpeningHours, TimeRange

OPEN = TimeRange(time(8, 30), time(18, 0))
WEEKEND = TimeRange(time(9, 0), time(17, 0))


def calendar(holiday: TimeRange | None = None, country: str = "CN", closures: tuple[date, ...] = ()) -> DealerCalendar:
    hours = OpeningHours((OPEN,) * 5 + (WEEKEND, WEEKEND), holiday=holiday)
    return DealerCalendar(Dealer("D1", "Dealer", hours, holiday_country=country, closures=closures))


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 9, 30), DayKind.WORKDAY),  # the Wednesday before National Day
        (date(2026, 10, 1), DayKind.HOLIDAY),
        (date(2026, 10, 4), DayKind.HOLIDAY),  # a Sunday inside the golden week
        (date(2026, 10, 7), DayKind.HOLIDAY),
        (date(2026, 10, 8), DayKind.WORKDAY),
        (date(2026, 10, 10), DayKind.ADJUSTED_WORKDAY),  # Saturday worked to pay for the golden week
        (date(2026, 9, 20), DayKind.ADJUSTED_WORKDAY),  # Sunday worked, too
        (date(2026, 10, 17), DayKind.WEEKEND),
        (date(2024, 6, 8), DayKind.HOLIDAY),  # Dragon Boat: Saturday to Monday
    ],
)
def test_day_kind(day: date, kind: DayKind) -> None:
    assert calendar().day_kind(day) is kind


def test_golden_week_is_one_period_named_after_its_festival() -> None:
    period = calendar().holiday_period(date(2026, 10, 4))
    assert period is not None
    assert (period.days.start, period.days.end) == (date(2026, 10, 1), date(2026, 10, 7))
    assert period.name == "National Day" and period.is_long


def test_spring_festival_period_and_its_name() -> None:
    period = calendar().holiday_period(date(2026, 2, 17))
    assert period is not None
    assert period.days.start == date(2026, 2, 15) and period.days.end == date(2026, 2, 23)
    assert "Spring Festival" in period.name


def test_closed_on_holidays_unless_holiday_hours_are_set() -> None:
    assert calendar().hours_on(date(2026, 10, 2)) is None
    assert calendar(holiday=TimeRange(time(10, 0), time(16, 0))).hours_on(date(2026, 10, 2)) == TimeRange(
        time(10, 0), time(16, 0))


def test_adjusted_working_day_keeps_its_weekday_hours() -> None:
    # the dealer is open 7 days: an adjusted Saturday keeps Saturday's hours
    assert calendar().hours_on(date(2026, 10, 10)) == WEEKEND


def test_extra_closures_close_the_dealer() -> None:
    cal = calendar(closures=(date(2026, 12, 3),))
    assert not cal.is_open(date(2026, 12, 3)) and cal.is_open(date(2026, 12, 4))


def test_open_at_uses_the_dealers_zone() -> None:
    cal = calendar()
    assert cal.is_open_at(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    assert not cal.is_open_at(datetime(2026, 12, 1, 11, 0, tzinfo=UTC))  # 19:00 in Shanghai


def test_holiday_country_is_a_setting() -> None:
    us = calendar(country="US")
    assert us.day_kind(date(2025, 7, 4)) is DayKind.HOLIDAY  # a Friday
    assert us.day_kind(date(2026, 10, 1)) is DayKind.WORKDAY
    assert not us.announces_holiday_periods and calendar().announces_holiday_periods


def test_weekend_next_to_a_holiday_stays_a_weekend_outside_china() -> None:
    us = calendar(country="US")
    saturday = date(2025, 7, 5)
    assert us.day_kind(saturday) is DayKind.WEEKEND
    assert us.hours_on(saturday) == WEEKEND  # open as on any Saturday
    period = us.holiday_period(saturday)  # ... though customers feel a long weekend
    assert period is not None and period.days.start == date(2025, 7, 4) and period.days.end == date(2025, 7, 6)


def test_weekend_inside_a_chinese_holiday_period_is_a_holiday() -> None:
    assert calendar().hours_on(date(2024, 6, 8)) is None  # Dragon Boat: Saturday is part of the period


def test_holiday_periods_in_a_year() -> None:
    names = [p.name for p in calendar().holiday_periods(date(2025, 1, 1), date(2025, 12, 31))]
    assert names[0] == "New Year's Day" and names[-1] == "National Day" and len(names) == 6
