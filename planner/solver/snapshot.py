"""The capacity snapshot: everything a proposal needs about a horizon, built once.

Times inside the solver are whole minutes from the local midnight of a day. A day's
state (who is at work and when, bays in service, advisors at the desk, the walk-in
reserve, and the jobs already booked) is built the first time that day is asked for
and kept; `with_bookings` makes a new snapshot that shares every day it did not touch.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from planner.domain import (
    BayType,
    Booking,
    DealerCalendar,
    Dealership,
    JobSpec,
    PartRequirement,
    Skill,
    Technician,
    WalkInReserve,
)

MINUTES = 24 * 60


def minute_of(moment: datetime, zone: ZoneInfo) -> tuple[date, int]:
    """Local day and minute of the day of an aware time."""
    local = moment.astimezone(zone)
    return local.date(), local.hour * 60 + local.minute


def at_minute(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The aware local time `minute` minutes after midnight of `day`."""
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minute)


@dataclass(frozen=True)
class TechDay:
    """A technician on one day: skills, speed and working periods in minutes."""

    code: str
    skills: frozenset[Skill]
    efficiency: float
    periods: tuple[tuple[int, int], ...]
    technician: Technician

    def finish(self, start: int, work: int) -> int | None:
        """When `work` minutes started at `start` are done, pausing over breaks; None when
        the technician is not at work at `start` or the shift ends first."""
        remaining = work
        begun = False
        for a, b in self.periods:
            if not begun:
                if not a <= start < b:
                    continue
                begun, a = True, start
            if remaining <= b - a:
                return a + remaining
            remaining -= b - a
        return None

    def run(self, start: int, work: int) -> tuple[int, tuple[tuple[int, int], ...]] | None:
        """`finish` and `pieces` in one pass: when the work is done, and the stretches
        worked on the way."""
        remaining = work
        done: list[tuple[int, int]] = []
        begun = False
        for a, b in self.periods:
            if not begun:
                if not a <= start < b:
                    continue
                begun, a = True, start
            if remaining <= b - a:
                done.append((a, a + remaining))
                return a + remaining, tuple(done)
            done.append((a, b))
            remaining -= b - a
        return None

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The working stretches within [start, end) (a job pauses in between)."""
        return [(max(a, start), min(b, end)) for a, b in self.periods if a < end and b > start]


@dataclass(frozen=True)
class JobSlot:
    """A job to place: its start is fixed, its end depends on the technician.

    `deadline` is the latest it may end: the start of the booking's next job, or closing.
    `technician`, `bay` and `end` are the current plan (None for a job not yet booked).
    """

    booking_id: str
    seq: int
    spec: JobSpec
    start: int
    deadline: int
    technician: str | None = None
    bay: str | None = None
    end: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return self.booking_id, self.seq


@dataclass(frozen=True)
class Option:
    """One technician who can do a job: when it would end and when they would be working."""

    technician: str
    end: int
    pieces: tuple[tuple[int, int], ...]


@dataclass
class DayState:
    """One day of the horizon: capacity and the jobs already booked (minutes of the day)."""

    day: date
    opens: int
    closes: int
    techs: dict[str, TechDay]
    bays: dict[BayType, tuple[str, ...]]
    reception: dict[int, int]  # grid slot start -> bookings the advisors can receive
    arrivals: Counter[int]  # grid slot start -> bookings already arriving
    present: np.ndarray  # technicians at work, per minute
    reserve: np.ndarray  # technicians kept free for walk-ins, per minute
    walk_in_expected: np.ndarray  # technicians walk-ins are expected to keep busy, per minute
    jobs: list[JobSlot] = field(default_factory=list)
    busy: np.ndarray = field(default_factory=lambda: np.zeros(MINUTES, dtype=np.int32))
    bay_use: dict[BayType, np.ndarray] = field(default_factory=dict)
    tech_jobs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    bay_jobs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _options: dict[tuple[Skill, float, int, int], list[Option]] = field(default_factory=dict)
    _bay_floor: dict[BayType, np.ndarray] = field(default_factory=dict)
    _spans: list[tuple[int, int, frozenset[str]]] | None = None
    _index: dict[tuple[str, int], JobSlot] = field(default_factory=dict)
    _keys_of: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.closes > self.opens

    def options(self, spec: JobSpec, start: int, deadline: int) -> list[Option]:
        """Technicians who can do the job: right skill, at work from `start`, done by
        `deadline` (pausing over breaks), fastest first."""
        key = (spec.skill, spec.standard_hours, start, deadline)  # the operations do not matter
        cached = self._options.get(key)
        if cached is None:
            cached = []
            for tech in self.techs.values():
                if spec.skill not in tech.skills:
                    continue
                done = tech.run(start, tech.technician.job_minutes(spec.standard_hours))
                if done is not None and done[0] <= deadline:
                    cached.append(Option(tech.code, done[0], done[1]))
            cached.sort(key=lambda o: (o.end, o.technician))
            self._options[key] = cached
        return cached

    def add_job(self, job: JobSlot) -> None:
        """Record a planned job in the day's occupancy."""
        assert job.technician is not None and job.end is not None
        self.jobs.append(job)
        self._index[job.key] = job
        self._keys_of.setdefault(job.technician, []).append(job.key)
        self.tech_jobs.setdefault(job.technician, []).append((job.start, job.end))
        tech = self.techs.get(job.technician)
        if tech is not None:
            for a, b in tech.pieces(job.start, job.end):
                self.busy[a:b] += 1
        if job.bay is not None:
            self.bay_jobs.setdefault(job.bay, []).append((job.start, job.end))
        use = self.bay_use.setdefault(job.spec.bay_type, np.zeros(MINUTES, dtype=np.int32))
        use[job.start:job.end] += 1
        self._bay_floor.pop(job.spec.bay_type, None)
        self._spans = None

    def bay_use_floor(self, bay_type: BayType) -> np.ndarray:
        """Bay use no reassignment can lower: each booked job from its start until the
        earliest any eligible technician could finish it."""
        floor = self._bay_floor.get(bay_type)
        if floor is None:
            floor = np.zeros(MINUTES, dtype=np.int32)
            for job in self.jobs:
                if job.spec.bay_type is bay_type:
                    ends = [o.end for o in self.options(job.spec, job.start, min(job.deadline, self.closes))]
                    end = min([*ends, job.end or job.start])
                    floor[job.start:end] += 1
            self._bay_floor[bay_type] = floor
        return floor

    def job_index(self) -> dict[tuple[str, int], JobSlot]:
        """Booked jobs by (booking id, sequence)."""
        return self._index

    def keys_of(self, technician: str) -> list[tuple[str, int]]:
        """Keys of the jobs booked on a technician."""
        return self._keys_of.get(technician, [])

    def certain_spans(self) -> list[tuple[int, int, frozenset[str]]]:
        """For each booked job: its start, the earliest any eligible technician could finish
        it, and who could do it (its current technician included)."""
        if self._spans is None:
            spans = []
            for job in self.jobs:
                options = self.options(job.spec, job.start, min(job.deadline, self.closes))
                end = min([*(o.end for o in options), job.end or job.start])
                who = frozenset(o.technician for o in options) | {job.technician or ""}
                spans.append((job.start, end, who))
            self._spans = spans
        return self._spans

    def tech_free(self, code: str, start: int, end: int) -> bool:
        return all(e <= start or s >= end for s, e in self.tech_jobs.get(code, ()))

    def reception_room(self, slot: int) -> int:
        """Bookings the advisors can still receive in this grid slot."""
        return self.reception.get(slot, 0) - self.arrivals[slot]


