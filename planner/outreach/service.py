"""Outreach transactions: the day's worklist, recording attempts, statistics, campaign plans.

Each call reads what it needs once and writes in one transaction under the dealer's
booking lock (so two agents running the worklist cannot both create a customer's task).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection, Engine

from planner.domain import Channel, Customer, DealerCalendar, Dealership, Lang, MileageReading
from planner.domain.outreach import (
    ContactAttempt,
    ContactPolicy,
    LostReason,
    Outcome,
    OutreachTask,
    TaskStatus,
    WalkInWait,
)
from planner.errors import PlannerError
from planner.outreach.batching import BatchPlan, BatchSettings, LoadCurve, TargetGroup, plan_batches
from planner.outreach.conversion import ConversionModel, LostSummary, learn_conversion, summarise_lost
from planner.outreach.messages import render_message
from planner.outreach.policy import NextAttempt, next_attempt, part_of_day
from planner.outreach.rules import Reminder, RuleContext, next_follow_up
from planner.outreach.segments import Segment, Target, by_category, select_targets
from planner.outreach.worklist import WorkItem, Worklist, build_worklist, reason_json
from planner.storage import outreach as store
from planner.storage.repository import dealer_today, load_dealership, lock_dealer_bookings

OPEN = (TaskStatus.OPEN,)


@dataclass(frozen=True)
class Setup:
    """What every outreach call reads first."""

    dealership: Dealership
    policy: ContactPolicy
    ctx: RuleContext
    today: date

    @property
    def calendar(self) -> DealerCalendar:
        return DealerCalendar(self.dealership.dealer)

    def local(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, tzinfo=self.dealership.dealer.zone)


def load_setup(conn: Connection, dealer_id: int) -> Setup:
    dealership = load_dealership(conn, dealer_id)
    policy = store.load_policy(conn, dealer_id)
    today = dealer_today(conn, dealer_id) or datetime.now(dealership.dealer.zone).date()
    names = {o.op_code: (o.name_zh, o.name_en) for o in dealership.operations}
    return Setup(dealership, policy, RuleContext(dealership.campaigns, policy.remind_days_ahead, op_names=names), today)


def _now(setup: Setup, day: date, now: datetime | None) -> datetime:
    """The time the desk works at: `now`, or the start of the desk's day."""
    zone = setup.dealership.dealer.zone
    if now is not None:  # a time without a zone is the dealer's local time
        return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    real = datetime.now(setup.dealership.dealer.zone)
    return real if real.date() == day else setup.local(day, time(9, 0))


# -- the daily worklist -------------------------------------------------------------------


def _new_tasks(item: WorkItem, numbers: list[str], day: date) -> list[OutreachTask]:
    out = []
    for f, r in item.reminders:
        main = f.vehicle.vin == item.vehicle.vin and r.rule is item.rule and r.due_date == item.due_date
        channel = item.next.channel or Channel.PHONE
        out.append(OutreachTask(numbers.pop(0), f.customer.customer_no, f.vehicle.vin, r.rule, r.due_date, r.remind_on,
                                item.priority if main else r.priority, channel, TaskStatus.OPEN, r.campaign_code,
                                None, reason_json(r), day, anchor=r.anchor))
    return out


