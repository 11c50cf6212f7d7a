"""The `planner` command line: demo, import, info, forecast, backtest, suggest, replan, whatif,
book, cancel, confirm, noshow, ..., outreach and campaign (in `planner.cli_outreach`).

Every command takes `--db` (a file path or a SQLAlchemy URL; default `PLANNER_DB_URL`
or `data/planner.db`). Errors are printed as one clear message with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from planner.domain import Lang
from planner.errors import message
from planner.i18n import tr
from planner.storage import find_dealer_id, open_database, resolve_url

if TYPE_CHECKING:
    from planner.forecast.sources import ArrivalSource


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database file or URL (default: $PLANNER_DB_URL or data/planner.db)")


def cmd_demo(args: argparse.Namespace) -> int:
    from planner.demo import DemoSize, write_demo
    from planner.summary import summarise

    engine = open_database(args.db)
    started = time.perf_counter()
    size = DemoSize(vehicles=args.vehicles, history_years=args.years)
    dealer_id = write_demo(engine, args.seed, args.today, size, replace_existing=args.replace)
    with engine.connect() as conn:
        s = summarise(conn, dealer_id)
    print(tr("cli.demo_built", args.lang, code=s.code, vehicles=s.counts["vehicles"],
             orders=s.counts["repair_orders"], seconds=time.perf_counter() - started,
             db=resolve_url(args.db)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from planner.importer import import_dealer

    engine = open_database(args.db)
    result = import_dealer(engine, Path(args.dealer_toml), replace=args.replace)
    print(tr("cli.imported", args.lang, code=result.dealer_code, customers=result.customers,
             vehicles=result.vehicles, orders=result.repair_orders, db=resolve_url(args.db)))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from planner.summary import summarise

    engine = open_database(args.db)
    with engine.connect() as conn:
        s = summarise(conn, find_dealer_id(conn, args.dealer))
    if args.json:
        print(json.dumps(s.as_json(), ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    print(tr("cli.info_header", lang, name=s.name, code=s.code, zone=s.time_zone, country=s.holiday_country,
             grid=s.booking_grid_minutes))
    if s.today:
        print(tr("app.demo_date", lang, date=s.today))
    for key, n in s.counts.items():
        print(f"  {tr('count.' + key, lang):<28} {n:>8}")
    print(f"  {tr('app.technicians_by_skill', lang)}: "
          + ", ".join(f"{tr('skill.' + k, lang)} {v}" for k, v in s.technicians_by_skill.items()))
    print(f"  {tr('app.bays_by_type', lang)}: "
          + ", ".join(f"{tr('bay.' + k, lang)} {v}" for k, v in s.bays_by_type.items()))
    print(f"  {tr('app.out_of_stock', lang)}: {s.parts_out_of_stock}   "
          f"{tr('app.open_orders', lang)}: {s.open_purchase_orders}")
    if s.repair_orders_from and s.repair_orders_to:
        print("  " + tr("app.ro_range_line", lang, first=f"{s.repair_orders_from:%Y-%m-%d}",
                        last=f"{s.repair_orders_to:%Y-%m-%d}"))
    print(f"  {tr('app.ro_per_day', lang)}: {s.repair_orders_per_open_day}   "
          f"{tr('app.appointment_share', lang)}: {s.appointment_share:.0%}")
    return 0


def _add_series(p: argparse.ArgumentParser) -> None:
    """Where an arrival series comes from: a dealer's database or a CSV of arrivals."""
    _add_db(p)
    p.add_argument("--arrivals", metavar="FILE.csv",
                   help="a CSV with a 'timestamp' column (one row per arrival) or 'timestamp,count' rows")
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--freq", choices=["H", "D"], default="H", help="hourly or daily (default H)")
    p.add_argument("--country", default="CN", help="holiday country for --arrivals (default CN)")
    p.add_argument("--tz", default="Asia/Shanghai", help="time zone of --arrivals (default Asia/Shanghai)")
    p.add_argument("--json", action="store_true")