@dataclass(frozen=True)
class PartsLedger:
    """Parts stock over time: on hand, open orders, and what bookings have reserved."""

    dealership: Dealership
    today: date
    reserved: dict[str, tuple[tuple[date, int], ...]]  # part -> (day needed, cumulative qty)

    @staticmethod
    def from_bookings(dealership: Dealership, bookings: tuple[Booking, ...], today: date,
                      zone: ZoneInfo) -> PartsLedger:
        per_day: dict[str, Counter[date]] = defaultdict(Counter)
        for b in bookings:
            day = b.arrival.astimezone(zone).date()
            if day < today:
                continue
            for req in b.request.parts:
                per_day[req.part_number][day] += req.quantity
        reserved = {}
        for part, counts in per_day.items():
            running, rows = 0, []
            for day in sorted(counts):
                running += counts[day]
                rows.append((day, running))
            reserved[part] = tuple(rows)
        return PartsLedger(dealership, today, reserved)

    def _reserved_by(self, part: str, day: date) -> int:
        rows = self.reserved.get(part, ())
        i = bisect_right([d for d, _ in rows], day)
        return rows[i - 1][1] if i else 0

    def free_on(self, req: PartRequirement, day: date) -> bool:
        """Can `req` be taken on `day` without leaving a later booking short? Checks every
        day from `day` on where the stock could bind."""
        part = self.dealership.part(req.part_number)
        checkpoints = {day} | {d for d, _ in self.reserved.get(req.part_number, ()) if d > day}
        return all(part.available_by(d) - self._reserved_by(req.part_number, d) >= req.quantity
                   for d in checkpoints)

    def earliest(self, req: PartRequirement, day: date) -> date | None:
        """The first day from `day` on when `req` is free (None: not in stock or on order)."""
        part = self.dealership.part(req.part_number)
        candidates = sorted({day} | {po.expected_date for po in part.open_orders if po.expected_date > day}
                            | {d + timedelta(days=1) for d, _ in self.reserved.get(req.part_number, ()) if d >= day})
        return next((d for d in candidates if self.free_on(req, d)), None)

    def binding(self, parts: tuple[PartRequirement, ...], day: date) -> list[tuple[PartRequirement, date | None]]:
        """The parts not free on `day`, each with the first day it would be."""
        return [(req, self.earliest(req, day)) for req in parts if not self.free_on(req, day)]


