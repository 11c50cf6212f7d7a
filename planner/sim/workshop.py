"""The simulated dealership (SimPy): reception, workshop and parts store, the same for every
policy; only how customers get their time differs.

Time is in minutes from local midnight of the first simulated day. On each open day:
- advisors at the desk (their rosters, breaks and absences) receive arrived customers,
  booked ones first; a walk-in whose first job could not even start today (the work
  already waiting for that skill exceeds what the skilled technicians have left today)
  is turned away, and some come back the next open day;
- the write-up takes longer for a walk-in than for a prepared appointment; then the parts
  are picked: what is not on the shelf is ordered and the car waits for it;
- technicians at work take the next job they have the skill for when a bay of its type is
  free (carried-over cars first, then appointments, then walk-ins, each first come first
  served). Real effort varies around the standard hours; a job is paused over lunch on
  its bay, finished after the shift when it is within the overtime cap, otherwise carried
  to the next open day;
- at night what was used is re-ordered; orders arrive in the morning.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import simpy

from planner.domain import BayType, DealerCalendar, Dealership, PartRequirement, Skill, Technician
from planner.sim.demand import Need
from planner.sim.policies import Booked, Policy, same_day_earliest
from planner.sim.settings import SimSettings
from planner.solver.snapshot import at_minute

DAY = 24 * 60
TURN_AWAY_MINUTES = 3.0  # telling a walk-in the workshop is full
CONTACT_MINUTE = 10 * 60 + 30  # the desk's first calling band (10:00-11:30)


class Outcome(StrEnum):
    """Where a customer is when the simulation ends."""

    SERVED = "served"  # the car is done
    TURNED_AWAY = "turned_away"  # turned away and did not come back
    NO_SHOW = "no_show"  # never came
    IN_WORKSHOP = "in_workshop"  # the car is still being worked on or waits for parts
    WAITING = "waiting"  # at reception, or booked / coming back after the end


@dataclass
class Visit:
    """One customer's visit as it happens (mutable: the simulation fills it in)."""

    need: Need
    booked: Booked | None = None
    no_slot: bool = False  # asked for an appointment, none suited, walked in instead
    batched: bool = False  # contacted by the desk on a campaign batch's day
    arrivals: list[float] = field(default_factory=list)  # every time the customer arrived
    waits: list[float] = field(default_factory=list)  # reception wait of each arrival
    admitted: float | None = None  # write-up done, car in the workshop
    done: float | None = None
    turned_away: bool = False
    parts_delayed: bool = False
    outcome: Outcome | None = None  # final states only; None = still somewhere
    jobs_left: int = 0

    @property
    def is_appointment(self) -> bool:
        return self.booked is not None


@dataclass
class JobRun:
    """A job in the workshop: `effort` minutes of work left at efficiency 1."""

    visit: Visit
    seq: int
    skill: Skill
    bay_type: BayType
    effort: float
    key: tuple[int, int, float, int, int] = (0, 0, 0.0, 0, 0)
    since: float | None = None  # being worked on since (effort is brought up to date when it stops)
    rate: float = 1.0  # ... by a technician of this efficiency

    def left(self, now: float) -> float:
        """Effort left now, counting a run in progress."""
        if self.since is None:
            return self.effort
        return max(0.0, self.effort - (now - self.since) * self.rate)


@dataclass
class TechDayLog:
    rostered: float = 0.0
    busy: float = 0.0
    overtime: float = 0.0