@dataclass(frozen=True)
class _Series:
    source: ArrivalSource
    records: list[tuple[datetime, bool, float]] | None = None
    hours_by_op: dict[str, float] | None = None


def _series(args: argparse.Namespace) -> _Series:
    from planner.forecast.sources import from_csv, from_database
    from planner.storage.repository import arrival_records, labour_by_operation

    daily = args.freq == "D"
    if args.arrivals:
        if args.db:
            raise ValueError("give either --db or --arrivals, not both")
        return _Series(from_csv(args.arrivals, args.country, args.tz, daily=daily))
    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        source = from_database(conn, dealer_id)
        since = datetime.combine(source.next_day - timedelta(weeks=16), datetime.min.time(), tzinfo=source.zone)
        return _Series(source, arrival_records(conn, dealer_id, since=since),
                       labour_by_operation(conn, dealer_id, since=since))


def cmd_forecast(args: argparse.Namespace) -> int:
    from planner.forecast.intake import forecast_intake

    series = _series(args)
    start = args.start or series.source.next_day
    result = forecast_intake(series.source, start, args.days, daily=args.freq == "D", model=args.model,
                             records=series.records, hours_by_op=series.hours_by_op)
    if args.json:
        print(json.dumps({"model": result.model, "freq": result.freq,
                          "periods": [p.as_json() for p in result.periods]}, ensure_ascii=False, indent=1))
        return 0
    lang = args.lang
    print(tr("cli.forecast_title", lang, model=result.model, start=start, days=args.days))
    print(tr("cli.forecast_header", lang))
    for p in result.periods:
        weekday = tr(f"weekday.{p.start.weekday()}", lang)
        when = f"{p.start:%Y-%m-%d} {weekday}" + ("" if result.freq == "D" else f" {p.start:%H:%M}")
        if p.closed:
            print(f"{when:<22} {tr('cli.closed', lang)}")
            continue
        extra = ""
        if p.labour_hours is not None and p.capacity_hours is not None:
            ratio = f"{p.load_ratio:.0%}" if p.load_ratio is not None else "-"
            label = tr(f"load.{p.label.value}", lang) if p.label else "-"
            extra = (f" {p.walk_ins:>7.1f} {p.appointments:>6.1f} {p.labour_hours:>7.1f} {p.capacity_hours:>7.1f}"
                     f" {ratio:>6} {label}")
        print(f"{when:<22} {p.arrivals:>7.1f} {p.lo80:>5.0f}-{p.hi80:<5.0f} {p.lo95:>5.0f}-{p.hi95:<5.0f}{extra}")
    return 0


def cmd_backtest(args: argparse.Namespace) -> int:
    from planner.forecast.backtest import backtest

    source = _series(args).source
    result = backtest(source.grid, source.context, daily=args.freq == "D", holdout_days=args.holdout_days,
                      horizon_days=args.horizon_days)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    print(tr("cli.backtest_title", args.lang, freq=result.freq, holdout=result.holdout_days,
             horizon=result.horizon_days, origins=len(result.origins)))
    print(f"{'model':<20} {'MASE':>6} {'relMAE':>7} {'RMSE':>7} {'cov80':>6} {'cov95':>6} {'pinball':>8} {'s/fit':>6}")
    for m in result.scores:
        mark = " *" if m.model == result.chosen else ""
        print(f"{m.model:<20} {m.mase:>6.3f} {m.rel_mae:>7.3f} {m.rmse:>7.2f} {m.coverage_80:>6.2f} "
              f"{m.coverage_95:>6.2f} {m.pinball:>8.3f} {m.seconds:>6.2f}{mark}")
    print(tr("cli.backtest_chosen", args.lang, model=result.chosen))
    return 0


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO 8601 time (YYYY-MM-DDTHH:MM[+08:00])") from None


