"""Rows ↔ domain: saving and loading a dealership and its history.

Callers own the transaction: pass a connection from `engine.begin()` so that a whole
import or demo build is written entirely or not at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from planner.domain import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Bay,
    BayOutage,
    BayType,
    Booking,
    Campaign,
    CampaignKind,
    Channel,
    Customer,
    Dealer,
    Dealership,
    DeclinedRecommendation,
    FlexibleWindow,
    Grade,
    JobSpec,
    LabourOperation,
    MileageReading,
    OpeningHours,
    OperationCategory,
    Part,
    PartRequirement,
    Powertrain,
    PurchaseOrder,
    RepairOrder,
    RepairOrderLine,
    ScheduledJob,
    ServiceAdvisor,
    ServiceHistory,
    Shift,
    Skill,
    Technician,
    TimeRange,
    Vehicle,
    WeeklyRoster,
    WorkRequest,
)
from planner.errors import DealerExists, DealerNotFound
from planner.storage import tables as t
from planner.storage.types import UTCDateTime

CHUNK = 5000


def _chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _bulk(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        conn.execute(insert(table), list(chunk))


def _id_map(conn: Connection, table: Table, key: str, dealer_id: int) -> dict[str, int]:
    rows = conn.execute(select(table.c[key], table.c.id).where(table.c.dealer_id == dealer_id))
    return {k: i for k, i in rows}


# -- dealers -----------------------------------------------------------------------


def find_dealer_id(conn: Connection, code: str | None = None) -> int:
    """The id of the dealer with this code; with no code, of the only dealer."""
    if code is not None:
        found = conn.execute(select(t.dealers.c.id).where(t.dealers.c.code == code)).scalar()
        if found is None:
            raise DealerNotFound("error.dealer_not_found", code=code)
        return int(found)
    ids = conn.execute(select(t.dealers.c.id, t.dealers.c.code)).all()
    if not ids:
        raise DealerNotFound("error.no_dealer")
    if len(ids) > 1:
        raise DealerNotFound("error.several_dealers", codes=", ".join(str(c) for _, c in ids))
    return int(ids[0][0])


def existing_dealer_id(conn: Connection, code: str) -> int | None:
    """The id of the dealer with this code, or None."""
    found = conn.execute(select(t.dealers.c.id).where(t.dealers.c.code == code)).scalar()
    return None if found is None else int(found)


def dealer_today(conn: Connection, dealer_id: int) -> date | None:
    """The 'today' a demo dealer was built for (None for a live dealer)."""
    value = conn.execute(select(t.dealers.c.today).where(t.dealers.c.id == dealer_id)).scalar()
    return value if isinstance(value, date) else None


def delete_dealer(conn: Connection, dealer_id: int) -> None:
    """Remove a dealer and everything that belongs to it."""
    for table in reversed(t.metadata.sorted_tables):
        if "dealer_id" in table.c:
            conn.execute(delete(table).where(table.c.dealer_id == dealer_id))
    conn.execute(delete(t.dealers).where(t.dealers.c.id == dealer_id))


def _roster_rows(conn: Connection, dealer_id: int, staff_id: int, roster: WeeklyRoster) -> None:
    for weekday, shift in enumerate(roster.shifts):
        if shift is None:
            continue
        shift_id = conn.execute(
            insert(t.roster_shifts).values(
                dealer_id=dealer_id, staff_id=staff_id, weekday=weekday, starts=shift.start, ends=shift.end
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        for b in shift.breaks:
            conn.execute(
                insert(t.shift_breaks).values(dealer_id=dealer_id, shift_id=shift_id, starts=b.start, ends=b.end)
            )


def _absence_rows(dealer_id: int, staff_id: int, items: Iterable[Absence]) -> list[dict[str, Any]]:
    return [
        {
            "dealer_id": dealer_id,
            "staff_id": staff_id,
            "kind": a.kind.value,
            "start_date": a.start,
            "end_date": a.end,
            "from_time": a.hours.start if a.hours else None,
            "to_time": a.hours.end if a.hours else None,
            "note": a.note,
        }
        for a in items
    ]


def save_dealership(conn: Connection, dealership: Dealership, today: date | None = None,
                    replace: bool = False) -> int:
    """Insert a dealer with its staff, bays, catalogue, stock and campaigns; return its id.

    A dealer with the same code is an error (`DealerExists`), unless `replace`: then it
    and everything it owns is deleted first, in the caller's transaction.
    """
    d = dealership.dealer
    existing = existing_dealer_id(conn, d.code)
    if existing is not None:
        if not replace:
            raise DealerExists(d.code)
        delete_dealer(conn, existing)
    hol = d.opening_hours.holiday
    dealer_id = int(
        conn.execute(
            insert(t.dealers).values(
                code=d.code,
                name=d.name,
                time_zone=d.time_zone,
                holiday_country=d.holiday_country,
                booking_grid_minutes=d.booking_grid_minutes,
                holiday_opens=hol.start if hol else None,
                holiday_closes=hol.end if hol else None,
                today=today,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    _bulk(
        conn,
        t.opening_hours,
        [
            {"dealer_id": dealer_id, "weekday": i, "opens": h.start, "closes": h.end}
            for i, h in enumerate(d.opening_hours.weekly)
            if h is not None
        ],
    )
    _bulk(conn, t.dealer_closures, [{"dealer_id": dealer_id, "closed_on": c} for c in d.closures])

    absence_rows: list[dict[str, Any]] = []
    for adv in dealership.advisors:
        sid = conn.execute(
            insert(t.staff).values(
                dealer_id=dealer_id, code=adv.code, name=adv.name, role="advisor",
                reception_capacity=adv.reception_capacity,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        _roster_rows(conn, dealer_id, sid, adv.roster)
        absence_rows += _absence_rows(dealer_id, sid, adv.absences)
    for tech in dealership.technicians:
        sid = conn.execute(
            insert(t.staff).values(
                dealer_id=dealer_id, code=tech.code, name=tech.name, role="technician",
                grade=tech.grade.value, efficiency=tech.efficiency,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        _bulk(conn, t.technician_skills,
              [{"dealer_id": dealer_id, "staff_id": sid, "skill": s.value} for s in sorted(tech.skills)])
        _roster_rows(conn, dealer_id, sid, tech.roster)
        absence_rows += _absence_rows(dealer_id, sid, tech.absences)
    _bulk(conn, t.absences, absence_rows)

    outage_rows: list[dict[str, Any]] = []
    for bay in dealership.bays:
        bid = conn.execute(
            insert(t.bays).values(dealer_id=dealer_id, code=bay.code, name=bay.name, bay_type=bay.bay_type.value)
        ).inserted_primary_key[0]  # type: ignore[index]
        outage_rows += [
            {"dealer_id": dealer_id, "bay_id": bid, "start_date": o.start, "end_date": o.end, "reason": o.reason}
            for o in bay.outages
        ]
    _bulk(conn, t.bay_outages, outage_rows)

    _bulk(conn, t.parts, [
        {"dealer_id": dealer_id, "part_number": p.part_number, "name_zh": p.name_zh, "name_en": p.name_en,
         "price": p.price, "stock_on_hand": p.stock_on_hand}
        for p in dealership.parts
    ])
    part_ids = _id_map(conn, t.parts, "part_number", dealer_id)
    _bulk(conn, t.purchase_orders, [
        {"dealer_id": dealer_id, "po_number": po.po_number, "part_id": part_ids[p.part_number],
         "quantity": po.quantity, "expected_date": po.expected_date, "received": False}
        for p in dealership.parts for po in p.open_orders
    ])
    _bulk(conn, t.operations, [
        {"dealer_id": dealer_id, "op_code": o.op_code, "name_zh": o.name_zh, "name_en": o.name_en,
         "category": o.category.value, "standard_hours": o.standard_hours, "skill": o.skill.value,
         "bay_type": o.bay_type.value, "labour_price": o.labour_price}
        for o in dealership.operations
    ])
    op_ids = _id_map(conn, t.operations, "op_code", dealer_id)
    _bulk(conn, t.operation_parts, [
        {"dealer_id": dealer_id, "operation_id": op_ids[o.op_code], "part_id": part_ids[r.part_number],
         "quantity": r.quantity}
        for o in dealership.operations for r in o.parts
    ])
    _bulk(conn, t.campaigns, [
        {"dealer_id": dealer_id, "code": c.code, "name_zh": c.name_zh, "name_en": c.name_en,
         "kind": c.kind.value, "start_date": c.start, "end_date": c.end, "op_code": c.op_code,
         "target_models": ";".join(c.target_models)}
        for c in dealership.campaigns
    ])
    return dealer_id


def _load_rosters(conn: Connection, dealer_id: int) -> dict[int, WeeklyRoster]:
    breaks: dict[int, list[TimeRange]] = defaultdict(list)
    for row in conn.execute(select(t.shift_breaks).where(t.shift_breaks.c.dealer_id == dealer_id)):
        breaks[row.shift_id].append(TimeRange(row.starts, row.ends))
    shifts: dict[int, list[Shift | None]] = defaultdict(lambda: [None] * 7)
    for row in conn.execute(select(t.roster_shifts).where(t.roster_shifts.c.dealer_id == dealer_id)):
        shifts[row.staff_id][row.weekday] = Shift(row.starts, row.ends, tuple(sorted(breaks[row.id])))
    return {sid: WeeklyRoster(tuple(days)) for sid, days in shifts.items()}


def load_dealer(conn: Connection, dealer_id: int) -> Dealer:
    row = conn.execute(select(t.dealers).where(t.dealers.c.id == dealer_id)).one_or_none()
    if row is None:
        raise DealerNotFound("error.dealer_not_found", code=f"#{dealer_id}")
    weekly: list[TimeRange | None] = [None] * 7
    for h in conn.execute(select(t.opening_hours).where(t.opening_hours.c.dealer_id == dealer_id)):
        weekly[h.weekday] = TimeRange(h.opens, h.closes)
    holiday = TimeRange(row.holiday_opens, row.holiday_closes) if row.holiday_opens else None
    closures = conn.execute(
        select(t.dealer_closures.c.closed_on).where(t.dealer_closures.c.dealer_id == dealer_id)
        .order_by(t.dealer_closures.c.closed_on)
    ).scalars().all()
    return Dealer(
        code=row.code, name=row.name, opening_hours=OpeningHours(tuple(weekly), holiday),
        time_zone=row.time_zone, holiday_country=row.holiday_country,
        booking_grid_minutes=row.booking_grid_minutes, closures=tuple(closures),
    )


def load_dealership(conn: Connection, dealer_id: int) -> Dealership:
    """Load a dealer's reference data (no customers or history)."""
    dealer = load_dealer(conn, dealer_id)
    rosters = _load_rosters(conn, dealer_id)
    empty = WeeklyRoster((None,) * 7)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for a in conn.execute(select(t.absences).where(t.absences.c.dealer_id == dealer_id).order_by(t.absences.c.id)):
        hours = TimeRange(a.from_time, a.to_time) if a.from_time is not None else None
        absences[a.staff_id].append(Absence(a.start_date, a.end_date, AbsenceKind(a.kind), hours, a.note))
    skills: dict[int, set[Skill]] = defaultdict(set)
    for s in conn.execute(select(t.technician_skills).where(t.technician_skills.c.dealer_id == dealer_id)):
        skills[s.staff_id].add(Skill(s.skill))
    advisors: list[ServiceAdvisor] = []
    technicians: list[Technician] = []
    for s in conn.execute(select(t.staff).where(t.staff.c.dealer_id == dealer_id).order_by(t.staff.c.id)):
        if s.role == "advisor":
            advisors.append(ServiceAdvisor(s.code, s.name, rosters.get(s.id, empty), s.reception_capacity,
                                           tuple(absences[s.id])))
        else:
            technicians.append(Technician(s.code, s.name, frozenset(skills[s.id]), Grade(s.grade), s.efficiency,
                                          rosters.get(s.id, empty), tuple(absences[s.id])))
    outages: dict[int, list[BayOutage]] = defaultdict(list)
    for o in conn.execute(select(t.bay_outages).where(t.bay_outages.c.dealer_id == dealer_id)
                          .order_by(t.bay_outages.c.id)):
        outages[o.bay_id].append(BayOutage(o.start_date, o.end_date, o.reason))
    bays = [Bay(b.code, b.name, BayType(b.bay_type), tuple(outages[b.id]))
            for b in conn.execute(select(t.bays).where(t.bays.c.dealer_id == dealer_id).order_by(t.bays.c.id))]

    part_numbers: dict[int, str] = {}
    orders: dict[int, list[PurchaseOrder]] = defaultdict(list)
    part_rows = conn.execute(select(t.parts).where(t.parts.c.dealer_id == dealer_id).order_by(t.parts.c.id)).all()
    for p in part_rows:
        part_numbers[p.id] = p.part_number
    for po in conn.execute(select(t.purchase_orders).where(
            (t.purchase_orders.c.dealer_id == dealer_id) & (t.purchase_orders.c.received.is_(False)))
            .order_by(t.purchase_orders.c.id)):
        orders[po.part_id].append(PurchaseOrder(po.po_number, part_numbers[po.part_id], po.quantity,
                                                po.expected_date))
    parts = [Part(p.part_number, p.name_zh, p.name_en, Decimal(p.price), p.stock_on_hand, tuple(orders[p.id]))
             for p in part_rows]
    uses: dict[int, list[PartRequirement]] = defaultdict(list)
    for u in conn.execute(select(t.operation_parts).where(t.operation_parts.c.dealer_id == dealer_id)
                          .order_by(t.operation_parts.c.part_id)):
        uses[u.operation_id].append(PartRequirement(part_numbers[u.part_id], u.quantity))
    operations = [
        LabourOperation(o.op_code, o.name_zh, o.name_en, o.standard_hours, Skill(o.skill), BayType(o.bay_type),
                        Decimal(o.labour_price), OperationCategory(o.category), tuple(uses[o.id]))
        for o in conn.execute(select(t.operations).where(t.operations.c.dealer_id == dealer_id)
                              .order_by(t.operations.c.id))
    ]
    campaigns = [
        Campaign(c.code, c.name_zh, c.name_en, CampaignKind(c.kind), c.start_date, c.end_date, c.op_code,
                 tuple(m for m in c.target_models.split(";") if m))
        for c in conn.execute(select(t.campaigns).where(t.campaigns.c.dealer_id == dealer_id)
                              .order_by(t.campaigns.c.id))
    ]
    return Dealership(dealer, tuple(advisors), tuple(technicians), tuple(bays), tuple(operations),
                      tuple(parts), tuple(campaigns))


