"""The `planner outreach` and `planner campaign` commands (active appointments, R18–R30)."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from planner.cli import _date, _moment
from planner.domain import Channel
from planner.domain.outreach import LostReason, Outcome
from planner.i18n import tr
from planner.storage import find_dealer_id, open_database


def _engine_and_dealer(args: argparse.Namespace) -> tuple[Any, int]:
    engine = open_database(getattr(args, "db", None))
    with engine.connect() as conn:
        return engine, find_dealer_id(conn, getattr(args, "dealer", None))


# -- planner outreach (the day's worklist) ------------------------------------------------------


def _item_json(item: Any, lang: str) -> dict[str, Any]:
    from planner.outreach.worklist import reason_text

    nxt = item.next
    return {
        "task": item.task.task_no if item.task else None, "customer_no": item.customer.customer_no,
        "name": item.customer.name, "mobile": item.customer.mobile, "plate": item.vehicle.plate,
        "vin": item.vehicle.vin, "model": item.vehicle.model, "rule": item.rule.value,
        "campaign": item.campaign_code, "reason": reason_text(item.reason, lang), "due_date": item.due_date.isoformat(),
        "priority": item.priority, "channel": nxt.channel.value if nxt.channel else None,
        "call_no": nxt.call_no or None, "part_of_day": nxt.part.value if nxt.part else None,
        "window": str(nxt.window) if nxt.window else None, "waited_long": item.waited_long,
        "calls_so_far": item.calls_so_far, "also": [reason_text(r, lang) for r in item.others],
    }


def cmd_outreach(args: argparse.Namespace) -> int:
    from planner.outreach.service import run_worklist
    from planner.outreach.worklist import reason_text

    engine, dealer_id = _engine_and_dealer(args)
    wl = run_worklist(engine, dealer_id, args.date, args.now, persist=not args.preview, limit=args.limit)
    lang = args.lang
    calls = sum(i.is_call for i in wl.items)
    if args.json:
        print(json.dumps({"day": wl.day.isoformat(), "calls": calls, "backlog": wl.backlog,
                          "unplanned_campaign": wl.unplanned_campaign,
                          "closed_booked_meanwhile": len(wl.booked_meanwhile),
                          "items": [_item_json(i, lang) for i in wl.items]}, ensure_ascii=False, indent=1))
        return 0
    print(tr("outreach.worklist_title", lang, day=wl.day.isoformat(), n=len(wl.items), calls=calls))
    for i in wl.items:
        nxt = i.next
        how = (tr("outreach.call_line", lang, n=nxt.call_no, part=tr(f"outreach.part.{nxt.part.value}", lang),
                  window=nxt.window) if nxt.channel is Channel.PHONE and nxt.part else
               tr("outreach.send_line", lang, channel=tr(f"channel.{nxt.channel.value}", lang)) if nxt.channel else "")
        task = i.task.task_no if i.task else tr("outreach.preview_tag", lang)
        print(f" P{i.priority} {task:<15} {i.customer.name:<6} {i.customer.mobile:<12} {i.vehicle.plate:<9} "
              f"{tr('outreach.rule.' + i.rule.value, lang)}: {reason_text(i.reason, lang)}  → {how}")
        if i.waited_long:
            print("      " + tr("outreach.waited_flag", lang))
        if i.others:
            print("      " + tr("outreach.also", lang, reasons="; ".join(reason_text(r, lang) for r in i.others)))
    if wl.backlog:
        print(tr("outreach.backlog", lang, n=wl.backlog))
    if wl.unplanned_campaign:
        print(tr("outreach.unplanned_campaign", lang, n=wl.unplanned_campaign))
    return 0


def cmd_outreach_record(args: argparse.Namespace) -> int:
    from planner.outreach.service import record_attempt

    engine, dealer_id = _engine_and_dealer(args)
    done = record_attempt(engine, dealer_id, args.task, Outcome(args.outcome),
                          channel=Channel(args.channel) if args.channel else None, at=args.at, actor=args.actor,
                          note=args.note or "", lost_reason=LostReason(args.lost_reason) if args.lost_reason else None,
                          appointment_no=args.appointment, call_back_on=args.call_back, km=args.km, now=args.now)
    lang = args.lang
    nxt = done.next
    follow = done.follow_up
    if args.json:
        print(json.dumps({
            "task": done.task.task_no, "status": done.task.status.value, "siblings": list(done.siblings),
            "next": None if nxt is None or nxt.done else {
                "day": nxt.day.isoformat() if nxt.day else None, "channel": nxt.channel.value if nxt.channel else None,
                "part_of_day": nxt.part.value if nxt.part else None, "window": str(nxt.window) if nxt.window else None},
            "next_contact_on": done.task.next_contact_on.isoformat() if done.task.next_contact_on else None,
            "follow_up": None if follow is None else {
                "rule": follow.rule.value, "remind_on": follow.remind_on.isoformat(),
                "due_date": follow.due_date.isoformat()},
        }, ensure_ascii=False))
        return 0
    print(tr("outreach.recorded", lang, task=done.task.task_no, status=tr(f"outreach.status.{done.task.status.value}",
                                                                          lang)))
    if nxt is not None and not nxt.done and nxt.channel is not None:
        print(("  " + tr("outreach.next_try", lang, day=nxt.day, channel=tr(f"channel.{nxt.channel.value}", lang),
                         window=nxt.window or "")).rstrip())
    if done.siblings:
        print("  " + tr("outreach.siblings", lang, tasks=", ".join(done.siblings)))
    if follow is not None:
        print("  " + tr("outreach.follow_up", lang, day=follow.remind_on, rule=tr(f"outreach.rule.{follow.rule.value}",
                                                                                    lang)))
    return 0


def cmd_outreach_stats(args: argparse.Namespace) -> int:
    from planner.outreach.service import outreach_stats

    engine, dealer_id = _engine_and_dealer(args)
    s = outreach_stats(engine, dealer_id, args.since)
    lang = args.lang
    rates = sorted(s.model.rates.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value))
    if args.json:
        print(json.dumps({
            "since": s.since.isoformat(), "tasks": s.tasks, "attempts": s.attempts, "status": s.status_counts,
            "conversion": [{"rule": r.value, "channel": c.value, "tasks": x.tasks, "booked": x.booked,
                            "raw": None if x.raw is None else round(x.raw, 4), "estimate": round(x.estimate, 4)}
                           for (r, c), x in rates],
            "batches": {k: {"tasks": v.tasks, "booked": v.booked} for k, v in sorted(s.model.by_batch.items())},
            "show_rate": round(s.model.show_rate, 4),
            "lead_days": [round(float(p), 4) for p in s.model.lead_days],
            "lost": {"total": s.lost.total, "by_reason": {k.value: v for k, v in s.lost.by_reason.items()},
                     "by_model": {m: {k.value: v for k, v in r.items()} for m, r in s.lost.by_model.items()}},
            "calls_per_day": {"median": s.calls_per_day_median, "max": s.calls_per_day_max},
        }, ensure_ascii=False))
        return 0
    print(tr("stats.title", lang, since=s.since, tasks=s.tasks, attempts=s.attempts))
    for (rule, channel), x in rates:
        raw = "-" if x.raw is None else f"{x.raw:.0%}"
        print("  " + tr("stats.rate_line", lang, rule=tr(f"outreach.rule.{rule.value}", lang),
                        channel=tr(f"channel.{channel.value}", lang), booked=x.booked, tasks=x.tasks, raw=raw,
                        estimate=x.estimate))
    print("  " + tr("stats.show_rate", lang, rate=s.model.show_rate))
    print("  " + tr("stats.calls", lang, median=s.calls_per_day_median, max=s.calls_per_day_max))
    print(tr("stats.lost_title", lang, n=s.lost.total))
    for reason, n in s.lost.by_reason.items():
        print(f"  {n:>5}  {n / max(1, s.lost.total):>4.0%}  {tr('outreach.lost.' + reason.value, lang)}")
    for model, reasons in s.lost.by_model.items():
        print(f"  {model}: " + ", ".join(f"{tr('outreach.lost.' + r.value, lang)} {n}" for r, n in reasons.items()))
    for batch, rate in sorted(s.model.by_batch.items()):
        print("  " + tr("stats.batch_line", lang, batch=batch, booked=rate.booked, tasks=rate.tasks))
    return 0


def cmd_outreach_wait(args: argparse.Namespace) -> int:
    from planner.outreach.service import record_wait

    engine, dealer_id = _engine_and_dealer(args)
    record_wait(engine, dealer_id, args.ro, args.minutes, args.complained)
    print(tr("outreach.wait_recorded", args.lang, ro=args.ro, minutes=args.minutes))
    return 0


def cmd_outreach_message(args: argparse.Namespace) -> int:
    from planner.outreach.service import task_message

    engine, dealer_id = _engine_and_dealer(args)
    print(task_message(engine, dealer_id, args.task, Channel(args.channel) if args.channel else None, args.lang))
    return 0


# -- planner campaign plan -----------------------------------------------------------------


def cmd_campaign_plan(args: argparse.Namespace) -> int:
    from planner.outreach.service import plan_campaign

    engine, dealer_id = _engine_and_dealer(args)
    result = plan_campaign(engine, dealer_id, args.segment, args.start, args.weeks, args.calls_per_day, args.save,
                           args.seconds)
    p = result.plan
    lang = args.lang
    if args.json:
        print(json.dumps({
            "segment": result.segment, "start": result.start.isoformat(), "weeks": result.weeks,
            "customers": len(result.targets), "solver_status": p.status, "solve_seconds": round(p.solve_seconds, 3),
            "groups": [{"category": g.key, "customers": len(g.customers), "conversion": round(g.conversion, 4),
                        "sms_conversion": round(g.sms_conversion, 4), "hours": round(g.hours, 2),
                        "priority": g.priority} for g in result.groups],
            "days": [{"day": d.isoformat(), "contacts": len(cs), "batch": f"{result.batch_prefix}-{k:02d}",
                      "customers": list(cs)} for k, (d, cs) in enumerate(sorted(p.schedule.items()), start=1)],
            "load": [{"day": (result.curve.start + timedelta(days=i)).isoformat(),
                      "open": bool(result.curve.is_open[i]),
                      "forecast_hours": round(float(result.curve.base_hours[i]), 2),
                      "capacity_hours": round(float(result.curve.capacity_hours[i]), 2),
                      "planned_added_hours": round(float(p.added_hours[i]), 2),
                      "at_once_added_hours": round(float(p.at_once_hours[i]), 2)} for i in range(result.curve.days)],
            "not_planned": list(p.not_planned), "planned": p.planned.as_json(), "at_once": p.at_once.as_json(),
            "desk_speed": p.desk_speed.as_json(),
            "saved_tasks": result.saved,
        }, ensure_ascii=False, indent=1))
        return 0
    print(tr("campaign.title", lang, segment=result.segment, n=len(result.targets), weeks=result.weeks,
             start=result.start))
    for g in result.groups:
        print("  " + tr("campaign.group_line", lang, group=g.key, n=len(g.customers), conversion=g.conversion,
                        hours=g.hours))
    for d, cs in sorted(p.schedule.items()):
        if cs:
            print("  " + tr("campaign.day_line", lang, day=d, n=len(cs)))
    for name, m in (("campaign.planned", p.planned), ("campaign.at_once", p.at_once),
                    ("campaign.desk_speed", p.desk_speed)):
        print(tr("campaign.compare", lang, plan=tr(name, lang), bookings=m.expected_bookings,
                 fit=m.bookings_within_capacity, added=m.added_overload_hours, peak=m.peak_added_overload_hours,
                 ratio=m.peak_load_ratio, calls=m.max_calls_per_day))
    if p.not_planned:
        print(tr("campaign.not_planned", lang, n=len(p.not_planned)))
    if result.saved:
        print(tr("campaign.saved", lang, n=result.saved, prefix=result.batch_prefix))
    return 0


def add_commands(sub: Any) -> None:
    """Register `outreach` (with record, stats, wait, message) and `campaign plan`."""

    def common(p: argparse.ArgumentParser, suppress: bool = False) -> None:
        kw: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
        p.add_argument("--db", help="database file or URL (default: $PLANNER_DB_URL or data/planner.db)", **kw)
        # also after the command (`planner outreach --lang zh`), not only before it
        p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language of messages")
        p.add_argument("--dealer", help="dealer code (needed when the database holds several)", **kw)
        p.add_argument("--json", action="store_true", **kw)

    p = sub.add_parser("outreach", help="the day's outreach worklist (R18-R30); record, stats, wait, message")
    common(p)
    p.add_argument("--date", type=_date, help="the desk's day (default: today)")
    p.add_argument("--now", type=_moment, help="the time the desk works at (default: now, or 09:00 of --date)")
    p.add_argument("--preview", action="store_true", help="only show the list; make no tasks")
    p.add_argument("--limit", type=int, help="calls today (default: the contact policy's calls per day)")
    p.set_defaults(func=cmd_outreach)
    osub = p.add_subparsers(dest="outreach_command")

    r = osub.add_parser("record", help="record a call, SMS or letter and its outcome on a task")
    common(r, suppress=True)
    r.add_argument("--task", required=True)
    r.add_argument("--outcome", required=True, choices=[o.value for o in Outcome])
    r.add_argument("--channel", choices=[c.value for c in Channel], help="default: the task's channel")
    r.add_argument("--at", type=_moment, help="when it happened (default: now)")
    r.add_argument("--now", type=_moment, help=argparse.SUPPRESS)  # the clock, for simulations and tests
    r.add_argument("--appointment", help="the appointment made (with --outcome booked)")
    r.add_argument("--km", type=int, help="the odometer the customer read out (updates the car's mileage)")
    r.add_argument("--lost-reason", choices=[x.value for x in LostReason], help="why the customer left (R29)")
    r.add_argument("--call-back", type=_date, help="the agreed day to call again (with --outcome call_back)")
    r.add_argument("--note")
    r.add_argument("--actor", default="desk")
    r.set_defaults(func=cmd_outreach_record)

    s = osub.add_parser("stats", help="conversion per rule, channel and batch; lost reasons; calls a day")
    common(s, suppress=True)
    s.add_argument("--since", type=_date, help="first day (default: a year ago)")
    s.set_defaults(func=cmd_outreach_stats)

    w = osub.add_parser("wait", help="record a walk-in's wait at reception (R30)")
    common(w, suppress=True)
    w.add_argument("--ro", required=True, help="repair order number")
    w.add_argument("--minutes", required=True, type=int)
    w.add_argument("--complained", action="store_true", help="the customer complained about the queue")
    w.set_defaults(func=cmd_outreach_wait)

    m = osub.add_parser("message", help="the SMS, letter or call opening for a task, in --lang")
    common(m, suppress=True)
    m.add_argument("--task", required=True)
    m.add_argument("--channel", choices=[c.value for c in Channel])
    m.set_defaults(func=cmd_outreach_message)

    c = sub.add_parser("campaign", help="plan campaign batches that respect capacity (R24, R28)")
    csub = c.add_subparsers(dest="campaign_command", required=True)
    cp = csub.add_parser("plan", help="who to contact on which day: calls within the desk, bookings in the valleys")
    common(cp)
    cp.add_argument("--segment", required=True, help="campaign:CODE, rule:NAME (e.g. rule:dormant) or model:NAME")
    cp.add_argument("--start", required=True, type=_date)
    cp.add_argument("--weeks", type=int, default=4)
    cp.add_argument("--calls-per-day", type=int, help="desk capacity (default: the contact policy's)")
    cp.add_argument("--seconds", type=float, default=10.0, help="CP-SAT time limit (default 10)")
    cp.add_argument("--save", action="store_true", help="store the plan's contacts as tasks")
    cp.set_defaults(func=cmd_campaign_plan)
