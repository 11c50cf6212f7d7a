"""Small value types shared by the domain: time-of-day ranges and date ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum


def minutes_of(t: time) -> int:
    """Minutes since midnight of a time of day."""
    return t.hour * 60 + t.minute


def time_of(minutes: int) -> time:
    """Time of day for minutes since midnight (0..1439)."""
    if not 0 <= minutes < 24 * 60:
        raise ValueError(f"{minutes} minutes is not a time of day")
    return time(minutes // 60, minutes % 60)


@dataclass(frozen=True, order=True)
class TimeRange:
    """A half-open range of local time within one day: [start, end)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"time range ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})")

    @property
    def minutes(self) -> int:
        return minutes_of(self.end) - minutes_of(self.start)

    def contains(self, t: time) -> bool:
        return self.start <= t < self.end

    def overlaps(self, other: TimeRange) -> bool:
        return self.start < other.end and other.start < self.end

    def intersect(self, other: TimeRange) -> TimeRange | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return TimeRange(start, end) if start < end else None

    def minus(self, other: TimeRange) -> tuple[TimeRange, ...]:
        """This range with `other` cut out: zero, one or two pieces."""
        if not self.overlaps(other):
            return (self,)
        pieces = []
        if self.start < other.start:
            pieces.append(TimeRange(self.start, other.start))
        if other.end < self.end:
            pieces.append(TimeRange(other.end, self.end))
        return tuple(pieces)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        """Parse "HH:MM-HH:MM"."""
        try:
            a, b = text.strip().split("-")
            return cls(time.fromisoformat(a.strip()), time.fromisoformat(b.strip()))
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a time range like 09:00-12:00 ({exc})") from None


def subtract_all(ranges: tuple[TimeRange, ...], cuts: tuple[TimeRange, ...]) -> tuple[TimeRange, ...]:
    """Ranges with every cut removed, in order."""
    out = list(ranges)
    for cut in cuts:
        out = [piece for r in out for piece in r.minus(cut)]
    return tuple(sorted(out))


@dataclass(frozen=True, order=True)
class DateRange:
    """An inclusive range of dates: [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"date range ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


class Lang(StrEnum):
    """Languages of user-facing text."""

    ZH = "zh"
    EN = "en"


class BilingualName:
    """For things named in Chinese and English (`name_zh`, `name_en` fields)."""

    name_zh: str
    name_en: str

    def name(self, lang: Lang | str = Lang.EN) -> str:
        return self.name_zh if lang == Lang.ZH else self.name_en