class Stock:
    """The parts store: on hand, orders on the way, what each day used."""

    def __init__(self, dealership: Dealership) -> None:
        self.on_hand: dict[str, int] = {p.part_number: p.stock_on_hand for p in dealership.parts}
        self.incoming: list[tuple[date, str, int]] = sorted(
            (po.expected_date, po.part_number, po.quantity) for p in dealership.parts for po in p.open_orders)
        self.used_today: dict[str, int] = defaultdict(int)

    def deliver(self, day: date) -> None:
        """Orders due by `day` are on the shelf in the morning."""
        keep = []
        for when, pn, qty in self.incoming:
            if when <= day:
                self.on_hand[pn] = self.on_hand.get(pn, 0) + qty
            else:
                keep.append((when, pn, qty))
        self.incoming = keep

    def take(self, reqs: tuple[PartRequirement, ...]) -> bool:
        """Pick every part of a visit, or none when one is short."""
        if any(self.on_hand.get(r.part_number, 0) < r.quantity for r in reqs):
            return False
        for r in reqs:
            self.on_hand[r.part_number] -= r.quantity
            self.used_today[r.part_number] += r.quantity
        return True

    def ready_day(self, reqs: tuple[PartRequirement, ...], today: date, order_days: int) -> date:
        """When the short parts will be in: the order on the way that covers them, or a new
        order placed now."""
        ready = today
        for r in reqs:
            have = self.on_hand.get(r.part_number, 0)
            if have >= r.quantity:
                continue
            when = None
            for d, pn, qty in sorted(self.incoming):
                if pn == r.part_number:
                    have += qty
                    if have >= r.quantity:
                        when = d
                        break
            if when is None:
                when = today + timedelta(days=order_days)
                self.incoming.append((when, r.part_number, r.quantity - have))
            ready = max(ready, when)
        return ready

    def restock(self, day: date, lead_days: int) -> None:
        """Order what the day used (base stock)."""
        for pn, qty in self.used_today.items():
            if qty > 0:
                self.incoming.append((day + timedelta(days=lead_days), pn, qty))
        self.used_today = defaultdict(int)


def _minutes(periods: Any) -> list[tuple[int, int]]:
    return [(p.start.hour * 60 + p.start.minute, p.end.hour * 60 + p.end.minute) for p in periods]


