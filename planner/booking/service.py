"""Booking transactions: make, cancel and confirm appointments without double-booking.

Every transaction takes the dealer's booking lock first (`lock_dealer_bookings`), then
re-reads the bookings, re-decides the slot with the solver and re-checks the result
with the independent checker, and writes the appointment, its jobs and parts, the jobs
it moves aside and the audit entries together: two agents racing for the last capacity
cannot both win, and a crash leaves nothing half-written. A retried request with the
same idempotency key returns the booking it made the first time.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine

from planner.booking.copies import documents_to_bring, estimate
from planner.booking.lifecycle import Action, next_status, releases_capacity
from planner.domain import (
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Booking,
    Dealership,
    FlexibleWindow,
    WalkInReserve,
    WorkRequest,
)
from planner.errors import PlannerError
from planner.solver.checker import check_plan
from planner.solver.desk import parse_ops
from planner.solver.loader import BOOKINGS_AHEAD_DAYS, WalkInPolicy, planning_today, walk_in_load
from planner.solver.search import SearchStats, bookings_after, place, placed_jobs
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import CapacitySnapshot, at_minute, minute_of
from planner.solver.suggest import SlotOption, SlotRequest, suggest_slots
from planner.storage.repository import (
    add_event,
    add_to_waitlist,
    appointment_status,
    appointment_vehicle,
    expired_holds,
    find_idempotent,
    find_vehicle,
    load_booking,
    load_bookings,
    load_dealership,
    lock_dealer_bookings,
    mark_appointment,
    mark_waiting,
    next_appointment_no,
    plate_key,
    save_bookings,
    set_appointment_details,
    set_preparation,
    update_booking_plans,
    waiting,
)

DECIDE = SolverSettings(check_seconds=0.5, call_seconds=2.0)  # inside the lock: decide, do not guess
HOLD_MINUTES = 5
WAITLIST_HOLD_MINUTES = 120  # freed time held for a waiting caller while customer service calls them


class SlotTaken(PlannerError):
    """The slot no longer fits (someone else took the capacity); `next_option` is the
    best time from the wished one on, if any."""

    def __init__(self, when: datetime, next_option: SlotOption | None = None) -> None:
        nxt = next_option.start.isoformat(timespec="minutes") if next_option else "-"
        super().__init__("error.slot_taken", when=when.isoformat(timespec="minutes"), next=nxt)
        self.next_option = next_option


@dataclass(frozen=True)
class BookingRequest:
    """What the agent books: the car, the work, the arrival and how the booking arose (R1)."""

    plate: str
    op_codes: tuple[str, ...]
    arrival: datetime
    origin: AppointmentOrigin = AppointmentOrigin.PASSIVE
    origin_rule: str | None = None
    idempotency_key: str | None = None
    actor: str = "desk"
    flexible: FlexibleWindow | None = None
    concern: str = ""  # R7: the main concern, in the customer's words
    checklist: tuple[tuple[str, str], ...] = ()  # R7: diagnosis checklist answers
    channel: str | None = None  # R11: how to reach the customer for reminders (phone, sms, letter)


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    replayed: bool  # the idempotency key had booked it already: nothing new was written
    moved: tuple[Booking, ...] = ()  # other bookings whose technician or bay changed to make room


WalkIns = tuple[WalkInReserve | None, dict[date, tuple[float, ...]] | None]


def book(engine: Engine, dealer_id: int, request: BookingRequest, now: datetime | None = None,
         policy: WalkInPolicy | None = None, walk_ins: WalkIns | None = None) -> BookingResult:
    """Book `request` at its arrival time, or raise SlotTaken (with the next option) when
    it does not fit, or a PlannerError naming what is wrong with the request. `walk_ins`
    (reserve, expected load) saves the forecast when the caller keeps it (an app does)."""
    return _make(engine, dealer_id, request, now, policy, None, None, walk_ins)


def hold(engine: Engine, dealer_id: int, request: BookingRequest, minutes: int = HOLD_MINUTES,
         now: datetime | None = None, policy: WalkInPolicy | None = None) -> BookingResult:
    """Hold the slot while the agent finishes the call: it counts as booked until it is
    confirmed with `book_hold` or `minutes` pass (then the next transaction releases it)."""
    if not 1 <= minutes <= 120:
        raise PlannerError("error.bad_hold", minutes=minutes)
    return _make(engine, dealer_id, request, now, policy, timedelta(minutes=minutes), None)


def reschedule(engine: Engine, dealer_id: int, appointment_no: str, arrival: datetime, actor: str = "desk",
               now: datetime | None = None, policy: WalkInPolicy | None = None) -> BookingResult:
    """Move a booking to another time in one transaction: the new booking is made (its
    number is new) and the old one marked rescheduled, or nothing changes."""
    with engine.connect() as conn:
        old = load_booking(conn, dealer_id, appointment_no)
        if old is None:
            raise PlannerError("error.unknown_appointment", appointment=appointment_no)
    request = BookingRequest(old.plate, old.request.op_codes, arrival, actor=actor, flexible=old.flexible)
    return _make(engine, dealer_id, request, now, policy, None, appointment_no)


def _make(engine: Engine, dealer_id: int, request: BookingRequest, now: datetime | None,
          policy: WalkInPolicy | None, hold_for: timedelta | None, replaces: str | None,
          walk_ins: WalkIns | None = None) -> BookingResult:
    with engine.connect() as conn:  # outside the lock: validation and the forecast
        dealership = load_dealership(conn, dealer_id)
        zone = dealership.dealer.zone
        now = now or datetime.now(zone)
        today = planning_today(conn, dealer_id, dealership)
        arrival = request.arrival if request.arrival.tzinfo else request.arrival.replace(tzinfo=zone)
        floor = max(now, datetime.combine(today, datetime.min.time(), tzinfo=zone))
        if arrival < floor:
            raise PlannerError("error.past", when=arrival.isoformat(timespec="minutes"))
        vehicle = find_vehicle(conn, dealer_id, request.plate)
        if vehicle is None:
            raise PlannerError("error.unknown_plate", plate=request.plate)
        work = parse_ops(dealership, list(request.op_codes))
        if request.origin is AppointmentOrigin.ACTIVE and not request.origin_rule:
            raise PlannerError("error.active_needs_rule")
        day = arrival.astimezone(zone).date()
        _bookable(dealership, arrival)
        policy = policy or WalkInPolicy()
        if walk_ins is not None:
            reserve, expected = walk_ins
        else:
            reserve, expected = (walk_in_load(conn, dealer_id, dealership, today, day, 1, policy)
                                 if policy.quantile is not None else (None, None))
    status = AppointmentStatus.HOLD if hold_for is not None else AppointmentStatus.BOOKED
    try:
        with engine.begin() as conn:
            lock_dealer_bookings(conn, dealer_id)
            _expire_holds(conn, dealer_id, now)
            if request.idempotency_key:
                done = find_idempotent(conn, dealer_id, request.idempotency_key)
                if done is not None:
                    earlier = load_booking(conn, dealer_id, done)
                    if earlier is None:
                        raise PlannerError("error.idempotent_gone", idem=request.idempotency_key, booking=done)
                    if (plate_key(earlier.plate) != plate_key(vehicle.plate) or earlier.arrival != arrival
                            or earlier.request.op_codes != work.op_codes):
                        # the same key for another request is a caller's mistake, not a retry
                        raise PlannerError("error.idempotency_mismatch", idem=request.idempotency_key,
                                           booking=done)
                    return BookingResult(earlier, replayed=True)
            origin, rule = request.origin, request.origin_rule
            vin, customer_no = vehicle.vin, vehicle.customer_no
            snapshot = _snapshot(conn, dealer_id, today, reserve, expected)
            if replaces is not None:
                current = appointment_status(conn, dealer_id, replaces)
                next_status(current or AppointmentStatus.CANCELLED, Action.RESCHEDULE, replaces)  # refuses if illegal
                vin, customer_no, origin_text, rule = appointment_vehicle(conn, dealer_id, replaces)
                origin = AppointmentOrigin(origin_text)
                snapshot = snapshot.with_bookings([], removed={replaces})
            booking_id = next_appointment_no(conn, dealer_id, day)
            booking, moved = _decide(snapshot, work, arrival, booking_id, vehicle.plate, request.flexible)
            _verify(snapshot, booking, moved)
            appointment = Appointment(booking_id, vin, customer_no, now, booking.arrival, origin, status, rule)
            save_bookings(conn, dealer_id, [(appointment, booking)])
            update_booking_plans(conn, dealer_id, list(moved))
            mark_appointment(conn, dealer_id, booking_id, at=now, idempotency_key=request.idempotency_key,
                             hold_expires_at=now + hold_for if hold_for is not None else None)
            labour, parts = estimate(snapshot.dealership, booking)
            set_appointment_details(
                conn, dealer_id, booking_id, concern=request.concern, checklist=dict(request.checklist),
                channel=request.channel, documents=documents_to_bring(snapshot.dealership, booking, vehicle, "zh"),
                estimated_minutes=round((booking.end - booking.arrival).total_seconds() / 60),
                estimated_price=labour + parts)
            action = "hold" if hold_for is not None else Action.BOOK.value
            detail = f"{booking.arrival.isoformat()} {','.join(work.op_codes)}"
            if replaces is not None:
                mark_appointment(conn, dealer_id, replaces, at=now, status=AppointmentStatus.RESCHEDULED)
                add_event(conn, dealer_id, replaces, at=now, actor=request.actor, action=Action.RESCHEDULE.value,
                          from_status=current, to_status=AppointmentStatus.RESCHEDULED, detail=f"to {booking_id}")
                detail += f" (rescheduled from {replaces})"
            add_event(conn, dealer_id, booking_id, at=now, actor=request.actor, action=action,
                      from_status=None, to_status=status, detail=detail)
            for other in moved:
                kept = appointment_status(conn, dealer_id, other.booking_id) or AppointmentStatus.BOOKED
                add_event(conn, dealer_id, other.booking_id, at=now, actor=request.actor, action="reassign",
                          from_status=kept, to_status=kept,
                          detail=f"to make room for {booking_id}: "
                                 + ", ".join(f"{j.technician}/{j.bay}" for j in other.jobs))
            return BookingResult(booking, replayed=False, moved=tuple(moved))
    except SlotTaken as taken:
        raise SlotTaken(arrival, _next_option(engine, dealer_id, today, reserve, expected, work, arrival,
                                              vehicle.plate)) from taken


def _bookable(dealership: Dealership, arrival: datetime) -> None:
    """A time the desk could ever offer: an open day, within hours, on the booking grid."""
    from planner.domain import DealerCalendar

    local = arrival.astimezone(dealership.dealer.zone)
    grid = dealership.dealer.booking_grid_minutes
    minute = local.hour * 60 + local.minute
    if local.second or local.microsecond or minute % grid:
        raise PlannerError("error.off_grid", when=local.isoformat(timespec="minutes"), grid=grid)
    calendar = DealerCalendar(dealership.dealer)
    hours = calendar.hours_on(local.date()) if calendar.is_open(local.date()) else None
    if hours is None or not hours.start <= local.time() < hours.end:
        raise PlannerError("error.closed_at", when=local.isoformat(timespec="minutes"))


def _expire_holds(conn: Connection, dealer_id: int, now: datetime) -> None:
    """Holds whose time ran out give their slot back (cancelled, with an audit entry)."""
    for number in expired_holds(conn, dealer_id, now):
        mark_appointment(conn, dealer_id, number, at=now, status=AppointmentStatus.CANCELLED)
        add_event(conn, dealer_id, number, at=now, actor="system", action="expire",
                  from_status=AppointmentStatus.HOLD, to_status=AppointmentStatus.CANCELLED,
                  detail="the hold ran out")


def _snapshot(conn: Connection, dealer_id: int, today: date, reserve: WalkInReserve | None,
              expected: dict[date, tuple[float, ...]] | None) -> CapacitySnapshot:
    dealership = load_dealership(conn, dealer_id)
    bookings = load_bookings(conn, dealer_id, today, today + timedelta(days=BOOKINGS_AHEAD_DAYS))
    return CapacitySnapshot(dealership, bookings, today=today, reserve=reserve, walk_in_expected=expected)


def _decide(snapshot: CapacitySnapshot, work: WorkRequest, arrival: datetime, booking_id: str, plate: str,
            flexible: FlexibleWindow | None) -> tuple[Booking, list[Booking]]:
    """The booking at exactly `arrival`, with the bookings it moves aside, or SlotTaken."""
    zone = snapshot.zone
    day, minute = minute_of(arrival, zone)
    state = snapshot.day(day)
    if not state.is_open or not all(snapshot.ledger.free_on(req, day) for req in work.parts):
        raise SlotTaken(arrival)
    fit, _ = place(state, work, minute, snapshot.grid, DECIDE, SearchStats(), clock.perf_counter() + 5.0)
    if fit is None:
        raise SlotTaken(arrival)
    booking = Booking(booking_id, at_minute(day, minute, zone), work, placed_jobs(fit, day, zone), plate=plate,
                      flexible=flexible)
    return booking, bookings_after(snapshot, day, fit.placement)


def _verify(snapshot: CapacitySnapshot, booking: Booking, moved: list[Booking]) -> None:
    """The independent checker must find no breach the booking would add. The walk-in
    reserve is a rule of one day, so it is checked on the booking's day only (it is the
    slow rule); every other rule on the whole book (parts are shared across days)."""
    ids = {b.booking_id for b in moved}
    after_book = [b for b in snapshot.bookings if b.booking_id not in ids] + moved + [booking]
    day = booking.arrival.astimezone(snapshot.zone).date()

    def faults(bookings: list[Booking]) -> set[tuple[str, str]]:
        found = {(v.rule, v.booking_id) for v in check_plan(snapshot.dealership, bookings, today=snapshot.today)}
        if snapshot.reserve.by_day:
            same_day = [b for b in bookings if b.arrival.astimezone(snapshot.zone).date() == day]
            found |= {(v.rule, v.booking_id) for v in check_plan(snapshot.dealership, same_day,
                                                                 today=snapshot.today, reserve=snapshot.reserve)
                      if v.rule == "walk_in_reserve"}
        return found

    added = sorted(faults(after_book) - faults(list(snapshot.bookings)))
    if added:
        raise PlannerError("error.checker_refused", detail="; ".join(f"{r} ({b})" for r, b in added[:5]))


def _next_option(engine: Engine, dealer_id: int, today: date, reserve: WalkInReserve | None,
                 expected: dict[date, tuple[float, ...]] | None, work: WorkRequest, arrival: datetime,
                 plate: str) -> SlotOption | None:
    with engine.connect() as conn:
        snapshot = _snapshot(conn, dealer_id, today, reserve, expected)
    proposal = suggest_slots(snapshot, SlotRequest(work, arrival, days=14, count=1, plate=plate))
    return proposal.options[0] if proposal.options else None


def change_status(engine: Engine, dealer_id: int, appointment_no: str, action: Action, actor: str = "desk",
                  detail: str = "", now: datetime | None = None) -> AppointmentStatus:
    """Move an appointment along its lifecycle (cancel, confirm, arrive, ...), with the
    audit entry; cancelling, rescheduling and no-shows release technicians, bays and parts
    (only active appointments hold them)."""
    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        at = now or datetime.now(load_dealership(conn, dealer_id).dealer.zone)
        was = appointment_status(conn, dealer_id, appointment_no)
        _expire_holds(conn, dealer_id, at)
        current = appointment_status(conn, dealer_id, appointment_no)
        if current is None:
            raise PlannerError("error.unknown_appointment", appointment=appointment_no)
        if was is AppointmentStatus.HOLD and current is AppointmentStatus.CANCELLED:
            raise PlannerError("error.hold_expired", appointment=appointment_no)
        new = next_status(current, action, appointment_no)
        mark_appointment(conn, dealer_id, appointment_no, at=at, status=new)
        add_event(conn, dealer_id, appointment_no, at=at, actor=actor, action=action.value, from_status=current,
                  to_status=new, detail=detail)
        if releases_capacity(new):
            offer_to_waitlist(conn, dealer_id, at)
        return new


def book_hold(engine: Engine, dealer_id: int, appointment_no: str, actor: str = "desk",
              now: datetime | None = None) -> AppointmentStatus:
    """Turn a hold into a booking (refused with a clear message once it has expired)."""
    return change_status(engine, dealer_id, appointment_no, Action.BOOK, actor, "hold booked", now)


def record_call(engine: Engine, dealer_id: int, appointment_no: str, stage: str, outcome: str,
                actor: str = "desk", note: str = "", now: datetime | None = None) -> AppointmentStatus:
    """Record a confirmation call (R16); a confirmed call confirms a booked appointment."""
    from planner.booking.confirmations import Outcome, Stage

    stage_v, outcome_v = Stage(stage), Outcome(outcome)
    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        at = now or datetime.now(load_dealership(conn, dealer_id).dealer.zone)
        current = appointment_status(conn, dealer_id, appointment_no)
        if current is None:
            raise PlannerError("error.unknown_appointment", appointment=appointment_no)
        new = current
        if outcome_v is Outcome.CONFIRMED and current is AppointmentStatus.BOOKED:
            new = next_status(current, Action.CONFIRM, appointment_no)
            mark_appointment(conn, dealer_id, appointment_no, at=at, status=new)
        add_event(conn, dealer_id, appointment_no, at=at, actor=actor, action=f"call_{stage_v.value}",
                  from_status=current, to_status=new, detail=f"{outcome_v.value} {note}".strip())
        return new


def prepare(engine: Engine, dealer_id: int, appointment_no: str, *, parts_picked: bool | None = None,
            technician_confirmed: bool | None = None, tools_ready: bool | None = None, complete: bool = False,
            actor: str = "advisor", now: datetime | None = None) -> dict[str, object]:
    """Record preparation (R13 parts picked, R14 technician, tools and data lined up); with
    `complete`, the advisor confirms all of it done (R15), which the manager's and customer
    service's views then show. Refused while a step is still open."""
    from planner.storage.repository import appointment_details

    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        status = appointment_status(conn, dealer_id, appointment_no)
        if status is None:
            raise PlannerError("error.unknown_appointment", appointment=appointment_no)
        if status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
            raise PlannerError("error.not_preparable", appointment=appointment_no, status=status.value)
        at = now or datetime.now(load_dealership(conn, dealer_id).dealer.zone)
        set_preparation(conn, dealer_id, appointment_no, parts_picked=parts_picked,
                        technician_confirmed=technician_confirmed, tools_ready=tools_ready)
        steps = appointment_details(conn, dealer_id, appointment_no) or {}
        done = [k for k in ("parts_picked", "technician_confirmed", "tools_ready") if steps.get(k)]
        if complete:
            missing = [k for k in ("parts_picked", "technician_confirmed", "tools_ready") if not steps.get(k)]
            if missing:
                raise PlannerError("error.preparation_open", appointment=appointment_no, steps=", ".join(missing))
            set_preparation(conn, dealer_id, appointment_no, complete_at=at)
        add_event(conn, dealer_id, appointment_no, at=at, actor=actor, action="prepared" if complete else "prepare",
                  from_status=status, to_status=status, detail=", ".join(done))
        return appointment_details(conn, dealer_id, appointment_no) or {}


