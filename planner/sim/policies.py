"""Booking policies the simulation compares, behind one small interface.

- `WalkInOnly`: no appointments; everybody comes when they like.
- `FirstAvailable`: what common booking screens do: the first time in the caller's
  window where the work fits the gaps of the current plan; nobody is reassigned, no
  capacity is kept for walk-ins, the load is not looked at, parts are not checked.
- `PlannerPolicy`: this project's forecast and solver: the walk-in reserve and expected
  walk-in load from the forecast, load-levelling scores, reassignment of booked jobs,
  parts checked against stock and orders; the caller takes the first option offered
  (the best by the planner's cost) that suits them.

Each policy keeps its own book (`CapacitySnapshot`) and rebuilds it every morning with
the parts as they stand; the workshop itself is the same for all (`planner.sim.workshop`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from planner.domain import Booking, Dealership, PurchaseOrder, WalkInReserve
from planner.sim.demand import Need
from planner.solver.search import placed_jobs
from planner.solver.settings import NOON, Preference, SolverSettings
from planner.solver.snapshot import CapacitySnapshot, at_minute, minute_of
from planner.solver.suggest import SlotRequest, first_fits, suggest_slots

AMPLE_STOCK = 10**9  # a booking screen that does not look at parts sees them all in stock


@dataclass(frozen=True)
class Booked:
    """An appointment a policy gave a caller."""

    day: date
    minute: int
    booking: Booking


class Policy(Protocol):
    """How the dealer answers a caller; `takes_bookings` False means nobody can book."""

    name: str
    takes_bookings: bool

    def new_day(self, day: date, stock: dict[str, int], incoming: list[tuple[date, str, int]]) -> None:
        """Start a day with the parts as they stand (on hand, and orders on the way)."""

    def book(self, need: Need, earliest: datetime, last_day: date) -> Booked | None:
        """An appointment from `earliest` to the end of `last_day` the caller accepts, or None."""


def _matches(prefer: frozenset[Preference], minute: int) -> bool:
    if Preference.MORNING in prefer:
        return minute < NOON
    if Preference.AFTERNOON in prefer:
        return minute >= NOON
    return True


class WalkInOnly:
    """No appointments at all."""

    name = "walkin"
    takes_bookings = False

    def new_day(self, day: date, stock: dict[str, int], incoming: list[tuple[date, str, int]]) -> None:
        return None

    def book(self, need: Need, earliest: datetime, last_day: date) -> Booked | None:
        return None


class _Book:
    """The bookings a policy has made, and its snapshot of them."""

    def __init__(self, dealership: Dealership) -> None:
        self.dealership = dealership
        self.bookings: dict[str, Booking] = {}
        self.zone = dealership.dealer.zone

    def ahead(self, day: date) -> list[Booking]:
        return [b for b in self.bookings.values() if b.arrival.astimezone(self.zone).date() >= day]

    def add(self, *bookings: Booking) -> None:
        for b in bookings:
            self.bookings[b.booking_id] = b


class FirstAvailable:
    """The first free time in the window that fits without moving anyone (the caller's part
    of the day first, then any); no walk-in reserve, no levelling, no parts check."""

    name = "first-available"
    takes_bookings = True

    def __init__(self, dealership: Dealership) -> None:
        ample = tuple(replace(p, stock_on_hand=AMPLE_STOCK, open_orders=()) for p in dealership.parts)
        self.book_ = _Book(replace(dealership, parts=ample))
        self.snapshot: CapacitySnapshot | None = None

    def new_day(self, day: date, stock: dict[str, int], incoming: list[tuple[date, str, int]]) -> None:
        self.snapshot = CapacitySnapshot(self.book_.dealership, self.book_.ahead(day), today=day)

    def book(self, need: Need, earliest: datetime, last_day: date) -> Booked | None:
        snap = self.snapshot
        assert snap is not None, "new_day first"
        first = earliest.astimezone(snap.zone).date()
        request = SlotRequest(need.work, earliest, days=min(90, (last_day - first).days + 1), count=1,
                              booking_id=f"S{need.need_id}")
        passes: tuple[Callable[[int], bool] | None, ...] = (
            (lambda minute: _matches(need.prefer, minute), None) if need.prefer else (None,))
        for keep in passes:
            found = next(first_fits(snap, request, keep), None)
            if found is None:
                continue
            cand, fit = found
            booking = Booking(request.booking_id, at_minute(cand.day, cand.minute, snap.zone), need.work,
                              placed_jobs(fit, cand.day, snap.zone))
            self.book_.add(booking)
            self.snapshot = snap.with_bookings([booking])
            return Booked(cand.day, cand.minute, booking)
        return None


class PlannerPolicy:
    """This project's solver over its forecast's walk-in reserve; the caller takes the best
    option that suits their part of the day (or the best one when none does)."""

    name = "planner"
    takes_bookings = True

    def __init__(self, dealership: Dealership, reserve: WalkInReserve | None,
                 expected: dict[date, tuple[float, ...]] | None, options: int = 5,
                 settings: SolverSettings | None = None) -> None:
        self.book_ = _Book(dealership)
        self.reserve = reserve
        self.expected = expected
        self.options = options
        self.settings = settings or SolverSettings()
        self.snapshot: CapacitySnapshot | None = None
        self.incomplete = 0  # proposals whose time ran out before every candidate was decided

    def new_day(self, day: date, stock: dict[str, int], incoming: list[tuple[date, str, int]]) -> None:
        orders: dict[str, list[PurchaseOrder]] = {}
        for n, (when, pn, qty) in enumerate(incoming):
            orders.setdefault(pn, []).append(PurchaseOrder(f"SIM{n}", pn, qty, max(when, day)))
        parts = tuple(replace(p, stock_on_hand=max(0, stock.get(p.part_number, 0)),
                              open_orders=tuple(orders.get(p.part_number, ())))
                      for p in self.book_.dealership.parts)
        dealership = replace(self.book_.dealership, parts=parts)
        self.snapshot = CapacitySnapshot(dealership, self.book_.ahead(day), today=day, reserve=self.reserve,
                                         walk_in_expected=self.expected)

    def book(self, need: Need, earliest: datetime, last_day: date) -> Booked | None:
        snap = self.snapshot
        assert snap is not None, "new_day first"
        first = earliest.astimezone(snap.zone).date()
        request = SlotRequest(need.work, earliest, days=min(90, (last_day - first).days + 1), count=self.options,
                              prefer=need.prefer, booking_id=f"S{need.need_id}")
        proposal = suggest_slots(snap, request, self.settings)
        self.incomplete += not proposal.complete
        if not proposal.options:
            return None
        minute_day = [minute_of(o.start, snap.zone) for o in proposal.options]
        pick = next((i for i, (_, m) in enumerate(minute_day) if _matches(need.prefer, m)), 0)
        option = proposal.options[pick]
        self.book_.add(option.booking, *option.moved_bookings)
        self.snapshot = snap.with_bookings([option.booking, *option.moved_bookings])
        day, minute = minute_day[pick]
        return Booked(day, minute, option.booking)


def same_day_earliest(now: datetime, grid: int, notice_minutes: int = 60) -> datetime:
    """The earliest arrival a caller can be given: an hour's notice, on the booking grid."""
    t = now + timedelta(minutes=notice_minutes)
    over = (t.hour * 60 + t.minute) % grid
    return (t + timedelta(minutes=(grid - over) % grid)).replace(second=0, microsecond=0)
