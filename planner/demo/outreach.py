"""The demo desk's last weeks of outreach, replayed with the product's own rules.

Every Monday (an *origin*) the rules of `planner.outreach.rules` look at each vehicle as
it stood that morning. A customer with a booking already made, or with a task still being
worked, is left alone; campaign reminders are left out (campaigns go out in planned
batches). Every other customer with open reminders gets one task per reminder; the most
urgent (lowest priority number, then earliest due date) is the *main* task, which the
desk works that week, first calls spread over the week's open days, most urgent first.

The desk's work agrees with the history, which was generated without it:
- a task is BOOKED exactly when its vehicle has an appointment made between the origin
  and 21 days after the first planned call; the deciding attempt is at the appointment's
  creation (or at the first call, when the customer had booked before it), after 0–2
  unanswered calls;
- otherwise a dormant or lost customer whose car never came back is reached and lost
  (with a reason, R29) about a third of the time; the rest are declined, unreachable
  (three unanswered calls, then an SMS: NOTIFIED), asked to call back then declined, or a
  wrong number (a letter: NOTIFIED); a customer who prefers SMS gets an SMS;
- a car that comes in while the desk is still trying closes its task (CLOSED).
Every call is placed by `planner.outreach.policy.next_attempt`, so the retries obey R26.
The customer's other tasks from the same run share the main task's fate, without
attempts of their own. Nothing happens from `today` on: a task still running is OPEN,
with the day of its next attempt.

Evaluating every rule for every car every week is the slow part, so after the first
Monday (which looks at every car, and takes over the backlog of reminders already open:
the desk's first week with the product is busy) a car is looked at again only on the
first Monday after something the rules read changes (a visit; an odometer reading
entering what the mileage estimate uses, or leaving its recent window), after one of its
reminders opens or expires, or the next Monday when a reminder was left without a task
(its owner was busy or had booked). New tasks and losses only ever hide reminders, so
they need no look. This gives the same tasks as looking at every car every week
(tested), so today's worklist starts from the state the rules give.
"""

from __future__ import annotations

import bisect
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache

import numpy as np

from planner.demo.schedules import DEMO_SCHEDULES
from planner.domain import (
    Appointment,
    AppointmentStatus,
    Channel,
    Customer,
    DealerCalendar,
    Dealership,
    OperationCategory,
    ServiceHistory,
    Vehicle,
)
from planner.domain.outreach import (
    DEFAULT_POLICY,
    ContactAttempt,
    ContactPolicy,
    LostReason,
    MaintenanceSchedule,
    Outcome,
    OutreachRule,
    OutreachTask,
    TaskStatus,
    WalkInWait,
)
from planner.domain.values import minutes_of
from planner.outreach.facts import PastTask, PastVisit, VehicleFacts, open_declined, schedule_for
from planner.outreach.mileage import RECENT_DAYS, SHORT_DAYS
from planner.outreach.policy import NextAttempt, next_attempt
from planner.outreach.rules import Reminder, RuleContext, reminders
from planner.outreach.worklist import reason_json

BOOKED_WINDOW = timedelta(days=21)  # a booking this long after the first call is the call's doing
CALLS_PER_RUN = 2  # a run of contacts takes about two calls (the replay's mean is 1.9)
TASKS_MADE_AT = time(8, 0)  # the Monday run makes the week's tasks before the desk opens
FIRST_CALLS_FROM = time(9, 0)

# A dormant or lost customer whose car never came back, when not booked:
LOST_SHARE = 0.35
LOST_REASONS: tuple[tuple[LostReason, float], ...] = (
    (LostReason.OTHER_DEALER, 0.25), (LostReason.INDEPENDENT_GARAGE, 0.20), (LostReason.PRICE, 0.15),
    (LostReason.MOVED, 0.12), (LostReason.SOLD_VEHICLE, 0.12), (LostReason.WAITING_TIME, 0.08),
    (LostReason.SERVICE_QUALITY, 0.05), (LostReason.OTHER, 0.03),
)
FAILED_BEFORE_REACHED = (0.55, 0.30, 0.15)  # 0, 1 or 2 unanswered calls before the customer picks up
BUSY_SHARE = 0.2  # of unanswered calls: rang but the customer could not talk