def run_worklist(engine: Engine, dealer_id: int, day: date | None = None, now: datetime | None = None,
                 persist: bool = True, limit: int | None = None) -> Worklist:
    """The day's worklist; with `persist`, its new lines become tasks (re-running the same
    day adds nothing) and tasks whose customer booked on their own are closed."""
    with engine.begin() as conn:
        if persist:
            lock_dealer_bookings(conn, dealer_id)
        setup = load_setup(conn, dealer_id)
        day = day or setup.today
        if day < setup.today:  # facts as of a past day would meet tasks made since: no mixing
            raise PlannerError("error.outreach_past_day", day=day.isoformat(), today=setup.today.isoformat())
        if limit is not None and not 0 <= limit <= 5000:
            raise PlannerError("error.outreach_bad_limit", limit=limit)
        at = _now(setup, day, now)
        facts = store.load_vehicle_facts(conn, dealer_id, day)
        open_tasks = store.load_tasks(conn, dealer_id, statuses=OPEN)
        attempts = store.load_attempts(conn, dealer_id, [x.task_no for x in open_tasks])
        wl = build_worklist(facts, day, at, setup.ctx, setup.policy, open_tasks, attempts,
                            setup.calendar.is_open, limit)
        if not persist:
            return wl
        for task in open_tasks:
            if task.task_no in wl.booked_meanwhile:
                # the customer booked after we reached out: a conversion (R27) when we had
                # contacted them, else the task just closes
                booking = store.upcoming_appointment(conn, dealer_id, task.customer_no, day)
                won = bool(attempts.get(task.task_no)) and booking is not None
                store.update_task(conn, dealer_id, replace(
                    task, status=TaskStatus.BOOKED if won else TaskStatus.CLOSED, next_contact_on=None,
                    appointment_no=booking if won else None), at)
        fresh = [i for i in wl.items if i.task is None]
        numbers = store.next_task_numbers(conn, dealer_id, day, sum(len(i.reminders) for i in fresh))
        items = []
        for item in wl.items:
            if item.task is not None:
                items.append(item)
                continue
            tasks = _new_tasks(item, numbers, day)
            store.insert_tasks(conn, dealer_id, tasks, at)
            main = next(x for x in tasks if x.vin == item.vehicle.vin and x.rule is item.rule
                        and x.due_date == item.due_date)
            items.append(replace(item, task=main))
        return replace(wl, items=tuple(items))


# -- recording an attempt -------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What recording an attempt did, and what comes next."""

    task: OutreachTask
    siblings: tuple[str, ...]  # the customer's other open tasks, settled by the same call
    next: NextAttempt | None  # the next try when the task stays open
    follow_up: Reminder | None  # R27: the next reminder the car will get


def check_attempt(policy: ContactPolicy, outcome: Outcome, channel: Channel, when: datetime, now: datetime,
                  tried: Sequence[ContactAttempt], customer: Customer, *, lost_reason: LostReason | None = None,
                  appointment_no: str | None = None, call_back_on: date | None = None,
                  km: int | None = None) -> None:
    """Refuse an attempt the contact policy or common sense rules out, naming why."""
    for option, given, wanted in (("--lost-reason", lost_reason, Outcome.LOST),
                                  ("--appointment", appointment_no, Outcome.BOOKED),
                                  ("--call-back", call_back_on, Outcome.CALL_BACK)):
        if given is not None and outcome is not wanted:
            raise PlannerError("error.outreach_option_mismatch", option=option, outcome=outcome.value)
    if outcome is Outcome.LOST and lost_reason is None:
        raise PlannerError("error.outreach_lost_needs_reason")
    if outcome is Outcome.BOOKED and appointment_no is None:
        raise PlannerError("error.outreach_booked_needs_appointment")
    if outcome is Outcome.CALL_BACK and (call_back_on is None or not
                                         when.date() < call_back_on <= when.date() + timedelta(days=90)):
        raise PlannerError("error.outreach_bad_call_back", day=str(call_back_on))
    if km is not None and not 0 <= km <= 2_000_000:
        raise PlannerError("error.outreach_bad_km", km=km)
    if outcome is Outcome.SENT and channel is Channel.PHONE:
        raise PlannerError("error.outreach_sent_by_phone")
    if channel is Channel.LETTER and outcome is not Outcome.SENT:
        raise PlannerError("error.outreach_letter_sent_only")
    if (outcome.failed_call or outcome is Outcome.CALL_BACK) and channel is not Channel.PHONE:
        raise PlannerError("error.outreach_call_outcome", outcome=outcome.value)
    if when > now + timedelta(minutes=10):
        raise PlannerError("error.outreach_future_attempt", when=when.isoformat(timespec="minutes"))
    if tried and when < max(a.at for a in tried):
        raise PlannerError("error.outreach_attempt_order", when=when.isoformat(timespec="minutes"))
    if channel is Channel.PHONE:
        part = part_of_day(when.time())
        band = dict(policy.call_bands).get(part)
        if band is None or not band.contains(when.time()):
            bands = ", ".join(str(b) for _, b in policy.call_bands)
            raise PlannerError("error.outreach_outside_bands", when=f"{when:%H:%M}", bands=bands)
        if outcome.failed_call and any(part_of_day(a.at.astimezone(when.tzinfo).time()) is part
                                       and a.at.date() == when.date() for a in tried if a.outcome.failed_call):
            raise PlannerError("error.outreach_same_part", part=part.value)


