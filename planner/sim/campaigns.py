"""Outreach batching where campaigns run (the planner policy only).

Under the other policies a campaign customer calls when they like, as after a mass
mailing. Under the planner, the desk contacts each running dealer campaign's customers
on the days the outreach batching plans (`planner.outreach.batching.plan_batches`, CP-SAT):
calls within the desk's capacity, bookings landing where the forecast leaves room. A
contacted customer then books in the campaign window from the contact day. Customers the
plan cannot reach in time call on their own, as under the other policies.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from planner.domain import DealerCalendar, Dealership
from planner.outreach.batching import BatchSettings, LoadCurve, TargetGroup, plan_batches
from planner.sim.demand import Need

MAX_LEAD = 14  # days from a contact to the visit the batching plans for


def lead_pmf(leads: tuple[int, ...]) -> np.ndarray:
    """Share of bookings landing 0..MAX_LEAD days after the contact, from past lead times."""
    counts = np.bincount(np.clip(np.asarray(leads or (1,), dtype=int), 0, MAX_LEAD), minlength=MAX_LEAD + 1)
    return np.asarray(counts / counts.sum(), dtype=float)


def batch_contacts(needs: tuple[Need, ...], dealership: Dealership, curve: LoadCurve, leads: tuple[int, ...],
                   calls_per_day: int, show_rate: float, last_day: date,
                   seconds: float = 5.0) -> dict[int, date]:
    """The day the desk contacts each campaign customer who books ahead (by need id).

    One target group per running campaign, most urgent (earliest wished day) first; every
    member converts (they are the customers who came for it), and a booking brings their
    own standard hours on average. Desk days run from the curve's start to the campaign's
    end or `last_day`."""
    calendar = DealerCalendar(dealership.dealer)
    members: dict[str, list[Need]] = defaultdict(list)
    for n in needs:
        if n.campaign is not None and n.books_ahead:
            members[n.campaign].append(n)
    out: dict[int, date] = {}
    for code, group in members.items():
        campaign = next(c for c in dealership.campaigns if c.code == code)
        end = min(campaign.end, last_day, curve.start + timedelta(days=curve.days - 1))
        days = [curve.start + timedelta(days=i) for i in range((end - curve.start).days + 1)]
        desk_days = [d for d in days if calendar.is_open(d)]
        if not desk_days:
            continue
        group.sort(key=lambda n: (n.day, n.need_id))
        hours = float(np.mean([n.work.standard_hours for n in group]))
        target = TargetGroup(code, tuple(str(n.need_id) for n in group), 1.0, 0.0, hours)
        plan = plan_batches([target], curve, desk_days, lead_pmf(leads),
                            BatchSettings(calls_per_day=calls_per_day, show_rate=show_rate, seconds=seconds,
                                          workers=1))
        for day, ids in plan.schedule.items():
            for need_id in ids:
                out[int(need_id)] = day
    return out
