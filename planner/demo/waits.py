"""How long the demo's walk-in customers waited at reception (R30), reconstructed from
the history.

Each open day's reception is replayed as a queue: customers arrive when their repair
order opens (local time); the advisors on duty that day (roster, lunch and leave, as the
history generator staffed them) receive them. A customer with an appointment has a slot,
so the next advisor to come free takes them ahead of the queue (about 6 minutes); walk-ins
wait first come, first served, each reception taking about 12 minutes (log-normal, sd
40%). When six or more walk-ins are waiting, the service manager opens an extra desk (as
real receptions do on a rush; without it a surge day after a long holiday, with an
advisor on leave, would queue for five hours). The wait is the start of the reception
minus the arrival. Whether the customer complained is drawn with a probability that
rises with the wait.

Every walk-in of the replayed days gets a record, including those who waited 0 minutes:
the average wait and the share of long waits need the short ones too.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

import numpy as np

from planner.demo.history import Staffing
from planner.domain import DealerCalendar, Dealership, RepairOrder, ServiceHistory, TimeRange
from planner.domain.outreach import WalkInWait

APPOINTMENT_RECEPTION_MINUTES = 6.0  # the advisor has the booking's details ready
WALK_IN_RECEPTION_MINUTES = 12.0  # mean: questions, a walk-round, the repair order
WALK_IN_RECEPTION_SD = 0.4  # relative
HELP_FROM = 6  # walk-ins waiting before the service manager opens an extra desk
COMPLAINT_RATE = ((20, 0.02), (30, 0.06), (45, 0.15))  # (waited under this many minutes, chance)
COMPLAINT_RATE_LONG = 0.5  # 45 minutes or more

Periods = list[tuple[float, float]]  # working periods of an advisor, minutes after midnight


@dataclass(frozen=True)
class Arrival:
    minute: float  # after local midnight
    ro_number: str
    walk_in: bool


def _minutes(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def _available(periods: Periods, at: float) -> float:
    """The first moment from `at` on when the advisor is at the desk; after the last
    period the advisor stays on until the queue is cleared."""
    for start, end in periods:
        if at < end:
            return max(at, start)
    return at


def _advisor_periods(dealership: Dealership, staffing: Staffing, calendar: DealerCalendar, day: date) -> list[Periods]:
    """Working periods of each advisor on duty; one called in on a day nobody is
    rostered works the opening hours."""
    by_code = {a.code: a for a in dealership.advisors}
    opening = calendar.hours_on(day) or TimeRange(time(8, 30), time(18, 0))
    out = []
    for code in staffing.advisors(day):
        periods = by_code[code].working_periods_on(day) or (opening,)
        out.append([(_minutes(p.start), _minutes(p.end)) for p in periods])
    return out or [[(_minutes(opening.start), _minutes(opening.end))]]  # a dealer without advisors


def reception_queue(arrivals: Sequence[Arrival], advisors: list[Periods], durations: Sequence[float],
                    helper: Periods | None = None, help_from: int = 1) -> list[float]:
    """Minutes each walk-in waited (in the order of `arrivals`' walk-ins), given the
    advisors' working periods and each walk-in's reception time (same order).

    `helper` is an extra desk (the service manager) that receives walk-ins only while at
    least `help_from` of them are waiting."""
    desks = [*advisors, helper] if helper is not None else list(advisors)
    free = [_available(p, 0.0) for p in desks]
    queue: deque[tuple[float, int]] = deque()  # (arrival minute, walk-in index)
    waited: list[float] = [0.0] * sum(a.walk_in for a in arrivals)

    def first_free(at: float, n: int) -> tuple[int, float]:
        """The desk (among the first `n`) that can start soonest from `at`, and when."""
        starts = [_available(desks[i], max(free[i], at)) for i in range(n)]
        i = min(range(n), key=starts.__getitem__)
        return i, starts[i]

    def serve_before(limit: float) -> None:
        """Start the queued walk-ins whose reception begins before `limit`."""
        while queue:
            head, k = queue[0]
            i, start = first_free(head, len(desks) if len(queue) >= help_from else len(advisors))
            if start >= limit:
                return
            queue.popleft()
            waited[k] = start - head
            free[i] = start + durations[k]

    walk_ins = 0
    for a in arrivals:
        serve_before(a.minute)
        if a.walk_in:
            queue.append((a.minute, walk_ins))
            walk_ins += 1
        else:  # the next advisor to come free receives the booked customer, ahead of the queue
            i, start = first_free(a.minute, len(advisors))
            free[i] = start + APPOINTMENT_RECEPTION_MINUTES
    serve_before(math.inf)
    return waited


def complaint_chance(waited: np.ndarray) -> np.ndarray:
    """The chance a walk-in complains about the queue, rising with the wait."""
    chance = np.full(waited.shape, COMPLAINT_RATE_LONG)
    for limit, p in reversed(COMPLAINT_RATE):
        chance = np.where(waited < limit, p, chance)
    return chance


def walk_in_waits(dealership: Dealership, history: ServiceHistory, today: date, rng: np.random.Generator,
                  days: int = 365) -> list[WalkInWait]:
    """Waits of every walk-in in the `days` days before `today` (see the module docstring)."""
    zone = dealership.dealer.zone
    calendar = DealerCalendar(dealership.dealer)
    staffing = Staffing(dealership)
    first = today - timedelta(days=days)
    by_day: dict[date, list[RepairOrder]] = defaultdict(list)
    for ro in history.repair_orders:
        day = ro.opened_at.astimezone(zone).date()
        if first <= day < today:
            by_day[day].append(ro)
    sigma = math.sqrt(math.log(1 + WALK_IN_RECEPTION_SD ** 2))
    numbers: list[str] = []
    waited: list[float] = []
    for day in sorted(by_day):
        orders = sorted(by_day[day], key=lambda r: (r.opened_at, r.ro_number))
        local = [r.opened_at.astimezone(zone) for r in orders]
        arrivals = [Arrival(_minutes(t.time()), r.ro_number, not r.from_appointment)
                    for r, t in zip(orders, local, strict=True)]
        n = sum(a.walk_in for a in arrivals)
        if not n:
            continue
        durations = rng.lognormal(math.log(WALK_IN_RECEPTION_MINUTES) - sigma ** 2 / 2, sigma, n)
        opening = calendar.hours_on(day) or TimeRange(time(8, 30), time(18, 0))
        waited += reception_queue(arrivals, _advisor_periods(dealership, staffing, calendar, day), list(durations),
                                  [(_minutes(opening.start), _minutes(opening.end))], HELP_FROM)
        numbers += [a.ro_number for a in arrivals if a.walk_in]
    minutes = np.floor(np.asarray(waited, dtype=float) + 1e-9).astype(int)
    complained = rng.random(len(minutes)) < complaint_chance(minutes.astype(float))
    return [WalkInWait(ro, int(m), bool(c)) for ro, m, c in zip(numbers, minutes, complained, strict=True)]


__all__ = ["complaint_chance", "reception_queue", "walk_in_waits"]
