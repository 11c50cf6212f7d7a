"""Finding and adding customers and their cars (the agent desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, insert, or_, select

from planner.domain import Customer, Vehicle
from planner.errors import PlannerError
from planner.storage import tables as t
from planner.storage.repository import _dealer_zone, find_vehicle, plate_key


@dataclass(frozen=True)
class VehicleHit:
    """A car found by plate, phone or name, with its owner."""

    vin: str
    plate: str
    model: str
    customer_no: str
    name: str
    mobile: str


def find_vehicles(conn: Connection, dealer_id: int, query: str, limit: int = 20) -> list[VehicleHit]:
    """Cars whose plate, owner's phone or owner's name contains `query` (plates compared
    without dots, spaces or case)."""
    q = query.strip()
    if not q:
        return []
    v, c = t.vehicles, t.customers
    base = (select(v.c.vin, v.c.plate, v.c.model, c.c.customer_no, c.c.name, c.c.mobile)
            .join(c, c.c.id == v.c.customer_id).where(v.c.dealer_id == dealer_id))
    like = f"%{q}%"
    rows = conn.execute(base.where(or_(v.c.plate.like(like), c.c.mobile.like(like), c.c.name.like(like),
                                       v.c.vin == q.upper())).order_by(v.c.plate).limit(limit)).all()
    if not rows and plate_key(q):  # "粤b12345" for "粤B·12345": compare the plates' letters and digits
        key = plate_key(q)
        rows = [r for r in conn.execute(base) if key in plate_key(r.plate)][:limit]
    return [VehicleHit(r.vin, r.plate, r.model, r.customer_no, r.name, r.mobile) for r in rows]


def known_models(conn: Connection, dealer_id: int) -> list[str]:
    """The models the dealer's cars are, for picking a new caller's car."""
    v = t.vehicles
    return list(conn.execute(select(v.c.model).where(v.c.dealer_id == dealer_id).distinct().order_by(v.c.model))
                .scalars())


@dataclass(frozen=True)
class PastVisitRow:
    day: date
    km: int
    op_codes: tuple[str, ...]
    by_appointment: bool


def recent_visits(conn: Connection, dealer_id: int, vin: str, limit: int = 8) -> list[PastVisitRow]:
    """The car's latest repair orders, newest first."""
    ro, ln, v = t.repair_orders, t.repair_order_lines, t.vehicles
    zone = _dealer_zone(conn, dealer_id)
    rows = conn.execute(select(ro.c.id, ro.c.opened_at, ro.c.mileage_km, ro.c.from_appointment)
                        .join(v, v.c.id == ro.c.vehicle_id)
                        .where((ro.c.dealer_id == dealer_id) & (v.c.vin == vin))
                        .order_by(ro.c.opened_at.desc()).limit(limit)).all()
    ops: dict[int, list[str]] = {}
    if rows:
        for ro_id, code in conn.execute(select(ln.c.repair_order_id, ln.c.op_code)
                                        .where(ln.c.repair_order_id.in_([r.id for r in rows]))
                                        .order_by(ln.c.repair_order_id, ln.c.line_no)):
            ops.setdefault(ro_id, []).append(code)
    return [PastVisitRow(r.opened_at.astimezone(zone).date(), r.mileage_km, tuple(ops.get(r.id, ())),
                         bool(r.from_appointment)) for r in rows]


def add_customer_and_vehicle(conn: Connection, dealer_id: int, customer: Customer, vehicle: Vehicle) -> str:
    """Add a new customer with their car (a caller the dealer does not know yet); returns
    the customer number given. The plate and VIN must be new."""
    if find_vehicle(conn, dealer_id, vehicle.plate) is not None:
        raise PlannerError("error.plate_exists", plate=vehicle.plate)
    v, c = t.vehicles, t.customers
    if conn.execute(select(v.c.id).where((v.c.dealer_id == dealer_id) & (v.c.vin == vehicle.vin))).first():
        raise PlannerError("error.vin_exists", vin=vehicle.vin)
    count = conn.execute(select(func.count()).select_from(c).where(c.c.dealer_id == dealer_id)).scalar_one()
    number = f"C{count + 1:06d}"
    while conn.execute(select(c.c.id).where((c.c.dealer_id == dealer_id) & (c.c.customer_no == number))).first():
        count += 1
        number = f"C{count + 1:06d}"
    cid = conn.execute(insert(c).values(
        dealer_id=dealer_id, customer_no=number, name=customer.name, mobile=customer.mobile,
        phone_alt=customer.phone_alt, preferred_contact=";".join(str(r) for r in customer.preferred_contact),
        preferred_channel=customer.preferred_channel.value).returning(c.c.id)).scalar_one()
    vid = conn.execute(insert(v).values(
        dealer_id=dealer_id, customer_id=cid, vin=vehicle.vin, plate=vehicle.plate, model=vehicle.model,
        powertrain=vehicle.powertrain.value, sale_date=vehicle.sale_date, warranty_end_date=vehicle.warranty_end_date,
        warranty_end_km=vehicle.warranty_end_km).returning(v.c.id)).scalar_one()
    for r in vehicle.readings:
        conn.execute(insert(t.mileage_readings).values(dealer_id=dealer_id, vehicle_id=vid, read_on=r.read_on,
                                                       km=r.km, source=r.source))
    return number
