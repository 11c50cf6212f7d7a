"""Peaks and valleys: forecast labour demand against the roster's capacity, hour by hour.

- **Capacity** of an hour: the standard hours the technicians at work in that hour can
  produce (minutes present × efficiency), but never more than the bays in service allow:
  each bay hosts one technician-hour an hour, and when a share s of the work needs bays
  of one type (say 12% needs an EV bay) and n such bays are in service, the workshop can
  absorb at most n / s hours of work an hour before those bays are the bottleneck.
- **Demand** of an hour: the labour the forecast arrivals of that hour bring (hours per
  arrival from the recent weeks, walk-ins and appointments apiece).
- **Load ratio** of an arrival hour = its demand / the capacity of the hours that work is
  done in: `WORK_SPREAD` of a job falls in its arrival hour, the next and the one after
  (weights renormalised at closing time). So it answers the agent's question "if a car
  arrives at this hour, can the workshop take its work?": the morning rush is a peak,
  lunch and late afternoon are valleys. A day's load ratio is the day's labour over the
  day's capacity. Labels:
  peak when load >= PEAK_AT (0.85: the workshop is at or past what it can do without
  overtime or waiting), valley when load < VALLEY_BELOW (0.55: people idle unless more
  work is booked), normal in between. Daily labels use the day's totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import numpy as np

from planner.domain import BayType, DealerCalendar, Dealership
from planner.forecast.series import DAILY

PEAK_AT = 0.85
VALLEY_BELOW = 0.55
WORK_SPREAD = (0.3, 0.5, 0.2)  # share of an arrival's labour worked 0, 1 and 2 hours after it arrives
MIX_WEEKS = 12
MIX_SHRINKAGE = 30.0  # prior weight, in arrivals, of the overall appointment share


class LoadLabel(StrEnum):
    PEAK = "peak"
    NORMAL = "normal"
    VALLEY = "valley"


def label_of(load: float) -> LoadLabel:
    if load >= PEAK_AT:
        return LoadLabel.PEAK
    if load < VALLEY_BELOW:
        return LoadLabel.VALLEY
    return LoadLabel.NORMAL


@dataclass(frozen=True)
class IntakeMix:
    """How arrivals split into walk-ins and appointments, and the labour each brings."""

    appointment_share: np.ndarray  # 7 weekdays × hours
    hours_per_walk_in: float
    hours_per_appointment: float


def estimate_mix(records: Sequence[tuple[datetime, bool, float]], hours: tuple[int, ...], until: date,
                 weeks: int = MIX_WEEKS) -> IntakeMix:
    """The mix over the `weeks` before `until`, from (local arrival, booked?, labour hours).

    Each weekday × hour's appointment share is shrunk towards the overall share, so a
    quiet hour with three arrivals does not swing it.
    """
    since = until - timedelta(weeks=weeks)
    recent = [(ts, booked, h) for ts, booked, h in records if since <= ts.date() < until]
    booked_n = np.zeros((7, len(hours)))
    total_n = np.zeros((7, len(hours)))
    col = {h: i for i, h in enumerate(hours)}
    for ts, booked, _ in recent:
        i = 0 if hours == DAILY else col.get(ts.hour)
        if i is None:
            continue
        total_n[ts.weekday(), i] += 1
        booked_n[ts.weekday(), i] += booked
    overall = booked_n.sum() / max(total_n.sum(), 1.0)
    share = (booked_n + MIX_SHRINKAGE * overall) / (total_n + MIX_SHRINKAGE)
    walk = [h for _, booked, h in recent if not booked]
    appt = [h for _, booked, h in recent if booked]
    fallback = float(np.mean([h for *_, h in recent])) if recent else 1.0
    return IntakeMix(share, float(np.mean(walk)) if walk else fallback, float(np.mean(appt)) if appt else fallback)


def bay_type_shares(dealership: Dealership, hours_by_op: dict[str, float]) -> dict[BayType, float]:
    """Share of recent labour that needs each bay type (operations no longer in the
    catalogue are left out)."""
    by_type: dict[BayType, float] = {}
    for op in dealership.operations:
        if hours_by_op.get(op.op_code):
            by_type[op.bay_type] = by_type.get(op.bay_type, 0.0) + hours_by_op[op.op_code]
    total = sum(by_type.values())
    return {k: v / total for k, v in by_type.items()} if total else {}


def hourly_capacity(dealership: Dealership, calendar: DealerCalendar, start: date, n_days: int,
                    hours: tuple[int, ...], bay_shares: dict[BayType, float] | None = None) -> np.ndarray:
    """Standard labour hours the workshop can produce per day × hour (or per day when DAILY):
    technicians' minutes at work × efficiency, capped by the bays in service (a bay hosts
    one technician-hour an hour) and, given the work's mix of bay types, by the type of
    bay that runs out first."""
    cols = tuple(range(24)) if hours == DAILY else hours
    out = np.zeros((n_days, len(cols)))
    for d in range(n_days):
        day = start + timedelta(days=d)
        if not calendar.is_open(day):
            continue
        in_service = [b for b in dealership.bays if b.in_service_on(day)]
        bays = float(len(in_service))
        for bay_type, share in (bay_shares or {}).items():
            if share > 0:
                bays = min(bays, sum(1 for b in in_service if b.bay_type is bay_type) / share)
        for tech in dealership.technicians:
            for period in tech.working_periods_on(day):
                p0 = period.start.hour * 60 + period.start.minute
                p1 = period.end.hour * 60 + period.end.minute
                for i, h in enumerate(cols):
                    overlap = min(p1, (h + 1) * 60) - max(p0, h * 60)
                    if overlap > 0:
                        out[d, i] += overlap / 60 * tech.efficiency
        out[d] = np.minimum(out[d], bays)
    return out.sum(axis=1, keepdims=True) if hours == DAILY else out


def capacity_for_arrivals(capacity: np.ndarray, open_mask: np.ndarray) -> np.ndarray:
    """Capacity that the work of each arrival hour is done with (WORK_SPREAD over the
    arrival hour and the next two open hours of the same day)."""
    out = np.zeros_like(capacity)
    for d in range(capacity.shape[0]):
        open_cols = np.flatnonzero(open_mask[d])
        for i in open_cols:
            later = [j for j in open_cols if j >= i][: len(WORK_SPREAD)]
            weights = np.array(WORK_SPREAD[: len(later)])
            out[d, i] = float(np.dot(weights / weights.sum(), capacity[d, later]))
    return out
