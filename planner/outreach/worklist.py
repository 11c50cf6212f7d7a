"""The desk's daily outreach worklist: one line per customer, most urgent first.

A line is either a customer with open tasks due today (a retry after unanswered calls,
an agreed call-back, a planned campaign batch) or a customer with reminders that have
no task yet. A customer with a booking ahead or an open task not due today is left out,
so nobody is called twice. Lines are ordered by priority (a run of calls already started
first within a priority) and calls are capped at the desk's capacity; SMS and letters
are not. Campaign reminders enter only through planned batches (R28), never all at once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.domain import Channel, Customer, Lang, Vehicle
from planner.domain.outreach import ContactAttempt, ContactPolicy, OutreachRule, OutreachTask
from planner.i18n import tr
from planner.outreach.facts import VehicleFacts
from planner.outreach.policy import NextAttempt, next_attempt
from planner.outreach.rules import Reminder, RuleContext, open_reminders


def reason_json(r: Reminder) -> str:
    """A reminder's reason as stored on its task: the text key and its values."""
    return json.dumps({"key": r.reason_key, "params": {k: str(v) for k, v in r.reason_params}}, ensure_ascii=False)


def stored_reason(stored: str, lang: Lang | str) -> tuple[str, dict[str, str]] | None:
    """A stored reason's text key and its values in `lang` (names are stored in both
    languages as `name_zh`/`name_en`); None for plain text."""
    try:
        data = json.loads(stored)
        key, params = str(data["key"]), dict(data["params"])
    except (ValueError, KeyError, TypeError):
        return None
    suffix = "_zh" if str(lang) == Lang.ZH.value else "_en"
    for name in [k for k in params if k.endswith(suffix)]:
        params[name[:-3]] = params[name]
    return key, params


def reason_text(stored: str, lang: Lang | str) -> str:
    """A stored reason in words (plain text is shown as it is)."""
    found = stored_reason(stored, lang)
    if found is None:
        return stored
    key, params = found
    return tr(key, lang, **params)


def reminder_text(r: Reminder, lang: Lang | str) -> str:
    return reason_text(reason_json(r), lang)


@dataclass(frozen=True)
class WorkItem:
    """One customer to contact today."""

    customer: Customer
    vehicle: Vehicle
    rule: OutreachRule
    priority: int
    due_date: date
    reason: str  # stored form (see `reason_text`)
    next: NextAttempt
    campaign_code: str | None = None
    task: OutreachTask | None = None  # None: a new reminder; the desk's run makes its task
    reminders: tuple[tuple[VehicleFacts, Reminder], ...] = ()  # new reminders behind the line
    others: tuple[str, ...] = ()  # the customer's other reasons, stored form
    waited_long: bool = False  # R30: contacted first, offered a booked slot
    calls_so_far: int = 0

    @property
    def is_call(self) -> bool:
        return self.next.channel is Channel.PHONE


@dataclass(frozen=True)
class Worklist:
    day: date
    items: tuple[WorkItem, ...]
    backlog: int = 0  # customers due but beyond today's call capacity or call windows (for later)
    unplanned_campaign: int = 0  # customers a campaign targets, waiting for a batch plan
    booked_meanwhile: tuple[str, ...] = field(default=())  # open tasks whose customer booked otherwise


def _main(rs: Sequence[tuple[VehicleFacts, Reminder]]) -> tuple[VehicleFacts, Reminder]:
    return min(rs, key=lambda fr: (fr[1].priority, fr[1].due_date))


def build_worklist(facts: Sequence[VehicleFacts], today: date, now: datetime, ctx: RuleContext,
                   policy: ContactPolicy, open_tasks: Sequence[OutreachTask],
                   attempts: Mapping[str, Sequence[ContactAttempt]],
                   desk_open: Callable[[date], bool], limit: int | None = None) -> Worklist:
    """The day's worklist (see the module docstring); `limit` caps calls (default: the
    policy's calls per day)."""
    limit = policy.calls_per_day if limit is None else limit
    by_vin = {f.vehicle.vin: f for f in facts}
    ahead_customers = {f.customer.customer_no for f in facts if f.booking_ahead}
    open_by_customer: dict[str, list[OutreachTask]] = defaultdict(list)
    for task in open_tasks:
        open_by_customer[task.customer_no].append(task)

    booked_meanwhile: list[str] = []
    retries: list[WorkItem] = []
    later = 0  # due, but no attempt fits today any more (the day's call windows are over)
    for customer_no, tasks in open_by_customer.items():
        if customer_no in ahead_customers:
            booked_meanwhile += [x.task_no for x in tasks]
            continue
        due_now = [x for x in tasks if x.next_contact_on is not None and x.next_contact_on <= today]
        if not due_now:
            continue
        main = min(due_now, key=lambda x: (x.priority, x.due_date))
        f = by_vin.get(main.vin)
        if f is None:
            continue
        tried = [a for x in tasks for a in attempts.get(x.task_no, ())]
        nxt = next_attempt(policy, f.customer, tried, now, desk_open)
        if nxt.done or nxt.day is None:
            continue
        if nxt.day > today:
            later += 1
            continue
        retries.append(WorkItem(f.customer, f.vehicle, main.rule, main.priority, main.due_date, main.reason, nxt,
                                main.campaign_code, main, (),
                                tuple(x.reason for x in tasks if x is not main),
                                calls_so_far=sum(a.channel is Channel.PHONE for a in tried)))

    fresh: dict[str, list[tuple[VehicleFacts, Reminder]]] = defaultdict(list)
    waited: set[str] = set()
    unplanned: set[str] = set()
    for f in facts:
        c = f.customer.customer_no
        if c in ahead_customers or c in open_by_customer:
            continue
        for r in open_reminders(f, today, ctx):
            if r.rule is OutreachRule.CAMPAIGN:
                unplanned.add(c)  # campaigns go out in planned batches only
                continue
            if r.rule is OutreachRule.WALK_IN_WAIT:
                waited.add(c)
            fresh[c].append((f, r))
    news: list[WorkItem] = []
    for c, rs in fresh.items():
        f, r = _main(rs)
        nxt = next_attempt(policy, f.customer, (), now, desk_open)
        if nxt.done or nxt.day is None:
            continue
        if nxt.day > today:
            later += 1
            continue
        boost = c in waited  # R30: next time they are contacted first
        news.append(WorkItem(f.customer, f.vehicle, r.rule, max(1, r.priority - 1) if boost else r.priority,
                             r.due_date, reason_json(r), nxt, r.campaign_code, None, tuple(rs),
                             tuple(reason_json(x) for _, x in rs if x is not r), boost))

    def order(item: WorkItem) -> tuple[int, bool, bool, date, str]:
        # most urgent first; within a priority, runs already started (R26's three tries in
        # 3-5 days), then customers who waited long as walk-ins (R30)
        return item.priority, item.task is None, not item.waited_long, item.due_date, item.customer.customer_no

    chosen: list[WorkItem] = []
    calls = 0
    backlog = later
    for item in sorted(retries + news, key=order):
        if item.is_call and calls >= limit:
            backlog += 1
            continue
        calls += item.is_call
        chosen.append(item)
    return Worklist(today, tuple(chosen), backlog, len(unplanned - {i.customer.customer_no for i in chosen}),
                    tuple(booked_meanwhile))