def join_waitlist(engine: Engine, dealer_id: int, plate: str, op_codes: tuple[str, ...], wished_from: datetime,
                  wished_to: datetime, actor: str = "desk", now: datetime | None = None) -> int:
    """Put a caller whose wished time is full on the waitlist; freed capacity in their
    window is offered to them first (as a hold), oldest entry first."""
    with engine.connect() as conn:
        dealership = load_dealership(conn, dealer_id)
        zone = dealership.dealer.zone
        now = now or datetime.now(zone)
        if find_vehicle(conn, dealer_id, plate) is None:
            raise PlannerError("error.unknown_plate", plate=plate)
        parse_ops(dealership, list(op_codes))
    lo = wished_from if wished_from.tzinfo else wished_from.replace(tzinfo=zone)
    hi = wished_to if wished_to.tzinfo else wished_to.replace(tzinfo=zone)
    if hi <= lo or hi < now:
        raise PlannerError("error.bad_window", start=lo.isoformat(timespec="minutes"),
                           end=hi.isoformat(timespec="minutes"))
    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        return add_to_waitlist(conn, dealer_id, plate, op_codes, lo, hi, now, actor)


def offer_to_waitlist(conn: Connection, dealer_id: int, now: datetime) -> list[tuple[int, str]]:
    """Inside a transaction that freed capacity: hold the first time of each waiting
    caller's window that now fits (oldest entry first); returns (entry, hold) pairs."""
    entries = waiting(conn, dealer_id)
    if not entries:
        return []
    dealership = load_dealership(conn, dealer_id)
    today = planning_today(conn, dealer_id, dealership)
    snapshot = _snapshot(conn, dealer_id, today, None, None)
    grid = snapshot.grid
    offered = []
    for entry in entries:
        if entry["wished_to"] < now:
            mark_waiting(conn, dealer_id, entry["id"], "expired")
            continue
        vehicle = find_vehicle(conn, dealer_id, entry["plate"])
        if vehicle is None:
            mark_waiting(conn, dealer_id, entry["id"], "withdrawn")
            continue
        work = parse_ops(dealership, list(entry["op_codes"]))
        moment = max(entry["wished_from"], now).astimezone(snapshot.zone)
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=(-moment.minute) % grid)
        while moment <= entry["wished_to"]:
            day = moment.date()
            try:
                booking, moved = _decide(snapshot, work, moment, next_appointment_no(conn, dealer_id, day),
                                         vehicle.plate, None)
                _verify(snapshot, booking, moved)
            except PlannerError:
                moment += timedelta(minutes=grid)
                continue
            appointment = Appointment(booking.booking_id, vehicle.vin, vehicle.customer_no, now, booking.arrival,
                                      AppointmentOrigin.PASSIVE, AppointmentStatus.HOLD)
            save_bookings(conn, dealer_id, [(appointment, booking)])
            update_booking_plans(conn, dealer_id, list(moved))
            mark_appointment(conn, dealer_id, booking.booking_id, at=now,
                             hold_expires_at=now + timedelta(minutes=WAITLIST_HOLD_MINUTES))
            add_event(conn, dealer_id, booking.booking_id, at=now, actor="waitlist", action="hold",
                      from_status=None, to_status=AppointmentStatus.HOLD,
                      detail=f"offered to waitlist entry {entry['id']}")
            mark_waiting(conn, dealer_id, entry["id"], "offered", booking.booking_id)
            snapshot = snapshot.with_bookings([booking, *moved])
            offered.append((entry["id"], booking.booking_id))
            break
    return offered