def cmd_suggest(args: argparse.Namespace) -> int:
    from planner.solver.desk import option_json, proposal_json, propose
    from planner.solver.loader import WalkInPolicy
    from planner.solver.settings import Preference

    engine = open_database(args.db)
    prefer = frozenset(Preference(p) for p in args.prefer or ())
    policy = WalkInPolicy(quantile=None if args.no_walk_in_reserve else args.walk_in_quantile)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        proposal, _ = propose(conn, dealer_id, args.plate, [c.strip() for c in args.ops.split(",") if c.strip()],
                              args.after, args.days, args.count, prefer, policy=policy)
    lang = args.lang
    if args.json:
        print(json.dumps(proposal_json(proposal, lang), ensure_ascii=False, indent=1))
        return 0 if proposal.options else 1
    if not proposal.options:
        out = proposal_json(proposal, lang)
        assert isinstance(out, dict)
        print(tr("cli.no_slot", lang, reasons=out["error"]))
        if out["earliest"]:
            print(tr("cli.earliest", lang, when=out["earliest"]))
        return 1
    print(tr("cli.suggest_header", lang))
    for o in proposal.options:
        j = option_json(o, lang)
        weekday = tr(f"weekday.{o.start.weekday()}", lang)
        print(f"{o.start:%Y-%m-%d} {weekday} {o.start:%H:%M}-{o.end:%H:%M}  {j['technician']:<6} {j['bay']:<5} "
              f"{o.load_ratio:>5.0%}  " + "; ".join(j["reasons"]))
    if not proposal.complete:
        print(tr("cli.incomplete", lang))
    return 0


def cmd_replan(args: argparse.Namespace) -> int:
    from planner.solver.loader import WalkInPolicy, load_snapshot
    from planner.solver.replan import replan_week, week_start
    from planner.solver.settings import SolverSettings
    from planner.storage.repository import update_booking_plans

    start = week_start(args.week)
    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        snapshot = load_snapshot(conn, dealer_id, start, 7, WalkInPolicy())
    result = replan_week(snapshot, start, 7, SolverSettings(replan_seconds=args.seconds))
    if args.apply and result.changes:
        with engine.begin() as conn:
            update_booking_plans(conn, dealer_id, list(result.bookings))
    if args.json:
        print(json.dumps({**result.as_json(), "applied": bool(args.apply and result.changes)},
                         ensure_ascii=False, indent=1))
        return 0
    lang = args.lang
    print(tr("cli.replan_title", lang, week=args.week, status=result.status, seconds=result.seconds,
             gap=f"{result.gap:.1%}" if result.gap is not None else "-"))
    for what, m in ((tr("cli.before", lang), result.before), (tr("cli.after", lang), result.after)):
        print(tr("cli.replan_metrics", lang, what=what, peak=f"{m.peak_load:.0%}", at=m.peak_at,
                 overtime=m.overtime_minutes, short=m.headroom_shortfall_minutes))
    print(tr("cli.replan_changes", lang, moved=sum(c.moved for c in result.changes),
             reassigned=sum(not c.moved for c in result.changes)))
    if args.apply:
        print(tr("cli.applied", lang))
    return 0


def _code_at(text: str) -> tuple[str, date]:
    code, sep, day = text.partition("@")
    if not sep or not code:
        raise argparse.ArgumentTypeError(f"'{text}' should be CODE@YYYY-MM-DD")
    return code, _date(day)


def _demand(text: str) -> float:
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' should be a change like +20%") from None
    return 1 + value / 100


