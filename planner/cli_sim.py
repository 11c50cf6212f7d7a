"""The `planner simulate` command: booking policies compared on the same simulated demand."""

from __future__ import annotations

import argparse
import json
from typing import Any

from planner.cli import _add_db, _date
from planner.i18n import tr
from planner.storage import find_dealer_id, open_database


def cmd_simulate(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from planner.sim.inputs import load_inputs
    from planner.sim.run import simulate, table
    from planner.sim.settings import SimSettings

    policies = tuple(p.strip() for p in args.policies.split(",") if p.strip())
    settings = SimSettings()
    if args.booked_share is not None:
        if not 0 <= args.booked_share <= 1:
            raise ValueError(f"--booked-share must be between 0 and 1, not {args.booked_share}")
        settings = replace(settings, booked_share=args.booked_share)
    if args.pushed_days is not None:
        settings = replace(settings, pushed_days=args.pushed_days)
    if not 0 <= args.walk_in_quantile < 1:
        raise ValueError(f"--walk-in-quantile must be in [0, 1), not {args.walk_in_quantile}")
    if not 1 <= args.weeks <= 26:
        raise ValueError(f"--weeks must be 1 to 26, not {args.weeks}")
    engine = open_database(args.db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, args.dealer)
        days = settings.warmup_days + 7 * args.weeks + settings.tail_days
        inputs = load_inputs(conn, dealer_id, args.start, days + 60, args.walk_in_quantile)
    report = simulate(inputs, policies, args.weeks, args.seed, settings)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return 0
    out: dict[str, Any] = report.as_json()
    print(tr("sim.title", args.lang, start=out["measured_from"], weeks=args.weeks, seed=args.seed,
             customers=report.customers))
    print(table(report, args.lang))
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("simulate", help="simulate weeks of the dealership under booking policies (same demand)")
    _add_db(p)
    p.add_argument("--dealer", help="dealer code (needed when the database holds several)")
    p.add_argument("--weeks", type=int, default=8, help="weeks measured (default 8; a week of warm-up comes first)")
    p.add_argument("--policies", default="walkin,first-available,planner",
                   help="comma-separated: walkin, first-available, planner (default: all three)")
    p.add_argument("--seed", type=int, default=1, help="seed of the demand stream (default 1)")
    p.add_argument("--start", type=_date, help="first simulated day (default: the day after the history ends)")
    p.add_argument("--booked-share", type=float, help="share of customers who book ahead (default: as in the history)")
    p.add_argument("--pushed-days", type=int, help="count bookings more than this many days late as pushed (default 3)")
    p.add_argument("--walk-in-quantile", type=float, default=0.5,
                   help="the planner keeps this quantile of the walk-in forecast free (default 0.5; 0: nothing)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_simulate)