_FINAL = {Outcome.BOOKED: TaskStatus.BOOKED, Outcome.DECLINED: TaskStatus.DECLINED, Outcome.LOST: TaskStatus.LOST,
          Outcome.SENT: TaskStatus.NOTIFIED}


def record_attempt(engine: Engine, dealer_id: int, task_no: str, outcome: Outcome, *,
                   channel: Channel | None = None, at: datetime | None = None, actor: str = "desk", note: str = "",
                   lost_reason: LostReason | None = None, appointment_no: str | None = None,
                   call_back_on: date | None = None, km: int | None = None, now: datetime | None = None) -> Recorded:
    """Record one call, SMS or letter on a task and move the task on (R26, R27, R29).

    `at` is when the contact happened (default: now); `now` stands in for the clock (a
    simulation or a test).

    A booking, a refusal, a lost customer or a sent message settles every open task of
    the customer (one call covers them all); unanswered calls schedule the next try by
    the contact policy, or fall back to SMS and letter.
    """
    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        setup = load_setup(conn, dealer_id)
        task = store.load_task(conn, dealer_id, task_no)
        if task is None:
            raise PlannerError("error.outreach_unknown_task", task=task_no)
        if task.status is not TaskStatus.OPEN:
            raise PlannerError("error.outreach_task_closed", task=task_no, status=task.status.value)
        zone = setup.dealership.dealer.zone
        real_now = datetime.now(zone) if now is None else now.astimezone(zone)
        when = real_now if at is None else (at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone))
        if channel is None:  # the usual channel of the outcome
            channel = (Channel.PHONE if outcome.failed_call or outcome is Outcome.CALL_BACK else
                       Channel.SMS if outcome is Outcome.SENT and task.channel is Channel.PHONE else task.channel)
        tried = store.load_attempts(conn, dealer_id, [task_no]).get(task_no, [])
        car = store.load_vehicle_facts(conn, dealer_id, when.date() + timedelta(days=1), vins=[task.vin])[0]
        customer = car.customer
        check_attempt(setup.policy, outcome, channel, when, real_now, tried, customer, lost_reason=lost_reason,
                      appointment_no=appointment_no, call_back_on=call_back_on, km=km)
        if outcome is Outcome.BOOKED:
            assert appointment_no is not None  # check_attempt asked for it
            owner = store.appointment_customer(conn, dealer_id, appointment_no)
            if owner is None:
                raise PlannerError("error.outreach_unknown_appointment", appointment=appointment_no)
            if owner != task.customer_no:
                raise PlannerError("error.outreach_foreign_appointment", appointment=appointment_no,
                                   customer=task.customer_no)
        attempt = ContactAttempt(task_no, when, channel, outcome, actor, note, lost_reason, appointment_no,
                                 call_back_on)
        store.add_attempts(conn, dealer_id, [attempt])
        if km is not None:
            store.add_reading(conn, dealer_id, task.vin, MileageReading(when.date(), km, "phone"))
        # one conversation settles every open task of the customer's; a lost car (moved,
        # sold, gone elsewhere) settles only that car's
        siblings = [x for x in store.load_tasks(conn, dealer_id, statuses=OPEN)
                    if x.customer_no == task.customer_no and x.task_no != task_no
                    and (outcome is not Outcome.LOST or x.vin == task.vin)]
        nxt: NextAttempt | None = None
        if outcome in _FINAL:
            status = _FINAL[outcome]
            updated = replace(task, status=status, channel=channel, next_contact_on=None,
                              appointment_no=appointment_no if status is TaskStatus.BOOKED else None)
        elif outcome is Outcome.CALL_BACK:
            assert call_back_on is not None  # ContactAttempt checked it
            updated = replace(task, channel=Channel.PHONE, next_contact_on=call_back_on)
        else:  # no answer, busy, wrong number: the policy decides the next try
            nxt = next_attempt(setup.policy, customer, [*tried, attempt], when, setup.calendar.is_open)
            if nxt.done or nxt.day is None or nxt.channel is None:
                updated = replace(task, status=TaskStatus.CLOSED, next_contact_on=None)
            else:
                updated = replace(task, channel=nxt.channel, next_contact_on=nxt.day)
        store.update_task(conn, dealer_id, updated, when)
        settled: list[str] = []
        if updated.status is not TaskStatus.OPEN or outcome is Outcome.CALL_BACK:
            for s in siblings:
                store.update_task(conn, dealer_id, replace(s, status=updated.status, channel=updated.channel,
                                                           next_contact_on=updated.next_contact_on,
                                                           appointment_no=updated.appointment_no), when)
                settled.append(s.task_no)
        facts = store.load_vehicle_facts(conn, dealer_id, when.date() + timedelta(days=1), vins=[task.vin])
        follow = next_follow_up(facts[0], when.date(), setup.ctx) if facts else None
        return Recorded(updated, tuple(settled), nxt, follow)


