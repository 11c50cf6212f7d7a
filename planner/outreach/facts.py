"""What the outreach rules look at for one vehicle: pure values, built once per day.

`facts_from_history` builds them from the domain aggregates (tests, small dealers);
`planner.storage.outreach.load_vehicle_facts` builds the same values straight from the
database for a whole fleet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from planner.domain import (
    Customer,
    Dealership,
    MileageReading,
    OperationCategory,
    ServiceHistory,
    Vehicle,
)
from planner.domain.appointments import AppointmentStatus
from planner.domain.outreach import MaintenanceSchedule, OutreachRule, TaskStatus, WalkInWait
from planner.outreach.mileage import MileageEstimate, estimate_mileage

AHEAD_STATUSES = frozenset({AppointmentStatus.HOLD, AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})


@dataclass(frozen=True, order=True)
class PastVisit:
    """One repair order, as outreach sees it."""

    day: date
    km: int
    service: bool  # a maintenance operation was done
    by_appointment: bool
    op_codes: frozenset[str] = field(default=frozenset(), compare=False)
    waited_minutes: int | None = field(default=None, compare=False)
    complained: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class OpenDeclined:
    """Declined work not done since (R23)."""

    op_code: str
    declined_on: date
    wait_until_km: int | None
    wait_until_date: date | None

    def __post_init__(self) -> None:
        if self.wait_until_km is None and self.wait_until_date is None:
            raise ValueError(f"declined {self.op_code}: give the km or the date until which it can wait")


@dataclass(frozen=True)
class PastTask:
    """An outreach task already made for the vehicle (any status)."""

    task_no: str
    rule: OutreachRule
    anchor: date  # what the reminder is about (see `Reminder.anchor`)
    status: TaskStatus
    campaign_code: str | None = None


@dataclass(frozen=True)
class VehicleFacts:
    vehicle: Vehicle
    customer: Customer
    schedule: MaintenanceSchedule
    visits: tuple[PastVisit, ...]  # oldest first, up to the day before today
    declined: tuple[OpenDeclined, ...] = ()
    tasks: tuple[PastTask, ...] = ()
    booking_ahead: bool = False  # a hold or booking from today on
    lost_for_good: bool = False  # the customer moved or sold the car (R29)

    def mileage(self, today: date) -> MileageEstimate:
        """The car's mileage estimate from readings before `today` (memoised: several rules ask)."""
        memo: dict[date, MileageEstimate] = self.__dict__.setdefault("_mileage", {})
        if today not in memo:
            # a visit's odometer is a reading too (imports may not list it among the readings)
            known = {(r.read_on, r.km) for r in self.vehicle.readings}
            extra = [MileageReading(v.day, v.km, "visit") for v in self.visits if (v.day, v.km) not in known]
            memo[today] = estimate_mileage((*self.vehicle.readings, *extra), today, self.schedule.typical_km_per_day)
        return memo[today]

    @cached_property
    def last_visit(self) -> PastVisit | None:
        return self.visits[-1] if self.visits else None

    @cached_property
    def last_service(self) -> PastVisit | None:
        return next((v for v in reversed(self.visits) if v.service), None)

    def has_task(self, rule: OutreachRule, anchor: date, campaign_code: str | None = None) -> PastTask | None:
        """The task already made for this reminder (same rule, anchor and campaign), if any."""
        return next((t for t in self.tasks if t.rule is rule and t.anchor == anchor
                     and t.campaign_code == campaign_code), None)

    def visited_between(self, first: date, last: date) -> bool:
        return any(first <= v.day <= last for v in self.visits)


def schedule_for(schedules: Mapping[str, MaintenanceSchedule], model: str) -> MaintenanceSchedule:
    """The model's schedule, else the dealer's default, else the standard one."""
    return schedules.get(model) or schedules.get("") or MaintenanceSchedule("")


def open_declined(items: Iterable[tuple[date, str, int | None, date | None]],
                  visits: Sequence[PastVisit]) -> tuple[OpenDeclined, ...]:
    """Declined items (day, op, km, date) whose operation was not done on a later visit;
    an item declined again later is kept once, with its latest limits."""
    latest: dict[str, OpenDeclined] = {}
    for day, op, km, until in sorted(items):
        latest[op] = OpenDeclined(op, day, km, until)
    return tuple(d for d in latest.values()
                 if not any(v.day > d.declined_on and d.op_code in v.op_codes for v in visits))


def facts_from_history(dealership: Dealership, history: ServiceHistory, today: date,
                       schedules: Mapping[str, MaintenanceSchedule],
                       waits: Iterable[WalkInWait] = (), tasks: Iterable[tuple[str, PastTask]] = (),
                       lost_vins: Iterable[str] = ()) -> list[VehicleFacts]:
    """Facts for every vehicle from the domain aggregates, as of the start of `today`."""
    zone = dealership.dealer.zone
    maintenance = {o.op_code for o in dealership.operations if o.category is OperationCategory.MAINTENANCE}
    wait_by_ro = {w.ro_number: w for w in waits}
    visits: dict[str, list[PastVisit]] = defaultdict(list)
    declined: dict[str, list[tuple[date, str, int | None, date | None]]] = defaultdict(list)
    for ro in history.repair_orders:
        day = ro.opened_at.astimezone(zone).date()
        if day >= today:
            continue
        ops = frozenset(line.op_code for line in ro.lines)
        w = wait_by_ro.get(ro.ro_number)
        visits[ro.vin].append(PastVisit(day, ro.mileage_km, bool(ops & maintenance), ro.from_appointment, ops,
                                        w.waited_minutes if w else None, bool(w and w.complained)))
        declined[ro.vin] += [(day, d.op_code, d.wait_until_km, d.wait_until_date) for d in ro.declined]
    ahead = {a.vin for a in history.appointments
             if a.status in AHEAD_STATUSES and a.slot_start.astimezone(zone).date() >= today}
    by_vin: dict[str, list[PastTask]] = defaultdict(list)
    for vin, task in tasks:
        by_vin[vin].append(task)
    customers = {c.customer_no: c for c in history.customers}
    lost = set(lost_vins)
    out = []
    for v in history.vehicles:
        seen = sorted(visits.get(v.vin, ()))
        v = replace(v, readings=tuple(r for r in v.readings if r.read_on < today))  # as of the start of today
        out.append(VehicleFacts(
            vehicle=v, customer=customers[v.customer_no], schedule=schedule_for(schedules, v.model),
            visits=tuple(seen), declined=open_declined(declined.get(v.vin, ()), seen),
            tasks=tuple(by_vin.get(v.vin, ())), booking_ahead=v.vin in ahead, lost_for_good=v.vin in lost))
    return out