# -- customers, vehicles, history ------------------------------------------------


def save_history(conn: Connection, dealer_id: int, history: ServiceHistory) -> None:
    """Bulk-insert customers, vehicles (with readings), repair orders and appointments."""
    _bulk(conn, t.customers, [
        {"dealer_id": dealer_id, "customer_no": c.customer_no, "name": c.name, "mobile": c.mobile,
         "phone_alt": c.phone_alt, "preferred_contact": ";".join(str(r) for r in c.preferred_contact),
         "preferred_channel": c.preferred_channel.value}
        for c in history.customers
    ])
    cust_ids = _id_map(conn, t.customers, "customer_no", dealer_id)
    _bulk(conn, t.vehicles, [
        {"dealer_id": dealer_id, "customer_id": cust_ids[v.customer_no], "vin": v.vin, "plate": v.plate,
         "model": v.model, "powertrain": v.powertrain.value, "sale_date": v.sale_date,
         "warranty_end_date": v.warranty_end_date, "warranty_end_km": v.warranty_end_km}
        for v in history.vehicles
    ])
    veh_ids = _id_map(conn, t.vehicles, "vin", dealer_id)
    _bulk(conn, t.mileage_readings, [
        {"dealer_id": dealer_id, "vehicle_id": veh_ids[v.vin], "read_on": r.read_on, "km": r.km, "source": r.source}
        for v in history.vehicles for r in v.readings
    ])
    staff_ids = _id_map(conn, t.staff, "code", dealer_id)
    _bulk(conn, t.repair_orders, [
        {"dealer_id": dealer_id, "ro_number": ro.ro_number, "vehicle_id": veh_ids[ro.vin],
         "customer_id": cust_ids[ro.customer_no],
         "advisor_id": staff_ids[ro.advisor_code] if ro.advisor_code else None,
         "opened_at": ro.opened_at, "closed_at": ro.closed_at, "mileage_km": ro.mileage_km,
         "from_appointment": ro.from_appointment}
        for ro in history.repair_orders
    ])
    ro_ids = _id_map(conn, t.repair_orders, "ro_number", dealer_id)
    _bulk(conn, t.repair_order_lines, [
        {"dealer_id": dealer_id, "repair_order_id": ro_ids[ro.ro_number], "line_no": i + 1,
         "op_code": ln.op_code, "hours": ln.hours, "labour_price": ln.labour_price,
         "technician_id": staff_ids[ln.technician_code] if ln.technician_code else None}
        for ro in history.repair_orders for i, ln in enumerate(ro.lines)
    ])
    _bulk(conn, t.declined_recommendations, [
        {"dealer_id": dealer_id, "repair_order_id": ro_ids[ro.ro_number], "vehicle_id": veh_ids[ro.vin],
         "op_code": d.op_code, "note": d.note, "wait_until_km": d.wait_until_km,
         "wait_until_date": d.wait_until_date}
        for ro in history.repair_orders for d in ro.declined
    ])
    _bulk(conn, t.appointments, [
        {"dealer_id": dealer_id, "appointment_no": a.appointment_no, "vehicle_id": veh_ids[a.vin],
         "customer_id": cust_ids[a.customer_no], "created_at": a.created_at, "slot_start": a.slot_start,
         "origin": a.origin.value, "origin_rule": a.origin_rule, "status": a.status.value,
         "repair_order_id": ro_ids[a.ro_number] if a.ro_number else None}
        for a in history.appointments
    ])


