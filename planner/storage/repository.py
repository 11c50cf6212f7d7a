"""Rows ↔ domain: saving and loading a dealership and its history.

Callers own the transaction: pass a connection from `engine.begin()` so that a whole
import or demo build is written entirely or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select

from planner.domain import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Bay,
    BayOutage,
    BayType,
    Campaign,
    CampaignKind,
    Channel,
    Customer,
    Dealer,
    Dealership,
    DeclinedRecommendation,
    Grade,
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
    ServiceAdvisor,
    ServiceHistory,
    Shift,
    Skill,
    Technician,
    TimeRange,
    Vehicle,
    WeeklyRoster,
)
from planner.errors import DealerExists, DealerNotFound
from planner.storage import tables as t

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


def load_history(conn: Connection, dealer_id: int) -> ServiceHistory:
    """Load every customer, vehicle, repair order and appointment of a dealer.

    Times come back in the dealer's own zone, so `.date()` is the local date.
    """
    zone = load_dealer(conn, dealer_id).zone

    def local(ts: datetime | None) -> datetime | None:
        return ts.astimezone(zone) if ts is not None else None
    customers: list[Customer] = []
    cust_no: dict[int, str] = {}
    for c in conn.execute(select(t.customers).where(t.customers.c.dealer_id == dealer_id).order_by(t.customers.c.id)):
        cust_no[c.id] = c.customer_no
        windows = tuple(TimeRange.parse(w) for w in c.preferred_contact.split(";") if w)
        customers.append(Customer(c.customer_no, c.name, c.mobile, c.phone_alt, windows, Channel(c.preferred_channel)))
    readings: dict[int, list[MileageReading]] = defaultdict(list)
    for r in conn.execute(select(t.mileage_readings).where(t.mileage_readings.c.dealer_id == dealer_id)):
        readings[r.vehicle_id].append(MileageReading(r.read_on, r.km, r.source))
    vehicles: list[Vehicle] = []
    vin_of: dict[int, str] = {}
    for v in conn.execute(select(t.vehicles).where(t.vehicles.c.dealer_id == dealer_id).order_by(t.vehicles.c.id)):
        vin_of[v.id] = v.vin
        vehicles.append(Vehicle(v.vin, v.plate, cust_no[v.customer_id], v.model, Powertrain(v.powertrain),
                                v.sale_date, v.warranty_end_date, v.warranty_end_km,
                                tuple(sorted(readings[v.id]))))
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
