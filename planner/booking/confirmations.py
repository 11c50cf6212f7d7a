"""Confirmation calls (R16), pure: customer service at 72 h and 24 h before the visit,
the service advisor 1 h before. A stage is due only if the booking existed then (a
booking made 10 hours ahead gets the 1-hour call only). A call's outcome is recorded;
a booking still unconfirmed within 24 hours of arrival is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    H72 = "72h"
    H24 = "24h"
    H1 = "1h"


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    NO_ANSWER = "no_answer"
    WANTS_OTHER_TIME = "wants_other_time"
    WANTS_TO_CANCEL = "wants_to_cancel"


STAGES: tuple[tuple[Stage, timedelta, str], ...] = (
    (Stage.H72, timedelta(hours=72), "customer_service"),
    (Stage.H24, timedelta(hours=24), "customer_service"),
    (Stage.H1, timedelta(hours=1), "advisor"),
)
FLAG_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class Booked:
    """What the confirmation desk knows of a booking."""

    appointment_no: str
    plate: str
    arrival: datetime
    created_at: datetime
    status: str


@dataclass(frozen=True)
class Task:
    appointment_no: str
    plate: str
    arrival: datetime
    stage: Stage
    owner: str  # customer_service | advisor
    due_at: datetime
    outcome: str | None  # None while the call is not made
    overdue: bool

    def as_json(self) -> dict[str, Any]:
        return {"booking": self.appointment_no, "plate": self.plate, "arrival": self.arrival.isoformat(),
                "stage": self.stage.value, "owner": self.owner, "due_at": self.due_at.isoformat(),
                "outcome": self.outcome, "overdue": self.overdue}


def tasks_for(bookings: list[Booked], outcomes: dict[tuple[str, str], str], now: datetime) -> list[Task]:
    """Every confirmation call the bookings need, done or not, in order of due time."""
    out = []
    for b in bookings:
        for stage, before, owner in STAGES:
            due = b.arrival - before
            if b.created_at > due:
                continue  # booked after this stage was due
            outcome = outcomes.get((b.appointment_no, stage.value))
            out.append(Task(b.appointment_no, b.plate, b.arrival, stage, owner, due, outcome,
                            outcome is None and due < now))
    return sorted(out, key=lambda t: (t.due_at, t.appointment_no))


def unconfirmed(bookings: list[Booked], now: datetime) -> list[Booked]:
    """Bookings arriving within 24 hours that nobody has confirmed yet."""
    return [b for b in bookings if b.status == "booked" and now <= b.arrival <= now + FLAG_WITHIN]
