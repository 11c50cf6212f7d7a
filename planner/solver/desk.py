"""The appointment desk's question, end to end: "when can this car come in for this work?"

Validates the caller's input (plate, operation codes, time), builds the snapshot and
asks the solver; `option_json` / `proposal_json` give the CLI's and the app's JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from planner.domain import Dealership, Lang, WorkRequest, work_request
from planner.errors import PlannerError
from planner.solver.loader import WalkInPolicy, load_snapshot, planning_today
from planner.solver.settings import Preference, ScoringWeights, SolverSettings
from planner.solver.snapshot import CapacitySnapshot
from planner.solver.suggest import Proposal, SlotOption, SlotRequest, suggest_slots
from planner.storage.repository import find_vehicle, load_dealership


def parse_ops(dealership: Dealership, codes: list[str]) -> WorkRequest:
    """The request for operation codes; an unknown code is named."""
    known = {op.op_code for op in dealership.operations}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise PlannerError("error.unknown_ops", codes=", ".join(unknown))
    if not codes:
        raise PlannerError("error.no_ops")
    if len(set(codes)) != len(codes):
        raise PlannerError("error.duplicate_ops", codes=", ".join(codes))
    return work_request([dealership.operation(c) for c in codes])


def propose(conn: Connection, dealer_id: int, plate: str, op_codes: list[str], after: datetime | None = None,
            days: int = 14, count: int = 5, prefer: frozenset[Preference] = frozenset(),
            settings: SolverSettings | None = None, weights: ScoringWeights | None = None,
            policy: WalkInPolicy | None = None) -> tuple[Proposal, CapacitySnapshot]:
    """The best options for `plate` and `op_codes` from `after` (default: now, or the demo's
    today at opening) over `days` days."""
    dealership = load_dealership(conn, dealer_id)
    zone = dealership.dealer.zone
    today = planning_today(conn, dealer_id, dealership)
    now = datetime.now(zone)
    floor = max(now, datetime.combine(today, datetime.min.time(), tzinfo=zone))
    if after is None:
        after = floor
    elif after.tzinfo is None:
        after = after.replace(tzinfo=zone)
    if after < floor:
        raise PlannerError("error.past", when=after.isoformat(timespec="minutes"))
    if not 1 <= days <= 90:
        raise PlannerError("error.bad_days", days=days)
    if not 1 <= count <= 20:
        raise PlannerError("error.bad_count", count=count)
    vehicle = find_vehicle(conn, dealer_id, plate)
    if vehicle is None:
        raise PlannerError("error.unknown_plate", plate=plate)
    work = parse_ops(dealership, op_codes)
    snapshot = load_snapshot(conn, dealer_id, after.astimezone(zone).date(), days, policy, dealership)
    request = SlotRequest(work, after, days=days, count=count, prefer=prefer, plate=vehicle.plate)
    return suggest_slots(snapshot, request, settings, weights), snapshot


def option_json(option: SlotOption, lang: Lang | str = Lang.EN) -> dict[str, Any]:
    """One option as the CLI prints it (ISO 8601 times with their offset)."""
    first = option.booking.jobs[0]
    return {
        "start": option.start.isoformat(),
        "end": option.end.isoformat(),
        "technician": first.technician,
        "bay": first.bay,
        "load_ratio": round(option.load_ratio, 3),
        "label": option.label.value,
        "reasons": [r.text(lang) for r in option.reasons],
        "jobs": [{"ops": list(j.spec.op_codes), "skill": j.spec.skill.value, "technician": j.technician,
                  "bay": j.bay, "start": j.start.isoformat(), "end": j.end.isoformat()} for j in option.booking.jobs],
        "moves": [{"booking": m.booking_id, "job": m.seq, "technician": [m.technician_from, m.technician_to],
                   "bay": [m.bay_from, m.bay_to]} for m in option.moves],
        "cost": round(option.cost, 4),
    }


def proposal_json(proposal: Proposal, lang: Lang | str = Lang.EN) -> list[dict[str, Any]] | dict[str, Any]:
    """A list of options, or an object with `error` (what binds) and `earliest`. Each option
    says whether every candidate was decided (`search_complete`: false when the time
    allowed ran out and these are the best found)."""
    if proposal.options:
        return [{**option_json(o, lang), "search_complete": proposal.complete} for o in proposal.options]
    reasons = proposal.unavailable.reasons if proposal.unavailable else ()
    earliest = proposal.unavailable.earliest if proposal.unavailable else None
    return {
        "error": "; ".join(r.text(lang) for r in reasons) or "no slot",
        "binding": [r.key for r in reasons],
        "earliest": earliest.start.isoformat() if earliest else None,
        "earliest_option": option_json(earliest, lang) if earliest else None,
        "complete": proposal.complete,
    }
