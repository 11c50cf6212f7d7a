"""Active appointments (R18–R30): maintenance schedules, outreach tasks and contact attempts.

The dealer reaches out first. A rule (first service, periodic service, warranty expiry,
dormant, lost, declined repair, campaign, a long walk-in wait) makes a task for a vehicle;
the desk works the task with contact attempts until it is booked, declined, or closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from planner.domain.customers import Channel
from planner.domain.values import TimeRange


class OutreachRule(StrEnum):
    """Why the dealer calls (R18–R24, R30). The value is stored as the appointment's origin rule."""

    FIRST_SERVICE = "first_service"  # R18
    PERIODIC_SERVICE = "periodic_service"  # R19
    WARRANTY_FIRST = "warranty_1m"  # R20: one month before the warranty ends
    WARRANTY_SECOND = "warranty_2w"  # R20: two weeks before, only if the first did not succeed
    DORMANT = "dormant"  # R21
    LOST = "lost"  # R22
    DECLINED_REPAIR = "declined_repair"  # R23
    CAMPAIGN = "campaign"  # R24: the task names its campaign
    WALK_IN_WAIT = "walk_in_wait"  # R30


class TaskStatus(StrEnum):
    OPEN = "open"
    BOOKED = "booked"  # the customer booked (R1: an active appointment)
    DECLINED = "declined"  # reached; not now (a follow-up date may be set)
    NOTIFIED = "notified"  # unreachable by phone; an SMS or letter went out instead (R26)
    LOST = "lost"  # the customer has gone; the reason is recorded (R29)
    CLOSED = "closed"  # no longer relevant (the car came in anyway, wrong number, ...)

    @property
    def is_open(self) -> bool:
        return self is TaskStatus.OPEN


class Outcome(StrEnum):
    """What one contact attempt achieved."""

    NO_ANSWER = "no_answer"
    BUSY = "busy"  # rang but the customer could not talk: counts as a failed call
    BOOKED = "booked"
    DECLINED = "declined"
    CALL_BACK = "call_back"  # reached; call again on an agreed date
    LOST = "lost"  # the customer has left: record why
    WRONG_NUMBER = "wrong_number"
    SENT = "sent"  # an SMS or a letter went out

    @property
    def reached(self) -> bool:
        return self in (Outcome.BOOKED, Outcome.DECLINED, Outcome.CALL_BACK, Outcome.LOST)

    @property
    def failed_call(self) -> bool:
        return self in (Outcome.NO_ANSWER, Outcome.BUSY)


class LostReason(StrEnum):
    """Why a customer left (R29)."""

    MOVED = "moved"
    SOLD_VEHICLE = "sold_vehicle"
    PRICE = "price"
    OTHER_DEALER = "other_dealer"
    INDEPENDENT_GARAGE = "independent_garage"
    SERVICE_QUALITY = "service_quality"
    WAITING_TIME = "waiting_time"
    OTHER = "other"

    @property
    def final(self) -> bool:
        """The car is no longer the customer's concern here: stop reminding it."""
        return self in (LostReason.MOVED, LostReason.SOLD_VEHICLE)