def customers_and_vehicles(conn: Connection, dealer_id: int, vehicle_ids: Sequence[int] | None = None
                           ) -> tuple[dict[int, Customer], dict[int, tuple[int, Vehicle]]]:
    """Customers by row id, and vehicles (with readings) by row id with their customer's
    row id; only the given vehicles (and their owners) when `vehicle_ids` is set."""
    cq = select(t.customers).where(t.customers.c.dealer_id == dealer_id)
    rq = select(t.mileage_readings).where(t.mileage_readings.c.dealer_id == dealer_id)
    vq = select(t.vehicles).where(t.vehicles.c.dealer_id == dealer_id)
    if vehicle_ids is not None:
        ids = list(vehicle_ids)
        owners = select(t.vehicles.c.customer_id).where(t.vehicles.c.id.in_(ids))
        cq, rq, vq = (cq.where(t.customers.c.id.in_(owners)), rq.where(t.mileage_readings.c.vehicle_id.in_(ids)),
                      vq.where(t.vehicles.c.id.in_(ids)))
    customers: dict[int, Customer] = {}
    cust_no: dict[int, str] = {}
    for c in conn.execute(cq.order_by(t.customers.c.id)):
        cust_no[c.id] = c.customer_no
        windows = tuple(TimeRange.parse(w) for w in c.preferred_contact.split(";") if w)
        customers[c.id] = Customer(c.customer_no, c.name, c.mobile, c.phone_alt, windows, Channel(c.preferred_channel))
    readings: dict[int, list[MileageReading]] = defaultdict(list)
    for r in conn.execute(rq):
        readings[r.vehicle_id].append(MileageReading(r.read_on, r.km, r.source))
    vehicles: dict[int, tuple[int, Vehicle]] = {}
    for v in conn.execute(vq.order_by(t.vehicles.c.id)):
        vehicles[v.id] = (v.customer_id, Vehicle(v.vin, v.plate, cust_no[v.customer_id], v.model,
                                                 Powertrain(v.powertrain), v.sale_date, v.warranty_end_date,
                                                 v.warranty_end_km, tuple(sorted(readings[v.id]))))
    return customers, vehicles


