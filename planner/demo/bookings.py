"""The demo's book of future appointments: what the desk has already promised.

Real calendars are fuller in the first days than far out: today and tomorrow hold about
as much booked work as a typical day's appointments brought in the last eight weeks
(`NEAR_SHARE` of it), and later days less and less (`booked_fraction`).
The requests are drawn from the dealer's recent booked visits (their operations and
vehicles); each is placed the way a plain booking screen does it, at the first time on
or after the customer's wished time (else earlier that day) where the work fits the gaps
(nobody reassigned),
so the book has the morning peaks the re-plan can later shave.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np

from planner.domain import (
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Booking,
    Dealership,
    FlexibleWindow,
    PurchaseOrder,
    ServiceHistory,
    work_request,
)
from planner.solver.search import SearchStats, place, placed_jobs
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import CapacitySnapshot, at_minute

BOOK_DAYS = 28
NEAR_SHARE = 1.0  # share of a typical day's appointment work booked for the next day or two
DECAY_DAYS = 6.0  # the booked share falls by e every this many days of lead time
FAR_SHARE = 0.08
RECENT_DAYS = 180
FLEXIBLE_SHARE = 0.25


def restock(dealership: Dealership, history: ServiceHistory, today: date, rng: np.random.Generator) -> Dealership:
    """Stock sized to what the workshop uses: parts used in the last eight weeks get 10–25
    days of use on hand and a weekly delivery for the next four weeks. Parts the reference
    left out of stock on purpose stay out (some with an order, some without), except that
    a daily consumable, or a weekly one already on order, gets enough on the way."""
    since = datetime.combine(today - timedelta(weeks=8), time(0), tzinfo=dealership.dealer.zone)
    per_day: Counter[str] = Counter()
    for ro in history.repair_orders:
        if ro.opened_at >= since:
            for line in ro.lines:
                try:
                    op = dealership.operation(line.op_code)
                except KeyError:
                    continue
                for req in op.parts:
                    per_day[req.part_number] += req.quantity
    parts = []
    seq = 0
    for part in dealership.parts:
        rate = per_day[part.part_number] / 56
        on_order = sum(po.quantity for po in part.open_orders)
        if part.stock_on_hand == 0 and on_order < rate * 14 and (rate >= 1 or (part.open_orders and rate >= 1 / 7)):
            # a part out of stock is reordered in earnest once it is used daily or already on order
            seq += 1
            arrives = min([po.expected_date for po in part.open_orders]
                          or [today + timedelta(days=int(rng.integers(2, 8)))])
            order = PurchaseOrder(f"PO{today:%y%m}-R{seq:04d}", part.part_number, math.ceil(rate * 28), arrives)
            parts.append(replace(part, open_orders=(*part.open_orders, order)))
            continue
        if part.stock_on_hand == 0 or rate < 1 / 7:  # deliberate stock-outs and slow movers stay as they are
            parts.append(part)
            continue
        on_hand = max(part.stock_on_hand, math.ceil(rate * float(rng.uniform(10, 25))))
        weekly = math.ceil(rate * 7)
        first = int(rng.integers(2, 7))
        orders = list(part.open_orders)
        for week in range(4):
            seq += 1
            orders.append(PurchaseOrder(f"PO{today:%y%m}-R{seq:04d}", part.part_number, weekly,
                                        today + timedelta(days=first + 7 * week)))
        parts.append(replace(part, stock_on_hand=on_hand, open_orders=tuple(orders)))
    return replace(dealership, parts=tuple(parts))


def booked_fraction(lead_days: int) -> float:
    """Share of a typical day's appointment work already booked `lead_days` ahead."""
    return FAR_SHARE + (NEAR_SHARE - FAR_SHARE) * math.exp(-max(lead_days - 1, 0) / DECAY_DAYS)


