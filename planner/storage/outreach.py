"""Rows ↔ domain for active appointments: schedules, the contact policy, outreach tasks,
contact attempts, walk-in waits, and the per-vehicle facts the rules read.

Callers own the transaction (pass a connection from `engine.begin()` to write).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from planner.domain import AppointmentStatus, Channel, MileageReading, OperationCategory, TimeRange
from planner.domain.outreach import (
    DEFAULT_POLICY,
    ContactAttempt,
    ContactPolicy,
    LostReason,
    MaintenanceSchedule,
    Outcome,
    OutreachRule,
    OutreachTask,
    PartOfDay,
    TaskStatus,
    WalkInWait,
)
from planner.outreach.facts import AHEAD_STATUSES, PastTask, PastVisit, VehicleFacts, open_declined, schedule_for
from planner.storage import tables as t
from planner.storage.repository import _bulk, _dealer_zone, _ids_of, customers_and_vehicles

# -- maintenance schedules and the contact policy -----------------------------------------


def save_schedules(conn: Connection, dealer_id: int, schedules: Iterable[MaintenanceSchedule]) -> None:
    """Replace the dealer's maintenance schedules."""
    s = t.maintenance_schedules
    conn.execute(s.delete().where(s.c.dealer_id == dealer_id))
    _bulk(conn, s, [{"dealer_id": dealer_id, "model": m.model, "first_months": m.first_months,
                     "first_km": m.first_km, "interval_months": m.interval_months, "interval_km": m.interval_km,
                     "typical_km_per_day": m.typical_km_per_day} for m in schedules])


def load_schedules(conn: Connection, dealer_id: int) -> dict[str, MaintenanceSchedule]:
    """The dealer's schedules by model ("" = the default)."""
    s = t.maintenance_schedules
    return {r.model: MaintenanceSchedule(r.model, r.first_months, r.first_km, r.interval_months, r.interval_km,
                                         r.typical_km_per_day)
            for r in conn.execute(select(s).where(s.c.dealer_id == dealer_id))}


def save_policy(conn: Connection, dealer_id: int, policy: ContactPolicy) -> None:
    """Replace the dealer's contact policy."""
    p = t.contact_policies
    conn.execute(p.delete().where(p.c.dealer_id == dealer_id))
    conn.execute(insert(p).values(
        dealer_id=dealer_id, call_bands=";".join(f"{part.value}={band}" for part, band in policy.call_bands),
        max_calls=policy.max_calls, min_span_days=policy.min_span_days, max_span_days=policy.max_span_days,
        fallback=";".join(c.value for c in policy.fallback), remind_days_ahead=policy.remind_days_ahead,
        calls_per_day=policy.calls_per_day))


def load_policy(conn: Connection, dealer_id: int) -> ContactPolicy:
    """The dealer's contact policy (the default one when none is stored)."""
    p = t.contact_policies
    r = conn.execute(select(p).where(p.c.dealer_id == dealer_id)).first()
    if r is None:
        return DEFAULT_POLICY
    bands = tuple((PartOfDay(k), TimeRange.parse(v)) for k, _, v in
                  (item.partition("=") for item in r.call_bands.split(";") if item))
    return ContactPolicy(bands, r.max_calls, r.min_span_days, r.max_span_days,
                         tuple(Channel(c) for c in r.fallback.split(";") if c), r.remind_days_ahead, r.calls_per_day)


# -- tasks and attempts ----------------------------------------------------------------------


def dedupe_key(vin: str, rule: OutreachRule, campaign_code: str | None, anchor: date) -> str:
    return f"{vin}|{rule.value}|{campaign_code or ''}|{anchor.isoformat()}"


def next_task_numbers(conn: Connection, dealer_id: int, day: date, n: int) -> list[str]:
    """`n` fresh task numbers for a day (OT261126-0001, ...)."""
    o = t.outreach_tasks
    prefix = f"OT{day:%y%m%d}-"
    numbers = conn.execute(select(o.c.task_no).where(
        (o.c.dealer_id == dealer_id) & o.c.task_no.like(prefix + "%"))).scalars().all()
    first = max((int(x[len(prefix):]) for x in numbers if x[len(prefix):].isdigit()), default=0) + 1
    return [f"{prefix}{i:04d}" for i in range(first, first + n)]