def load_history(conn: Connection, dealer_id: int) -> ServiceHistory:
    """Load every customer, vehicle, repair order and appointment of a dealer.

    Times come back in the dealer's own zone, so `.date()` is the local date.
    """
    zone = load_dealer(conn, dealer_id).zone

    def local(ts: datetime | None) -> datetime | None:
        return ts.astimezone(zone) if ts is not None else None
    by_id, vehicle_rows = customers_and_vehicles(conn, dealer_id)
    customers = list(by_id.values())
    cust_no = {cid: c.customer_no for cid, c in by_id.items()}
    vehicles = [v for _, v in vehicle_rows.values()]
    vin_of = {vid: v.vin for vid, (_, v) in vehicle_rows.items()}
    staff_code = dict(conn.execute(select(t.staff.c.id, t.staff.c.code).where(t.staff.c.dealer_id == dealer_id)).all())
    lines: dict[int, list[RepairOrderLine]] = defaultdict(list)
    for ln in conn.execute(select(t.repair_order_lines).where(t.repair_order_lines.c.dealer_id == dealer_id)
                           .order_by(t.repair_order_lines.c.repair_order_id, t.repair_order_lines.c.line_no)):
        lines[ln.repair_order_id].append(RepairOrderLine(
            ln.op_code, ln.hours, Decimal(ln.labour_price),
            staff_code.get(ln.technician_id) if ln.technician_id else None))
    declined: dict[int, list[DeclinedRecommendation]] = defaultdict(list)
    for d in conn.execute(select(t.declined_recommendations)
                          .where(t.declined_recommendations.c.dealer_id == dealer_id)
                          .order_by(t.declined_recommendations.c.id)):
        declined[d.repair_order_id].append(DeclinedRecommendation(d.op_code, d.note, d.wait_until_km,
                                                                  d.wait_until_date))
    orders: list[RepairOrder] = []
    ro_no: dict[int, str] = {}
    for ro in conn.execute(select(t.repair_orders).where(t.repair_orders.c.dealer_id == dealer_id)
                           .order_by(t.repair_orders.c.id)):
        ro_no[ro.id] = ro.ro_number
        orders.append(RepairOrder(
            ro.ro_number, vin_of[ro.vehicle_id], cust_no[ro.customer_id],
            staff_code.get(ro.advisor_id) if ro.advisor_id else None, ro.opened_at.astimezone(zone),
            local(ro.closed_at),
            ro.mileage_km, ro.from_appointment, tuple(lines[ro.id]), tuple(declined[ro.id])))
    appts = [
        Appointment(a.appointment_no, vin_of[a.vehicle_id], cust_no[a.customer_id], a.created_at.astimezone(zone),
                    a.slot_start.astimezone(zone),
                    AppointmentOrigin(a.origin), AppointmentStatus(a.status), a.origin_rule,
                    ro_no.get(a.repair_order_id) if a.repair_order_id else None)
        for a in conn.execute(select(t.appointments).where(t.appointments.c.dealer_id == dealer_id)
                              .order_by(t.appointments.c.id))
    ]
    return ServiceHistory(tuple(customers), tuple(vehicles), tuple(orders), tuple(appts))


def count_rows(conn: Connection, table: Table, dealer_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(table.c.dealer_id == dealer_id))
               .scalar_one())


def fleet_models(conn: Connection, dealer_id: int) -> list[tuple[str, date]]:
    """Every car of the dealer's as (model, sale date): who a campaign or recall can reach."""
    v = t.vehicles
    return [(r.model, r.sale_date) for r in conn.execute(
        select(v.c.model, v.c.sale_date).where(v.c.dealer_id == dealer_id))]


def arrival_times(conn: Connection, dealer_id: int, since: datetime | None = None) -> list[datetime]:
    """When each repair order was opened (aware, UTC), oldest first: the intake history."""
    ro = t.repair_orders
    query = select(ro.c.opened_at).where(ro.c.dealer_id == dealer_id)
    if since is not None:
        query = query.where(ro.c.opened_at >= since)
    return list(conn.execute(query.order_by(ro.c.opened_at)).scalars())


def arrival_records(conn: Connection, dealer_id: int,
                    since: datetime | None = None) -> list[tuple[datetime, bool, float]]:
    """(opened at, came from an appointment, labour hours) of each repair order, oldest first."""
    ro, lines = t.repair_orders, t.repair_order_lines
    hours = (select(lines.c.repair_order_id, func.sum(lines.c.hours).label("hours"))
             .where(lines.c.dealer_id == dealer_id).group_by(lines.c.repair_order_id).subquery())
    query = (select(ro.c.opened_at, ro.c.from_appointment, func.coalesce(hours.c.hours, 0.0))
             .select_from(ro.outerjoin(hours, hours.c.repair_order_id == ro.c.id))
             .where(ro.c.dealer_id == dealer_id))
    if since is not None:
        query = query.where(ro.c.opened_at >= since)
    return [(a, bool(b), float(h)) for a, b, h in conn.execute(query.order_by(ro.c.opened_at))]


def labour_by_operation(conn: Connection, dealer_id: int, since: datetime | None = None) -> dict[str, float]:
    """Standard hours billed per operation code on repair orders opened since `since`."""
    ro, lines = t.repair_orders, t.repair_order_lines
    query = (select(lines.c.op_code, func.sum(lines.c.hours))
             .select_from(lines.join(ro, ro.c.id == lines.c.repair_order_id))
             .where(lines.c.dealer_id == dealer_id))
    if since is not None:
        query = query.where(ro.c.opened_at >= since)
    return {code: float(h) for code, h in conn.execute(query.group_by(lines.c.op_code))}


# -- bookings: appointments with planned jobs and reserved parts ---------------------

ACTIVE_BOOKING_STATUSES: frozenset[AppointmentStatus] = frozenset({
    AppointmentStatus.HOLD, AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED,
    AppointmentStatus.ARRIVED, AppointmentStatus.IN_SERVICE,
})
"""Statuses of bookings that still occupy technicians, bays and parts."""

_ACTIVE = sorted(s.value for s in ACTIVE_BOOKING_STATUSES)
_IN_CHUNK = 500  # keys per `IN (...)` list: well within every driver's parameter limit


def _dealer_zone(conn: Connection, dealer_id: int) -> ZoneInfo:
    tz = conn.execute(select(t.dealers.c.time_zone).where(t.dealers.c.id == dealer_id)).scalar()
    if tz is None:
        raise DealerNotFound("error.dealer_not_found", code=f"#{dealer_id}")
    return ZoneInfo(tz)


def _ids_of(conn: Connection, table: Table, key: str, dealer_id: int, keys: Iterable[str]) -> dict[str, int]:
    """Like `_id_map`, but only for the given keys (a dealer may hold a long history)."""
    wanted = sorted(set(keys))
    found: dict[str, int] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(select(table.c[key], table.c.id).where(
            (table.c.dealer_id == dealer_id) & table.c[key].in_(wanted[i : i + _IN_CHUNK])))
        found.update({k: n for k, n in rows})
    return found


def _technician_ids(conn: Connection, dealer_id: int) -> dict[str, int]:
    s = t.staff
    rows = conn.execute(select(s.c.code, s.c.id).where((s.c.dealer_id == dealer_id) & (s.c.role == "technician")))
    return {code: n for code, n in rows}


def _resolve(ids: dict[str, int], key: str, what: str, booking_id: str) -> int:
    found = ids.get(key)
    if found is None:
        raise ValueError(f"booking {booking_id}: unknown {what} {key!r}")
    return found


def _distinct_booking_ids(ids: Iterable[str]) -> list[str]:
    counts = Counter(ids)
    twice = sorted(i for i, n in counts.items() if n > 1)
    if twice:
        raise ValueError(f"bookings listed twice: {', '.join(twice)}")
    return sorted(counts)


