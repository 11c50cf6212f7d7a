"""The outreach rules (R18–R24, R30): each a small named function.

A rule looks at one vehicle's facts on a day and returns its current reminder (the one
whose window has not yet passed; it may open later), or None. The daily worklist keeps
the reminders open today (`remind_on <= today <= expires_on`) that no task has taken yet.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.domain import Campaign, CampaignKind
from planner.domain.outreach import OutreachRule, TaskStatus
from planner.outreach.facts import VehicleFacts

LONG_WAIT_MINUTES = 45  # R30: a walk-in who waited this long is offered a booked slot next time


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RuleContext:
    """What the rules need beyond the vehicle: campaigns and the reminder lead time."""

    campaigns: tuple[Campaign, ...] = ()
    remind_days_ahead: int = 14
    long_wait_minutes: int = LONG_WAIT_MINUTES
    op_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # op code → (zh, en), for reasons

    def op_name(self, code: str, lang: int) -> str:
        return self.op_names[code][lang] if code in self.op_names else code

    @property
    def lead(self) -> timedelta:
        return timedelta(days=self.remind_days_ahead)


@dataclass(frozen=True)
class Reminder:
    """A reason to contact, open from `remind_on` to `expires_on` (both included)."""

    rule: OutreachRule
    due_date: date
    remind_on: date
    expires_on: date
    priority: int  # 1 most urgent .. 5
    reason_key: str  # i18n key, rendered at the edge
    reason_params: tuple[tuple[str, object], ...] = field(default=())  # dates, numbers, text
    campaign_code: str | None = None
    # What the reminder is about, stable while the due date moves with the mileage
    # estimate: the sale, the last service, the warranty's end date, the last visit, the
    # declined item's day, the campaign's start, the long wait. A task is made once per
    # (car, rule, campaign, anchor).
    anchor: date = date.min

    def open_on(self, day: date) -> bool:
        return self.remind_on <= day <= self.expires_on

    @property
    def params(self) -> dict[str, object]:
        return dict(self.reason_params)


def _params(**values: object) -> tuple[tuple[str, object], ...]:
    return tuple(values.items())


def _current(r: Reminder, today: date) -> Reminder | None:
    return r if today <= r.expires_on else None


def first_service(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R18: a new car's first service, 3 months after the sale (sooner if its readings
    show the first-service km comes first, then two weeks ahead of that)."""
    if f.last_service is not None:
        return None
    s, sale = f.schedule, f.vehicle.sale_date
    by_time = add_months(sale, s.first_months)
    est = f.mileage(today)
    by_km = est.day_reaching(s.first_km) if est.from_readings else None
    due = min(by_time, by_km) if by_km else by_time
    remind = min(by_time, by_km - ctx.lead) if by_km else by_time
    return _current(Reminder(OutreachRule.FIRST_SERVICE, due, remind, add_months(by_time, 3), 2,
                             "outreach.reason.first_service", _params(sale=sale, due=due, km=est.km_on(today)),
                             anchor=sale), today)