# Appointments made by then that count as "booked already" when the Monday run looks.
BOOKED_BEFORE = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.COMPLETED,
                           AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED})


class Plan(StrEnum):
    """How a main task goes (drawn once, then played out call by call)."""

    BOOKED = "booked"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"  # three unanswered calls, then an SMS
    CALL_BACK = "call_back"  # reached, call again on an agreed day, then declined
    WRONG_NUMBER = "wrong_number"  # then a letter
    LOST = "lost"
    SMS = "sms"  # the customer prefers SMS


# (plan, share) for a task nobody booked from; the rest are declined
PLAN_MIX: tuple[tuple[Plan, float], ...] = (
    (Plan.DECLINED, 0.45), (Plan.UNREACHABLE, 0.35), (Plan.CALL_BACK, 0.10), (Plan.WRONG_NUMBER, 0.03),
)
FINAL_STATUS = {Outcome.BOOKED: TaskStatus.BOOKED, Outcome.DECLINED: TaskStatus.DECLINED,
                Outcome.SENT: TaskStatus.NOTIFIED, Outcome.LOST: TaskStatus.LOST}


def created_on(task: OutreachTask) -> date:
    """The Monday a replayed task was made (its number carries the day: OT260907-0001)."""
    return datetime.strptime(task.task_no[2:8], "%y%m%d").date()


def mondays(today: date, weeks: int) -> list[date]:
    """The Mondays from `weeks` weeks before `today` to the last one before it."""
    first = today - timedelta(days=7 * weeks)
    first += timedelta(days=-first.weekday() % 7)
    return [first + timedelta(days=7 * i) for i in range((today - first).days // 7 + 1)
            if first + timedelta(days=7 * i) < today]


# -- the fleet's facts, built once and sliced by date -------------------------------------


@dataclass
class VehicleHistory:
    """One vehicle's visits, declined work, repair-order times and appointments, sorted,
    so its facts on any day are a slice (the same values `facts_from_history` builds)."""

    vehicle: Vehicle
    customer: Customer
    schedule: MaintenanceSchedule
    visits: list[PastVisit] = field(default_factory=list)
    declined: list[tuple[date, str, int | None, date | None]] = field(default_factory=list)
    opened: list[datetime] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)

    def sort(self) -> None:
        self.visits.sort()
        self.declined.sort()
        self.opened.sort()
        self.appointments.sort(key=lambda a: (a.created_at, a.appointment_no))
        self._days = [v.day for v in self.visits]
        # Days from which the rules may see the car differently: the day after a visit, and
        # the days an odometer reading (the car's own or a visit's) enters what the mileage
        # estimate uses and leaves its recent window.
        read_on = {r.read_on for r in self.vehicle.readings} | set(self._days)
        self._events = sorted({d + timedelta(days=1) for d in self._days} | read_on
                              | {d + timedelta(days=1) for d in read_on}
                              | {d + timedelta(days=w + 1) for d in read_on for w in (SHORT_DAYS, RECENT_DAYS)})
        self._declined_days = [d[0] for d in self.declined]
        self._made = [a.created_at for a in self.appointments]

    def visits_before(self, day: date) -> int:
        return bisect.bisect_left(self._days, day)

    def next_event(self, after: date) -> date | None:
        """The first day after `after` from which the rules may see the car differently."""
        i = bisect.bisect_right(self._events, after)
        return self._events[i] if i < len(self._events) else None

    def facts(self, today: date, tasks: Sequence[PastTask], lost: bool) -> VehicleFacts:
        """The vehicle's facts as of the start of `today` (bookings ahead are left to the
        caller: the rules do not read them, and the replay asks per customer)."""
        seen = self.visits[:self.visits_before(today)]
        declined = self.declined[:bisect.bisect_left(self._declined_days, today)]
        return VehicleFacts(vehicle=self.vehicle, customer=self.customer, schedule=self.schedule,
                            visits=tuple(seen), declined=open_declined(declined, seen), tasks=tuple(tasks),
                            lost_for_good=lost)

    def came_in(self, start: datetime, end: datetime) -> datetime | None:
        """When the car first came in within [start, end), if it did."""
        i = bisect.bisect_left(self.opened, start)
        return self.opened[i] if i < len(self.opened) and self.opened[i] < end else None

    def booked_between(self, start: datetime, end: datetime) -> Appointment | None:
        """The first appointment made within [start, end]."""
        i = bisect.bisect_left(self._made, start)
        return self.appointments[i] if i < len(self.appointments) and self._made[i] <= end else None

    def booked_ahead(self, moment: datetime) -> bool:
        """An appointment made before `moment` for a slot from then on (booked already)."""
        return any(a.created_at < moment <= a.slot_start and a.status in BOOKED_BEFORE
                   for a in self.appointments[:bisect.bisect_left(self._made, moment)])