class Workshop:
    """One policy's run over the same demand."""

    def __init__(self, dealership: Dealership, needs: tuple[Need, ...], policy: Policy, start: date, days: int,
                 settings: SimSettings, contacts: dict[int, date] | None = None) -> None:
        self.env = simpy.Environment()
        self.dealership = dealership
        self.policy = policy
        self.start = start
        self.days = days
        self.settings = settings
        self.zone = dealership.dealer.zone
        self.calendar = DealerCalendar(dealership.dealer)
        self.grid = dealership.dealer.booking_grid_minutes
        self.visits = [Visit(n) for n in needs]
        self.contacts = contacts or {}  # need id -> the day the desk contacts them (campaign batches)
        self.stock = Stock(dealership)
        self.reception = simpy.PriorityStore(self.env)
        self.ready: list[JobRun] = []
        self.held: dict[str, JobRun] = {}  # technician -> job on their bay (running or paused over lunch)
        self.bays_free: dict[BayType, int] = defaultdict(int)
        self.bays_used: dict[BayType, int] = defaultdict(int)
        self.changed = self.env.event()
        self.tech_log: dict[tuple[str, int], TechDayLog] = defaultdict(TechDayLog)
        self.tech_periods: dict[int, dict[str, list[tuple[int, int]]]] = {}
        self.booking_calls = 0
        self.booking_seconds = 0.0

    # -- calendar ------------------------------------------------------------------------

    def day_of(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def index_of(self, day: date) -> int:
        return (day - self.start).days

    def hours(self, day: date) -> tuple[int, int] | None:
        if not self.calendar.is_open(day):
            return None
        h = self.calendar.hours_on(day)
        if h is None:
            return None
        return h.start.hour * 60 + h.start.minute, h.end.hour * 60 + h.end.minute

    def next_open(self, day: date) -> date | None:
        d = day + timedelta(days=1)
        while self.index_of(d) < self.days:
            if self.hours(d) is not None:
                return d
            d += timedelta(days=1)
        return None

    def periods_of(self, index: int, who: Technician) -> list[tuple[int, int]]:
        periods = self.tech_periods.setdefault(index, {})
        if who.code not in periods:
            day = self.day_of(index)
            periods[who.code] = _minutes(who.working_periods_on(day)) if self.hours(day) else []
        return periods[who.code]

    def notify(self) -> None:
        """Wake idle technicians: a job or a bay became free."""
        if not self.changed.triggered:
            self.changed.succeed()
        self.changed = self.env.event()

    # -- running -------------------------------------------------------------------------

    def run(self) -> list[Visit]:
        import time as clock

        env = self.env
        env.process(self.day_clock())
        for adv in self.dealership.advisors:
            env.process(self.advisor(adv))
        for tech in self.dealership.technicians:
            env.process(self.technician(tech))
        for visit in self.visits:
            env.process(self.customer(visit))
        started = clock.perf_counter()
        env.run(until=self.days * DAY)
        self.wall_seconds = clock.perf_counter() - started
        for v in self.visits:
            if v.outcome is None:
                v.outcome = Outcome.IN_WORKSHOP if v.admitted is not None else Outcome.WAITING
        return self.visits

    def day_clock(self) -> Any:
        for index in range(self.days):
            day = self.day_of(index)
            self.stock.deliver(day)
            self.policy.new_day(day, dict(self.stock.on_hand), list(self.stock.incoming))
            for kind in BayType:
                self.bays_free[kind] = sum(1 for b in self.dealership.bays
                                           if b.bay_type is kind and b.in_service_on(day)) - self.bays_used[kind]
            self.notify()
            yield self.env.timeout(DAY - 1)
            self.stock.restock(day, self.settings.restock_days)
            yield self.env.timeout(1)

    # -- customers -----------------------------------------------------------------------

    def customer(self, visit: Visit) -> Any:
        env, need = self.env, visit.need
        day_index = self.index_of(need.day)
        if need.books_ahead and self.policy.takes_bookings:
            contact = self.contacts.get(need.need_id)
            window: tuple[date, date] | None = None
            if contact is not None:  # the desk calls them on the batch's day, in its calling hours
                visit.batched = True
                call_index = self.index_of(contact)
                call_at = call_index * DAY + CONTACT_MINUTE
                window = (contact, contact + timedelta(days=self.settings.campaign_window_days))
            else:
                call_index = max(0, day_index - need.lead_days)
                call_at = call_index * DAY + (need.call_minute if call_index < day_index else
                                              min(need.call_minute, need.walk_in_minute - 60))
            yield env.timeout(max(0.0, call_at - env.now))
            booked = self._call(visit, call_index, window)
            if booked is not None:
                visit.booked = booked
                opens, closes = self.hours(booked.day) or (booked.minute, booked.minute + 60)
                # an early customer comes no earlier than opening; a late one still before closing
                minute = min(max(booked.minute + need.late_minutes, opens), closes - 5)
                when = self.index_of(booked.day) * DAY + minute
                yield env.timeout(max(0.0, when - env.now))
                if need.no_show:
                    visit.outcome = Outcome.NO_SHOW
                    return
                yield from self.arrive(visit)
                return
            visit.no_slot = True
            if env.now >= (day_index + 1) * DAY:  # contacted after the day they would have come
                later = self.next_open(self.day_of(int(env.now // DAY)))
                if later is None:
                    visit.outcome = Outcome.WAITING
                    return
                day_index = self.index_of(later)
        yield env.timeout(max(0.0, day_index * DAY + need.walk_in_minute - env.now))
        if need.no_show:
            visit.outcome = Outcome.NO_SHOW
            return
        yield from self.arrive(visit)

    def _call(self, visit: Visit, call_index: int, window: tuple[date, date] | None = None) -> Booked | None:
        import time as clock

        need = visit.need
        now = at_minute(self.day_of(call_index), int(self.env.now - call_index * DAY), self.zone)
        first, last = window or (need.day, need.day + timedelta(days=need.flex_days))
        while self.hours(first) is None and first < last:
            first += timedelta(days=1)
        hours = self.hours(first)
        if hours is None:
            return None
        earliest = max(at_minute(first, hours[0], self.zone), same_day_earliest(now, self.grid))
        last = min(last, self.day_of(self.days - 1))
        if earliest.date() > last:
            return None
        started = clock.perf_counter()
        booked = self.policy.book(need, earliest, last)
        self.booking_seconds += clock.perf_counter() - started
        self.booking_calls += 1
        return booked

    def arrive(self, visit: Visit) -> Any:
        visit.arrivals.append(self.env.now)
        key = (0 if visit.is_appointment else 1, self.env.now, visit.need.need_id)
        yield self.reception.put(simpy.PriorityItem(key, visit))

    def come_back(self, visit: Visit) -> Any:
        """A turned-away walk-in returning the next open day at their usual time."""
        today = self.day_of(int(self.env.now // DAY))
        nxt = self.next_open(today)
        if nxt is None:
            visit.outcome = Outcome.WAITING  # would come back after the end
            return
        opens, closes = self.hours(nxt) or (0, DAY)
        minute = min(max(visit.need.walk_in_minute, opens), closes - 30)  # that day's hours may differ
        yield self.env.timeout(max(0.0, self.index_of(nxt) * DAY + minute - self.env.now))
        yield from self.arrive(visit)

    # -- reception -----------------------------------------------------------------------

    def advisor(self, adv: Any) -> Any:
        env = self.env
        for index in range(self.days):
            day = self.day_of(index)
            if self.hours(day) is None:
                continue
            periods = _minutes(adv.working_periods_on(day))
            for n, (a, b) in enumerate(periods):
                last = n == len(periods) - 1
                if env.now < index * DAY + a:
                    yield env.timeout(index * DAY + a - env.now)
                end = index * DAY + b
                # after the last period the desk still receives whoever is waiting
                while env.now < end or (last and self.reception.items):
                    get = self.reception.get()
                    if env.now < end:
                        yield get | env.timeout(end - env.now)
                    else:
                        yield get | env.timeout(0)
                    if not get.triggered:
                        get.cancel()
                        if env.now >= end:
                            break
                        continue
                    item = get.value
                    assert item is not None
                    visit: Visit = item.item
                    yield from self.receive(visit, index)

    def receive(self, visit: Visit, index: int) -> Any:
        env = self.env
        visit.waits.append(env.now - visit.arrivals[-1])
        if not visit.is_appointment and not self.can_start_today(visit, index):
            yield env.timeout(TURN_AWAY_MINUTES)
            if visit.turned_away or not visit.need.returns:
                visit.turned_away = True
                visit.outcome = Outcome.TURNED_AWAY
                return
            visit.turned_away = True
            env.process(self.come_back(visit))
            return
        base = self.settings.write_up_appointment if visit.is_appointment else self.settings.write_up_walk_in
        yield env.timeout(base * visit.need.write_up)
        visit.admitted = env.now
        if self.stock.take(visit.need.work.parts):
            self.release(visit)
        else:
            visit.parts_delayed = True
            env.process(self.wait_for_parts(visit))

    def can_start_today(self, visit: Visit, index: int) -> bool:
        """Would the first job start today? The work waiting for its skill against the time
        the skilled technicians still have today (with the overtime cap)."""
        skill = visit.need.work.jobs[0].skill
        now = self.env.now - index * DAY
        waiting = sum(j.effort for j in self.ready if j.skill is skill)
        waiting += sum(j.left(self.env.now) for j in self.held.values() if j.skill is skill)
        left = 0.0
        for tech in self.dealership.technicians:
            if skill in tech.skills:
                periods = self.periods_of(index, tech)
                mins = sum(max(0.0, b - max(a, now)) for a, b in periods)
                if mins > 0:
                    left += (mins + self.settings.overtime_cap) * tech.efficiency
        return waiting < left

    def wait_for_parts(self, visit: Visit) -> Any:
        env = self.env
        while True:
            today = self.day_of(int(env.now // DAY))
            ready = self.stock.ready_day(visit.need.work.parts, today, self.settings.order_days)
            index = self.index_of(ready)
            hours = self.hours(ready)
            at = index * DAY + (hours[0] if hours else 0)
            yield env.timeout(max(1.0, at - env.now))
            if self.stock.take(visit.need.work.parts):
                self.release(visit)
                return

    # -- workshop ------------------------------------------------------------------------

    def release(self, visit: Visit) -> None:
        visit.jobs_left = len(visit.need.work.jobs)
        self.queue_job(visit, 1, carried=False)

    def queue_job(self, visit: Visit, seq: int, carried: bool) -> None:
        spec = visit.need.work.jobs[seq - 1]
        effort = spec.standard_hours * 60 * visit.need.effort[seq - 1]
        job = JobRun(visit, seq, spec.skill, spec.bay_type, effort,
                     (0 if carried else 1, 0 if visit.is_appointment else 1, self.env.now, visit.need.need_id, seq))
        insort(self.ready, job, key=lambda j: j.key)
        self.notify()

    def take(self, tech: Technician) -> JobRun | None:
        for i, job in enumerate(self.ready):
            if job.skill in tech.skills and self.bays_free[job.bay_type] > 0:
                del self.ready[i]
                self.bays_free[job.bay_type] -= 1
                self.bays_used[job.bay_type] += 1
                self.held[tech.code] = job
                return job
        return None

    def put_down(self, tech: Technician, job: JobRun, done: bool) -> None:
        del self.held[tech.code]
        self.bays_free[job.bay_type] += 1
        self.bays_used[job.bay_type] -= 1
        visit = job.visit
        if not done:  # carried to the next open day
            job.key = (0, *job.key[1:])
            insort(self.ready, job, key=lambda j: j.key)
        elif job.seq < len(visit.need.work.jobs):
            self.queue_job(visit, job.seq + 1, carried=False)
        else:
            visit.done = self.env.now
            visit.outcome = Outcome.SERVED
        self.notify()

    def technician(self, tech: Technician) -> Any:
        env, cap = self.env, self.settings.overtime_cap
        for index in range(self.days):
            periods = self.periods_of(index, tech)
            for n, (a, b) in enumerate(periods):
                last = n == len(periods) - 1
                begin, end = index * DAY + a, index * DAY + b
                if env.now < begin:
                    yield env.timeout(begin - env.now)
                log = self.tech_log[(tech.code, index)]
                log.rostered += b - a
                while True:
                    job = self.held.get(tech.code) or (self.take(tech) if env.now < end else None)
                    if job is None:
                        if env.now >= end:
                            break
                        yield self.changed | env.timeout(end - env.now)
                        continue
                    need = job.effort / tech.efficiency
                    room = end - env.now
                    run = need if (last and need <= room + cap) or need <= room else room
                    if run <= 0:
                        break
                    started = job.since = env.now
                    job.rate = tech.efficiency
                    yield env.timeout(run)
                    job.since = None
                    log.busy += min(env.now, end) - started
                    log.overtime += max(0.0, env.now - max(end, started))
                    job.effort = max(0.0, job.effort - run * tech.efficiency)
                    if job.effort <= 1e-6:
                        self.put_down(tech, job, done=True)
                    elif env.now >= end:
                        break  # paused over the break on its bay, or carried over below
                held = self.held.get(tech.code)
                if held is not None and last:
                    self.put_down(tech, held, done=False)
            held = self.held.get(tech.code)
            if held is not None:  # a day with no later period (absence after lunch)
                self.put_down(tech, held, done=False)