def record_wait(engine: Engine, dealer_id: int, ro_number: str, minutes: int, complained: bool) -> None:
    """Record how long a walk-in waited at reception (R30)."""
    if not 0 <= minutes <= 24 * 60:
        raise PlannerError("error.outreach_bad_wait", minutes=minutes)
    with engine.begin() as conn:
        walk_in = store.is_walk_in(conn, dealer_id, ro_number)
        if walk_in is None:
            raise PlannerError("error.outreach_unknown_ro", ro=ro_number)
        if not walk_in:
            raise PlannerError("error.outreach_not_walk_in", ro=ro_number)
        if store.has_wait(conn, dealer_id, ro_number):
            raise PlannerError("error.outreach_wait_recorded", ro=ro_number)
        store.save_walk_in_waits(conn, dealer_id, [WalkInWait(ro_number, minutes, complained)])


def task_message(engine: Engine, dealer_id: int, task_no: str, channel: Channel | None, lang: Lang | str) -> str:
    """The SMS, letter or call opening for a task, in the customer's words (R25)."""
    with engine.connect() as conn:
        setup = load_setup(conn, dealer_id)
        task = store.load_task(conn, dealer_id, task_no)
        if task is None:
            raise PlannerError("error.outreach_unknown_task", task=task_no)
        car = store.load_vehicle_facts(conn, dealer_id, setup.today, vins=[task.vin])[0]
    return render_message(channel or task.channel, lang, car.customer, car.vehicle, setup.dealership.dealer.name,
                          task.reason)


# -- statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachStats:
    since: date
    model: ConversionModel
    status_counts: dict[str, int]
    lost: LostSummary
    tasks: int
    attempts: int
    calls_per_day_max: int
    calls_per_day_median: float


