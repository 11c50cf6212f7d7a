"""The demo dealer's customers and vehicles, and how each vehicle is driven and kept.

A vehicle's owner behaviour is drawn once: how far they drive (with a drift from year
to year), how punctual they are with services, how likely to book ahead, and when (if
ever) they stop coming to this dealer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time, timedelta

import numpy as np

from planner.demo.catalogue import MODELS, ModelSpec
from planner.demo.names import mobile, person_name, plate, vin
from planner.domain import Channel, Customer, Powertrain, TimeRange, Vehicle

WMI = "LPC"  # world manufacturer identifier of the (fictional) brand
CONTACT_WINDOWS = (
    (TimeRange(time(9, 0), time(11, 30)), TimeRange(time(14, 30), time(17, 30))),
    (TimeRange(time(12, 0), time(13, 30)), TimeRange(time(18, 0), time(20, 30))),
    (TimeRange(time(18, 30), time(21, 0)),),
    (TimeRange(time(10, 0), time(12, 0)),),
    (),
)


@dataclass(frozen=True)
class Owner:
    """How a vehicle is used and looked after: the generator's hidden truth."""

    km_per_day: tuple[float, ...]  # one rate per year of age
    punctuality: float  # 0..1: share of services on time
    skip_rate: float  # chance to have a service done elsewhere
    booking_propensity: float  # 0..1: tendency to book ahead
    leaves_on: date | None  # stops coming to this dealer (moved, sold the car, went elsewhere)

    def km_on(self, sale: date, day: date) -> int:
        """Odometer on a day (piecewise-linear by year of age)."""
        days = max(0, (day - sale).days)
        km, year = 0.0, 0
        while days > 0:
            span = min(days, 365)
            km += span * self.km_per_day[min(year, len(self.km_per_day) - 1)]
            days -= span
            year += 1
        return int(km)

    def day_at_km(self, sale: date, km: int) -> date:
        """First day on which the odometer reaches `km`."""
        left, year, day = float(km), 0, sale
        while True:
            rate = self.km_per_day[min(year, len(self.km_per_day) - 1)]
            if left <= rate * 365:
                return day + timedelta(days=math.ceil(left / rate))
            left -= rate * 365
            day += timedelta(days=365)
            year += 1


@dataclass(frozen=True)
class FleetVehicle:
    vehicle: Vehicle
    model: ModelSpec
    owner: Owner


def _sale_dates(rng: np.random.Generator, n: int, first: date, today: date) -> list[date]:
    """Sales grow ~6% a year and peak in the autumn (Golden September, Silver October)."""
    days = (today - first).days
    t = np.arange(days)
    dates = [first + timedelta(days=int(i)) for i in t]
    month_boost = np.array([1.15 if d.month in (9, 10, 12) else 0.85 if d.month in (2, 7) else 1.0 for d in dates])
    weights = np.exp(0.06 * t / 365.25) * month_boost
    picks = rng.choice(days, size=n, p=weights / weights.sum())
    return sorted(first + timedelta(days=int(i)) for i in picks)


def _model_for(rng: np.random.Generator, when: float) -> ModelSpec:
    shares = np.array([m.share_first + (m.share_last - m.share_first) * when for m in MODELS])
    return MODELS[int(rng.choice(len(MODELS), p=shares / shares.sum()))]


def _leaves_on(rng: np.random.Generator, sale: date, warranty_end: date) -> date | None:
    """Loyal while under warranty (4%/yr leave), much less after it ends (15%/yr)."""
    in_warranty_years = (warranty_end - sale).days / 365.25
    t = rng.exponential(1 / 0.04)
    if t > in_warranty_years:
        t = in_warranty_years + rng.exponential(1 / 0.15)
    return sale + timedelta(days=int(t * 365.25))


def build_fleet(seed: int, n_vehicles: int, first_sale: date, today: date) -> tuple[list[Customer], list[FleetVehicle]]:
    """Customers and vehicles sold since `first_sale`; about 5% of customers own two."""
    rng = np.random.default_rng([seed, 2])
    customers: list[Customer] = []
    fleet: list[FleetVehicle] = []
    span = (today - first_sale).days
    used_plates: set[str] = set()
    for i, sale in enumerate(_sale_dates(rng, n_vehicles, first_sale, today)):
        if customers and rng.random() < 0.05:
            owner_no = customers[int(rng.integers(len(customers)))].customer_no
        else:
            windows = CONTACT_WINDOWS[int(rng.integers(len(CONTACT_WINDOWS)))]
            channel = Channel.PHONE if rng.random() < 0.85 else Channel.SMS
            owner_no = f"C{len(customers) + 1:06d}"
            customers.append(Customer(owner_no, person_name(rng), mobile(rng),
                                      mobile(rng) if rng.random() < 0.15 else None, windows, channel))
        model = _model_for(rng, (sale - first_sale).days / span)
        electric = model.powertrain is not Powertrain.ICE and model.powertrain is not Powertrain.HEV
        while (p := plate(rng, electric)) in used_plates:
            pass
        used_plates.add(p)
        years = 4 if model.powertrain is Powertrain.BEV else 3
        warranty_end = date(sale.year + years, sale.month, min(sale.day, 28))
        vehicle = Vehicle(vin(rng, WMI, model.vds, sale.year, i + 1), p, owner_no, model.name, model.powertrain,
                          sale, warranty_end, 120_000 if years == 4 else 100_000)
        base = float(rng.lognormal(math.log(45.0), 0.45)) * (1.1 if model.powertrain is Powertrain.BEV else 1.0)
        drift = rng.lognormal(0.0, 0.15, size=12)
        owner = Owner(
            km_per_day=tuple(float(base * d) for d in drift),
            punctuality=float(rng.beta(4, 2)),
            skip_rate=float(rng.beta(1.2, 8)),
            booking_propensity=float(rng.beta(2, 4)),
            leaves_on=_leaves_on(rng, sale, warranty_end),
        )
        fleet.append(FleetVehicle(vehicle, model, owner))
    return customers, fleet