def fleet_histories(dealership: Dealership, history: ServiceHistory, schedules: Mapping[str, MaintenanceSchedule],
                    waits: Iterable[WalkInWait], booked: Iterable[Appointment] = ()) -> dict[str, VehicleHistory]:
    """Every vehicle's history, by VIN (`booked`: appointments beyond the history, the book ahead)."""
    zone = dealership.dealer.zone
    maintenance = {o.op_code for o in dealership.operations if o.category is OperationCategory.MAINTENANCE}
    wait_by_ro = {w.ro_number: w for w in waits}
    customers = {c.customer_no: c for c in history.customers}
    out = {v.vin: VehicleHistory(v, customers[v.customer_no], schedule_for(schedules, v.model))
           for v in history.vehicles}
    for ro in history.repair_orders:
        h = out[ro.vin]
        local = ro.opened_at.astimezone(zone)
        day = local.date()
        ops = frozenset(line.op_code for line in ro.lines)
        w = wait_by_ro.get(ro.ro_number)
        h.visits.append(PastVisit(day, ro.mileage_km, bool(ops & maintenance), ro.from_appointment, ops,
                                  w.waited_minutes if w else None, bool(w and w.complained)))
        h.declined += [(day, d.op_code, d.wait_until_km, d.wait_until_date) for d in ro.declined]
        h.opened.append(local)
    for a in (*history.appointments, *booked):
        out[a.vin].appointments.append(a)
    for h in out.values():
        h.sort()
    return out


# -- the desk -------------------------------------------------------------------------------


@dataclass
class Worked:
    """How a main task ended up (or stands on `today`)."""

    status: TaskStatus
    attempts: list[ContactAttempt]
    resolved_at: datetime | None  # None: still open on today
    channel: Channel
    next_contact_on: date | None = None
    appointment_no: str | None = None
    lost_reason: LostReason | None = None


