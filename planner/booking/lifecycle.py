"""The appointment lifecycle (pure): which action moves which status where.

hold → booked → confirmed → arrived → in service → completed; cancelled, rescheduled and
no-show end an appointment early. An illegal move is refused with a message naming the
appointment's status and the action.
"""

from __future__ import annotations

from enum import StrEnum

from planner.domain import AppointmentStatus as S
from planner.errors import PlannerError


class Action(StrEnum):
    BOOK = "book"  # a hold becomes a booking
    CONFIRM = "confirm"
    ARRIVE = "arrive"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    NO_SHOW = "no_show"


TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.HOLD, Action.BOOK): S.BOOKED,
    (S.HOLD, Action.CANCEL): S.CANCELLED,
    (S.BOOKED, Action.CONFIRM): S.CONFIRMED,
    (S.BOOKED, Action.ARRIVE): S.ARRIVED,
    (S.CONFIRMED, Action.ARRIVE): S.ARRIVED,
    (S.ARRIVED, Action.START): S.IN_SERVICE,
    (S.IN_SERVICE, Action.COMPLETE): S.COMPLETED,
    (S.BOOKED, Action.CANCEL): S.CANCELLED,
    (S.CONFIRMED, Action.CANCEL): S.CANCELLED,
    (S.BOOKED, Action.RESCHEDULE): S.RESCHEDULED,
    (S.CONFIRMED, Action.RESCHEDULE): S.RESCHEDULED,
    (S.BOOKED, Action.NO_SHOW): S.NO_SHOW,
    (S.CONFIRMED, Action.NO_SHOW): S.NO_SHOW,
}

HOLDS_CAPACITY = frozenset({S.HOLD, S.BOOKED, S.CONFIRMED, S.ARRIVED, S.IN_SERVICE})


def next_status(current: S, action: Action, appointment_no: str = "") -> S:
    """The status after `action`, or a PlannerError when the lifecycle forbids it."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise PlannerError("error.bad_transition", appointment=appointment_no, status=current.value,
                           action=action.value) from None


def releases_capacity(status: S) -> bool:
    """Does an appointment in this status give its technicians, bays and parts back?"""
    return status not in HOLDS_CAPACITY
