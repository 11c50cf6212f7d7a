"""What if a technician is absent, a bay goes down, a part is late, or demand rises?

The scenario changes the dealership (or the walk-in demand); every booking of the
horizon is then checked against it with the independent checker. A booking that breaks
a hard rule is *infeasible*; one on an hour where booked work would eat into the walk-in
reserve is *at risk*. Each infeasible booking gets a proposed repair, tried in this
order and applied before the next one is considered:

1. reassign: the same arrival, other technicians or bays (moving as few jobs as possible);
2. move: the best later time within a week of the booked one (the customer is called);
3. none: nothing fits within that week; the customer must be called to rebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from planner.domain import Absence, AbsenceKind, BayOutage, Booking, Dealership, PurchaseOrder, WalkInReserve
from planner.solver.checker import check_plan
from planner.solver.search import SearchStats, bookings_after, place, placed_jobs
from planner.solver.settings import SolverSettings
from planner.solver.snapshot import CapacitySnapshot, minute_of
from planner.solver.suggest import SlotRequest, suggest_slots

MOVE_DAYS = 7


@dataclass(frozen=True)
class Scenario:
    """The changes to try: absences, bays down, parts delayed, demand factor."""

    absent: tuple[tuple[str, date], ...] = ()  # (technician, day)
    bay_down: tuple[tuple[str, date], ...] = ()  # (bay, day)
    part_delay: tuple[tuple[str, date], ...] = ()  # (part number, new expected date of its open orders)
    demand: float = 1.0

    def apply(self, dealership: Dealership) -> Dealership:
        """The dealership as the scenario would make it; unknown codes are named."""
        techs = {t.code: t for t in dealership.technicians}
        bays = {b.code: b for b in dealership.bays}
        parts = {p.part_number: p for p in dealership.parts}
        unknown = ([f"technician '{c}'" for c, _ in self.absent if c not in techs]
                   + [f"bay '{c}'" for c, _ in self.bay_down if c not in bays]
                   + [f"part '{c}'" for c, _ in self.part_delay if c not in parts])
        if unknown:
            raise ValueError(f"unknown {', '.join(unknown)}")
        for code, day in self.absent:
            t = techs[code]
            techs[code] = replace(t, absences=(*t.absences, Absence(day, day, AbsenceKind.SICKNESS, note="what-if")))
        for code, day in self.bay_down:
            b = bays[code]
            bays[code] = replace(b, outages=(*b.outages, BayOutage(day, day, "what-if")))
        for number, day in self.part_delay:
            p = parts[number]
            orders = tuple(PurchaseOrder(po.po_number, po.part_number, po.quantity, max(po.expected_date, day))
                           for po in p.open_orders)
            parts[number] = replace(p, open_orders=orders)
        return replace(dealership, technicians=tuple(techs[t.code] for t in dealership.technicians),
                       bays=tuple(bays[b.code] for b in dealership.bays),
                       parts=tuple(parts[p.part_number] for p in dealership.parts))


@dataclass(frozen=True)
class Repair:
    booking_id: str
    plate: str
    broken: tuple[str, ...]  # the rules the scenario breaks for it
    action: str  # reassign | move | none
    before: Booking
    after: Booking | None = None
    moved_jobs: int = 0  # other bookings' jobs given to another technician to make room
    others: tuple[Booking, ...] = ()  # those other bookings as they become

    @property
    def shift_hours(self) -> float:
        """How far the customer's arrival moves (0 for a reassignment)."""
        if self.after is None:
            return 0.0
        return (self.after.arrival - self.before.arrival).total_seconds() / 3600

    def as_json(self) -> dict[str, Any]:
        return {
            "booking": self.booking_id, "plate": self.plate, "broken": list(self.broken), "action": self.action,
            "arrival": [self.before.arrival.isoformat(), self.after.arrival.isoformat() if self.after else None],
            "technicians": [[j.technician for j in self.before.jobs],
                            [j.technician for j in self.after.jobs] if self.after else None],
            "customer_impact_hours": round(self.shift_hours, 2), "other_jobs_reassigned": self.moved_jobs,
            "other_bookings_changed": [b.booking_id for b in self.others],
        }


@dataclass(frozen=True)
class WhatIfResult:
    start: date
    days: int
    infeasible: tuple[Repair, ...]
    at_risk: tuple[tuple[str, str], ...]  # (booking, hour it falls in) where the walk-in reserve is eaten
    repaired_bookings: tuple[Booking, ...] = field(default=())  # every booking changed (repaired or moved aside)

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(), "days": self.days,
            "infeasible": [r.as_json() for r in self.infeasible],
            "at_risk": [{"booking": b, "hour": h} for b, h in self.at_risk],
            "summary": {"infeasible": len(self.infeasible),
                        "reassigned": sum(r.action == "reassign" for r in self.infeasible),
                        "moved": sum(r.action == "move" for r in self.infeasible),
                        "unrepaired": sum(r.action == "none" for r in self.infeasible),
                        "at_risk": len(self.at_risk)},
        }


