"""The agent desk: find the caller's car, see its history and due reminders, price the
work, and add a caller the dealer does not know yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine

from planner.domain import Customer, Dealership, Lang, MileageReading, Powertrain, Vehicle
from planner.errors import PlannerError
from planner.i18n import tr
from planner.outreach.rules import RuleContext, reminders
from planner.outreach.worklist import reminder_text
from planner.storage import outreach as outreach_store
from planner.storage.customers import PastVisitRow, VehicleHit, add_customer_and_vehicle, find_vehicles, recent_visits

CHECKLIST = ("when", "warning_lights", "noise", "since")  # R7: the desk's standard diagnosis questions


@dataclass(frozen=True)
class Quote:
    """R8: what the work takes and costs, before a slot is chosen."""

    hours: float
    labour: Decimal
    parts: Decimal
    parts_missing: tuple[str, ...]  # parts not on hand today (the solver waits for their orders)

    @property
    def total(self) -> Decimal:
        return self.labour + self.parts


def quote(dealership: Dealership, op_codes: list[str]) -> Quote:
    """Standard hours and price of the chosen operations, and which parts are short today."""
    ops = [dealership.operation(c) for c in op_codes]
    labour = sum((op.labour_price for op in ops), Decimal(0))
    need: dict[str, int] = {}
    for op in ops:
        for r in op.parts:
            need[r.part_number] = need.get(r.part_number, 0) + r.quantity
    parts = sum((dealership.part(n).price * q for n, q in need.items()), Decimal(0))
    short = tuple(sorted(n for n, q in need.items() if dealership.part(n).stock_on_hand < q))
    return Quote(sum(op.standard_hours for op in ops), labour, parts, short)


@dataclass(frozen=True)
class VehicleCard:
    """The caller's car at a glance."""

    vehicle: Vehicle
    customer: Customer
    visits: tuple[PastVisitRow, ...]
    due: tuple[str, ...]  # reminders open now or soon, in words
    km_estimate: int
    in_warranty: bool


def search(conn: Connection, dealer_id: int, query: str) -> list[VehicleHit]:
    return find_vehicles(conn, dealer_id, query)


def vehicle_card(conn: Connection, dealer_id: int, dealership: Dealership, vin: str, today: date,
                 lang: Lang | str) -> VehicleCard:
    """History, estimated mileage and the reminders due within a month (R18–R23)."""
    found = outreach_store.load_vehicle_facts(conn, dealer_id, today, vins=[vin])
    if not found:
        raise PlannerError("error.unknown_vin", vin=vin)
    f = found[0]
    names = {o.op_code: (o.name_zh, o.name_en) for o in dealership.operations}
    ctx = RuleContext(dealership.campaigns, op_names=names)
    soon = [r for r in reminders(f, today, ctx) if (r.remind_on - today).days <= 30]
    est = f.mileage(today).km_on(today)
    return VehicleCard(f.vehicle, f.customer, tuple(recent_visits(conn, dealer_id, vin)),
                       tuple(f"{tr('outreach.rule.' + r.rule.value, lang)}: {reminder_text(r, lang)}" for r in soon),
                       est, f.vehicle.in_warranty(today, est))


def new_caller(engine: Engine, dealer_id: int, *, name: str, mobile: str, plate: str, vin: str, model: str,
               powertrain: Powertrain, sale_date: date, warranty_years: int = 3, warranty_km: int = 100_000,
               km: int | None = None, today: date) -> str:
    """Add a caller and their car in one transaction; a bad field is named."""
    try:
        customer = Customer("new", name, mobile)
        end = date(sale_date.year + warranty_years, sale_date.month, min(sale_date.day, 28))
        readings = (MileageReading(sale_date, 0, "sale"),) + ((MileageReading(today, km, "phone"),) if km else ())
        vehicle = Vehicle(vin.strip().upper(), plate.strip(), "new", model, powertrain, sale_date, end, warranty_km,
                          readings)
    except ValueError as exc:
        raise PlannerError("error.bad_new_caller", detail=str(exc)) from None
    if sale_date > today:
        raise PlannerError("error.bad_new_caller", detail=f"sale date {sale_date} is in the future")
    with engine.begin() as conn:
        return add_customer_and_vehicle(conn, dealer_id, customer, vehicle)
