"""Past visits as the simulation replays them: arrival, channel and operations of each
repair order, and the lead times and outcomes of past appointments."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, select

from planner.storage import tables as t


def visit_rows(conn: Connection, dealer_id: int, since: datetime) -> list[tuple[datetime, bool, tuple[str, ...]]]:
    """(opened at, came from an appointment, operation codes in line order) of every repair
    order opened since `since`, oldest first; times are aware (UTC)."""
    ro, lines = t.repair_orders, t.repair_order_lines
    ops: dict[int, list[str]] = defaultdict(list)
    query = (select(lines.c.repair_order_id, lines.c.op_code)
             .select_from(lines.join(ro, ro.c.id == lines.c.repair_order_id))
             .where(lines.c.dealer_id == dealer_id, ro.c.opened_at >= since)
             .order_by(lines.c.repair_order_id, lines.c.line_no))
    for ro_id, code in conn.execute(query):
        ops[ro_id].append(code)
    rows = conn.execute(select(ro.c.id, ro.c.opened_at, ro.c.from_appointment)
                        .where(ro.c.dealer_id == dealer_id, ro.c.opened_at >= since).order_by(ro.c.opened_at))
    return [(opened, bool(appt), tuple(ops[ro_id])) for ro_id, opened, appt in rows if ops[ro_id]]


def appointment_rows(conn: Connection, dealer_id: int, since: datetime) -> list[tuple[datetime, datetime, str]]:
    """(created at, slot start, status) of every appointment whose slot is since `since`."""
    a = t.appointments
    query = (select(a.c.created_at, a.c.slot_start, a.c.status)
             .where(a.c.dealer_id == dealer_id, a.c.slot_start >= since).order_by(a.c.slot_start))
    return [(created, slot, str(status)) for created, slot, status in conn.execute(query)]