def save_bookings(conn: Connection, dealer_id: int, items: Sequence[tuple[Appointment, Booking]]) -> None:
    """Insert bookings: each as its appointment row plus its jobs and part reservations.

    The appointment carries what a booking does not (vehicle, customer, created at,
    origin, status); its number must be the booking id and its slot the booking's
    arrival. Vehicles, customers, technicians, bays and parts are looked up by code for
    this dealer; anything unknown, a booking id stored already or listed twice raises
    `ValueError` before a single row is written. Parts are reserved for the booking's
    local day in the dealer's zone. Rows are bulk-inserted (a few statements in all).
    """
    if not items:
        return
    zone = _dealer_zone(conn, dealer_id)
    for appt, booking in items:
        if appt.appointment_no != booking.booking_id:
            raise ValueError(f"booking {booking.booking_id}: its appointment is numbered {appt.appointment_no}")
        if appt.slot_start != booking.arrival:
            raise ValueError(f"booking {booking.booking_id}: its appointment slot {appt.slot_start.isoformat()} "
                             f"is not its arrival {booking.arrival.isoformat()}")
    booking_ids = _distinct_booking_ids(b.booking_id for _, b in items)
    stored = _ids_of(conn, t.appointments, "appointment_no", dealer_id, booking_ids)
    if stored:
        raise ValueError(f"bookings stored already: {', '.join(sorted(stored))}")

    vehicle_ids = _ids_of(conn, t.vehicles, "vin", dealer_id, (a.vin for a, _ in items))
    customer_ids = _ids_of(conn, t.customers, "customer_no", dealer_id, (a.customer_no for a, _ in items))
    ro_ids = _ids_of(conn, t.repair_orders, "ro_number", dealer_id, (a.ro_number for a, _ in items if a.ro_number))
    technician_ids = _technician_ids(conn, dealer_id)
    bay_ids = _id_map(conn, t.bays, "code", dealer_id)
    part_ids = _id_map(conn, t.parts, "part_number", dealer_id)

    # resolve everything first, so that an unknown code writes nothing
    appointment_rows: list[dict[str, Any]] = []
    job_rows: list[tuple[str, dict[str, Any]]] = []
    reservation_rows: list[tuple[str, dict[str, Any]]] = []
    for appt, booking in items:
        bid = booking.booking_id
        window = booking.flexible
        appointment_rows.append({
            "dealer_id": dealer_id, "appointment_no": bid,
            "vehicle_id": _resolve(vehicle_ids, appt.vin, "vehicle", bid),
            "customer_id": _resolve(customer_ids, appt.customer_no, "customer", bid),
            "created_at": appt.created_at, "slot_start": booking.arrival, "origin": appt.origin.value,
            "origin_rule": appt.origin_rule, "status": appt.status.value,
            "repair_order_id": _resolve(ro_ids, appt.ro_number, "repair order", bid) if appt.ro_number else None,
            "flexible_from": window.earliest if window else None,
            "flexible_to": window.latest if window else None,
        })
        for seq, job in enumerate(booking.jobs, start=1):
            job_rows.append((bid, {
                "dealer_id": dealer_id, "seq": seq, "skill": job.spec.skill.value,
                "bay_type": job.spec.bay_type.value, "standard_hours": job.spec.standard_hours,
                "op_codes": ";".join(job.spec.op_codes),
                "technician_id": _resolve(technician_ids, job.technician, "technician", bid),
                "bay_id": _resolve(bay_ids, job.bay, "bay", bid),
                "starts_at": job.start, "ends_at": job.end,
            }))
        needed_on = booking.arrival.astimezone(zone).date()
        for req in booking.request.parts:
            reservation_rows.append((bid, {
                "dealer_id": dealer_id, "part_id": _resolve(part_ids, req.part_number, "part", bid),
                "quantity": req.quantity, "needed_on": needed_on,
            }))

    _bulk(conn, t.appointments, appointment_rows)
    appt_ids = _ids_of(conn, t.appointments, "appointment_no", dealer_id, booking_ids)
    _bulk(conn, t.appointment_jobs, [{**row, "appointment_id": appt_ids[bid]} for bid, row in job_rows])
    _bulk(conn, t.part_reservations, [{**row, "appointment_id": appt_ids[bid]} for bid, row in reservation_rows])


def load_bookings(conn: Connection, dealer_id: int, start: date, end: date) -> tuple[Booking, ...]:
    """The active bookings arriving on a local day from `start` to `end` (inclusive).

    Active: status hold, booked, confirmed, arrived or in service. Times come back in the
    dealer's zone; bookings are ordered by arrival, then id, each with its jobs in order,
    its request rebuilt from them and its parts sorted by part number. Appointments
    without stored jobs (history, or made outside the planner) are not bookings and are
    left out. Four queries whatever the number of bookings.
    """
    zone = _dealer_zone(conn, dealer_id)
    if end < start:
        return ()
    a, j, r = t.appointments, t.appointment_jobs, t.part_reservations
    # arrivals in a UTC range padded by a day (cheap on the slot index), then the exact
    # local days in Python
    lo = datetime.combine(start, time.min, zone) - timedelta(days=1)
    hi = datetime.combine(end, time.min, zone) + timedelta(days=2)
    active = ((a.c.dealer_id == dealer_id) & (a.c.slot_start >= lo) & (a.c.slot_start < hi)
              & a.c.status.in_(_ACTIVE))

    heads = {
        row.id: row
        for row in conn.execute(
            select(a.c.id, a.c.appointment_no, a.c.slot_start, a.c.flexible_from, a.c.flexible_to, t.vehicles.c.plate)
            .select_from(a.join(t.vehicles, t.vehicles.c.id == a.c.vehicle_id))
            .where(active))
        if start <= row.slot_start.astimezone(zone).date() <= end
    }
    jobs: dict[int, list[ScheduledJob]] = defaultdict(list)
    for row in conn.execute(
            select(j.c.appointment_id, j.c.skill, j.c.bay_type, j.c.standard_hours, j.c.op_codes,
                   t.staff.c.code.label("technician"), t.bays.c.code.label("bay"), j.c.starts_at, j.c.ends_at)
            .select_from(j.join(a, a.c.id == j.c.appointment_id)
                         .join(t.staff, t.staff.c.id == j.c.technician_id)
                         .join(t.bays, t.bays.c.id == j.c.bay_id))
            .where(active)
            .order_by(j.c.appointment_id, j.c.seq)):
        if row.appointment_id in heads:
            spec = JobSpec(Skill(row.skill), BayType(row.bay_type), row.standard_hours,
                           tuple(row.op_codes.split(";")))
            jobs[row.appointment_id].append(ScheduledJob(spec, row.technician, row.bay,
                                                         row.starts_at.astimezone(zone),
                                                         row.ends_at.astimezone(zone)))
    parts: dict[int, list[PartRequirement]] = defaultdict(list)
    for held in conn.execute(
            select(r.c.appointment_id, t.parts.c.part_number, r.c.quantity)
            .select_from(r.join(a, a.c.id == r.c.appointment_id).join(t.parts, t.parts.c.id == r.c.part_id))
            .where(active)
            .order_by(r.c.appointment_id, t.parts.c.part_number, r.c.id)):
        if held.appointment_id in heads:
            parts[held.appointment_id].append(PartRequirement(held.part_number, held.quantity))

    bookings: list[Booking] = []
    for appt_id, head in heads.items():
        planned = jobs.get(appt_id)
        if not planned:
            continue
        flexible = (FlexibleWindow(head.flexible_from.astimezone(zone), head.flexible_to.astimezone(zone))
                    if head.flexible_from is not None and head.flexible_to is not None else None)
        request = WorkRequest(tuple(job.spec for job in planned), tuple(parts[appt_id]))
        bookings.append(Booking(head.appointment_no, head.slot_start.astimezone(zone), request, tuple(planned),
                                head.plate, flexible))
    bookings.sort(key=lambda b: (b.arrival, b.booking_id))
    return tuple(bookings)


