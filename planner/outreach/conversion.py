"""How well outreach works, learned from the dealer's own tasks (R27, R29).

Conversion is the share of finished, attempted tasks that ended in a booking, per rule
and channel (and per campaign batch); the other tasks a call settled count once, with
the task the call was about. Small groups are shrunk towards a prior (a beta-binomial
posterior mean), so a rule tried ten times does not promise 0% or 100%. The lead time
from the booking call to the visit tells the campaign planner when the work lands.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from planner.domain import AppointmentStatus, Channel
from planner.domain.outreach import ContactAttempt, LostReason, Outcome, OutreachRule, OutreachTask, TaskStatus

# Priors used before the dealer has its own history (and to shrink small groups):
# industry rule-of-thumb conversion of a reminder call, by rule; SMS and letters convert
# at a fraction of a call.
PRIOR_PHONE = {
    OutreachRule.FIRST_SERVICE: 0.55, OutreachRule.PERIODIC_SERVICE: 0.40, OutreachRule.WARRANTY_FIRST: 0.35,
    OutreachRule.WARRANTY_SECOND: 0.30, OutreachRule.DORMANT: 0.15, OutreachRule.LOST: 0.08,
    OutreachRule.DECLINED_REPAIR: 0.30, OutreachRule.CAMPAIGN: 0.20, OutreachRule.WALK_IN_WAIT: 0.35,
}
CHANNEL_FACTOR = {Channel.PHONE: 1.0, Channel.SMS: 0.35, Channel.LETTER: 0.15}
PRIOR_STRENGTH = 20.0  # the prior counts as this many tasks
MAX_LEAD_DAYS = 28


@dataclass(frozen=True)
class Rate:
    """Conversion of one group: raw counts and the shrunk estimate."""

    tasks: int
    booked: int
    estimate: float

    @property
    def raw(self) -> float | None:
        return self.booked / self.tasks if self.tasks else None


def _shrunk(booked: int, n: int, prior: float) -> float:
    return (booked + PRIOR_STRENGTH * prior) / (n + PRIOR_STRENGTH)


@dataclass(frozen=True)
class ConversionModel:
    """Learned conversion by (rule, channel), lead time and labour per booking."""

    rates: Mapping[tuple[OutreachRule, Channel], Rate]
    lead_days: np.ndarray  # probability that the visit comes d days after the booking call, d = 0..MAX_LEAD_DAYS
    show_rate: float  # booked outreach appointments that came in (not cancelled or no-show)
    by_batch: Mapping[str, Rate] = field(default_factory=dict)

    def rate(self, rule: OutreachRule, channel: Channel) -> float:
        found = self.rates.get((rule, channel))
        if found is not None:
            return found.estimate
        return PRIOR_PHONE[rule] * CHANNEL_FACTOR[channel]


def _lead_pmf(leads: Sequence[int]) -> np.ndarray:
    """Smoothed distribution of days from call to visit (a week-shaped prior when empty)."""
    counts = np.bincount(np.clip(np.asarray(leads, dtype=int), 0, MAX_LEAD_DAYS), minlength=MAX_LEAD_DAYS + 1)
    prior = np.exp(-np.arange(MAX_LEAD_DAYS + 1) / 7.0)
    prior[0] = 0.0  # nobody is booked for the same day by an outreach call
    pmf: np.ndarray = counts.astype(float) + 2.0 * prior / prior.sum()
    out: np.ndarray = pmf / pmf.sum()
    return out


def learn_conversion(tasks: Sequence[OutreachTask], attempts: Mapping[str, Sequence[ContactAttempt]],
                     appointments: Mapping[str, tuple[datetime, AppointmentStatus]]) -> ConversionModel:
    """Conversion from finished tasks; `appointments` maps booked appointment numbers to
    their slot start and status (for lead time and show rate)."""
    counts: dict[tuple[OutreachRule, Channel], list[int]] = defaultdict(lambda: [0, 0])
    batches: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    leads: list[int] = []
    shown = booked_appts = 0
    for task in tasks:
        if task.status is TaskStatus.OPEN or not attempts.get(task.task_no):
            # a task nobody contacted about (settled by a call on another task of the
            # customer's, or closed unworked) says nothing about conversion
            continue
        won = task.status is TaskStatus.BOOKED
        c = counts[(task.rule, task.channel)]
        c[0] += 1
        c[1] += won
        if task.batch:
            b = batches[task.batch]
            b[0] += 1
            b[1] += won
        if won and task.appointment_no is not None and task.appointment_no in appointments:
            slot, status = appointments[task.appointment_no]
            call = next((a.at for a in attempts.get(task.task_no, ()) if a.outcome is Outcome.BOOKED), None)
            if call is not None:
                leads.append((slot.date() - call.astimezone(slot.tzinfo).date()).days)
            if status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED):
                booked_appts += 1
                shown += status is AppointmentStatus.COMPLETED
    rates = {k: Rate(n, b, _shrunk(b, n, PRIOR_PHONE[k[0]] * CHANNEL_FACTOR[k[1]])) for k, (n, b) in counts.items()}
    by_batch = {k: Rate(n, b, b / n if n else 0.0) for k, (n, b) in batches.items()}
    show = (shown + 8.5) / (booked_appts + 10)  # shrunk towards 85%
    return ConversionModel(rates, _lead_pmf(leads), show, by_batch)


@dataclass(frozen=True)
class LostSummary:
    """Why customers left (R29): counts by reason, overall and by model."""

    total: int
    by_reason: Mapping[LostReason, int]
    by_model: Mapping[str, Mapping[LostReason, int]]


def summarise_lost(attempts: Sequence[ContactAttempt], model_of_task: Mapping[str, str]) -> LostSummary:
    """Lost-customer reasons, to aim win-back offers (R29)."""
    by_reason: Counter[LostReason] = Counter()
    by_model: dict[str, Counter[LostReason]] = defaultdict(Counter)
    for a in attempts:
        if a.outcome is Outcome.LOST and a.lost_reason is not None:
            by_reason[a.lost_reason] += 1
            by_model[model_of_task.get(a.task_no, "?")][a.lost_reason] += 1
    return LostSummary(sum(by_reason.values()), dict(by_reason.most_common()),
                       {m: dict(c.most_common()) for m, c in sorted(by_model.items())})


def calls_per_day(attempts: Sequence[ContactAttempt]) -> dict[date, int]:
    """Phone attempts per local day (to check the desk stayed within its capacity)."""
    out: Counter[date] = Counter(a.at.date() for a in attempts if a.channel is Channel.PHONE)
    return dict(sorted(out.items()))