def what_if(snapshot: CapacitySnapshot, scenario: Scenario, start: date, days: int,
            reserve: WalkInReserve | None = None, expected: dict[date, tuple[float, ...]] | None = None,
            settings: SolverSettings | None = None) -> WhatIfResult:
    """Check the bookings from `start` for `days` days under the scenario and repair them.
    `reserve` and `expected` are the walk-in reserve and load under the scenario's demand
    (default: the snapshot's)."""
    settings = settings or SolverSettings()
    dealership = scenario.apply(snapshot.dealership)
    changed = CapacitySnapshot(dealership, snapshot.bookings, today=snapshot.today,
                               reserve=reserve or snapshot.reserve,
                               walk_in_expected=expected or snapshot.walk_in_expected)
    zone = snapshot.zone
    end = start + timedelta(days=days)
    horizon = [b for b in changed.bookings if start <= b.arrival.astimezone(zone).date() < end]
    broken: dict[str, list[str]] = {}
    for v in check_plan(dealership, list(changed.bookings), today=snapshot.today):
        if any(b.booking_id == v.booking_id for b in horizon):
            broken.setdefault(v.booking_id, []).append(v.rule)
    repairs: list[Repair] = []
    current = changed
    for b in sorted(horizon, key=lambda b: b.arrival):
        if b.booking_id not in broken:
            continue
        rules = tuple(dict.fromkeys(broken[b.booking_id]))
        repair, current = _repair(current, b, rules, settings)
        repairs.append(repair)
    at_risk = _at_risk(current, start, days)
    latest: dict[str, Booking] = {}  # every booking the repairs change, as it finally stands
    for r in repairs:
        for b in (*r.others, *((r.after,) if r.after is not None else ())):
            latest[b.booking_id] = b
    final = {b.booking_id: b for b in current.bookings}
    repaired = tuple(final[bid] for bid in latest if bid in final)
    return WhatIfResult(start, days, tuple(repairs), tuple(at_risk), repaired)


def _repair(snapshot: CapacitySnapshot, booking: Booking, rules: tuple[str, ...],
            settings: SolverSettings) -> tuple[Repair, CapacitySnapshot]:
    without = snapshot.with_bookings([], removed={booking.booking_id})
    zone = snapshot.zone
    day, minute = minute_of(booking.arrival, zone)
    parts_ok = all(without.ledger.free_on(req, day) for req in booking.request.parts)
    state = without.day(day)
    if parts_ok and state.is_open:
        fit, _ = place(state, booking.request, minute, without.grid, settings, SearchStats(),
                       float("inf"))
        if fit is not None:
            p = fit.placement
            after = replace(booking, jobs=placed_jobs(fit, day, zone))
            moved = [j for j in fit.moved if p.technician.get(j.key, j.technician) != j.technician]
            moved_bookings = bookings_after(without, day, p)
            return (Repair(booking.booking_id, booking.plate, rules, "reassign", booking, after, len(moved),
                           tuple(moved_bookings)),
                    without.with_bookings([after, *moved_bookings]))
    # the booked time or later: nobody is asked to come in earlier than booked
    earliest = max(booking.arrival, datetime.combine(snapshot.today, datetime.min.time(), tzinfo=zone))
    request = SlotRequest(booking.request, earliest, days=MOVE_DAYS, count=1, booking_id=booking.booking_id,
                          plate=booking.plate)
    proposal = suggest_slots(without, request, replace(settings, call_seconds=max(settings.call_seconds, 1.0)))
    if proposal.options:
        option = proposal.options[0]
        after = replace(option.booking, flexible=booking.flexible)
        return (Repair(booking.booking_id, booking.plate, rules, "move", booking, after, len(option.moves),
                       option.moved_bookings),
                without.with_bookings([after, *option.moved_bookings]))
    return Repair(booking.booking_id, booking.plate, rules, "none", booking), without


def _at_risk(snapshot: CapacitySnapshot, start: date, days: int) -> list[tuple[str, str]]:
    """Bookings working in an hour where booked work exceeds technicians at work minus
    the walk-in reserve."""
    out = []
    zone = snapshot.zone
    for offset in range(days):
        day = start + timedelta(days=offset)
        state = snapshot.day(day)
        if not state.is_open:
            continue
        over = state.busy > state.present - state.reserve
        hours = sorted({m // 60 for m in range(len(over)) if over[m] and state.busy[m] > 0})
        for b in snapshot.bookings_on(day):
            for h in hours:
                lo, hi = h * 60, (h + 1) * 60
                if any(minute_of(j.start, zone)[1] < hi and minute_of(j.end, zone)[1] > lo for j in b.jobs):
                    out.append((b.booking_id, f"{day.isoformat()}T{h:02d}:00"))
                    break
    return out