def update_booking_plans(conn: Connection, dealer_id: int, bookings: Sequence[Booking]) -> None:
    """Store a re-plan of existing bookings: new arrival, and each job's technician, bay
    and times (the part reservations follow the arrival to its local day).

    A re-plan moves or reassigns work, it does not change it: a booking id that is not
    stored, a booking whose jobs differ from the stored ones, or an unknown technician or
    bay raises `ValueError` before anything is written. Status and flexible window are
    left as they are.
    """
    if not bookings:
        return
    zone = _dealer_zone(conn, dealer_id)
    booking_ids = _distinct_booking_ids(b.booking_id for b in bookings)
    appt_ids = _ids_of(conn, t.appointments, "appointment_no", dealer_id, booking_ids)
    unknown = [bid for bid in booking_ids if bid not in appt_ids]
    if unknown:
        raise ValueError(f"unknown bookings: {', '.join(unknown)}")

    j = t.appointment_jobs
    stored: dict[int, list[JobSpec]] = defaultdict(list)
    wanted = sorted(appt_ids.values())
    for i in range(0, len(wanted), _IN_CHUNK):
        for row in conn.execute(
                select(j.c.appointment_id, j.c.skill, j.c.bay_type, j.c.standard_hours, j.c.op_codes)
                .where((j.c.dealer_id == dealer_id) & j.c.appointment_id.in_(wanted[i : i + _IN_CHUNK]))
                .order_by(j.c.appointment_id, j.c.seq)):
            stored[row.appointment_id].append(JobSpec(Skill(row.skill), BayType(row.bay_type), row.standard_hours,
                                                      tuple(row.op_codes.split(";"))))
    technician_ids = _technician_ids(conn, dealer_id)
    bay_ids = _id_map(conn, t.bays, "code", dealer_id)

    arrivals: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    for booking in bookings:
        bid, appt_id = booking.booking_id, appt_ids[booking.booking_id]
        if tuple(stored[appt_id]) != booking.request.jobs:
            raise ValueError(f"booking {bid}: its jobs differ from the stored ones (a re-plan only moves them)")
        arrivals.append({"b_id": appt_id, "b_arrival": booking.arrival})
        days.append({"b_id": appt_id, "b_day": booking.arrival.astimezone(zone).date()})
        moves += [
            {"b_id": appt_id, "b_seq": seq,
             "b_technician": _resolve(technician_ids, job.technician, "technician", bid),
             "b_bay": _resolve(bay_ids, job.bay, "bay", bid), "b_start": job.start, "b_end": job.end}
            for seq, job in enumerate(booking.jobs, start=1)
        ]

    a, r = t.appointments, t.part_reservations
    conn.execute(update(a).where(a.c.id == bindparam("b_id"))
                 .values(slot_start=bindparam("b_arrival", type_=UTCDateTime)), arrivals)
    conn.execute(update(r).where(r.c.appointment_id == bindparam("b_id"))
                 .values(needed_on=bindparam("b_day")), days)
    conn.execute(update(j).where((j.c.appointment_id == bindparam("b_id")) & (j.c.seq == bindparam("b_seq")))
                 .values(technician_id=bindparam("b_technician"), bay_id=bindparam("b_bay"),
                         starts_at=bindparam("b_start", type_=UTCDateTime),
                         ends_at=bindparam("b_end", type_=UTCDateTime)), moves)


def reserved_parts(conn: Connection, dealer_id: int, since: date) -> dict[str, list[tuple[date, int]]]:
    """Parts held for active bookings, per part number: (day needed, quantity) from
    `since` on, by day. Reservations for the same part and day are added up."""
    r, a, p = t.part_reservations, t.appointments, t.parts
    query = (select(p.c.part_number, r.c.needed_on, func.sum(r.c.quantity))
             .select_from(r.join(a, a.c.id == r.c.appointment_id).join(p, p.c.id == r.c.part_id))
             .where((r.c.dealer_id == dealer_id) & (r.c.needed_on >= since) & a.c.status.in_(_ACTIVE))
             .group_by(p.c.part_number, r.c.needed_on)
             .order_by(p.c.part_number, r.c.needed_on))
    held: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for number, day, quantity in conn.execute(query):
        held[number].append((day, int(quantity)))
    return dict(held)


def plate_key(plate: str) -> str:
    """A plate as compared: letters and digits only, upper case (粤B·12345 = 粤b12345)."""
    return "".join(ch for ch in plate.upper() if ch.isalnum())


def find_vehicle(conn: Connection, dealer_id: int, plate: str) -> Vehicle | None:
    """The dealer's vehicle with this plate (spaces, dots and case ignored), or None."""
    key = plate_key(plate)
    if not key:
        return None
    v_, c_ = t.vehicles, t.customers
    query = select(v_, c_.c.customer_no).join(c_, c_.c.id == v_.c.customer_id).where(v_.c.dealer_id == dealer_id)
    exact = conn.execute(query.where(v_.c.plate == plate.strip())).all()  # the usual case, without a scan
    rows = exact or conn.execute(query).all()
    for v in rows:
        if plate_key(v.plate) == key:
            return Vehicle(v.vin, v.plate, v.customer_no, v.model, Powertrain(v.powertrain), v.sale_date,
                           v.warranty_end_date, v.warranty_end_km)
    return None


# -- booking transactions (issue 5) ----------------------------------------------


def lock_dealer_bookings(conn: Connection, dealer_id: int) -> None:
    """Take the dealer's booking lock for the rest of the transaction: the first statement
    of every booking transaction (a row lock on PostgreSQL; SQLite's write lock, taken
    before any read so no stale snapshot can be upgraded)."""
    result = conn.execute(update(t.dealers).where(t.dealers.c.id == dealer_id)
                          .values(booking_version=t.dealers.c.booking_version + 1))
    if result.rowcount != 1:
        raise DealerNotFound("error.dealer_not_found", code=str(dealer_id))


def _appointment_row(conn: Connection, dealer_id: int, appointment_no: str) -> Any:
    a = t.appointments
    return conn.execute(select(a.c.id, a.c.status, a.c.slot_start)
                        .where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))).first()