def outreach_stats(engine: Engine, dealer_id: int, since: date | None = None) -> OutreachStats:
    """Conversion per rule, channel and batch; lost reasons; the desk's call load (R27, R29)."""
    with engine.connect() as conn:
        setup = load_setup(conn, dealer_id)
        since = since or setup.today - timedelta(days=365)
        tasks = [x for x in store.load_tasks(conn, dealer_id) if x.remind_on >= since]
        attempts = store.load_attempts(conn, dealer_id, [x.task_no for x in tasks])
        booked = [x.appointment_no for x in tasks if x.appointment_no]
        appts = store.appointment_outcomes(conn, dealer_id, booked)
    model = learn_conversion(tasks, attempts, appts)
    flat = [a for xs in attempts.values() for a in xs]
    with engine.connect() as conn:
        models = store.vehicle_models(conn, dealer_id)
    model_of = {x.task_no: models.get(x.vin, "?") for x in tasks}
    per_day = Counter(a.at.date() for a in flat if a.channel is Channel.PHONE)
    return OutreachStats(since, model, dict(Counter(x.status.value for x in tasks)), summarise_lost(flat, model_of),
                         len(tasks), len(flat), max(per_day.values(), default=0),
                         float(np.median(list(per_day.values()))) if per_day else 0.0)


# -- campaign plans -------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignPlan:
    segment: str
    start: date
    weeks: int
    targets: tuple[Target, ...]
    groups: tuple[TargetGroup, ...]
    plan: BatchPlan
    curve: LoadCurve
    batch_prefix: str
    saved: int = 0


def load_curve(conn: Connection, dealer_id: int, dealership: Dealership, today: date, start: date,
               days: int) -> LoadCurve:
    """Expected labour hours and capacity per day from the intake forecast."""
    from planner.forecast.intake import forecast_intake
    from planner.forecast.sources import from_database
    from planner.storage.repository import arrival_records, labour_by_operation

    since = datetime.combine(today - timedelta(weeks=16), time(0), tzinfo=dealership.dealer.zone)
    try:
        source = from_database(conn, dealer_id, until=today)
        lead = max(0, (start - today).days)
        f = forecast_intake(source, today, lead + days, daily=True,
                            records=arrival_records(conn, dealer_id, since=since),
                            hours_by_op=labour_by_operation(conn, dealer_id, since=since))
    except ValueError as exc:
        raise PlannerError("error.outreach_no_forecast", detail=str(exc)) from None
    periods = f.periods[lead:lead + days]
    base = np.array([p.labour_hours or 0.0 for p in periods])
    cap = np.array([p.capacity_hours or 0.0 for p in periods])
    return LoadCurve(start, base, cap, np.array([not p.closed for p in periods]))


def _groups(targets: list[Target], model: ConversionModel, hours: dict[str, float],
            dealership: Dealership) -> list[TargetGroup]:
    op_hours = {c.code: dealership.operation(c.op_code).standard_hours
                for c in dealership.campaigns if c.op_code is not None}
    out = []
    for key, members in by_category(targets).items():
        t0 = members[0]
        h = op_hours.get(t0.campaign_code or "") or hours.get(t0.rule.value) or hours[""]
        out.append(TargetGroup(key, tuple(m.facts.customer.customer_no for m in members),
                               model.rate(t0.rule, Channel.PHONE), model.rate(t0.rule, Channel.SMS), h, t0.priority))
    return out