def cmd_whatif(args: argparse.Namespace) -> int:
    from planner.solver.loader import WalkInPolicy, load_snapshot, planning_today
    from planner.solver.whatif import Scenario, what_if
    from planner.storage import load_dealership

    engine = open_database(args.db)
    scenario = Scenario(tuple(args.absent or ()), tuple(args.bay_down or ()), tuple(args.part_delay or ()),
                        args.demand)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        today = planning_today(conn, dealer_id, load_dealership(conn, dealer_id))
        start = args.start or today
        snapshot = load_snapshot(conn, dealer_id, start, args.days, WalkInPolicy(demand_scale=args.demand))
    result = what_if(snapshot, scenario, start, args.days)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return 0
    lang = args.lang
    summary = result.as_json()["summary"]
    print(tr("cli.whatif_summary", lang, **summary))
    for r in result.infeasible:
        when = r.after.arrival.strftime("%m-%d %H:%M") if r.after else "-"
        print(f"  {r.booking_id} {r.plate:<10} {r.before.arrival:%m-%d %H:%M} -> {when}  "
              f"{tr('cli.action_' + r.action, lang)}  ({', '.join(r.broken)})")
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    from planner.booking.service import BookingRequest, SlotTaken, book, hold
    from planner.domain import AppointmentOrigin
    from planner.solver.desk import option_json
    from planner.solver.loader import WalkInPolicy

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
    checklist = []
    for item in args.checklist or ():
        question, sep, answer = item.partition("=")
        if not sep or not question.strip():
            raise ValueError(f"--checklist '{item}' should be QUESTION=ANSWER")
        checklist.append((question.strip(), answer.strip()))
    request = BookingRequest(args.plate, tuple(c.strip() for c in args.ops.split(",") if c.strip()), args.at,
                             AppointmentOrigin(args.origin), args.rule, args.idempotency_key, args.actor,
                             concern=args.concern or "", checklist=tuple(checklist), channel=args.channel)
    policy = WalkInPolicy(quantile=None if args.no_walk_in_reserve else args.walk_in_quantile)
    try:
        if args.hold_minutes:
            result = hold(engine, dealer_id, request, args.hold_minutes, policy=policy)
        else:
            result = book(engine, dealer_id, request, policy=policy)
    except SlotTaken as taken:
        if args.json:
            print(json.dumps({"error": taken.format(args.lang),
                              "next": option_json(taken.next_option, args.lang) if taken.next_option else None},
                             ensure_ascii=False, indent=1))
            return 1
        raise
    b = result.booking
    if args.json:
        print(json.dumps({
            "booking": b.booking_id, "replayed": result.replayed, "plate": b.plate,
            "start": b.arrival.isoformat(), "end": b.end.isoformat(),
            "jobs": [{"ops": list(j.spec.op_codes), "technician": j.technician, "bay": j.bay,
                      "start": j.start.isoformat(), "end": j.end.isoformat()} for j in b.jobs],
            "moved": [m.booking_id for m in result.moved]}, ensure_ascii=False, indent=1))
        return 0
    key = "cli.booked_again" if result.replayed else ("cli.held" if args.hold_minutes else "cli.booked")
    print(tr(key, args.lang, booking=b.booking_id, plate=b.plate, start=b.arrival.strftime("%Y-%m-%d %H:%M"),
             end=b.end.strftime("%H:%M"), technician=b.jobs[0].technician, bay=b.jobs[0].bay,
             moved=len(result.moved), minutes=args.hold_minutes))
    return 0


def cmd_reschedule(args: argparse.Namespace) -> int:
    from planner.booking.service import reschedule
    from planner.solver.loader import WalkInPolicy

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
    policy = WalkInPolicy(quantile=None) if args.no_walk_in_reserve else WalkInPolicy()
    result = reschedule(engine, dealer_id, args.booking, args.at, args.actor, policy=policy)
    b = result.booking
    if args.json:
        print(json.dumps({"from": args.booking, "booking": b.booking_id, "start": b.arrival.isoformat(),
                          "end": b.end.isoformat(), "technician": b.jobs[0].technician, "bay": b.jobs[0].bay},
                         ensure_ascii=False))
        return 0
    print(tr("cli.rescheduled", args.lang, old=args.booking, booking=b.booking_id,
             start=b.arrival.strftime("%Y-%m-%d %H:%M")))
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    from planner.solver.loader import planning_today
    from planner.storage import load_dealership
    from planner.views.board import welcome_board

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        dealership = load_dealership(conn, dealer_id)
        day = args.date or planning_today(conn, dealer_id, dealership) + timedelta(days=1)
        board = welcome_board(conn, dealer_id, dealership, day, args.lang)
    if args.json:
        print(json.dumps([r.__dict__ for r in board.rows], ensure_ascii=False, indent=1))
        return 0
    if args.out:
        Path(args.out).write_text(board.html, encoding="utf-8")
        print(tr("cli.board_written", args.lang, path=args.out, n=len(board.rows)))
    else:
        print(board.html)
    return 0


