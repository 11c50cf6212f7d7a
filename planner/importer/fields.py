"""Reading typed values out of CSV rows and TOML tables, collecting every problem.

A parser turns one raw value (a CSV string, or whatever TOML produced) into a typed
value or raises `Problem`. A `Fields` record (a CSV row, a TOML table) applies parsers
to its keys and logs each problem as an `Issue` at the right file, row and column
instead of stopping, so that one pass reports everything.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from planner.domain.values import TimeRange
from planner.importer.messages import Issue

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

LIST_SEPARATOR = ";"


class Problem(Exception):
    """A value could not be read: the message id and its parameters."""

    def __init__(self, message_id: str, **params: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params


def need(value: T | None) -> T:
    """A value that validation already guaranteed to be present."""
    if value is None:
        raise AssertionError("a required value is missing after validation")
    return value


# -- parsers: raw value -> typed value ---------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_INTEGER = re.compile(r"[+-]?\d+")
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def parse_text(raw: object) -> str:
    """A non-blank string, stripped."""
    if not isinstance(raw, str):
        raise Problem("value.not_text")
    return raw.strip()


def text_up_to(limit: int) -> Callable[[object], str]:
    """A parser for text of at most `limit` characters (the database column size)."""

    def parse(raw: object) -> str:
        text = parse_text(raw)
        if len(text) > limit:
            raise Problem("value.too_long", limit=limit)
        return text

    return parse


def parse_date(raw: object) -> date:
    """A date written YYYY-MM-DD (or a TOML date)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str) or not _DATE.fullmatch(raw.strip()):
        raise Problem("value.not_a_date")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise Problem("value.not_a_date") from None


def parse_int(raw: object) -> int:
    """A whole number."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if not isinstance(raw, str) or not _INTEGER.fullmatch(raw.strip()):
        raise Problem("value.not_an_integer")
    return int(raw.strip())


def parse_count(raw: object) -> int:
    """A whole number that is zero or more."""
    value = parse_int(raw)
    if value < 0:
        raise Problem("value.negative")
    return value


def parse_quantity(raw: object) -> int:
    """A whole number that is one or more."""
    value = parse_count(raw)
    if value < 1:
        raise Problem("value.below_minimum", minimum=1)
    return value


def parse_float(raw: object) -> float:
    """A finite number."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise Problem("value.not_a_number") from None
    else:
        raise Problem("value.not_a_number")
    if not math.isfinite(value):
        raise Problem("value.not_a_number")
    return value


def parse_positive_float(raw: object) -> float:
    """A number greater than zero."""
    value = parse_float(raw)
    if value <= 0:
        raise Problem("value.not_positive")
    return value


def parse_money(raw: object) -> Decimal:
    """An amount of money, zero or more (kept exact as a Decimal)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise Problem("value.not_a_number")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise Problem("value.not_a_number") from None
    if not value.is_finite():
        raise Problem("value.not_a_number")
    if value < 0:
        raise Problem("value.negative")
    return value


def parse_bool(raw: object) -> bool:
    """true/false, 1/0 or yes/no (any case), or a TOML boolean."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _BOOLEANS:
        return _BOOLEANS[raw.strip().lower()]
    raise Problem("value.not_a_boolean")


def choice_of(kind: type[E]) -> Callable[[object], E]:
    """A parser for one value of a string enum (e.g. Skill)."""

    def parse(raw: object) -> E:
        text = parse_text(raw)
        try:
            return kind(text)
        except ValueError:
            raise Problem(
                "value.not_in_choices", choices=", ".join(m.value for m in kind)
            ) from None

    return parse


def _time(text: str) -> time:
    if not _TIME.fullmatch(text):
        raise ValueError(text)
    hours, minutes = (int(p) for p in text.split(":"))
    return time(hours, minutes)


def parse_time_range(raw: object) -> TimeRange:
    """A local time range "HH:MM-HH:MM" within one day."""
    text = parse_text(raw)
    try:
        start_text, end_text = (p.strip() for p in text.split("-"))
        start, end = _time(start_text), _time(end_text)
    except ValueError:
        raise Problem("value.not_a_time_range") from None
    if end <= start:
        raise Problem("value.time_range_backwards")
    return TimeRange(start, end)


def hours_or(closed_word: str) -> Callable[[object], TimeRange | None]:
    """A parser for "HH:MM-HH:MM" or the word meaning no hours ("closed", "off")."""

    def parse(raw: object) -> TimeRange | None:
        text = parse_text(raw)
        if text.lower() == closed_word:
            return None
        try:
            return parse_time_range(text)
        except Problem as problem:
            if problem.message_id == "value.time_range_backwards":
                raise
            raise Problem("value.not_hours_or_closed", closed=closed_word) from None

    return parse


def parse_timestamp_in(zone: ZoneInfo) -> Callable[[object], datetime]:
    """A parser for ISO 8601 timestamps; a naive one is local time in `zone`."""

    def parse(raw: object) -> datetime:
        if isinstance(raw, datetime):
            moment = raw
        else:
            text = parse_text(raw)
            if not _DATE.match(text):
                raise Problem("value.not_a_timestamp")
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise Problem("value.not_a_timestamp") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)

    return parse


