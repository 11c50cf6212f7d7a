"""The `planner` command line: demo, import, info.

Every command takes `--db` (a file path or a SQLAlchemy URL; default `PLANNER_DB_URL`
or `data/planner.db`). Errors are printed as one clear message with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from planner.domain import Lang
from planner.i18n import tr
from planner.storage import find_dealer_id, open_database, resolve_url


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `planner` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (ValueError, FileNotFoundError) as exc:  # PlannerError and ImportFailed are ValueErrors
        print(tr("cli.error", args.lang, message=_message(exc, args.lang)), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        detail = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip().splitlines()[0]
        print(tr("cli.error", args.lang, message=tr("error.database", args.lang, detail=detail)), file=sys.stderr)
        return 2


def _message(exc: Exception, lang: str) -> str:
    fmt = getattr(exc, "format", None)
    if callable(fmt):
        try:
            return str(fmt(lang))
        except TypeError:
            pass
    return str(exc)


if __name__ == "__main__":
    sys.exit(main())
