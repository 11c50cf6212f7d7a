"""The contact policy (R25, R26): when to call, and what to do when nobody answers.

Phone first (unless the customer asked for SMS); calls only within the policy's bands,
narrowed to the customer's own preferred times; an unreachable customer is called
`max_calls` times, each in a different part of the day, spread over 3 to 5 days the desk
works; then an SMS, or a letter when SMS cannot reach them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from planner.domain import Channel, Customer, TimeRange
from planner.domain.outreach import ContactAttempt, ContactPolicy, Outcome, PartOfDay


def part_of_day(t: time) -> PartOfDay:
    """Morning before noon, afternoon before six, evening after."""
    return PartOfDay.MORNING if t < time(12) else PartOfDay.AFTERNOON if t < time(18) else PartOfDay.EVENING


def call_window(policy: ContactPolicy, customer: Customer, part: PartOfDay) -> TimeRange | None:
    """The policy's band for `part`, narrowed to the customer's preferred times where they
    overlap (a customer's preference never widens the band)."""
    band = dict(policy.call_bands).get(part)
    if band is None:
        return None
    for wish in customer.preferred_contact:
        both = band.intersect(wish)
        if both is not None and both.minutes >= 15:
            return both
    return band


def preferred_parts(policy: ContactPolicy, customer: Customer) -> list[PartOfDay]:
    """Parts of the day to try, the customer's preferred ones first."""
    parts = [p for p, _ in policy.call_bands]
    liked = [p for p, band in policy.call_bands
             if any((both := band.intersect(w)) is not None and both.minutes >= 15 for w in customer.preferred_contact)]
    return liked + [p for p in parts if p not in liked]


@dataclass(frozen=True)
class NextAttempt:
    """The next contact: a call in a window, an SMS or letter on a day, or nothing more."""

    channel: Channel | None  # None: nothing left to try
    day: date | None
    part: PartOfDay | None = None
    window: TimeRange | None = None
    call_no: int = 0  # 1-based number of this call among the failed-call series

    @property
    def done(self) -> bool:
        return self.channel is None


def _failed_calls(attempts: Sequence[ContactAttempt]) -> list[ContactAttempt]:
    """The current run of unanswered calls (a reached customer starts a new run)."""
    run: list[ContactAttempt] = []
    for a in sorted(attempts, key=lambda a: a.at):
        if a.outcome.reached:
            run = []
        elif a.channel is Channel.PHONE and a.outcome.failed_call:
            run.append(a)
    return run


def next_attempt(policy: ContactPolicy, customer: Customer, attempts: Sequence[ContactAttempt], now: datetime,
                 desk_open: Callable[[date], bool]) -> NextAttempt:
    """What to try next on a task, given its attempts so far and the time now (local).

    `desk_open(day)` says whether the desk works that day.
    """
    sent = {a.channel for a in attempts if a.outcome is Outcome.SENT}
    wrong_number = any(a.outcome is Outcome.WRONG_NUMBER for a in attempts)
    failed = _failed_calls(attempts)
    today = now.date()

    def next_desk_day(d: date) -> date:
        for _ in range(60):
            if desk_open(d):
                return d
            d += timedelta(days=1)
        return d

    def nth_desk_day(first: date, n: int) -> date:
        """The n-th desk day after `first`."""
        d = first
        for _ in range(n):
            d = next_desk_day(d + timedelta(days=1))
        return d

    def fallback(start: date) -> NextAttempt:
        order = (Channel.SMS, *policy.fallback) if sms_first else policy.fallback
        for ch in dict.fromkeys(order):
            if ch in sent or (ch is Channel.SMS and wrong_number):
                continue  # a wrong number cannot take an SMS either: write
            return NextAttempt(ch, next_desk_day(start))
        return NextAttempt(None, None)

    sms_first = customer.preferred_channel is Channel.SMS and not any(a.channel is Channel.PHONE for a in attempts)
    after_last = (today + timedelta(days=1) if failed and failed[-1].at.astimezone(now.tzinfo).date() == today
                  else today)
    if wrong_number or sms_first or len(failed) >= policy.max_calls:
        return fallback(after_last)

    used = {part_of_day(a.at.astimezone(now.tzinfo).time()) for a in failed}
    parts = [p for p in preferred_parts(policy, customer) if p not in used] or preferred_parts(policy, customer)
    k = len(failed)  # calls made so far in this run; this is call k + 1
    latest: date | None = None
    if k == 0:
        earliest = today
    else:
        first_day = failed[0].at.astimezone(now.tzinfo).date()
        last_day = failed[-1].at.astimezone(now.tzinfo).date()
        # spread the calls so the last lands min_span..max_span desk days after the first
        # (both ends counted; days the desk is closed, such as a holiday week, do not count)
        spread = math.ceil((policy.min_span_days - 1) * k / max(1, policy.max_calls - 1))
        earliest = max(last_day + timedelta(days=1), nth_desk_day(first_day, spread), today)
        latest = nth_desk_day(first_day, policy.max_span_days - 1)
    day = next_desk_day(earliest)
    for _ in range(14):
        if latest is not None and day > latest:
            return fallback(after_last)  # the run would stretch past its span: write instead
        for part in parts:
            window = call_window(policy, customer, part)
            if window is None:
                continue
            if day == today and now.time() >= window.end:
                continue  # that part of today is over
            return NextAttempt(Channel.PHONE, day, part, window, k + 1)
        day = next_desk_day(day + timedelta(days=1))
    return NextAttempt(None, None)
