"""The workshop's bays and when they are out of service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class BayType(StrEnum):
    """Kinds of workshop bay; every labour operation needs one kind."""

    GENERAL_LIFT = "general_lift"
    QUICK_SERVICE = "quick_service"
    ALIGNMENT = "alignment"
    EV = "ev"
    DIAGNOSTIC = "diagnostic"


@dataclass(frozen=True)
class BayOutage:
    """A bay out of service from `start` to `end` inclusive (repair, inspection...)."""

    start: date
    end: date
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"bay outage ends ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Bay:
    code: str
    name: str
    bay_type: BayType
    outages: tuple[BayOutage, ...] = field(default=())

    def in_service_on(self, day: date) -> bool:
        return not any(o.covers(day) for o in self.outages)