def insert_tasks(conn: Connection, dealer_id: int, tasks: Sequence[OutreachTask], at: datetime) -> list[OutreachTask]:
    """Store new tasks; a task whose (vehicle, rule, campaign, due date) is already stored
    is skipped, so re-running a day's worklist adds nothing. Returns the tasks stored."""
    o = t.outreach_tasks
    keys = {dedupe_key(x.vin, x.rule, x.campaign_code, x.anchor_date): x for x in tasks}
    existing: set[str] = set()
    wanted = sorted(keys)
    for i in range(0, len(wanted), 500):
        existing.update(conn.execute(select(o.c.dedupe_key).where(
            (o.c.dealer_id == dealer_id) & o.c.dedupe_key.in_(wanted[i:i + 500]))).scalars())
    fresh = [x for k, x in keys.items() if k not in existing]
    vehicles = _ids_of(conn, t.vehicles, "vin", dealer_id, (x.vin for x in fresh))
    customers = _ids_of(conn, t.customers, "customer_no", dealer_id, (x.customer_no for x in fresh))
    _bulk(conn, o, [{
        "dealer_id": dealer_id, "task_no": x.task_no,
        "dedupe_key": dedupe_key(x.vin, x.rule, x.campaign_code, x.anchor_date), "anchor_date": x.anchor_date,
        "vehicle_id": vehicles[x.vin], "customer_id": customers[x.customer_no], "rule": x.rule.value,
        "campaign_code": x.campaign_code, "due_date": x.due_date, "remind_on": x.remind_on, "priority": x.priority,
        "channel": x.channel.value, "status": x.status.value, "batch": x.batch, "reason": x.reason,
        "next_contact_on": x.next_contact_on, "appointment_no": x.appointment_no, "created_at": at, "updated_at": at,
    } for x in fresh])
    return fresh


def _task_query() -> Any:
    o, v, c = t.outreach_tasks, t.vehicles, t.customers
    return (select(o, v.c.vin, c.c.customer_no)
            .join(v, v.c.id == o.c.vehicle_id).join(c, c.c.id == o.c.customer_id))


def _task(r: Any) -> OutreachTask:
    return OutreachTask(r.task_no, r.customer_no, r.vin, OutreachRule(r.rule), r.due_date, r.remind_on, r.priority,
                        Channel(r.channel), TaskStatus(r.status), r.campaign_code, r.batch, r.reason,
                        r.next_contact_on, r.appointment_no, r.anchor_date)


def load_tasks(conn: Connection, dealer_id: int, *, statuses: Iterable[TaskStatus] | None = None,
               task_nos: Iterable[str] | None = None, batch_prefix: str | None = None) -> list[OutreachTask]:
    """Tasks of the dealer, optionally only some statuses, numbers or batches."""
    o = t.outreach_tasks
    q = _task_query().where(o.c.dealer_id == dealer_id)
    if statuses is not None:
        q = q.where(o.c.status.in_([s.value for s in statuses]))
    if task_nos is not None:
        q = q.where(o.c.task_no.in_(list(task_nos)))
    if batch_prefix is not None:
        q = q.where(o.c.batch.like(batch_prefix + "%"))
    return [_task(r) for r in conn.execute(q.order_by(o.c.id))]


def load_task(conn: Connection, dealer_id: int, task_no: str) -> OutreachTask | None:
    found = load_tasks(conn, dealer_id, task_nos=[task_no])
    return found[0] if found else None


def update_task(conn: Connection, dealer_id: int, task: OutreachTask, at: datetime) -> None:
    """Write a task's status, channel, next contact day and appointment."""
    o = t.outreach_tasks
    conn.execute(update(o).where((o.c.dealer_id == dealer_id) & (o.c.task_no == task.task_no)).values(
        status=task.status.value, channel=task.channel.value, next_contact_on=task.next_contact_on,
        appointment_no=task.appointment_no, priority=task.priority, updated_at=at))


def add_attempts(conn: Connection, dealer_id: int, attempts: Sequence[ContactAttempt]) -> None:
    """Record contact attempts (their tasks must exist)."""
    ids = _ids_of(conn, t.outreach_tasks, "task_no", dealer_id, (a.task_no for a in attempts))
    missing = sorted({a.task_no for a in attempts} - set(ids))
    if missing:
        raise ValueError(f"unknown outreach task {', '.join(missing[:5])}")
    _bulk(conn, t.contact_attempts, [{
        "dealer_id": dealer_id, "task_id": ids[a.task_no], "at": a.at, "channel": a.channel.value,
        "outcome": a.outcome.value, "actor": a.actor, "note": a.note,
        "lost_reason": a.lost_reason.value if a.lost_reason else None, "appointment_no": a.appointment_no,
        "call_back_on": a.call_back_on,
    } for a in attempts])


