"""Independent checker: does a set of bookings keep every hard rule of the workshop?

This is the trust anchor for the slot solver: every plan the solver returns is checked
here. It deliberately shares no code with the solver and is written to be obviously
correct rather than fast: times are turned into the dealer's local wall-clock time and
walked minute by minute where that is the clearest way to state a rule.

Each rule is one function below, named after the rule, whose docstring states it. A
booking's day is the local date of its arrival.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from planner.domain.calendar import DealerCalendar
from planner.domain.dealership import Dealership
from planner.domain.jobs import Booking, ScheduledJob, WalkInReserve
from planner.domain.values import Lang, TimeRange
from planner.domain.workforce import Technician
from planner.i18n import tr

MINUTES_PER_DAY = 24 * 60
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: which rule, the booking at fault and what exactly is wrong."""

    rule: str
    booking_id: str
    detail: str  # English, naming the technician, bay, part or time

    def message(self, lang: Lang | str = Lang.EN) -> str:
        """The violation for a user, in `lang` (the detail stays as written, in English)."""
        return tr(f"checker.{self.rule}", lang, booking=self.booking_id, detail=self.detail)


# -- local time helpers -------------------------------------------------------------------
def _minute_of_day(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _range_minutes(period: TimeRange) -> range:
    """The minutes of the day inside a period: [start, end)."""
    return range(period.start.hour * 60 + period.start.minute, period.end.hour * 60 + period.end.minute)


def _at_minute(day: date, minute: int) -> datetime:
    """Local wall-clock time `minute` minutes after midnight of `day` (1440 is next midnight)."""
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def _whole_minute(moment: datetime) -> bool:
    return moment.second == 0 and moment.microsecond == 0


def _fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M" if _whole_minute(moment) else "%Y-%m-%d %H:%M:%S")


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _periods(periods: tuple[TimeRange, ...]) -> str:
    return ", ".join(str(p) for p in periods) or "none"


def _minutes_within(day: date, start: datetime, end: datetime) -> range:
    """Minutes m of `day` with start <= (midnight + m) < end, for naive local times."""
    midnight = datetime.combine(day, time())
    first = -((midnight - start) // _MINUTE)  # ceiling division: first whole minute at or after start
    stop = -((midnight - end) // _MINUTE)  # ceiling division: minutes strictly before end
    return range(max(first, 0), min(stop, MINUTES_PER_DAY))


class PlanContext:
    """The bookings to check, the dealership's look-ups and the dealer's local time."""

    def __init__(
        self, dealership: Dealership, bookings: Sequence[Booking], today: date, reserve: WalkInReserve | None
    ) -> None:
        self.dealership = dealership
        self.bookings = tuple(bookings)
        self.today = today
        self.reserve = reserve
        self.zone = dealership.dealer.zone
        self.grid = dealership.dealer.booking_grid_minutes
        self.calendar = DealerCalendar(dealership.dealer)
        self.technicians = {t.code: t for t in dealership.technicians}
        self.bays = {b.code: b for b in dealership.bays}
        self.parts = {p.part_number: p for p in dealership.parts}
        self._working: dict[tuple[str, date], list[bool]] = {}

    def local(self, moment: datetime) -> datetime:
        """The moment as naive wall-clock time at the dealer."""
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def day_of(self, booking: Booking) -> date:
        """The booking's local day: its arrival's local date."""
        return self.local(booking.arrival).date()

    def jobs(self) -> Iterator[tuple[Booking, int, ScheduledJob]]:
        """Every job of every booking, with its 1-based position in the booking."""
        for booking in self.bookings:
            for n, job in enumerate(booking.jobs, 1):
                yield booking, n, job

    def working_minutes(self, tech: Technician, day: date) -> list[bool]:
        """working[m] is True when the technician is at work in minute m of the day."""
        key = (tech.code, day)
        if key not in self._working:
            working = [False] * MINUTES_PER_DAY
            for period in tech.working_periods_on(day):
                for m in _range_minutes(period):
                    working[m] = True
            self._working[key] = working
        return self._working[key]


def _work_end(working: list[bool], first: int, needed: int) -> int | None:
    """The minute at which `needed` working minutes counted from `first` are done, or None
    when the day's working time runs out first (a job pauses over non-working minutes)."""
    done = 0
    for m in range(first, MINUTES_PER_DAY):
        if working[m]:
            done += 1
            if done >= needed:
                return m + 1
    return None


# -- the rules ----------------------------------------------------------------------------
def opening_hours(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: arrival on the grid within an open day's opening hours; every job ends that day by closing."""
    for b in ctx.bookings:
        arrival = ctx.local(b.arrival)
        day = arrival.date()
        hours = ctx.calendar.hours_on(day)
        if hours is None:
            yield Violation("opening_hours", b.booking_id, f"the dealer is closed on {day} (arrival {_fmt(arrival)})")
            continue
        if not _whole_minute(arrival) or _minute_of_day(arrival) % ctx.grid:
            yield Violation(
                "opening_hours", b.booking_id,
                f"arrival {_fmt(arrival)} is not on the {ctx.grid}-minute booking grid",
            )
        opens, closes = datetime.combine(day, hours.start), datetime.combine(day, hours.end)
        if not opens <= arrival < closes:
            yield Violation("opening_hours", b.booking_id, f"arrival {_fmt(arrival)} is outside opening hours {hours}")
        for n, job in enumerate(b.jobs, 1):
            start, end = ctx.local(job.start), ctx.local(job.end)
            if start.date() != day or end.date() != day:
                yield Violation(
                    "opening_hours", b.booking_id,
                    f"job {n} ({_fmt(start)} to {_fmt(end)}) is not within the arrival day {day}",
                )
            elif end > closes:
                yield Violation(
                    "opening_hours", b.booking_id,
                    f"job {n} ends at {_fmt(end)}, after closing time {hours.end:%H:%M}",
                )


def job_sequence(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: one job per requested job, in order; job 1 starts at arrival, each next at or after the last ends."""
    for b in ctx.bookings:
        if tuple(j.spec for j in b.jobs) != b.request.jobs:
            yield Violation(
                "job_sequence", b.booking_id,
                f"{len(b.jobs)} scheduled jobs do not match the {len(b.request.jobs)} jobs of the request",
            )
            continue
        first = b.jobs[0]
        if first.start != b.arrival:
            yield Violation(
                "job_sequence", b.booking_id,
                f"job 1 starts at {_fmt(ctx.local(first.start))}, not at arrival {_fmt(ctx.local(b.arrival))}",
            )
        for n, (prev, nxt) in enumerate(pairwise(b.jobs), 2):
            if nxt.start < prev.end:
                yield Violation(
                    "job_sequence", b.booking_id,
                    f"job {n} starts at {_fmt(ctx.local(nxt.start))}, before job {n - 1} ends "
                    f"at {_fmt(ctx.local(prev.end))}",
                )


def technician_skill(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: a job's technician exists and has the job's skill."""
    for b, n, job in ctx.jobs():
        tech = ctx.technicians.get(job.technician)
        if tech is None:
            yield Violation("technician_skill", b.booking_id, f"job {n}: unknown technician '{job.technician}'")
        elif not tech.has_skill(job.spec.skill):
            yield Violation(
                "technician_skill", b.booking_id,
                f"job {n}: technician {tech.code} ({tech.name}) lacks the skill {job.spec.skill.value}",
            )


def technician_presence(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: a job starts at work and ends when its technician's job_minutes of working time are done."""
    # The job pauses over breaks and absences; if the day's working time runs out first it does not fit.
    for b, n, job in ctx.jobs():
        tech = ctx.technicians.get(job.technician)
        if tech is None:
            continue  # reported by technician_skill
        start, end = ctx.local(job.start), ctx.local(job.end)
        if not (_whole_minute(start) and _whole_minute(end)):
            yield Violation(
                "technician_presence", b.booking_id,
                f"job {n} ({_fmt(start)} to {_fmt(end)}) does not start and end on whole minutes",
            )
            continue
        day = start.date()
        periods = tech.working_periods_on(day)
        working = ctx.working_minutes(tech, day)
        first = _minute_of_day(start)
        if not working[first]:
            yield Violation(
                "technician_presence", b.booking_id,
                f"job {n} starts at {_fmt(start)} when technician {tech.code} is not at work "
                f"(working periods on {day}: {_periods(periods)})",
            )
            continue
        needed = tech.job_minutes(job.spec.standard_hours)
        done_at = _work_end(working, first, needed)
        if done_at is None:
            yield Violation(
                "technician_presence", b.booking_id,
                f"job {n} needs {needed} min of technician {tech.code} from {_fmt(start)}, "
                f"more than the working time left on {day} ({_periods(periods)})",
            )
        elif end != _at_minute(day, done_at):
            yield Violation(
                "technician_presence", b.booking_id,
                f"job {n} ends at {_fmt(end)}, but {needed} min of technician {tech.code}'s working time "
                f"from {_fmt(start)} end at {_fmt(_at_minute(day, done_at))}",
            )


def _double_bookings(
    ctx: PlanContext, rule: str, what: str, resource_of: Callable[[ScheduledJob], str]
) -> Iterator[Violation]:
    """Pairs of jobs on one resource whose [start, end) intervals overlap; blames the later one."""
    by_resource: dict[str, list[tuple[Booking, int, ScheduledJob]]] = defaultdict(list)
    for b, n, job in ctx.jobs():
        by_resource[resource_of(job)].append((b, n, job))
    for code, items in sorted(by_resource.items()):
        items.sort(key=lambda item: (item[2].start, item[0].booking_id, item[1]))
        for i, (b1, n1, j1) in enumerate(items):
            for b2, n2, j2 in items[i + 1:]:
                if j1.start < j2.end and j2.start < j1.end:
                    yield Violation(
                        rule, b2.booking_id,
                        f"{what} {code}: job {n2} of booking {b2.booking_id} "
                        f"({_fmt(ctx.local(j2.start))} to {_fmt(ctx.local(j2.end))}) overlaps job {n1} "
                        f"of booking {b1.booking_id} ({_fmt(ctx.local(j1.start))} to {_fmt(ctx.local(j1.end))})",
                    )


def technician_overlap(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: one technician's jobs do not overlap in time."""
    yield from _double_bookings(ctx, "technician_overlap", "technician", lambda job: job.technician)


def bay_type_and_service(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: a job's bay exists, is of the job's bay type and is in service that day."""
    for b, n, job in ctx.jobs():
        bay = ctx.bays.get(job.bay)
        if bay is None:
            yield Violation("bay_type_and_service", b.booking_id, f"job {n}: unknown bay '{job.bay}'")
            continue
        if bay.bay_type != job.spec.bay_type:
            yield Violation(
                "bay_type_and_service", b.booking_id,
                f"job {n} needs a {job.spec.bay_type.value} bay, but bay {bay.code} is {bay.bay_type.value}",
            )
        day = ctx.local(job.start).date()
        if not bay.in_service_on(day):
            yield Violation("bay_type_and_service", b.booking_id, f"job {n}: bay {bay.code} is out of service on {day}")


def bay_overlap(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: jobs on one bay do not overlap in time."""
    yield from _double_bookings(ctx, "bay_overlap", "bay", lambda job: job.bay)


def advisor_reception(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: arrivals per grid slot are at most the reception capacity of the advisors at the desk."""
    arrivals: dict[tuple[date, int], list[Booking]] = defaultdict(list)
    for b in ctx.bookings:
        local = ctx.local(b.arrival)
        minute = _minute_of_day(local)
        arrivals[(local.date(), minute - minute % ctx.grid)].append(b)
    for (day, slot), booked in sorted(arrivals.items(), key=lambda item: item[0]):
        slot_start = time(slot // 60, slot % 60)
        at_desk = [
            a for a in ctx.dealership.advisors if any(p.contains(slot_start) for p in a.working_periods_on(day))
        ]
        capacity = sum(a.reception_capacity for a in at_desk)
        if len(booked) > capacity:
            booked.sort(key=lambda b: (b.arrival, b.booking_id))
            yield Violation(
                "advisor_reception", booked[capacity].booking_id,
                f"{len(booked)} arrivals in the slot {day} {_hhmm(slot)} "
                f"({', '.join(b.booking_id for b in booked)}), but the advisors at the desk "
                f"({', '.join(a.code for a in at_desk) or 'none'}) can receive {capacity}",
            )


def parts_stock(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: for each part and day D from today, the parts needed by bookings from today to D are available by D."""
    needed: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    users: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for b in ctx.bookings:
        day = ctx.day_of(b)
        if day < ctx.today:
            continue  # already served or in the past: no longer draws on stock
        for req in b.request.parts:
            if req.part_number not in ctx.parts:
                yield Violation("parts_stock", b.booking_id, f"unknown part '{req.part_number}'")
                continue
            needed[req.part_number][day] += req.quantity
            users[req.part_number].append((day, b.booking_id))
    for number, by_day in sorted(needed.items()):
        part = ctx.parts[number]
        total = 0
        day = ctx.today
        while day <= max(by_day):
            total += by_day.get(day, 0)
            available = part.available_by(day)
            if total > available:
                blamed = max(u for u in users[number] if u[0] <= day)[1]
                yield Violation(
                    "parts_stock", blamed,
                    f"part {number} ({part.name_en}): bookings from {ctx.today} to {day} need {total}, "
                    f"but only {available} are available by {day} (on hand {part.stock_on_hand} "
                    f"plus orders due by then)",
                )
                break  # the first failing day is enough
            day += timedelta(days=1)


def walk_in_reserve(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: at each minute, the jobs being worked are at most the technicians at work minus the walk-in reserve."""
    if ctx.reserve is None:
        return
    days = sorted({ctx.local(job.start).date() for _, _, job in ctx.jobs()})
    for day in days:
        at_work = [0] * MINUTES_PER_DAY
        for tech in ctx.dealership.technicians:
            for m, working in enumerate(ctx.working_minutes(tech, day)):
                at_work[m] += working
        worked: list[list[Booking]] = [[] for _ in range(MINUTES_PER_DAY)]
        for b, _, job in ctx.jobs():
            worker = ctx.technicians.get(job.technician)
            if worker is None:
                continue  # reported by technician_skill; an unknown technician is never at work
            working_minutes = ctx.working_minutes(worker, day)
            for m in _minutes_within(day, ctx.local(job.start), ctx.local(job.end)):
                if working_minutes[m]:  # a job paused over a break takes no one
                    worked[m].append(b)
        failed_hours: set[int] = set()
        for m in range(MINUTES_PER_DAY):
            reserve = ctx.reserve.at(day, m // 60)
            limit = at_work[m] - reserve
            # an hour whose reserve exceeds the staff is no booking's fault unless work is booked in it
            if worked[m] and len(worked[m]) > limit and m // 60 not in failed_hours:
                failed_hours.add(m // 60)
                blamed = max(worked[m], key=lambda b: (b.arrival, b.booking_id))
                yield Violation(
                    "walk_in_reserve", blamed.booking_id,
                    f"at {day} {_hhmm(m)}, {len(worked[m])} jobs are worked ("
                    f"{', '.join(sorted({b.booking_id for b in worked[m]}))}) but only {at_work[m]} technicians "
                    f"are at work and {reserve} are kept for walk-ins",
                )


def booking_ids_unique(ctx: PlanContext) -> Iterator[Violation]:
    """Hard: no two bookings share a booking id."""
    for booking_id, n in sorted(Counter(b.booking_id for b in ctx.bookings).items()):
        if n > 1:
            yield Violation("booking_ids_unique", booking_id, f"{n} bookings have the id '{booking_id}'")


RULES: dict[str, Callable[[PlanContext], Iterator[Violation]]] = {
    rule.__name__: rule
    for rule in (
        booking_ids_unique,
        opening_hours,
        job_sequence,
        technician_skill,
        technician_presence,
        technician_overlap,
        bay_type_and_service,
        bay_overlap,
        advisor_reception,
        parts_stock,
        walk_in_reserve,
    )
}


def check_plan(
    dealership: Dealership,
    bookings: Sequence[Booking],
    *,
    today: date,
    reserve: WalkInReserve | None = None,
) -> list[Violation]:
    """Every hard rule the bookings break together (empty when the plan is valid).

    `bookings` is the complete set of active bookings; parts stock counts those from
    `today` on; the walk-in reserve is checked only when given.
    """
    ctx = PlanContext(dealership, bookings, today, reserve)
    return [violation for rule in RULES.values() for violation in rule(ctx)]
