"""What a policy's run is judged by (pure: visits and technician logs in, numbers out).

Customer measures cover the customers whose wished day falls in the measured weeks
(bookings that are never kept are counted only as no-shows); workshop measures cover the
measured days themselves.
- reception wait: arrival to the advisor (every arrival, booked or not), minutes;
- turnaround: first arrival to the car done, hours (served customers);
- peak-to-mean hourly arrivals: the busiest open hour's arrivals (and the 95th
  percentile hour's) over the mean open hour: how peaky the intake is;
- daily load spread: coefficient of variation of the standard hours taken into the
  workshop per open day (written up; a turned-away customer brings none);
- utilisation: technicians' busy time within their rostered time; overtime: work after
  the end of their shift, hours;
- turned away (at least once; lost = never served because of it), pushed (booked more
  than `pushed_days` after the wished day; not counted for customers the desk contacted
  in a campaign batch, who had no day of their own), no slot (asked, nothing suited,
  walked in), batched (contacted in a campaign batch),
  delayed by parts (the car waited for a part), no-shows (bookings not kept);
- incomplete calls: the planner's proposals whose time budget ran out (they depend on the
  machine's speed, so the planner's results do too).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np

from planner.sim.workshop import DAY, Outcome, TechDayLog, Visit


@dataclass(frozen=True)
class PolicyMeasures:
    policy: str
    customers: int
    booked: int
    walk_ins: int
    wait_mean_min: float
    wait_p90_min: float
    turnaround_mean_h: float
    turnaround_p90_h: float
    same_day_share: float
    peak_to_mean_hourly: float
    p95_to_mean_hourly: float
    daily_load_cv: float
    utilisation: float
    overtime_h: float
    turned_away: int
    lost: int
    pushed: int
    no_slot: int
    batched: int
    parts_delayed: int
    no_shows: int
    booking_calls: int
    incomplete_calls: int
    booking_ms_mean: float
    seconds: float

    def as_json(self) -> dict[str, float | int | str]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def outcome_counts(visits: list[Visit]) -> Counter[Outcome]:
    """Where every customer is at the end (conservation: the counts add up to everyone)."""
    return Counter(v.outcome for v in visits if v.outcome is not None)


def measure(policy: str, visits: list[Visit], tech_log: dict[tuple[str, int], TechDayLog], start: date,
            first: int, last: int, open_hours: dict[int, tuple[int, int]], pushed_days: int,
            booking_calls: int, booking_seconds: float, seconds: float, incomplete_calls: int = 0
            ) -> PolicyMeasures:
    """The measures over the day indexes `first` ≤ i < `last`; `open_hours` gives each open
    measured day's opening and closing minute."""
    within = [v for v in visits if first <= (v.need.day - start).days < last]
    cohort = [v for v in within if not v.need.no_show]
    arrivals = [v for v in cohort if v.arrivals]
    waits = [w for v in arrivals for w in v.waits]
    served = [v for v in cohort if v.outcome is Outcome.SERVED and v.done is not None]
    turnaround = [(v.done - v.arrivals[0]) / 60 for v in served if v.done is not None]
    same_day = [int(v.done // DAY) == int(v.arrivals[0] // DAY) for v in served if v.done is not None]
    hourly: Counter[tuple[int, int]] = Counter()
    daily_hours: dict[int, float] = {}
    for v in visits:
        for a in v.arrivals:
            index = int(a // DAY)
            if first <= index < last and index in open_hours:
                hourly[(index, int(a % DAY) // 60)] += 1
        if v.admitted is not None and (index := int(v.admitted // DAY)) in open_hours and first <= index < last:
            daily_hours[index] = daily_hours.get(index, 0.0) + v.need.work.standard_hours
    counts = [hourly.get((i, h), 0) for i, (a, b) in open_hours.items() if first <= i < last
              for h in range(a // 60, -(-b // 60))]
    mean_hour = _mean([float(c) for c in counts])
    loads = [daily_hours.get(i, 0.0) for i in open_hours if first <= i < last]
    logs = [log for (_, i), log in tech_log.items() if first <= i < last]
    rostered = sum(log.rostered for log in logs)
    return PolicyMeasures(
        policy=policy,
        customers=len(cohort),
        booked=sum(1 for v in cohort if v.booked is not None),
        walk_ins=sum(1 for v in cohort if v.booked is None),
        wait_mean_min=_mean(waits),
        wait_p90_min=_pct(waits, 90),
        turnaround_mean_h=_mean(turnaround),
        turnaround_p90_h=_pct(turnaround, 90),
        same_day_share=_mean([float(s) for s in same_day]),
        peak_to_mean_hourly=max(counts) / mean_hour if counts and mean_hour else 0.0,
        p95_to_mean_hourly=_pct([float(c) for c in counts], 95) / mean_hour if mean_hour else 0.0,
        daily_load_cv=float(np.std(loads) / np.mean(loads)) if loads and np.mean(loads) else 0.0,
        utilisation=sum(log.busy for log in logs) / rostered if rostered else 0.0,
        overtime_h=sum(log.overtime for log in logs) / 60,
        turned_away=sum(1 for v in cohort if v.turned_away),
        lost=sum(1 for v in cohort if v.outcome is Outcome.TURNED_AWAY),
        pushed=sum(1 for v in cohort if v.booked is not None and not v.batched
                   and (v.booked.day - v.need.day).days > pushed_days),
        no_slot=sum(1 for v in cohort if v.no_slot),
        batched=sum(1 for v in cohort if v.batched),
        parts_delayed=sum(1 for v in cohort if v.parts_delayed),
        no_shows=sum(1 for v in within if v.need.no_show and v.booked is not None),
        booking_calls=booking_calls,
        incomplete_calls=incomplete_calls,
        booking_ms_mean=booking_seconds / booking_calls * 1000 if booking_calls else 0.0,
        seconds=seconds,
    )