@dataclass
class Desk:
    """Plays out main tasks call by call, with the contact policy placing each attempt."""

    policy: ContactPolicy
    desk_open: Callable[[date], bool]
    zone: tzinfo
    cutoff: datetime  # the start of today: nothing happens from then on
    rng: np.random.Generator

    def at(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, tzinfo=self.zone)

    def place(self, nxt: NextAttempt, now: datetime) -> datetime:
        """A moment for the attempt: a minute inside the call window, or in office hours
        for an SMS or a letter; never before `now`."""
        assert nxt.day is not None
        lo, hi = (minutes_of(nxt.window.start), minutes_of(nxt.window.end) - 1) if nxt.window else (600, 1020)
        if nxt.day == now.date():  # not before now (the policy only offers a window that is not over)
            lo = max(lo, minutes_of(now.time()))
            if nxt.window:
                lo = min(lo, hi)
            else:
                hi = max(hi, min(lo + 30, 24 * 60 - 1))
        m = int(self.rng.integers(lo, hi + 1))
        return self.at(nxt.day, time(m // 60, m % 60))

    def script(self, plan: Plan, sms: bool) -> list[Outcome]:
        """The outcomes of the attempts, in order, for a plan (`sms`: the customer prefers SMS)."""
        if sms:
            return [Outcome.SENT]  # booked or not, the customer gets the SMS first
        if plan is Plan.BOOKED:
            return [self.failed() for _ in range(int(self.rng.integers(0, 3)))]
        failed = [self.failed() for _ in range(int(self.rng.choice(3, p=FAILED_BEFORE_REACHED)))]
        if plan is Plan.UNREACHABLE:
            return [self.failed() for _ in range(self.policy.max_calls)] + [Outcome.SENT]
        if plan is Plan.WRONG_NUMBER:
            return [Outcome.WRONG_NUMBER, Outcome.SENT]
        if plan is Plan.SMS:
            return [Outcome.SENT]
        if plan is Plan.CALL_BACK:
            return [*failed, Outcome.CALL_BACK, Outcome.DECLINED]
        return [*failed, Outcome.LOST if plan is Plan.LOST else Outcome.DECLINED]

    def failed(self) -> Outcome:
        return Outcome.BUSY if self.rng.random() < BUSY_SHARE else Outcome.NO_ANSWER

    def work(self, task_no: str, h: VehicleHistory, since: datetime, made: datetime, first_day: date,
             plan_of: Callable[[], Plan]) -> Worked:
        """Work one main task, made at `made` (its run looked at the car as of `since`), from
        its first call on `first_day` until it ends or today comes."""
        customer = h.customer
        sms = customer.preferred_channel is Channel.SMS
        channel = Channel.SMS if sms else Channel.PHONE
        start = max(made, self.at(first_day, FIRST_CALLS_FROM))
        first = next_attempt(self.policy, customer, (), start, self.desk_open)
        if first.done or first.day is None:
            return Worked(TaskStatus.CLOSED, [], made, channel)
        first_at = self.place(first, start)
        booking = h.booked_between(since, first_at + BOOKED_WINDOW)
        if booking is not None and booking.created_at >= self.cutoff:
            booking = None
        plan = Plan.BOOKED if booking else Plan.SMS if sms else plan_of()
        outcomes = self.script(plan, sms)
        attempts: list[ContactAttempt] = []
        now, nxt, at = start, first, first_at
        for k, outcome in enumerate(outcomes):
            if k:
                nxt = next_attempt(self.policy, customer, attempts, now, self.desk_open)
                if nxt.done or nxt.day is None:
                    return Worked(TaskStatus.CLOSED, attempts, now, channel)
                at = self.place(nxt, now)
            if booking is not None and at >= booking.created_at:
                break  # the customer booked before this call
            if booking is None and (came := h.came_in(since, at)) is not None:
                return Worked(TaskStatus.CLOSED, attempts, came, channel)  # the car came in anyway
            if at >= self.cutoff:
                return Worked(TaskStatus.OPEN, attempts, None, nxt.channel or channel, nxt.day)
            attempts.append(self.attempt(task_no, at, nxt, outcome))
            now = at + timedelta(minutes=1)
            if outcome is Outcome.CALL_BACK:
                assert attempts[-1].call_back_on is not None
                now = self.at(attempts[-1].call_back_on, time(0))
        if booking is not None:
            return self.booked(task_no, attempts, booking, first_at, first.channel or channel)
        last = attempts[-1]
        return Worked(FINAL_STATUS[last.outcome], attempts, last.at, last.channel, lost_reason=last.lost_reason)

    def attempt(self, task_no: str, at: datetime, nxt: NextAttempt, outcome: Outcome) -> ContactAttempt:
        """One attempt with its outcome (a lost customer's reason, a call-back's day)."""
        channel = nxt.channel or Channel.PHONE
        if outcome is Outcome.SENT:
            return ContactAttempt(task_no, at, channel, outcome)
        reason = None
        if outcome is Outcome.LOST:
            reasons, shares = zip(*LOST_REASONS, strict=True)
            reason = reasons[int(self.rng.choice(len(reasons), p=np.array(shares) / sum(shares)))]
        call_back = None
        if outcome is Outcome.CALL_BACK:
            call_back = at.date() + timedelta(days=int(self.rng.integers(2, 8)))
            while not self.desk_open(call_back):
                call_back += timedelta(days=1)
        return ContactAttempt(task_no, at, channel, outcome, lost_reason=reason, call_back_on=call_back)

    def booked(self, task_no: str, attempts: list[ContactAttempt], booking: Appointment, first_at: datetime,
               first_channel: Channel) -> Worked:
        """The deciding attempt: the customer's call at the booking's creation, or the first
        planned contact (call or SMS) when the customer had booked before it (and that
        contact is before today)."""
        at, channel = booking.created_at.astimezone(self.cutoff.tzinfo), Channel.PHONE
        note = "客户来电预约 customer called to book"
        if at < first_at < self.cutoff:
            at, channel, note = first_at, first_channel, "客户已预约 customer had booked already"
        elif attempts and attempts[-1].at >= at:
            at = attempts[-1].at + timedelta(minutes=1)
        done = ContactAttempt(task_no, at, channel, Outcome.BOOKED, note=note, appointment_no=booking.appointment_no)
        return Worked(TaskStatus.BOOKED, [*attempts, done], at, first_channel, appointment_no=booking.appointment_no)


def _plan_drawer(rng: np.random.Generator, may_be_lost: bool) -> Callable[[], Plan]:
    """Draws the plan of a task nobody booked from (only when it is needed)."""
    def draw() -> Plan:
        if may_be_lost and rng.random() < LOST_SHARE:
            return Plan.LOST
        u, acc = rng.random(), 0.0
        for plan, share in PLAN_MIX:
            acc += share
            if u < acc:
                return plan
        return Plan.DECLINED
    return draw


# -- the weekly replay -------------------------------------------------------------------------


@dataclass
class Replay:
    """The Monday runs and the desk's work, week after week (see the module docstring)."""

    dealership: Dealership
    fleet: dict[str, VehicleHistory]
    today: date
    rng: np.random.Generator
    policy: ContactPolicy
    tasks: list[OutreachTask] = field(default_factory=list)
    attempts: list[ContactAttempt] = field(default_factory=list)
    vin_tasks: dict[str, list[tuple[PastTask, datetime | None]]] = field(default_factory=dict)
    busy_until: dict[str, datetime | None] = field(default_factory=dict)  # customer -> end of their last run
    lost_at: dict[str, datetime] = field(default_factory=dict)  # VIN -> when its owner said moved or sold
    every_car_every_week: bool = False  # no watching: slow, for tests of the watching

    def __post_init__(self) -> None:
        self.vins_of: dict[str, list[str]] = defaultdict(list)
        for vin, h in self.fleet.items():
            self.vins_of[h.customer.customer_no].append(vin)
        self.zone = self.dealership.dealer.zone
        names = {o.op_code: (o.name_zh, o.name_en) for o in self.dealership.operations}
        # no campaigns: they go out in planned batches, never from the weekly run (and the
        # campaign rule is the costliest to evaluate)
        self.ctx = RuleContext((), self.policy.remind_days_ahead, op_names=names)
        self.desk_open = cache(DealerCalendar(self.dealership.dealer).is_open)
        cutoff = datetime.combine(self.today, time(0), tzinfo=self.zone)
        self.desk = Desk(self.policy, self.desk_open, self.zone, cutoff, self.rng)
        self.order = {vin: i for i, vin in enumerate(self.fleet)}
        self.origins: list[date] = []
        self.before = 0  # tasks handled before the replayed weeks
        self.due: dict[date, set[str]] = defaultdict(set)  # Monday -> cars to look at again then

    def run(self, origins: Sequence[date]) -> None:
        """Replay the Mondays in order; the first looks at every car."""
        self.origins = sorted(origins)
        for i, w in enumerate(self.origins):
            everyone = i == 0 or self.every_car_every_week
            self.origin(w, list(self.fleet) if everyone else sorted(self.due.pop(w, ()), key=self.order.__getitem__),
                        warm_start=i == 0)

    def look_again(self, vin: str, day: date | None) -> None:
        """Look at the car again on the first Monday on or after `day`."""
        if day is None:
            return
        i = bisect.bisect_left(self.origins, day)
        if i < len(self.origins):
            self.due[self.origins[i]].add(vin)

    def past_tasks(self, vin: str, moment: datetime) -> tuple[PastTask, ...]:
        """The car's tasks made so far, each with its status as of `moment`."""
        made = self.vin_tasks.get(vin)
        if not made:
            return ()
        return tuple(t if resolved is not None and resolved < moment else replace(t, status=TaskStatus.OPEN)
                     for t, resolved in made)

    def booked_ahead(self, customer_no: str, moment: datetime) -> bool:
        """The customer had booked already, for any of their cars."""
        return any(self.fleet[vin].booked_ahead(moment) for vin in self.vins_of[customer_no])

    def busy(self, customer_no: str, moment: datetime) -> bool:
        """A task of the customer's is still being worked."""
        if customer_no not in self.busy_until:
            return False
        until = self.busy_until[customer_no]
        return until is None or until >= moment

    def origin(self, w: date, vins: Iterable[str], warm_start: bool = False) -> None:
        """One Monday: the rules look at the cars, their open reminders become tasks, and
        the desk works them. On the first Monday (`warm_start`) reminders that opened more
        than a week before were handled before the replayed weeks: they are stored as
        closed tasks made the Monday before, with no attempts (conversion is learned from
        attempted tasks only), so the desk starts in its steady state, not with a backlog
        of every reminder still open."""
        moment = datetime.combine(w, time(0), tzinfo=self.zone)
        found: dict[str, list[tuple[VehicleFacts, Reminder]]] = defaultdict(list)
        for vin in vins:
            h = self.fleet[vin]
            f = h.facts(w, self.past_tasks(vin, moment), vin in self.lost_at and self.lost_at[vin] < moment)
            current = [r for r in reminders(f, w, self.ctx) if r.rule is not OutreachRule.CAMPAIGN]
            # the same filter as `open_reminders` (campaigns aside: they go out in planned batches)
            fresh = [r for r in current if r.open_on(w) and f.has_task(r.rule, r.anchor, r.campaign_code) is None]
            # The rules' answer changes only with what they read (see `next_event`), or on the
            # day a reminder opens or expires (the declined-repair rule then moves on to the
            # next item). A new task only ever hides a reminder (the rules skip one a task has
            # taken; a booked first warranty invitation ends the second), so it needs no look.
            changes = [r.remind_on if r.remind_on > w else r.expires_on + timedelta(days=1) for r in current]
            self.look_again(vin, min((d for d in (*changes, h.next_event(w)) if d is not None), default=None))
            if warm_start:
                for r in [r for r in fresh if r.remind_on < w - timedelta(days=7)]:
                    self.handled_before(w - timedelta(days=7), h.customer.customer_no, vin, r)
                    fresh.remove(r)
            if fresh:
                found[h.customer.customer_no] += [(f, r) for r in fresh]
        runs = []
        for c, rs in found.items():
            if self.busy(c, moment) or self.booked_ahead(c, moment):
                for f, _ in rs:  # the reminders stay open: look again next Monday
                    self.look_again(f.vehicle.vin, w + timedelta(days=1))
            else:
                runs.append((c, rs))
        runs.sort(key=lambda cr: (*_rank(_main(cr[1])[1]), cr[0]))
        days = [w + timedelta(days=i) for i in range(7) if self.desk_open(w + timedelta(days=i))] or [w]
        # R28: the desk works no more runs than its calls allow (about two calls a run);
        # the rest stay open and come up again next Monday, most urgent first
        room = self.policy.calls_per_day * len(days) // CALLS_PER_RUN
        for _, rs in runs[room:]:
            for f, _ in rs:
                self.look_again(f.vehicle.vin, w + timedelta(days=1))
        runs = runs[:room]
        made = datetime.combine(w, TASKS_MADE_AT, tzinfo=self.zone)
        number = 0
        for k, (customer_no, rs) in enumerate(runs):
            main_f, main_r = _main(rs)
            ordered = [(main_f, main_r), *((f, r) for f, r in rs if r is not main_r)]
            numbers = [f"OT{w:%y%m%d}-{number + i + 1:04d}" for i in range(len(ordered))]
            number += len(ordered)
            h = self.fleet[main_f.vehicle.vin]
            no_return = h.came_in(moment, self.desk.cutoff) is None
            may_be_lost = main_r.rule in (OutreachRule.DORMANT, OutreachRule.LOST) and no_return
            worked = self.desk.work(numbers[0], h, moment, made, days[k * len(days) // len(runs)],
                                    _plan_drawer(self.rng, may_be_lost))
            self.record(customer_no, ordered, numbers, worked)

    def handled_before(self, day: date, customer_no: str, vin: str, r: Reminder) -> None:
        """A reminder dealt with before the replayed weeks: a closed task, no attempts."""
        self.before += 1
        task_no = f"OT{day:%y%m%d}-{self.before:04d}"
        self.tasks.append(OutreachTask(task_no, customer_no, vin, r.rule, r.due_date, r.remind_on, r.priority,
                                       Channel.PHONE, TaskStatus.CLOSED, r.campaign_code, None, reason_json(r),
                                       anchor=r.anchor))
        closed = datetime.combine(day, TASKS_MADE_AT, tzinfo=self.zone)
        self.vin_tasks.setdefault(vin, []).append((PastTask(task_no, r.rule, r.anchor, TaskStatus.CLOSED,
                                                            r.campaign_code), closed))

    def record(self, customer_no: str, ordered: Sequence[tuple[VehicleFacts, Reminder]], numbers: Sequence[str],
               worked: Worked) -> None:
        """Store the run's tasks (all sharing the main task's fate) and the main task's attempts."""
        for (f, r), task_no in zip(ordered, numbers, strict=True):
            vin = f.vehicle.vin
            self.tasks.append(OutreachTask(
                task_no, customer_no, vin, r.rule, r.due_date, r.remind_on, r.priority, worked.channel,
                worked.status, r.campaign_code, None, reason_json(r), worked.next_contact_on, worked.appointment_no,
                r.anchor))
            past = PastTask(task_no, r.rule, r.anchor, worked.status, r.campaign_code)
            self.vin_tasks.setdefault(vin, []).append((past, worked.resolved_at))
        self.attempts += worked.attempts
        self.busy_until[customer_no] = worked.resolved_at
        if worked.lost_reason is not None and worked.lost_reason.final and worked.resolved_at is not None:
            self.lost_at[ordered[0][0].vehicle.vin] = worked.resolved_at  # no more reminders for the car


def _rank(r: Reminder) -> tuple[int, date]:
    return r.priority, r.due_date


def _main(rs: Sequence[tuple[VehicleFacts, Reminder]]) -> tuple[VehicleFacts, Reminder]:
    """The reminder the call is about: the most urgent, then the earliest due."""
    return min(rs, key=lambda fr: _rank(fr[1]))


def outreach_history(dealership: Dealership, history: ServiceHistory, waits: Iterable[WalkInWait], today: date,
                     rng: np.random.Generator, weeks: int = 12, *,
                     schedules: Iterable[MaintenanceSchedule] = DEMO_SCHEDULES,
                     policy: ContactPolicy = DEFAULT_POLICY,
                     booked: Iterable[Appointment] = ()) -> tuple[list[OutreachTask], list[ContactAttempt]]:
    """The tasks and contact attempts of the last `weeks` weeks (see the module docstring);
    `booked` adds appointments beyond the history (the book ahead) that customers made."""
    with _no_cyclic_gc():
        fleet = fleet_histories(dealership, history, {s.model: s for s in schedules}, waits, booked)
        replay = Replay(dealership, fleet, today, rng, policy)
        replay.run(mondays(today, weeks))
        replay.attempts.sort(key=lambda a: (a.at, a.task_no))
    return replay.tasks, replay.attempts


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the replay makes a few million short-lived
    objects (and no cycles) on top of the large heap of the history, which the collector
    would otherwise rescan again and again (a fifth of the replay's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = ["DEMO_SCHEDULES", "created_on", "fleet_histories", "mondays", "outreach_history"]