def _blank(item: object) -> bool:
    return isinstance(item, str) and not item.strip()


def list_items(raw: object) -> list[object]:
    """Items of a list: a TOML array or a CSV cell "A;B;C" (blank items dropped)."""
    if isinstance(raw, str):
        return [item.strip() for item in raw.split(LIST_SEPARATOR) if item.strip()]
    if isinstance(raw, list):
        return [item.strip() if isinstance(item, str) else item for item in raw if not _blank(item)]
    raise Problem("value.not_a_list")


def parse_zone(raw: object) -> ZoneInfo:
    """An IANA time zone name."""
    text = parse_text(raw)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Problem("value.unknown_time_zone") from None


def parse_country(raw: object) -> str:
    """A country code the `holidays` package knows (e.g. CN), for public holidays."""
    text = parse_text(raw)
    if text not in holidays.list_supported_countries():
        raise Problem("value.unknown_country")
    return text


# -- records -----------------------------------------------------------------------


class IssueLog:
    """Every issue found so far, in the order found."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def __bool__(self) -> bool:
        return bool(self.issues)

    def __len__(self) -> int:
        return len(self.issues)


@dataclass(frozen=True)
class Place:
    """Where a value sits: file, row (CSV) or line (TOML), column or key."""

    file: str
    row: int | None
    column: str | None


def _display(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, list):
        return ", ".join(str(item) for item in raw)
    return str(raw)


class Fields(ABC):
    """One record (a CSV row or a TOML table) whose values are read with parsers.

    Each problem is logged; `failed` tells whether this record had any, so that the
    caller builds its domain object only from a clean record.
    """

    def __init__(self, log: IssueLog, values: Mapping[str, object]) -> None:
        self.log = log
        self.values = values
        self.failed = False

    @abstractmethod
    def place(self, key: str | None) -> Place:
        """Where the value of `key` (or the record itself, for None) is."""

    def raw(self, key: str) -> object | None:
        """The raw value of `key`; blank text counts as absent."""
        value = self.values.get(key)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def report(
        self, key: str | None, message_id: str, value: object = None, **params: object
    ) -> None:
        """Log a problem with `key` (None: with the record as a whole)."""
        where = self.place(key)
        self.log.add(
            Issue(where.file, where.row, where.column, _display(value), message_id, params)
        )
        self.failed = True

    def optional(self, key: str, parse: Callable[[object], T]) -> T | None:
        """The parsed value of `key`, or None when absent or wrong (wrong is logged)."""
        raw = self.raw(key)
        if raw is None:
            return None
        try:
            return parse(raw)
        except Problem as problem:
            self.report(key, problem.message_id, raw, **problem.params)
            return None

    def required(self, key: str, parse: Callable[[object], T]) -> T | None:
        """The parsed value of `key`; absence is logged as a problem too."""
        if self.raw(key) is None:
            self.report(key, "value.missing")
            return None
        return self.optional(key, parse)

    def default(self, key: str, parse: Callable[[object], T], fallback: T) -> T:
        """The parsed value of `key`, or `fallback` when absent (or wrong, which is logged)."""
        value = self.optional(key, parse)
        return fallback if value is None else value

    def items(self, key: str, parse: Callable[[object], T], *, required: bool = False) -> list[T]:
        """Each item of a list value parsed; a wrong item is logged with that item as value."""
        items = (self.required if required else self.optional)(key, list_items) or []
        parsed: list[T] = []
        for item in items:
            try:
                parsed.append(parse(item))
            except Problem as problem:
                self.report(key, problem.message_id, item, **problem.params)
        return parsed

    def build(self, factory: Callable[[], T], key: str | None = None) -> T | None:
        """Run a domain constructor; its ValueError becomes a problem on this record."""
        try:
            return factory()
        except ValueError as exc:
            self.report(key, "rule.domain", None, detail=str(exc))
            return None


class KeyRegistry:
    """The keys seen in one file (VINs, codes...), and where each was seen first.

    Keys of invalid records are registered too, so that one bad row does not also
    make every reference to it fail.
    """

    def __init__(self, source: str, duplicate_message: str = "value.duplicate_row") -> None:
        self.source = source
        self.duplicate_message = duplicate_message
        self.first: dict[str, int | None] = {}
        self.unavailable = False  # the file could not be read: references are not checked

    def claim(self, record: Fields, key: str, value: str | None) -> bool:
        """Register `value` for `record`; log and return False if it is a duplicate."""
        if value is None:
            return True
        if value in self.first:
            record.report(key, self.duplicate_message, value, first=self.first[value])
            return False
        self.first[value] = record.place(key).row
        return True

    def __contains__(self, value: object) -> bool:
        return value in self.first

    def check(self, record: Fields, key: str, value: str | None, message_id: str) -> None:
        """Log `message_id` on `record` when `value` refers to a key this file lacks."""
        if value is not None and not self.unavailable and value not in self.first:
            record.report(key, message_id, value, source=self.source)

    def known(self) -> Iterable[str]:
        return self.first.keys()
