"""What a database holds for a dealer: counts and date ranges (for `planner info` and the app)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Integer, func, select

from planner.domain import DealerCalendar, Dealership
from planner.storage import tables as t
from planner.storage.repository import count_rows, dealer_today, load_dealership


@dataclass(frozen=True)
class DealerSummary:
    code: str
    name: str
    time_zone: str
    holiday_country: str
    booking_grid_minutes: int
    today: date | None
    counts: dict[str, int]
    technicians_by_skill: dict[str, int]
    bays_by_type: dict[str, int]
    parts_out_of_stock: int
    open_purchase_orders: int
    repair_orders_from: datetime | None
    repair_orders_to: datetime | None
    repair_orders_per_open_day: float
    appointment_share: float
    appointments_by_status: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("today", "repair_orders_from", "repair_orders_to"):
            value = out[key]
            out[key] = value.isoformat() if value is not None else None
        return out


COUNTED = {
    "advisors": None,
    "technicians": None,
    "bays": t.bays,
    "operations": t.operations,
    "parts": t.parts,
    "campaigns": t.campaigns,
    "customers": t.customers,
    "vehicles": t.vehicles,
    "repair_orders": t.repair_orders,
    "repair_order_lines": t.repair_order_lines,
    "declined_recommendations": t.declined_recommendations,
    "mileage_readings": t.mileage_readings,
    "appointments": t.appointments,
}


def summarise(conn: Connection, dealer_id: int) -> DealerSummary:
    """Counts and ranges for one dealer."""
    ref: Dealership = load_dealership(conn, dealer_id)
    people = {"advisors": len(ref.advisors), "technicians": len(ref.technicians)}
    counts = {name: people[name] if table is None else count_rows(conn, table, dealer_id)
              for name, table in COUNTED.items()}
    ro = t.repair_orders
    first, last, n_ro, n_appt = conn.execute(
        select(func.min(ro.c.opened_at), func.max(ro.c.opened_at), func.count(),
               func.sum(ro.c.from_appointment.cast(Integer)))
        .where(ro.c.dealer_id == dealer_id)
    ).one()
    open_days = 0
    zone = ref.dealer.zone
    if first is not None and last is not None:
        first, last = first.astimezone(zone), last.astimezone(zone)
        calendar = DealerCalendar(ref.dealer)
        day, end = first.date(), last.date()
        while day <= end:
            open_days += calendar.is_open(day)
            day += timedelta(days=1)
    statuses: dict[str, int] = dict(conn.execute(
        select(t.appointments.c.status, func.count()).where(t.appointments.c.dealer_id == dealer_id)
        .group_by(t.appointments.c.status)
    ).all())
    skills = Counter(s.value for tech in ref.technicians for s in tech.skills)
    return DealerSummary(
        code=ref.dealer.code,
        name=ref.dealer.name,
        time_zone=ref.dealer.time_zone,
        holiday_country=ref.dealer.holiday_country,
        booking_grid_minutes=ref.dealer.booking_grid_minutes,
        today=dealer_today(conn, dealer_id),
        counts=counts,
        technicians_by_skill=dict(sorted(skills.items())),
        bays_by_type=dict(sorted(Counter(b.bay_type.value for b in ref.bays).items())),
        parts_out_of_stock=sum(1 for p in ref.parts if p.stock_on_hand == 0),
        open_purchase_orders=sum(len(p.open_orders) for p in ref.parts),
        repair_orders_from=first,
        repair_orders_to=last,
        repair_orders_per_open_day=round(n_ro / open_days, 1) if open_days else 0.0,
        appointment_share=round((n_appt or 0) / n_ro, 3) if n_ro else 0.0,
        appointments_by_status={str(k): int(v) for k, v in sorted(statuses.items())},
    )


def intake_by_day(times: list[datetime], zone: ZoneInfo) -> dict[date, int]:
    """Arrivals per local day, every day of the span included (closed days count 0)."""
    counts = Counter(ts.astimezone(zone).date() for ts in times)
    if not counts:
        return {}
    day, end = min(counts), max(counts)
    out: dict[date, int] = {}
    while day <= end:
        out[day] = counts.get(day, 0)
        day += timedelta(days=1)
    return out


def intake_by_hour(times: list[datetime], zone: ZoneInfo) -> dict[int, float]:
    """Share of arrivals by local hour of day."""
    counts = Counter(ts.astimezone(zone).hour for ts in times)
    total = sum(counts.values()) or 1
    return {h: counts[h] / total for h in sorted(counts)}