def cmd_forms(args: argparse.Namespace) -> int:
    from planner.booking.copies import pick_list_csv, render_html
    from planner.booking.exports import write_table
    from planner.storage import load_dealership
    from planner.views.documents import booking_documents

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        dealership = load_dealership(conn, dealer_id)
        documents = booking_documents(conn, dealer_id, dealership, args.appointment, args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for copy in documents:
        path = out / f"{args.appointment}-{copy.kind}.html"
        path.write_text(render_html(copy, dealership.dealer.name, args.lang), encoding="utf-8")
        written.append(path)
        if copy.kind == "parts":
            csv_path = out / f"{args.appointment}-parts.csv"
            csv_path.write_text(pick_list_csv(copy), encoding="utf-8-sig")  # BOM: Excel reads the Chinese right
            written.append(csv_path)
            xlsx_path = out / f"{args.appointment}-parts.xlsx"
            write_table(xlsx_path, copy.title, copy.table_head, copy.table, args.lang)
            written.append(xlsx_path)
    print(tr("cli.forms_written", args.lang, n=len(written), path=out))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from planner.storage import load_dealership
    from planner.views.report import report_days

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        days, total = report_days(conn, dealer_id, load_dealership(conn, dealer_id), args.start, args.to)
    if args.json:
        print(json.dumps({"days": [d.as_json() for d in days], "total": {**total.as_json(), "day": None}},
                         ensure_ascii=False, indent=1))
        return 0
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x:.0%}"
    print(tr("cli.report_header", args.lang))
    for d in [*days, total]:
        label = tr("cli.total", args.lang) if d is total else f"{d.day:%Y-%m-%d}"
        print(f"{label:<12} {d.bookings:>6} {pct(d.active_share):>7} {pct(d.show_rate):>7} "
              f"{pct(d.confirmation_rate):>7} {d.cancelled:>6} {d.prepared:>6} {pct(d.utilisation):>7}")
    return 0


def cmd_confirmations(args: argparse.Namespace) -> int:
    from planner.solver.loader import planning_today
    from planner.storage import load_dealership
    from planner.views.confirmations import confirmation_list

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        dealership = load_dealership(conn, dealer_id)
        day = args.date or planning_today(conn, dealer_id, dealership)
        found = confirmation_list(conn, dealer_id, dealership, day, args.now)
    tasks, flagged = found.tasks, found.unconfirmed
    if args.json:
        print(json.dumps({"date": day.isoformat(), "tasks": [t.as_json() for t in tasks],
                          "unconfirmed": [b.appointment_no for b in flagged]}, ensure_ascii=False, indent=1))
        return 0
    print(tr("cli.confirmations_header", args.lang, day=day, n=len(tasks), open=sum(t.outcome is None for t in tasks)))
    for t in tasks:
        state = t.outcome or (tr("cli.overdue", args.lang) if t.overdue else tr("cli.to_do", args.lang))
        print(f"  {t.due_at:%H:%M} {t.stage.value:>3} {t.owner:<16} {t.appointment_no} {t.plate:<10} "
              f"{t.arrival:%m-%d %H:%M}  {state}")
    print(tr("cli.unconfirmed", args.lang, n=len(flagged), ids=", ".join(b.appointment_no for b in flagged[:20])))
    return 0