def appointment_status(conn: Connection, dealer_id: int, appointment_no: str) -> AppointmentStatus | None:
    """The appointment's status, or None when there is no such appointment."""
    row = _appointment_row(conn, dealer_id, appointment_no)
    return AppointmentStatus(row.status) if row is not None else None


def find_idempotent(conn: Connection, dealer_id: int, key: str) -> str | None:
    """The appointment number an earlier request with this idempotency key booked."""
    a = t.appointments
    return conn.execute(select(a.c.appointment_no)
                        .where((a.c.dealer_id == dealer_id) & (a.c.idempotency_key == key))).scalar()


def mark_appointment(conn: Connection, dealer_id: int, appointment_no: str, *, at: datetime,
                     status: AppointmentStatus | None = None, idempotency_key: str | None = None,
                     hold_expires_at: datetime | None = None) -> None:
    """Set an appointment's status, idempotency key or hold expiry (and when it changed)."""
    values: dict[str, Any] = {"updated_at": at}
    if hold_expires_at is not None:
        values["hold_expires_at"] = hold_expires_at
    if status is not None:
        values["status"] = status.value
    if idempotency_key is not None:
        values["idempotency_key"] = idempotency_key
    a = t.appointments
    result = conn.execute(update(a).where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))
                          .values(**values))
    if result.rowcount != 1:
        raise ValueError(f"unknown appointment {appointment_no}")


def add_event(conn: Connection, dealer_id: int, appointment_no: str, *, at: datetime, actor: str, action: str,
              from_status: AppointmentStatus | None, to_status: AppointmentStatus, detail: str = "") -> None:
    """Append to the appointment's audit log."""
    row = _appointment_row(conn, dealer_id, appointment_no)
    if row is None:
        raise ValueError(f"unknown appointment {appointment_no}")
    conn.execute(insert(t.appointment_events).values(
        dealer_id=dealer_id, appointment_id=row.id, at=at, actor=actor, action=action,
        from_status=from_status.value if from_status else None, to_status=to_status.value, detail=detail))


def appointment_events(conn: Connection, dealer_id: int, appointment_no: str) -> list[dict[str, Any]]:
    """The audit log of an appointment, oldest first."""
    e, a = t.appointment_events, t.appointments
    zone = _dealer_zone(conn, dealer_id)
    rows = conn.execute(select(e).join(a, a.c.id == e.c.appointment_id)
                        .where((e.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))
                        .order_by(e.c.id)).all()
    return [{"at": r.at.astimezone(zone), "actor": r.actor, "action": r.action, "from": r.from_status,
             "to": r.to_status, "detail": r.detail} for r in rows]


def load_booking(conn: Connection, dealer_id: int, appointment_no: str) -> Booking | None:
    """One active booking by its number."""
    row = _appointment_row(conn, dealer_id, appointment_no)
    if row is None:
        return None
    day = row.slot_start.astimezone(_dealer_zone(conn, dealer_id)).date()
    return next((b for b in load_bookings(conn, dealer_id, day, day) if b.booking_id == appointment_no), None)


def next_appointment_no(conn: Connection, dealer_id: int, day: date) -> str:
    """The next free appointment number of a day (AP261127-0042)."""
    a = t.appointments
    prefix = f"AP{day:%y%m%d}-"
    numbers = conn.execute(select(a.c.appointment_no).where(
        (a.c.dealer_id == dealer_id) & a.c.appointment_no.like(prefix + "%"))).scalars().all()
    used = [int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def expired_holds(conn: Connection, dealer_id: int, now: datetime) -> list[str]:
    """Appointment numbers of holds whose time ran out."""
    a = t.appointments
    return list(conn.execute(select(a.c.appointment_no).where(
        (a.c.dealer_id == dealer_id) & (a.c.status == AppointmentStatus.HOLD.value)
        & (a.c.hold_expires_at < now))).scalars().all())


def appointment_vehicle(conn: Connection, dealer_id: int, appointment_no: str) -> tuple[str, str, str, str | None]:
    """(VIN, customer number, origin, origin rule) of an appointment."""
    a, v, c = t.appointments, t.vehicles, t.customers
    row = conn.execute(select(v.c.vin, c.c.customer_no, a.c.origin, a.c.origin_rule)
                       .join(v, v.c.id == a.c.vehicle_id).join(c, c.c.id == a.c.customer_id)
                       .where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))).first()
    if row is None:
        raise ValueError(f"unknown appointment {appointment_no}")
    return row.vin, row.customer_no, row.origin, row.origin_rule


def arrivals_on(conn: Connection, dealer_id: int, day: date) -> list[tuple[datetime, str, str, tuple[str, ...]]]:
    """Active bookings arriving on a local day: (arrival, customer name, plate, operations)."""
    a, c, v = t.appointments, t.customers, t.vehicles
    zone = _dealer_zone(conn, dealer_id)
    start = datetime.combine(day, time(0), tzinfo=zone)
    rows = conn.execute(select(a.c.appointment_no, a.c.slot_start, c.c.name, v.c.plate)
                        .join(c, c.c.id == a.c.customer_id).join(v, v.c.id == a.c.vehicle_id)
                        .where((a.c.dealer_id == dealer_id) & a.c.status.in_(_ACTIVE)
                               & (a.c.slot_start >= start) & (a.c.slot_start < start + timedelta(days=1)))
                        .order_by(a.c.slot_start)).all()
    ops: dict[str, list[str]] = defaultdict(list)
    booked = {b.booking_id: b for b in load_bookings(conn, dealer_id, day, day)}
    for number, b in booked.items():
        ops[number] = list(b.request.op_codes)
    return [(r.slot_start.astimezone(zone), r.name, r.plate, tuple(ops.get(r.appointment_no, ())))
            for r in rows]


def appointment_parties(conn: Connection, dealer_id: int,
                        appointment_no: str) -> tuple[Appointment, Customer, Vehicle] | None:
    """An appointment with its customer and vehicle (for the departments' copies)."""
    a, c, v = t.appointments, t.customers, t.vehicles
    zone = _dealer_zone(conn, dealer_id)
    row = conn.execute(select(a, c.c.customer_no, c.c.name.label("customer_name"), c.c.mobile, c.c.phone_alt,
                              c.c.preferred_contact, c.c.preferred_channel, v.c.vin, v.c.plate, v.c.model,
                              v.c.powertrain, v.c.sale_date, v.c.warranty_end_date, v.c.warranty_end_km)
                       .join(c, c.c.id == a.c.customer_id).join(v, v.c.id == a.c.vehicle_id)
                       .where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))).first()
    if row is None:
        return None
    appointment = Appointment(row.appointment_no, row.vin, row.customer_no, row.created_at.astimezone(zone),
                              row.slot_start.astimezone(zone), AppointmentOrigin(row.origin),
                              AppointmentStatus(row.status), row.origin_rule)
    windows = tuple(TimeRange.parse(w) for w in row.preferred_contact.split(";") if w)
    customer = Customer(row.customer_no, row.customer_name, row.mobile, row.phone_alt, windows,
                        Channel(row.preferred_channel))
    vehicle = Vehicle(row.vin, row.plate, row.customer_no, row.model, Powertrain(row.powertrain), row.sale_date,
                      row.warranty_end_date, row.warranty_end_km)
    return appointment, customer, vehicle