def plan_campaign(engine: Engine, dealer_id: int, segment_text: str, start: date, weeks: int,
                  calls_per_day: int | None = None, save: bool = False, seconds: float = 10.0) -> CampaignPlan:
    """Plan who to contact on which day (R24, R28); with `save`, the plan's contacts become
    tasks that enter each day's worklist on their planned day."""
    if weeks < 1 or weeks > 12:
        raise PlannerError("error.outreach_bad_weeks", weeks=weeks)
    if calls_per_day is not None and not 1 <= calls_per_day <= 5000:
        raise PlannerError("error.outreach_bad_calls", calls=calls_per_day)
    if seconds <= 0:
        raise PlannerError("error.outreach_bad_seconds")
    with engine.connect() as conn:
        setup = load_setup(conn, dealer_id)
        if start < setup.today:
            raise PlannerError("error.outreach_past_plan", day=start.isoformat(), today=setup.today.isoformat())
        segment = Segment.parse(segment_text, setup.ctx)
        end = start + timedelta(days=7 * weeks - 1)
        facts = store.load_vehicle_facts(conn, dealer_id, start)
        busy = {x.customer_no for x in store.load_tasks(conn, dealer_id, statuses=OPEN)}
        targets = select_targets(facts, segment, start, end, setup.ctx, busy)
        if not targets:
            raise PlannerError("error.outreach_empty_segment", segment=segment_text)
        stats_tasks = store.load_tasks(conn, dealer_id)
        attempts = store.load_attempts(conn, dealer_id)
        appts = store.appointment_outcomes(conn, dealer_id, [x.appointment_no for x in stats_tasks if x.appointment_no])
        model = learn_conversion(stats_tasks, attempts, appts)
        hours = store.hours_per_visit(conn, dealer_id, setup.local(setup.today - timedelta(days=365), time(0)))
        curve = load_curve(conn, dealer_id, setup.dealership, setup.today, start, 7 * weeks + len(model.lead_days))
    groups = _groups(targets, model, hours, setup.dealership)
    first, last = start, end
    if segment.kind == "campaign":  # contacts from two weeks before the campaign until its last day
        c = next(c for c in setup.dealership.campaigns if c.code == segment.value)
        first, last = max(start, c.start - timedelta(days=14)), min(end, c.end)
    desk_days = [d for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
                 if setup.calendar.is_open(d)]
    if not desk_days:
        raise PlannerError("error.outreach_no_desk_day", segment=segment_text, start=first.isoformat(),
                           end=last.isoformat())
    settings = BatchSettings(setup.policy.calls_per_day if calls_per_day is None else calls_per_day, model.show_rate,
                             seconds)
    plan = plan_batches(groups, curve, desk_days, model.lead_days, settings)
    prefix = f"{segment.value[:14]}-{start:%y%m%d}"
    result = CampaignPlan(segment_text, start, weeks, tuple(targets), tuple(groups), plan, curve, prefix)
    if save:
        result = replace(result, saved=_save_plan(engine, dealer_id, result))
    return result


def _save_plan(engine: Engine, dealer_id: int, p: CampaignPlan) -> int:
    by_customer = {t.facts.customer.customer_no: t for t in p.targets}
    with engine.begin() as conn:
        lock_dealer_bookings(conn, dealer_id)
        setup = load_setup(conn, dealer_id)
        # a customer who got an open task since the plan was made is not contacted twice
        busy = {x.customer_no for x in store.load_tasks(conn, dealer_id, statuses=OPEN)}
        tasks = []
        for k, (day, planned) in enumerate(sorted(p.plan.schedule.items()), start=1):
            customers = [c for c in planned if c not in busy]
            numbers = store.next_task_numbers(conn, dealer_id, day, len(customers))
            for no, c in zip(numbers, customers, strict=True):
                t = by_customer[c]
                reason = reason_json(t.reminder) if t.reminder else reason_json(Reminder(
                    t.rule, t.due_date, day, t.due_date, t.priority, "outreach.reason.model_offer",
                    (("model", t.facts.vehicle.model),), t.campaign_code))
                tasks.append(OutreachTask(no, c, t.facts.vehicle.vin, t.rule, t.due_date, day, t.priority,
                                          Channel.PHONE, TaskStatus.OPEN, t.campaign_code, f"{p.batch_prefix}-{k:02d}",
                                          reason, day, anchor=t.reminder.anchor if t.reminder else t.due_date))
        stored = store.insert_tasks(conn, dealer_id, tasks, setup.local(setup.today, time(9)))
        return len(stored)


__all__ = ["CampaignPlan", "OutreachStats", "Recorded", "Setup", "load_setup", "outreach_stats", "plan_campaign",
           "record_attempt", "record_wait", "run_worklist"]