def cmd_call(args: argparse.Namespace) -> int:
    from planner.booking.service import record_call

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
    status = record_call(engine, dealer_id, args.booking, args.stage, args.outcome, args.actor, args.note or "")
    print(tr("cli.status_now", args.lang, booking=args.booking, status=status.value))
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from planner.booking.service import prepare

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
    state = prepare(engine, dealer_id, args.booking, parts_picked=args.parts_picked or None,
                    technician_confirmed=args.technician_confirmed or None, tools_ready=args.tools_ready or None,
                    complete=args.complete, actor=args.actor)
    shown = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in state.items()
             if k in ("parts_picked", "technician_confirmed", "tools_ready", "prepared_at")}
    print(json.dumps({"booking": args.booking, **shown}, ensure_ascii=False))
    return 0


def cmd_waitlist(args: argparse.Namespace) -> int:
    from planner.booking.service import join_waitlist
    from planner.storage.repository import waiting

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
    if args.plate:
        if not (args.ops and args.start and args.end):
            raise ValueError("joining the waitlist needs --plate, --ops, --from and --to")
        entry = join_waitlist(engine, dealer_id, args.plate, tuple(c.strip() for c in args.ops.split(",") if c.strip()),
                              args.start, args.end, args.actor)
        print(tr("cli.waitlisted", args.lang, entry=entry))
        return 0
    with engine.connect() as conn:
        entries = waiting(conn, dealer_id, status=None)
    print(json.dumps([{**e, "op_codes": list(e["op_codes"]),
                       **{k: e[k].isoformat() for k in ("wished_from", "wished_to", "created_at")}} for e in entries],
                     ensure_ascii=False, indent=1))
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    from planner.booking.exports import workshop_day, write_table
    from planner.solver.loader import planning_today
    from planner.storage import load_dealership
    from planner.storage.repository import appointment_details, load_bookings

    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        dealership = load_dealership(conn, dealer_id)
        day = args.date or planning_today(conn, dealer_id, dealership)
        bookings = load_bookings(conn, dealer_id, day, day)
        prepared = {b.booking_id: bool((appointment_details(conn, dealer_id, b.booking_id) or {}).get("prepared_at"))
                    for b in bookings}
    head, rows = workshop_day(dealership, bookings, prepared, args.lang)
    title = tr("jobs.title", args.lang, day=day.isoformat())
    if args.out:
        write_table(Path(args.out), title, head, rows, args.lang)
        print(tr("cli.forms_written", args.lang, n=1, path=args.out))
    else:
        print(title)
        for row in rows:
            print("  " + "  ".join(row))
    return 0