def _minute_array(values_by_hour: tuple[int, ...] | tuple[float, ...], dtype: type) -> np.ndarray:
    return np.repeat(np.asarray(values_by_hour, dtype=dtype), 60)


class CapacitySnapshot:
    """Capacity of the days from `start`, with the bookings already made.

    `bookings` are all active bookings from `today` on (later ones hold parts too);
    `reserve` is the walk-in reserve (technicians kept free per hour); `walk_in_expected`
    the technicians walk-ins are expected to keep busy per hour (for load ratios).
    """

    def __init__(self, dealership: Dealership, bookings: tuple[Booking, ...] | list[Booking], *,
                 today: date, reserve: WalkInReserve | None = None,
                 walk_in_expected: dict[date, tuple[float, ...]] | None = None) -> None:
        self.dealership = dealership
        self.dealer = dealership.dealer
        self.zone = dealership.dealer.zone
        self.calendar = DealerCalendar(dealership.dealer)
        self.grid = dealership.dealer.booking_grid_minutes
        self.today = today
        self.bookings = tuple(bookings)
        self.reserve = reserve or WalkInReserve()
        self.walk_in_expected = walk_in_expected or {}
        self.ledger = PartsLedger.from_bookings(dealership, self.bookings, today, self.zone)
        self._by_day: dict[date, list[Booking]] = defaultdict(list)
        for b in self.bookings:
            self._by_day[b.arrival.astimezone(self.zone).date()].append(b)
        self._days: dict[date, DayState] = {}

    def bookings_on(self, day: date) -> list[Booking]:
        return list(self._by_day.get(day, ()))

    def day(self, day: date) -> DayState:
        """The state of one day (built on first use, then cached)."""
        state = self._days.get(day)
        if state is None:
            state = self._build_day(day)
            self._days[day] = state
        return state

    def with_bookings(self, added: list[Booking], removed: set[str] | None = None) -> CapacitySnapshot:
        """A snapshot with bookings added (or replaced, by id) and some removed; days not
        touched are shared."""
        gone = set(removed or ()) | {b.booking_id for b in added}
        touched = {b.arrival.astimezone(self.zone).date() for b in self.bookings if b.booking_id in gone}
        touched |= {b.arrival.astimezone(self.zone).date() for b in added}
        kept = [b for b in self.bookings if b.booking_id not in gone]
        out = CapacitySnapshot(self.dealership, [*kept, *added], today=self.today, reserve=self.reserve,
                               walk_in_expected=self.walk_in_expected)
        out._days = {d: s for d, s in self._days.items() if d not in touched}
        return out

    def _build_day(self, day: date) -> DayState:
        hours = self.calendar.hours_on(day) if self.calendar.is_open(day) else None
        if hours is None:
            empty = np.zeros(MINUTES, dtype=np.int32)
            return DayState(day, 0, 0, {}, {}, {}, Counter(), empty, empty.copy(), np.zeros(MINUTES))
        opens = hours.start.hour * 60 + hours.start.minute
        closes = hours.end.hour * 60 + hours.end.minute
        techs: dict[str, TechDay] = {}
        present = np.zeros(MINUTES, dtype=np.int32)
        for t in self.dealership.technicians:
            periods = tuple((p.start.hour * 60 + p.start.minute, p.end.hour * 60 + p.end.minute)
                            for p in t.working_periods_on(day))
            if periods:
                techs[t.code] = TechDay(t.code, t.skills, t.efficiency, periods, t)
                for a, b in periods:
                    present[a:b] += 1
        bays: dict[BayType, list[str]] = defaultdict(list)
        for bay in self.dealership.bays:
            if bay.in_service_on(day):
                bays[bay.bay_type].append(bay.code)
        reception: dict[int, int] = {}
        for start in range(-(-opens // self.grid) * self.grid, closes, self.grid):  # the grid counts from midnight
            reception[start] = sum(a.reception_capacity for a in self.dealership.advisors
                                   if any(p.start.hour * 60 + p.start.minute <= start < p.end.hour * 60 + p.end.minute
                                          for p in a.working_periods_on(day)))
        reserve = _minute_array(tuple(self.reserve.at(day, h) for h in range(24)), np.int32)
        expected = _minute_array(self.walk_in_expected.get(day, (0.0,) * 24), np.float64)
        state = DayState(day, opens, closes, techs, {k: tuple(v) for k, v in bays.items()}, reception, Counter(),
                         present, reserve, expected)
        for booking in self._by_day.get(day, ()):
            for job in job_slots(booking, self.zone, closes):
                state.add_job(job)
            _, arrival = minute_of(booking.arrival, self.zone)
            state.arrivals[arrival - arrival % self.grid] += 1
        return state


def job_slots(booking: Booking, zone: ZoneInfo, closes: int, arrival: int | None = None) -> list[JobSlot]:
    """A booking's jobs as the solver places them: fixed starts, each due by the next start.
    With `arrival` (a minute of the day), the jobs keep their offsets from a moved arrival."""
    shift = 0 if arrival is None else arrival - minute_of(booking.arrival, zone)[1]
    starts = [minute_of(j.start, zone)[1] + shift for j in booking.jobs]
    out = []
    for i, job in enumerate(booking.jobs):
        deadline = starts[i + 1] if i + 1 < len(starts) else closes
        out.append(JobSlot(booking.booking_id, i + 1, job.spec, starts[i], deadline, job.technician, job.bay,
                           minute_of(job.end, zone)[1] + shift))
    return out