def future_bookings(dealership: Dealership, history: ServiceHistory, today: date, rng: np.random.Generator,
                    days: int = BOOK_DAYS,
                    target: Callable[[int, float], float] | None = None) -> list[tuple[Appointment, Booking]]:
    """Appointments from `today` for `days` days, each with its planned jobs, until each
    day's booked technician-minutes reach `target(days ahead, technician-minutes at work)`
    (default: `booked_fraction` of the recent appointment work per open day)."""
    zone = dealership.dealer.zone
    known = {op.op_code for op in dealership.operations}
    since = datetime.combine(today - timedelta(days=RECENT_DAYS), time(0), tzinfo=zone)
    pool = [ro for ro in history.repair_orders
            if ro.from_appointment and ro.opened_at >= since and all(line.op_code in known for line in ro.lines)]
    if not pool:
        return []
    plates = {v.vin: v.plate for v in history.vehicles}
    if target is None:
        typical = _appointment_minutes_per_day(dealership, history, today)
        target = lambda lead, _capacity: booked_fraction(lead) * typical  # noqa: E731
    snapshot = CapacitySnapshot(dealership, [], today=today)
    settings = SolverSettings()
    stats = SearchStats()
    made: list[tuple[Appointment, Booking]] = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        state = snapshot.day(day)
        if not state.is_open:
            continue
        capacity = float(state.present.sum())
        goal = target(offset, capacity)
        misses = 0
        number = 0
        while float(snapshot.day(day).busy.sum()) < goal and misses < 60:
            ro = pool[int(rng.integers(len(pool)))]
            ops = [dealership.operation(code) for code in dict.fromkeys(line.op_code for line in ro.lines)]
            request = work_request(ops)
            if not all(snapshot.ledger.free_on(req, day) for req in request.parts):
                misses += 1
                continue
            wished = _wished_minute(rng, state.opens, state.closes, snapshot.grid)
            state = snapshot.day(day)
            booking = None
            first = -(-state.opens // snapshot.grid) * snapshot.grid
            later_first = [*range(wished, state.closes, snapshot.grid), *range(first, wished, snapshot.grid)]
            for minute in later_first:  # the wished time or later, else earlier that day
                fit, _ = place(state, request, minute, snapshot.grid, settings, stats, float("inf"),
                               allow_moves=False)
                if fit is None:
                    continue
                number += 1
                booking_id = f"AP{day:%y%m%d}-{number:04d}"
                jobs = placed_jobs(fit, day, zone)
                booking = Booking(booking_id, at_minute(day, minute, zone), request, jobs, plate=plates[ro.vin],
                                  flexible=_flexible(snapshot, day, rng))
                break
            if booking is None:
                misses += 1
                continue
            misses = 0
            made.append((_appointment(booking, ro.vin, ro.customer_no, today, rng), booking))
            snapshot = snapshot.with_bookings([booking])
    return made


def _appointment_minutes_per_day(dealership: Dealership, history: ServiceHistory, today: date) -> float:
    """Technician-minutes a typical open day's appointments brought in the last 8 weeks."""
    zone = dealership.dealer.zone
    since = datetime.combine(today - timedelta(weeks=8), time(0), tzinfo=zone)
    efficiency = float(np.mean([t.efficiency for t in dealership.technicians])) if dealership.technicians else 1.0
    hours = 0.0
    days = set()
    for ro in history.repair_orders:
        if ro.opened_at >= since:
            days.add(ro.opened_at.astimezone(zone).date())
            if ro.from_appointment:
                hours += sum(line.hours for line in ro.lines)
    return hours * 60 / efficiency / max(len(days), 1)


def _flexible(snapshot: CapacitySnapshot, day: date, rng: np.random.Generator) -> FlexibleWindow | None:
    """A quarter of callers accept another time: the same day, or up to the next open day."""
    if rng.random() >= FLEXIBLE_SHARE:
        return None
    state = snapshot.day(day)
    last_day = day
    if rng.random() < 0.4:
        last_day = next((day + timedelta(days=i) for i in range(1, 8) if snapshot.day(day + timedelta(days=i)).is_open),
                        day)
    last = snapshot.day(last_day)
    return FlexibleWindow(at_minute(day, state.opens, snapshot.zone),
                          at_minute(last_day, last.closes - 60, snapshot.zone))


def _wished_minute(rng: np.random.Generator, opens: int, closes: int, grid: int) -> int:
    """Callers favour the first hours of the morning and early afternoon; none at lunch."""
    slots = np.arange(opens, closes - 60, grid)
    w = np.where(slots < 11 * 60, 1.6, np.where(slots < 13 * 60 + 30, 0.4, 1.0))
    return int(slots[int(rng.choice(len(slots), p=w / w.sum()))])


def _appointment(booking: Booking, vin: str, customer_no: str, today: date, rng: np.random.Generator) -> Appointment:
    lead = max(1, (booking.arrival.date() - today).days)
    made = booking.arrival - timedelta(days=int(rng.integers(1, lead + 10)), hours=int(rng.integers(0, 6)))
    confirmed = (booking.arrival.date() - today).days <= 1 and rng.random() < 0.7
    return Appointment(
        appointment_no=booking.booking_id, vin=vin, customer_no=customer_no,
        created_at=min(made, datetime.combine(today, time(9), tzinfo=booking.arrival.tzinfo)),
        slot_start=booking.arrival, origin=AppointmentOrigin.PASSIVE,
        status=AppointmentStatus.CONFIRMED if confirmed else AppointmentStatus.BOOKED,
    )
