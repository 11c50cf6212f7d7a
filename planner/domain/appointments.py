"""Appointment records (R1).

The foundation stores appointments as history needs them (origin, slot, outcome);
the booking lifecycle extends the same table with holds, technicians and parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AppointmentOrigin(StrEnum):
    """R1: passive = the customer asked; active = the dealer reached out first."""

    PASSIVE = "passive"
    ACTIVE = "active"


class AppointmentStatus(StrEnum):
    HOLD = "hold"
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    IN_SERVICE = "in_service"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Appointment:
    appointment_no: str
    vin: str
    customer_no: str
    created_at: datetime
    slot_start: datetime
    origin: AppointmentOrigin
    status: AppointmentStatus
    origin_rule: str | None = None  # outreach rule or campaign code for active ones
    ro_number: str | None = None

    def __post_init__(self) -> None:
        if self.slot_start.tzinfo is None or self.created_at.tzinfo is None:
            raise ValueError(f"appointment {self.appointment_no}: times must be timezone-aware")
        if self.origin is AppointmentOrigin.ACTIVE and not self.origin_rule:
            raise ValueError(f"appointment {self.appointment_no}: an active appointment names its rule or campaign")