def appointment_summaries(conn: Connection, dealer_id: int, start: date,
                          end: date) -> list[tuple[date, str, str, bool, bool]]:
    """(local day, status, origin, has planned jobs, prepared) of every appointment
    arriving from `start` to `end` inclusive."""
    a, j = t.appointments, t.appointment_jobs
    zone = _dealer_zone(conn, dealer_id)
    lo = datetime.combine(start, time(0), tzinfo=zone)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    planned = select(j.c.appointment_id).where(j.c.dealer_id == dealer_id).distinct().scalar_subquery()
    rows = conn.execute(select(a.c.slot_start, a.c.status, a.c.origin, a.c.id.in_(planned).label("planned"),
                               a.c.prep_complete_at)
                        .where((a.c.dealer_id == dealer_id) & (a.c.slot_start >= lo) & (a.c.slot_start < hi))).all()
    return [(r.slot_start.astimezone(zone).date(), r.status, r.origin, bool(r.planned), r.prep_complete_at is not None)
            for r in rows]


def confirmation_rows(conn: Connection, dealer_id: int, start: date,
                      end: date) -> list[tuple[str, str, datetime, datetime, str]]:
    """(number, plate, arrival, created, status) of booked or confirmed appointments
    arriving from `start` to `end`."""
    a, v = t.appointments, t.vehicles
    zone = _dealer_zone(conn, dealer_id)
    lo = datetime.combine(start, time(0), tzinfo=zone)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    rows = conn.execute(select(a.c.appointment_no, v.c.plate, a.c.slot_start, a.c.created_at, a.c.status)
                        .join(v, v.c.id == a.c.vehicle_id)
                        .where((a.c.dealer_id == dealer_id) & (a.c.slot_start >= lo) & (a.c.slot_start < hi)
                               & a.c.status.in_(("booked", "confirmed")))
                        .order_by(a.c.slot_start)).all()
    return [(r.appointment_no, r.plate, r.slot_start.astimezone(zone), r.created_at.astimezone(zone), r.status)
            for r in rows]


def call_outcomes(conn: Connection, dealer_id: int) -> dict[tuple[str, str], str]:
    """(appointment number, stage) -> outcome of the confirmation calls recorded."""
    e, a = t.appointment_events, t.appointments
    rows = conn.execute(select(a.c.appointment_no, e.c.action, e.c.detail).join(a, a.c.id == e.c.appointment_id)
                        .where((e.c.dealer_id == dealer_id) & e.c.action.like("call_%"))
                        .order_by(e.c.id)).all()
    return {(r.appointment_no, r.action.removeprefix("call_")): r.detail.split(" ")[0] for r in rows}


def set_appointment_details(conn: Connection, dealer_id: int, appointment_no: str, *, concern: str,
                            checklist: dict[str, str], channel: str | None, documents: list[str],
                            estimated_minutes: int, estimated_price: Decimal) -> None:
    """What the desk learnt on the call (R7, R11) and the estimate (R8)."""
    import json

    a = t.appointments
    conn.execute(update(a).where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no)).values(
        concern=concern or None, checklist=json.dumps(checklist, ensure_ascii=False) if checklist else None,
        contact_channel=channel, documents=";".join(documents) or None, estimated_minutes=estimated_minutes,
        estimated_price=estimated_price))


def appointment_details(conn: Connection, dealer_id: int, appointment_no: str) -> dict[str, Any] | None:
    """Concern, checklist, channel, documents, estimate and preparation of an appointment."""
    import json

    a = t.appointments
    row = conn.execute(select(a.c.concern, a.c.checklist, a.c.contact_channel, a.c.documents,
                              a.c.estimated_minutes, a.c.estimated_price, a.c.prep_parts_picked,
                              a.c.prep_technician_confirmed, a.c.prep_tools_ready, a.c.prep_complete_at)
                       .where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))).first()
    if row is None:
        return None
    zone = _dealer_zone(conn, dealer_id)
    return {
        "concern": row.concern or "", "checklist": json.loads(row.checklist) if row.checklist else {},
        "channel": row.contact_channel, "documents": row.documents.split(";") if row.documents else [],
        "estimated_minutes": row.estimated_minutes,
        "estimated_price": Decimal(row.estimated_price) if row.estimated_price is not None else None,
        "parts_picked": bool(row.prep_parts_picked), "technician_confirmed": bool(row.prep_technician_confirmed),
        "tools_ready": bool(row.prep_tools_ready),
        "prepared_at": row.prep_complete_at.astimezone(zone) if row.prep_complete_at else None,
    }


def set_preparation(conn: Connection, dealer_id: int, appointment_no: str, *, parts_picked: bool | None = None,
                    technician_confirmed: bool | None = None, tools_ready: bool | None = None,
                    complete_at: datetime | None = None) -> None:
    """Record preparation steps (R13–R15); None leaves a step as it is."""
    values: dict[str, Any] = {}
    for column, value in (("prep_parts_picked", parts_picked), ("prep_technician_confirmed", technician_confirmed),
                          ("prep_tools_ready", tools_ready), ("prep_complete_at", complete_at)):
        if value is not None:
            values[column] = value
    if values:
        a = t.appointments
        conn.execute(update(a).where((a.c.dealer_id == dealer_id) & (a.c.appointment_no == appointment_no))
                     .values(**values))


def add_to_waitlist(conn: Connection, dealer_id: int, plate: str, op_codes: Sequence[str], wished_from: datetime,
                    wished_to: datetime, created_at: datetime, actor: str) -> int:
    """A caller waits for a time in [wished_from, wished_to]; returns the entry's id."""
    result = conn.execute(insert(t.waitlist).values(
        dealer_id=dealer_id, plate=plate, op_codes=";".join(op_codes), wished_from=wished_from, wished_to=wished_to,
        created_at=created_at, status="waiting", actor=actor))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def waiting(conn: Connection, dealer_id: int, status: str | None = "waiting") -> list[dict[str, Any]]:
    """Waitlist entries (oldest first), all or of one status."""
    w = t.waitlist
    zone = _dealer_zone(conn, dealer_id)
    query = select(w).where(w.c.dealer_id == dealer_id)
    if status is not None:
        query = query.where(w.c.status == status)
    return [{"id": r.id, "plate": r.plate, "op_codes": tuple(r.op_codes.split(";")),
             "wished_from": r.wished_from.astimezone(zone), "wished_to": r.wished_to.astimezone(zone),
             "created_at": r.created_at.astimezone(zone), "status": r.status, "offered_booking": r.offered_booking}
            for r in conn.execute(query.order_by(w.c.created_at, w.c.id))]


def mark_waiting(conn: Connection, dealer_id: int, entry_id: int, status: str,
                 offered_booking: str | None = None) -> None:
    """Set a waitlist entry's status (and the hold offered to it)."""
    w = t.waitlist
    conn.execute(update(w).where((w.c.dealer_id == dealer_id) & (w.c.id == entry_id))
                 .values(status=status, offered_booking=offered_booking))