def load_attempts(conn: Connection, dealer_id: int,
                  task_nos: Iterable[str] | None = None) -> dict[str, list[ContactAttempt]]:
    """Attempts by task number, oldest first (times in the dealer's zone)."""
    a, o = t.contact_attempts, t.outreach_tasks
    zone = _dealer_zone(conn, dealer_id)
    q = select(a, o.c.task_no).join(o, o.c.id == a.c.task_id).where(a.c.dealer_id == dealer_id)
    wanted = None if task_nos is None else sorted(set(task_nos))
    out: dict[str, list[ContactAttempt]] = defaultdict(list)
    chunks = [None] if wanted is None else [wanted[i:i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        qq = q if chunk is None else q.where(o.c.task_no.in_(chunk))
        for r in conn.execute(qq.order_by(a.c.at, a.c.id)):
            out[r.task_no].append(ContactAttempt(
                r.task_no, r.at.astimezone(zone), Channel(r.channel), Outcome(r.outcome), r.actor, r.note,
                LostReason(r.lost_reason) if r.lost_reason else None, r.appointment_no, r.call_back_on))
    return dict(out)


def save_walk_in_waits(conn: Connection, dealer_id: int, waits: Sequence[WalkInWait]) -> None:
    """Record walk-in waits (R30); the repair orders must exist."""
    ids = _ids_of(conn, t.repair_orders, "ro_number", dealer_id, (w.ro_number for w in waits))
    missing = sorted({w.ro_number for w in waits} - set(ids))
    if missing:
        raise ValueError(f"unknown repair order {', '.join(missing[:5])}")
    _bulk(conn, t.walk_in_waits, [{"dealer_id": dealer_id, "repair_order_id": ids[w.ro_number],
                                   "waited_minutes": w.waited_minutes, "complained": w.complained} for w in waits])


def is_walk_in(conn: Connection, dealer_id: int, ro_number: str) -> bool | None:
    """Whether a repair order was a walk-in (None: no such repair order)."""
    ro = t.repair_orders
    found = conn.execute(select(ro.c.from_appointment).where(
        (ro.c.dealer_id == dealer_id) & (ro.c.ro_number == ro_number))).first()
    return None if found is None else not found[0]


def has_wait(conn: Connection, dealer_id: int, ro_number: str) -> bool:
    w, ro = t.walk_in_waits, t.repair_orders
    return conn.execute(select(w.c.id).join(ro, ro.c.id == w.c.repair_order_id).where(
        (w.c.dealer_id == dealer_id) & (ro.c.ro_number == ro_number))).first() is not None


def load_walk_in_waits(conn: Connection, dealer_id: int) -> list[WalkInWait]:
    w, r = t.walk_in_waits, t.repair_orders
    rows = conn.execute(select(r.c.ro_number, w.c.waited_minutes, w.c.complained)
                        .join(r, r.c.id == w.c.repair_order_id).where(w.c.dealer_id == dealer_id))
    return [WalkInWait(n, m, bool(c)) for n, m, c in rows]


def _past_tasks(conn: Connection, dealer_id: int, vehicle_ids: Sequence[int] | None) -> dict[str, list[PastTask]]:
    o, v = t.outreach_tasks, t.vehicles
    out: dict[str, list[PastTask]] = defaultdict(list)
    q = (select(v.c.vin, o.c.task_no, o.c.rule, o.c.anchor_date, o.c.status, o.c.campaign_code)
         .join(v, v.c.id == o.c.vehicle_id).where(o.c.dealer_id == dealer_id))
    for r in conn.execute(q if vehicle_ids is None else q.where(o.c.vehicle_id.in_(list(vehicle_ids)))):
        out[r.vin].append(PastTask(r.task_no, OutreachRule(r.rule), r.anchor_date, TaskStatus(r.status),
                                   r.campaign_code))
    return out


def lost_for_good(conn: Connection, dealer_id: int) -> set[str]:
    """VINs whose owner said they moved or sold the car (R29): no more reminders."""
    a, o, v = t.contact_attempts, t.outreach_tasks, t.vehicles
    final = [r.value for r in LostReason if r.final]
    rows = conn.execute(select(v.c.vin).join(o, o.c.vehicle_id == v.c.id).join(a, a.c.task_id == o.c.id)
                        .where((a.c.dealer_id == dealer_id) & a.c.lost_reason.in_(final)))
    return {vin for (vin,) in rows}


# -- the facts the rules read -----------------------------------------------------------------


def load_vehicle_facts(conn: Connection, dealer_id: int, today: date,
                       schedules: Mapping[str, MaintenanceSchedule] | None = None,
                       vins: Iterable[str] | None = None) -> list[VehicleFacts]:
    """Facts for the dealer's vehicles as of the start of `today`, read with a few
    set-wise queries (a fleet of 12,000 cars in about a second)."""
    zone = _dealer_zone(conn, dealer_id)
    schedules = load_schedules(conn, dealer_id) if schedules is None else schedules
    ids = None if vins is None else list(_ids_of(conn, t.vehicles, "vin", dealer_id, vins).values())
    customer_by_id, vehicles = customers_and_vehicles(conn, dealer_id, ids)

    def only(q: Any, column: Any) -> Any:  # a few cars (after a call) or the whole fleet (the worklist)
        return q if ids is None else q.where(column.in_(ids))

    ro, ln, ops, wt = t.repair_orders, t.repair_order_lines, t.operations, t.walk_in_waits
    maintenance = set(conn.execute(select(ops.c.op_code).where(
        (ops.c.dealer_id == dealer_id) & (ops.c.category == OperationCategory.MAINTENANCE.value))).scalars())
    ro_ids = only(select(ro.c.id).where(ro.c.dealer_id == dealer_id), ro.c.vehicle_id)
    codes: dict[int, set[str]] = defaultdict(set)
    line_q = select(ln.c.repair_order_id, ln.c.op_code).where(ln.c.dealer_id == dealer_id)
    for ro_id, code in conn.execute(line_q if ids is None else line_q.where(ln.c.repair_order_id.in_(ro_ids))):
        codes[ro_id].add(code)
    wait_q = select(wt).where(wt.c.dealer_id == dealer_id)
    waits = {r.repair_order_id: r for r in conn.execute(
        wait_q if ids is None else wait_q.where(wt.c.repair_order_id.in_(ro_ids)))}
    visits: dict[int, list[PastVisit]] = defaultdict(list)
    for r in conn.execute(only(select(ro.c.id, ro.c.vehicle_id, ro.c.opened_at, ro.c.mileage_km,
                                      ro.c.from_appointment).where(ro.c.dealer_id == dealer_id), ro.c.vehicle_id)):
        day = r.opened_at.astimezone(zone).date()
        if day >= today:
            continue
        ops_done = frozenset(codes.get(r.id, ()))
        w = waits.get(r.id)
        visits[r.vehicle_id].append(PastVisit(day, r.mileage_km, bool(ops_done & maintenance), bool(r.from_appointment),
                                              ops_done, w.waited_minutes if w else None, bool(w and w.complained)))
    dr = t.declined_recommendations
    declined: dict[int, list[tuple[date, str, int | None, date | None]]] = defaultdict(list)
    for r in conn.execute(only(select(dr.c.vehicle_id, dr.c.op_code, dr.c.wait_until_km, dr.c.wait_until_date,
                                      ro.c.opened_at).join(ro, ro.c.id == dr.c.repair_order_id)
                               .where(dr.c.dealer_id == dealer_id), dr.c.vehicle_id)):
        day = r.opened_at.astimezone(zone).date()
        if day < today:
            declined[r.vehicle_id].append((day, r.op_code, r.wait_until_km, r.wait_until_date))
    ap = t.appointments
    ahead = set(conn.execute(only(select(ap.c.vehicle_id).where(
        and_(ap.c.dealer_id == dealer_id, ap.c.status.in_([s.value for s in AHEAD_STATUSES]),
             ap.c.slot_start >= datetime.combine(today, datetime.min.time(), tzinfo=zone))),
        ap.c.vehicle_id)).scalars())
    past = _past_tasks(conn, dealer_id, ids)
    gone = lost_for_good(conn, dealer_id)
    out = []
    for vid, (cid, vehicle) in vehicles.items():
        seen = sorted(visits.get(vid, ()))
        readings = tuple(r for r in vehicle.readings if r.read_on < today)
        out.append(VehicleFacts(
            vehicle=replace(vehicle, readings=readings), customer=customer_by_id[cid],
            schedule=schedule_for(schedules, vehicle.model), visits=tuple(seen),
            declined=open_declined(declined.get(vid, ()), seen), tasks=tuple(past.get(vehicle.vin, ())),
            booking_ahead=vid in ahead, lost_for_good=vehicle.vin in gone))
    return out


def add_reading(conn: Connection, dealer_id: int, vin: str, reading: MileageReading) -> None:
    """A mileage reading the customer gave on the phone (R27: keep the car's data current)."""
    vid = _ids_of(conn, t.vehicles, "vin", dealer_id, [vin]).get(vin)
    if vid is None:
        raise ValueError(f"unknown vehicle {vin}")
    conn.execute(insert(t.mileage_readings).values(dealer_id=dealer_id, vehicle_id=vid, read_on=reading.read_on,
                                                   km=reading.km, source=reading.source))


def count_tasks(conn: Connection, dealer_id: int) -> int:
    o = t.outreach_tasks
    return int(conn.execute(select(func.count()).select_from(o).where(o.c.dealer_id == dealer_id)).scalar() or 0)


def hours_per_visit(conn: Connection, dealer_id: int, since: datetime) -> dict[str, float]:
    """Mean labour hours of a visit booked under each origin rule since `since` ("" = any visit)."""
    ro, ln, ap = t.repair_orders, t.repair_order_lines, t.appointments
    per_ro = (select(ln.c.repair_order_id.label("ro_id"), func.sum(ln.c.hours).label("hours"))
              .where(ln.c.dealer_id == dealer_id).group_by(ln.c.repair_order_id).subquery())
    rows = conn.execute(select(ap.c.origin_rule, func.avg(per_ro.c.hours))
                        .join(per_ro, per_ro.c.ro_id == ap.c.repair_order_id)
                        .where((ap.c.dealer_id == dealer_id) & (ap.c.slot_start >= since))
                        .group_by(ap.c.origin_rule))
    out = {rule: float(h) for rule, h in rows if rule is not None and h is not None}
    overall = conn.execute(select(func.avg(per_ro.c.hours)).join(ro, ro.c.id == per_ro.c.ro_id)
                           .where(ro.c.opened_at >= since)).scalar()
    out[""] = float(overall) if overall else 1.5
    return out


def vehicle_models(conn: Connection, dealer_id: int) -> dict[str, str]:
    """Each VIN's model."""
    v = t.vehicles
    return dict(conn.execute(select(v.c.vin, v.c.model).where(v.c.dealer_id == dealer_id)).all())


def upcoming_appointment(conn: Connection, dealer_id: int, customer_no: str, day: date) -> str | None:
    """The customer's next held, booked or confirmed appointment from `day` on, if any."""
    ap, c = t.appointments, t.customers
    zone = _dealer_zone(conn, dealer_id)
    return conn.execute(select(ap.c.appointment_no).join(c, c.c.id == ap.c.customer_id).where(
        (ap.c.dealer_id == dealer_id) & (c.c.customer_no == customer_no)
        & ap.c.status.in_([s.value for s in AHEAD_STATUSES])
        & (ap.c.slot_start >= datetime.combine(day, datetime.min.time(), tzinfo=zone)))
        .order_by(ap.c.slot_start).limit(1)).scalar()


def appointment_customer(conn: Connection, dealer_id: int, appointment_no: str) -> str | None:
    """The customer number an appointment belongs to (None: no such appointment)."""
    ap, c = t.appointments, t.customers
    return conn.execute(select(c.c.customer_no).join(ap, ap.c.customer_id == c.c.id).where(
        (ap.c.dealer_id == dealer_id) & (ap.c.appointment_no == appointment_no))).scalar()


def appointment_outcomes(conn: Connection, dealer_id: int,
                         numbers: Iterable[str]) -> dict[str, tuple[datetime, AppointmentStatus]]:
    """Slot start (dealer's zone) and status of the given appointments."""
    ap = t.appointments
    zone = _dealer_zone(conn, dealer_id)
    wanted = sorted(set(numbers))
    out: dict[str, tuple[datetime, AppointmentStatus]] = {}
    for i in range(0, len(wanted), 500):
        for no, slot, status in conn.execute(select(ap.c.appointment_no, ap.c.slot_start, ap.c.status).where(
                (ap.c.dealer_id == dealer_id) & ap.c.appointment_no.in_(wanted[i:i + 500]))):
            out[no] = (slot.astimezone(zone), AppointmentStatus(status))
    return out