def apply_replan(engine: Engine, dealer_id: int, planned_from: tuple[Booking, ...], changed: tuple[Booking, ...],
                 actor: str = "manager", now: datetime | None = None) -> int:
    """Store a re-plan's changed bookings in one transaction, under the booking lock, only
    if the book it was computed from is unchanged (a booking made, moved or cancelled
    since makes the plan stale: re-plan again). Returns the bookings changed."""
    if not changed:
        return 0
    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        zone = load_dealership(conn, dealer_id).dealer.zone
        days = sorted({b.arrival.astimezone(zone).date() for b in planned_from} or {date.today()})
        current = load_bookings(conn, dealer_id, days[0], days[-1])

        def key(bs: tuple[Booking, ...]) -> set[tuple[str, datetime, tuple[str, ...]]]:
            return {(b.booking_id, b.arrival, tuple(j.technician for j in b.jobs)) for b in bs}

        if key(tuple(current)) != key(planned_from):
            raise PlannerError("error.replan_stale")
        update_booking_plans(conn, dealer_id, list(changed))
        when = now or datetime.now(zone)
        for b in changed:
            status = appointment_status(conn, dealer_id, b.booking_id) or AppointmentStatus.BOOKED
            add_event(conn, dealer_id, b.booking_id, at=when, actor=actor, action="replan", from_status=status,
                      to_status=status, detail=f"{b.arrival.isoformat()} "
                                               + ", ".join(f"{j.technician}/{j.bay}" for j in b.jobs))
    return len(changed)