def _status_command(action_name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from planner.booking.lifecycle import Action
        from planner.booking.service import change_status

        engine = open_database(args.db)
        with engine.connect() as conn:
            dealer_id = find_dealer_id(conn, args.dealer)
        status = change_status(engine, dealer_id, args.booking, Action(action_name), args.actor, args.reason or "")
        print(json.dumps({"booking": args.booking, "status": status.value}) if args.json
              else tr("cli.status_now", args.lang, booking=args.booking, status=status.value))
        return 0
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description="After-sales capacity planner")
    parser.add_argument("--lang", choices=[lang.value for lang in Lang], default=Lang.EN.value,
                        help="language of messages (default: en)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="build the reference dealership (deterministic for a seed)")
    _add_db(p)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--today", type=_date, default=date.today(), help="the demo's today (default: today)")
    p.add_argument("--vehicles", type=int, default=12_000, help="fleet size (default 12000)")
    p.add_argument("--years", type=int, default=3, help="years of repair-order history (default 3)")
    p.add_argument("--replace", action="store_true", help="replace the demo dealer if it exists")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="import a dealer from dealer.toml and CSV exports")
    _add_db(p)
    p.add_argument("dealer_toml", help="path to dealer.toml (CSV files are found beside it)")
    p.add_argument("--replace", action="store_true", help="replace the dealer if it exists")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="what the database holds: counts and date ranges")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    from planner.forecast.names import DEFAULT_MODEL, MODEL_NAMES

    p = sub.add_parser("forecast", help="intake forecast with intervals, capacity, load ratio and peak/valley label")
    _add_series(p)
    p.add_argument("--start", type=_date, help="first day (default: the day after the history ends)")
    p.add_argument("--days", type=int, default=14, help="days ahead (default 14)")
    p.add_argument("--model", choices=list(MODEL_NAMES), default=DEFAULT_MODEL)
    p.set_defaults(func=cmd_forecast)

    p = sub.add_parser("backtest", help="rolling-origin accuracy of every model against the baselines")
    _add_series(p)
    p.add_argument("--holdout-days", type=int, default=56, help="days at the end held out (default 56)")
    p.add_argument("--horizon-days", type=int, default=7, help="days forecast from each origin (default 7)")
    p.set_defaults(func=cmd_backtest)

    p = sub.add_parser("suggest", help="propose arrival times for a car and its work (the appointment desk)")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--plate", required=True, help="the vehicle's plate")
    p.add_argument("--ops", required=True, help="operation codes, comma-separated (e.g. MNT-MIN-YH5,BRK-FP-C)")
    p.add_argument("--after", type=_moment, help="earliest arrival, ISO 8601 (default: now)")
    p.add_argument("--days", type=int, default=14, help="days to search (default 14)")
    p.add_argument("--count", type=int, default=5, help="options wanted (default 5)")
    p.add_argument("--prefer", action="append", choices=["weekend", "weekday", "morning", "afternoon"],
                   help="caller's preference (repeatable)")
    p.add_argument("--walk-in-quantile", type=float, default=0.5,
                   help="quantile of the walk-in forecast kept free (default 0.5)")
    p.add_argument("--no-walk-in-reserve", action="store_true", help="keep no capacity free for walk-ins")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("replan", help="re-plan a week: reassign, move flexible bookings, shave the peak")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--week", required=True, help="ISO week, e.g. 2026-W49")
    p.add_argument("--seconds", type=float, default=8.0, help="CP-SAT time limit (default 8)")
    p.add_argument("--apply", action="store_true", help="store the re-plan (default: only report)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_replan)

    p = sub.add_parser("whatif", help="which bookings an absence, bay outage, parts delay or demand change breaks")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--absent", action="append", type=_code_at, metavar="TECH@DATE", help="technician absent")
    p.add_argument("--bay-down", action="append", type=_code_at, metavar="BAY@DATE", help="bay out of service")
    p.add_argument("--part-delay", action="append", type=_code_at, metavar="PART@DATE",
                   help="the part's open orders arrive on DATE at the earliest")
    p.add_argument("--demand", type=_demand, default=1.0, metavar="+20%%", help="walk-in demand change")
    p.add_argument("--start", type=_date, help="first day (default: today)")
    p.add_argument("--days", type=int, default=14, help="days to check (default 14)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_whatif)

    p = sub.add_parser("book", help="book a car and its work at a time (re-checked inside one transaction)")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--plate", required=True)
    p.add_argument("--ops", required=True, help="operation codes, comma-separated")
    p.add_argument("--at", required=True, type=_moment, help="arrival, ISO 8601 (e.g. 2026-11-30T10:15+08:00)")
    p.add_argument("--origin", choices=["passive", "active"], default="passive", help="R1: who asked first")
    p.add_argument("--rule", help="outreach rule or campaign of an active appointment")
    p.add_argument("--idempotency-key", help="a retried request with the same key does not book twice")
    p.add_argument("--actor", default="desk", help="who books (for the audit log)")
    p.add_argument("--hold-minutes", type=int, help="only hold the slot this long (book it with `planner book-hold`)")
    p.add_argument("--concern", help="the main concern, in the customer's words (R7)")
    p.add_argument("--checklist", action="append", metavar="QUESTION=ANSWER", help="diagnosis checklist answer (R7)")
    p.add_argument("--channel", choices=["phone", "sms", "letter"], help="how to reach the customer (R11)")
    p.add_argument("--walk-in-quantile", type=float, default=0.5)
    p.add_argument("--no-walk-in-reserve", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_book)

    p = sub.add_parser("board", help="the welcome board (R5): a day's booked arrivals, names and plates masked")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--date", type=_date, help="day shown (default: tomorrow)")
    p.add_argument("--out", help="write the large-print HTML page here (default: print it)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_board)

    p = sub.add_parser("forms", help="the four copies of a booking (R4) and the repair-order draft (R17)")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--appointment", required=True, help="appointment number")
    p.add_argument("--out", required=True, help="folder to write the HTML pages and the pick-list CSV to")
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("report", help="the manager's booking report (R12): per day and in total")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--from", dest="start", type=_date, required=True)
    p.add_argument("--to", type=_date, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("confirmations", help="confirmation calls due on a day (R16): 72 h, 24 h, 1 h before")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--date", type=_date, help="day the calls are due (default: today)")
    p.add_argument("--now", type=_moment, help="the time to judge overdue calls by (default: now)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_confirmations)

    p = sub.add_parser("call", help="record a confirmation call's outcome (confirmed confirms the booking)")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--booking", required=True)
    p.add_argument("--stage", required=True, choices=["72h", "24h", "1h"])
    p.add_argument("--outcome", required=True, choices=["confirmed", "no_answer", "wants_other_time",
                                                         "wants_to_cancel"])
    p.add_argument("--note")
    p.add_argument("--actor", default="desk")
    p.set_defaults(func=cmd_call)

    p = sub.add_parser("prepare", help="record preparation (R13-R15): parts picked, technician, tools; --complete")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--booking", required=True)
    p.add_argument("--parts-picked", action="store_true")
    p.add_argument("--technician-confirmed", action="store_true")
    p.add_argument("--tools-ready", action="store_true")
    p.add_argument("--complete", action="store_true", help="the advisor confirms all preparation done (R15)")
    p.add_argument("--actor", default="advisor")
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser("waitlist", help="wait for a full time (--plate --ops --from --to), or list the waitlist")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--plate")
    p.add_argument("--ops", help="operation codes, comma-separated")
    p.add_argument("--from", dest="start", type=_moment, help="start of the wished window, ISO 8601")
    p.add_argument("--to", dest="end", type=_moment, help="end of the wished window, ISO 8601")
    p.add_argument("--actor", default="desk")
    p.set_defaults(func=cmd_waitlist)

    p = sub.add_parser("jobs", help="the workshop's job list of a day, by bay and technician (.csv, .xlsx, .html)")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--date", type=_date, help="day (default: today)")
    p.add_argument("--out", help="write FILE.csv, FILE.xlsx or FILE.html (default: print)")
    p.set_defaults(func=cmd_jobs)

    p = sub.add_parser("reschedule", help="move a booking to another time in one transaction")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--booking", required=True)
    p.add_argument("--at", required=True, type=_moment, help="new arrival, ISO 8601")
    p.add_argument("--actor", default="desk")
    p.add_argument("--no-walk-in-reserve", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reschedule)

    for name, action, text in (("book-hold", "book", "turn a hold into a booking"),
                               ("cancel", "cancel", "cancel a booking (releases technicians, bays and parts)"),
                               ("confirm", "confirm", "record that the customer confirmed"),
                               ("noshow", "no_show", "record a no-show (releases capacity)")):
        p = sub.add_parser(name, help=text)
        _add_db(p)
        p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
        p.add_argument("--booking", required=True, help="appointment number, e.g. AP261127-0012")
        p.add_argument("--reason", help="why (for the audit log)")
        p.add_argument("--actor", default="desk")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=_status_command(action))

    from planner.cli_outreach import add_commands
    from planner.cli_sim import add_commands as add_sim_commands

    add_commands(sub)
    add_sim_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `planner` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (ValueError, FileNotFoundError) as exc:  # PlannerError and ImportFailed are ValueErrors
        print(tr("cli.error", args.lang, message=message(exc, args.lang)), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        detail = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip().splitlines()[0]
        print(tr("cli.error", args.lang, message=tr("error.database", args.lang, detail=detail)), file=sys.stderr)
        return 2




if __name__ == "__main__":
    sys.exit(main())