def periodic_service(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R19: the next service by the schedule's km or months, whichever comes first,
    reminded two weeks ahead; the km date uses the car's estimated daily mileage."""
    last = f.last_service
    if last is None:
        return None
    s = f.schedule
    est = f.mileage(today)
    by_time = add_months(last.day, s.interval_months)
    # from the service's own odometer, unless a later reading shows where the car is now
    # (the estimate's robust anchor may sit off the reading taken at the service)
    by_km = (est.day_reaching(last.km + s.interval_km) if est.from_day > last.day
             else last.day + timedelta(days=math.ceil(s.interval_km / est.km_per_day)))
    due = min(by_time, by_km)
    key = "outreach.reason.periodic_km" if by_km < by_time else "outreach.reason.periodic_time"
    return _current(Reminder(OutreachRule.PERIODIC_SERVICE, due, due - ctx.lead, due + timedelta(days=60), 2, key,
                             _params(last=last.day, due=due, km=last.km + s.interval_km, months=s.interval_months,
                                     per_day=round(est.km_per_day)), anchor=last.day), today)


def _warranty_end(f: VehicleFacts, today: date) -> date:
    """The warranty ends on its date or at its km, whichever the car reaches first."""
    v = f.vehicle
    return min(v.warranty_end_date, f.mileage(today).day_reaching(v.warranty_end_km))


def warranty_first(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R20: invite one month before the warranty ends (unless the car came in since)."""
    end = _warranty_end(f, today)
    start = add_months(end, -1)
    if end <= f.vehicle.sale_date or f.visited_between(start, today):
        return None
    return _current(Reminder(OutreachRule.WARRANTY_FIRST, end, start, end - timedelta(days=15), 1,
                             "outreach.reason.warranty", _params(end=end, km=f.vehicle.warranty_end_km),
                             anchor=f.vehicle.warranty_end_date), today)


def warranty_second(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R20: invite again two weeks before the end, only if the first invitation did not
    succeed (no booking from it, and the car has not come in since)."""
    end = _warranty_end(f, today)
    first = f.has_task(OutreachRule.WARRANTY_FIRST, f.vehicle.warranty_end_date)
    if end <= f.vehicle.sale_date or f.visited_between(add_months(end, -1), today):
        return None
    if first is not None and first.status is TaskStatus.BOOKED:
        return None
    return _current(Reminder(OutreachRule.WARRANTY_SECOND, end, end - timedelta(days=14), end, 1,
                             "outreach.reason.warranty_again", _params(end=end, km=f.vehicle.warranty_end_km),
                             anchor=f.vehicle.warranty_end_date), today)


def _last_seen(f: VehicleFacts) -> date:
    return f.last_visit.day if f.last_visit else f.vehicle.sale_date


def dormant(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R21: no visit for 6 months: contact, offer a free inspection."""
    last = _last_seen(f)
    start = add_months(last, 6)
    return _current(Reminder(OutreachRule.DORMANT, start, start, add_months(last, 12) - timedelta(days=1), 3,
                             "outreach.reason.dormant", _params(last=last), anchor=last), today)


def lost(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R22: no visit for 12 months: a win-back contact (within three months of that)."""
    last = _last_seen(f)
    start = add_months(last, 12)
    return _current(Reminder(OutreachRule.LOST, start, start, start + timedelta(days=90), 4,
                             "outreach.reason.lost", _params(last=last), anchor=last), today)


def declined_repair(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R23: declined work, two weeks before the km or date it was said to last to
    (whichever comes first); one call covers every open item, led by the most urgent."""
    est = None
    found: list[tuple[date, str, date]] = []
    for d in f.declined:
        limits = [d.wait_until_date] if d.wait_until_date else []
        if d.wait_until_km is not None:
            est = est or f.mileage(today)
            limits.append(est.day_reaching(d.wait_until_km))
        limit = min(limits)
        if today <= limit + timedelta(days=30):
            found.append((limit, d.op_code, d.declined_on))
    if not found:
        return None
    found.sort()
    limit, op, declined_on = found[0]
    return Reminder(OutreachRule.DECLINED_REPAIR, limit, limit - ctx.lead, limit + timedelta(days=30), 1,
                    "outreach.reason.declined",
                    _params(ops_zh="、".join(ctx.op_name(o, 0) for _, o, _ in found),
                            ops_en=", ".join(ctx.op_name(o, 1) for _, o, _ in found), limit=limit, op=op),
                    anchor=declined_on)


def _campaign_done(f: VehicleFacts, c: Campaign) -> bool:
    return any(v.day >= c.start and c.op_code in v.op_codes for v in f.visits)


def campaign(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R24: a running or coming campaign that targets the car's model and whose work it
    has not had; a manufacturer's recall comes first."""
    best: Reminder | None = None
    for c in ctx.campaigns:
        if c.end < today or c.op_code is None or not c.targets(f.vehicle.model) or _campaign_done(f, c):
            continue
        recall = c.kind is CampaignKind.MANUFACTURER
        r = Reminder(OutreachRule.CAMPAIGN, c.end, c.start, c.end, 1 if recall else 3,
                     "outreach.reason.recall" if recall else "outreach.reason.campaign",
                     _params(code=c.code, name_zh=c.name_zh, name_en=c.name_en, end=c.end), c.code, anchor=c.start)
        if best is None or (r.priority, r.remind_on) < (best.priority, best.remind_on):
            best = r
    return best


def walk_in_wait(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R30: a walk-in who waited long (or complained about the queue) is called to be
    offered a booked slot, unless they have come by appointment since."""
    for i in range(len(f.visits) - 1, -1, -1):
        v = f.visits[i]
        if v.by_appointment:
            return None
        if v.complained or (v.waited_minutes or 0) >= ctx.long_wait_minutes:
            long_wait = (v.waited_minutes or 0) >= ctx.long_wait_minutes
            return _current(Reminder(OutreachRule.WALK_IN_WAIT, v.day + timedelta(days=30), v.day + timedelta(days=1),
                                     v.day + timedelta(days=30), 2,
                                     f"outreach.reason.{'walk_in_wait' if long_wait else 'walk_in_complaint'}",
                                     _params(day=v.day, minutes=v.waited_minutes or 0), anchor=v.day), today)
    return None


Rule = Callable[[VehicleFacts, date, RuleContext], Reminder | None]

RULES: dict[OutreachRule, Rule] = {
    OutreachRule.FIRST_SERVICE: first_service,
    OutreachRule.PERIODIC_SERVICE: periodic_service,
    OutreachRule.WARRANTY_FIRST: warranty_first,
    OutreachRule.WARRANTY_SECOND: warranty_second,
    OutreachRule.DORMANT: dormant,
    OutreachRule.LOST: lost,
    OutreachRule.DECLINED_REPAIR: declined_repair,
    OutreachRule.CAMPAIGN: campaign,
    OutreachRule.WALK_IN_WAIT: walk_in_wait,
}


def reminders(f: VehicleFacts, today: date, ctx: RuleContext) -> list[Reminder]:
    """Every rule's current reminder for the vehicle (open today or later), best first;
    none for a car whose owner moved or sold it."""
    if f.lost_for_good:
        return []
    found = [r for rule in RULES.values() if (r := rule(f, today, ctx)) is not None]
    return sorted(found, key=lambda r: (r.priority, r.remind_on))


def open_reminders(f: VehicleFacts, today: date, ctx: RuleContext) -> list[Reminder]:
    """The reminders open today that no task has taken yet."""
    return [r for r in reminders(f, today, ctx)
            if r.open_on(today) and f.has_task(r.rule, r.anchor, r.campaign_code) is None]


def next_follow_up(f: VehicleFacts, today: date, ctx: RuleContext) -> Reminder | None:
    """R27: the next reminder that will open after today (for the agent after a call)."""
    later = [r for r in reminders(f, today, ctx) if r.remind_on > today]
    return min(later, key=lambda r: r.remind_on, default=None)