class PartOfDay(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


@dataclass(frozen=True)
class MaintenanceSchedule:
    """When a model is serviced: the first service, then every `interval_km` or
    `interval_months`, whichever comes first; `typical_km_per_day` stands in for a car
    with too few mileage readings (R19)."""

    model: str  # "" = the dealer's default for any model not listed
    first_months: int = 3
    first_km: int = 3_000
    interval_months: int = 6
    interval_km: int = 5_000
    typical_km_per_day: float = 40.0

    def __post_init__(self) -> None:
        if min(self.first_months, self.first_km, self.interval_months, self.interval_km) <= 0:
            raise ValueError(f"maintenance schedule '{self.model or 'default'}': intervals must be positive")
        if not 0 < self.typical_km_per_day <= 1_000:
            raise ValueError(f"maintenance schedule '{self.model or 'default'}': typical km per day "
                             f"{self.typical_km_per_day} is not in (0, 1000]")


@dataclass(frozen=True)
class ContactPolicy:
    """How and when the desk contacts customers (R25, R26).

    Calls go only in `call_bands` (each a part of the day), narrowed to the customer's own
    preferred times where they overlap. An unreachable customer is called `max_calls`
    times, each in a different part of the day, the first and last call `min_span_days` to
    `max_span_days` desk days apart (both ends counted; a run that would stretch further
    goes to the fallback); then `fallback` channels are used in order.
    """

    call_bands: tuple[tuple[PartOfDay, TimeRange], ...]
    max_calls: int = 3
    min_span_days: int = 3
    max_span_days: int = 5
    fallback: tuple[Channel, ...] = (Channel.SMS, Channel.LETTER)
    remind_days_ahead: int = 14  # R19, R23: remind two weeks before the due date
    calls_per_day: int = 200  # the desk's outbound calls a day (three or four agents), beside inbound work (R28)

    def __post_init__(self) -> None:
        parts = [p for p, _ in self.call_bands]
        if len(set(parts)) != len(parts) or not parts:
            raise ValueError("contact policy: give each part of the day at most one call band, and at least one")
        if self.max_calls < 1 or not 1 <= self.min_span_days <= self.max_span_days:
            raise ValueError("contact policy: max_calls ≥ 1 and 1 ≤ min_span_days ≤ max_span_days")
        if self.calls_per_day < 1:
            raise ValueError("contact policy: the desk must be able to make at least one call a day")


DEFAULT_POLICY = ContactPolicy(call_bands=(
    # R26: not in the commute or the first busy hour at work (before 10:00), not over the
    # 12:00-14:00 rest or the first hour back, not at the evening meal, not after 20:30.
    (PartOfDay.MORNING, TimeRange(time(10, 0), time(11, 30))),
    (PartOfDay.AFTERNOON, TimeRange(time(15, 0), time(17, 0))),
    (PartOfDay.EVENING, TimeRange(time(19, 0), time(20, 30))),
))


@dataclass(frozen=True)
class OutreachTask:
    """One reason to contact one customer about one vehicle, and where it stands."""

    task_no: str
    customer_no: str
    vin: str
    rule: OutreachRule
    due_date: date  # when the service (or the limit) falls due
    remind_on: date  # first day the desk should contact
    priority: int  # 1 (most urgent) .. 5
    channel: Channel  # suggested for the next attempt
    status: TaskStatus = TaskStatus.OPEN
    campaign_code: str | None = None
    batch: str | None = None  # a campaign batch (R24, R28)
    reason: str = ""  # the reason in words, in the dealer's language
    next_contact_on: date | None = None  # the next attempt's day (a retry or an agreed call-back)
    appointment_no: str | None = None  # when booked
    anchor: date | None = None  # what the reminder is about (the last service, ...); default the due date

    @property
    def anchor_date(self) -> date:
        return self.anchor or self.due_date

    def __post_init__(self) -> None:
        if self.rule is OutreachRule.CAMPAIGN and not self.campaign_code:
            raise ValueError(f"task {self.task_no}: a campaign task names its campaign")
        if not 1 <= self.priority <= 5:
            raise ValueError(f"task {self.task_no}: priority {self.priority} is not in 1..5")

    @property
    def origin_rule(self) -> str:
        """What a booking made from this task records as its origin (R1)."""
        return self.campaign_code if self.rule is OutreachRule.CAMPAIGN and self.campaign_code else self.rule.value


@dataclass(frozen=True)
class ContactAttempt:
    """One call, SMS or letter, and its outcome (every attempt is recorded, R26)."""

    task_no: str
    at: datetime
    channel: Channel
    outcome: Outcome
    actor: str = "desk"
    note: str = ""
    lost_reason: LostReason | None = None
    appointment_no: str | None = None
    call_back_on: date | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError(f"attempt on task {self.task_no}: time must be timezone-aware")
        if self.outcome is Outcome.LOST and self.lost_reason is None:
            raise ValueError(f"attempt on task {self.task_no}: a lost customer needs a reason (R29)")
        if self.outcome is Outcome.SENT and self.channel is Channel.PHONE:
            raise ValueError(f"attempt on task {self.task_no}: 'sent' is for an SMS or a letter")
        if self.outcome is not Outcome.SENT and self.channel is Channel.LETTER:
            raise ValueError(f"attempt on task {self.task_no}: a letter can only be 'sent'")
        if (self.outcome.failed_call or self.outcome is Outcome.CALL_BACK) and self.channel is not Channel.PHONE:
            raise ValueError(f"attempt on task {self.task_no}: '{self.outcome.value}' is an outcome of a call")
        if self.outcome is Outcome.CALL_BACK and self.call_back_on is None:
            raise ValueError(f"attempt on task {self.task_no}: a call-back needs its date")


@dataclass(frozen=True)
class WalkInWait:
    """How long a walk-in customer waited at reception, and whether they complained (R30)."""

    ro_number: str
    waited_minutes: int
    complained: bool = False

    def __post_init__(self) -> None:
        if self.waited_minutes < 0:
            raise ValueError(f"repair order {self.ro_number}: waiting time cannot be negative")
