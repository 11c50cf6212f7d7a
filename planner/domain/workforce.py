"""People who do the work: service advisors and technicians, their rosters and absences."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from planner.domain.values import TimeRange, subtract_all


class Skill(StrEnum):
    """Technician skill groups; every labour operation requires one."""

    MAINTENANCE = "maintenance"
    ELECTRICAL = "electrical_diagnostics"
    ENGINE = "engine_transmission"
    CHASSIS = "chassis_alignment"
    EV = "ev_high_voltage"


class Grade(StrEnum):
    """Technician grade, from apprentice-level to master."""

    JUNIOR = "junior"
    INTERMEDIATE = "intermediate"
    SENIOR = "senior"
    MASTER = "master"


class AbsenceKind(StrEnum):
    LEAVE = "leave"
    SICKNESS = "sickness"
    TRAINING = "training"


@dataclass(frozen=True)
class Shift:
    """One day's shift: from start to end, minus its breaks (local time)."""

    start: time
    end: time
    breaks: tuple[TimeRange, ...] = ()

    def __post_init__(self) -> None:
        span = TimeRange(self.start, self.end)  # validates order
        for b in self.breaks:
            if not (span.start <= b.start and b.end <= span.end):
                raise ValueError(f"break {b} lies outside the shift {span}")

    def working_periods(self) -> tuple[TimeRange, ...]:
        """The shift's working time: the span with the breaks cut out."""
        return subtract_all((TimeRange(self.start, self.end),), self.breaks)

    @property
    def working_minutes(self) -> int:
        return sum(p.minutes for p in self.working_periods())


@dataclass(frozen=True)
class WeeklyRoster:
    """A repeating weekly roster: one optional shift per weekday, Monday first."""

    shifts: tuple[Shift | None, ...]

    def __post_init__(self) -> None:
        if len(self.shifts) != 7:
            raise ValueError(f"a weekly roster needs 7 days, got {len(self.shifts)}")

    def shift_on(self, day: date) -> Shift | None:
        return self.shifts[day.weekday()]

    @property
    def working_days(self) -> frozenset[int]:
        return frozenset(i for i, s in enumerate(self.shifts) if s is not None)


@dataclass(frozen=True)
class Absence:
    """Leave, sickness or training from `start` to `end` (inclusive).

    With `hours` set, only that part of each day is lost (a half-day training).
    """

    start: date
    end: date
    kind: AbsenceKind
    hours: TimeRange | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"absence ends ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def whole_day(self) -> bool:
        return self.hours is None


def _working_periods(
    roster: WeeklyRoster, absences: tuple[Absence, ...], day: date
) -> tuple[TimeRange, ...]:
    shift = roster.shift_on(day)
    if shift is None:
        return ()
    todays = [a for a in absences if a.covers(day)]
    if any(a.whole_day for a in todays):
        return ()
    cuts = tuple(a.hours for a in todays if a.hours is not None)
    return subtract_all(shift.working_periods(), cuts)


@dataclass(frozen=True)
class Technician:
    """A workshop technician.

    `efficiency` scales standard hours: a job of 1.0 standard hour takes 1/efficiency
    hours of this technician's time (a master at 1.2 needs 50 minutes).
    """

    code: str
    name: str
    skills: frozenset[Skill]
    grade: Grade
    efficiency: float
    roster: WeeklyRoster
    absences: tuple[Absence, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.skills:
            raise ValueError(f"technician {self.code} has no skill")
        if not 0.3 <= self.efficiency <= 2.0:
            raise ValueError(f"technician {self.code}: efficiency {self.efficiency} is not in 0.3..2.0")

    def has_skill(self, skill: Skill) -> bool:
        return skill in self.skills

    def is_absent(self, day: date) -> bool:
        """True when a whole-day absence covers the day."""
        return any(a.covers(day) and a.whole_day for a in self.absences)

    def working_periods_on(self, day: date) -> tuple[TimeRange, ...]:
        """When the technician is at work on a day: roster shift minus breaks and absences."""
        return _working_periods(self.roster, self.absences, day)

    def job_minutes(self, standard_hours: float) -> int:
        """Minutes this technician needs for a job of the given standard hours."""
        return math.ceil(standard_hours * 60 / self.efficiency - 1e-9)


@dataclass(frozen=True)
class ServiceAdvisor:
    """A service advisor at reception.

    `reception_capacity` is how many booked arrivals one advisor can receive in one
    booking-grid slot.
    """

    code: str
    name: str
    roster: WeeklyRoster
    reception_capacity: int = 1
    absences: tuple[Absence, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.reception_capacity < 1:
            raise ValueError(f"advisor {self.code}: reception capacity must be at least 1")

    @property
    def working_days(self) -> frozenset[int]:
        return self.roster.working_days

    def working_periods_on(self, day: date) -> tuple[TimeRange, ...]:
        """When the advisor is at the desk on a day."""
        return _working_periods(self.roster, self.absences, day)

    def works_on(self, day: date) -> bool:
        return bool(self.working_periods_on(day))
