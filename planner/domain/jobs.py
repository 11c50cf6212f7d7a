"""Work in the workshop: what a visit needs (a request) and how it is planned (a booking).

A visit's operations are grouped into *jobs*, one per skill and bay type (an oil change
and a wheel alignment are two jobs: a maintenance technician on a quick-service bay, then
a chassis technician on the alignment bay). A booking's jobs run one after another: the
first starts when the car arrives, each next one at or after the previous one ends.

A job takes `Technician.job_minutes(standard_hours)` of its technician's working time and
pauses over the technician's breaks (the car stays on the bay during lunch). Times are
timezone-aware, in the dealer's zone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.domain.catalogue import LabourOperation, PartRequirement
from planner.domain.workforce import Skill
from planner.domain.workshop import BayType


@dataclass(frozen=True)
class JobSpec:
    """One job: the operations one technician of `skill` does on one bay of `bay_type`."""

    skill: Skill
    bay_type: BayType
    standard_hours: float
    op_codes: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.standard_hours <= 0:
            raise ValueError("a job needs positive standard hours")
        if not self.op_codes:
            raise ValueError("a job needs at least one operation")


@dataclass(frozen=True)
class WorkRequest:
    """What a visit needs: its jobs in the order they are done, and the parts."""

    jobs: tuple[JobSpec, ...]
    parts: tuple[PartRequirement, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.jobs:
            raise ValueError("a request needs at least one job")

    @property
    def op_codes(self) -> tuple[str, ...]:
        return tuple(code for job in self.jobs for code in job.op_codes)

    @property
    def standard_hours(self) -> float:
        return sum(job.standard_hours for job in self.jobs)


def work_request(operations: list[LabourOperation] | tuple[LabourOperation, ...]) -> WorkRequest:
    """Group operations into jobs (one per skill and bay type, in the order each group's
    first operation is listed) and merge the parts they consume."""
    if not operations:
        raise ValueError("a request needs at least one operation")
    codes = [op.op_code for op in operations]
    if len(set(codes)) != len(codes):
        raise ValueError(f"an operation is listed twice: {', '.join(codes)}")
    groups: dict[tuple[Skill, BayType], list[LabourOperation]] = {}
    parts: dict[str, int] = defaultdict(int)
    for op in operations:
        groups.setdefault((op.skill, op.bay_type), []).append(op)
        for req in op.parts:
            parts[req.part_number] += req.quantity
    jobs = tuple(
        JobSpec(skill, bay_type, round(sum(op.standard_hours for op in ops), 4), tuple(op.op_code for op in ops))
        for (skill, bay_type), ops in groups.items()
    )
    return WorkRequest(jobs, tuple(PartRequirement(p, q) for p, q in sorted(parts.items())))


@dataclass(frozen=True)
class ScheduledJob:
    """A job with its technician, bay and time: from `start` to `end` (breaks included)."""

    spec: JobSpec
    technician: str
    bay: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("job times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"job ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class FlexibleWindow:
    """The customer accepts any arrival from `earliest` to `latest` (a re-plan may move it)."""

    earliest: datetime
    latest: datetime

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise ValueError("a flexible window ends before it starts")

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.earliest <= moment <= self.latest


@dataclass(frozen=True)
class Booking:
    """A booked visit as the workshop plans it: arrival, jobs in order, parts reserved."""

    booking_id: str
    arrival: datetime
    request: WorkRequest
    jobs: tuple[ScheduledJob, ...]
    plate: str = ""
    flexible: FlexibleWindow | None = None

    def __post_init__(self) -> None:
        if self.arrival.tzinfo is None:
            raise ValueError(f"booking {self.booking_id}: arrival must be timezone-aware")
        if tuple(j.spec for j in self.jobs) != self.request.jobs:
            raise ValueError(f"booking {self.booking_id}: its jobs do not match its request")

    @property
    def day(self) -> date:
        """The day of the visit in the zone its arrival is given in (the planner hands out
        dealer-zone times, so this is the dealer's local day)."""
        return self.arrival.date()

    @property
    def end(self) -> datetime:
        return self.jobs[-1].end


@dataclass(frozen=True)
class WalkInReserve:
    """Technicians kept free for walk-ins, per local day and hour of the day (R3, R9).

    The planner derives it from a quantile of the walk-in forecast; booked work may use
    only the technicians at work beyond it.
    """

    by_day: dict[date, tuple[int, ...]] = field(default_factory=dict)  # 24 values per day

    def __post_init__(self) -> None:
        for day, hours in self.by_day.items():
            if len(hours) != 24 or any(n < 0 for n in hours):
                raise ValueError(f"walk-in reserve for {day}: need 24 non-negative hourly values")

    def at(self, day: date, hour: int) -> int:
        """Technicians to keep free during `hour` of `day` (0 when nothing is known)."""
        hours = self.by_day.get(day)
        return hours[hour] if hours is not None else 0
