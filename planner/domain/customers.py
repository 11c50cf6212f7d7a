"""Customers and their vehicles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from planner.domain.values import TimeRange


class Channel(StrEnum):
    """How the dealer reaches a customer (R25)."""

    PHONE = "phone"
    SMS = "sms"
    LETTER = "letter"


class Powertrain(StrEnum):
    ICE = "ice"
    HEV = "hev"
    PHEV = "phev"
    BEV = "bev"

    @property
    def high_voltage(self) -> bool:
        return self is not Powertrain.ICE


@dataclass(frozen=True)
class Customer:
    """A customer; `preferred_contact` lists the local times they accept calls."""

    customer_no: str
    name: str
    mobile: str
    phone_alt: str | None = None
    preferred_contact: tuple[TimeRange, ...] = field(default=())
    preferred_channel: Channel = Channel.PHONE

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError(f"customer {self.customer_no} has no name")
        if not self.mobile.strip():
            raise ValueError(f"customer {self.customer_no} has no mobile number")


@dataclass(frozen=True, order=True)
class MileageReading:
    read_on: date
    km: int
    source: str = "repair_order"

    def __post_init__(self) -> None:
        if self.km < 0:
            raise ValueError("a mileage reading cannot be negative")


@dataclass(frozen=True)
class Vehicle:
    vin: str
    plate: str
    customer_no: str
    model: str
    powertrain: Powertrain
    sale_date: date
    warranty_end_date: date
    warranty_end_km: int
    readings: tuple[MileageReading, ...] = field(default=())

    def __post_init__(self) -> None:
        if len(self.vin) != 17:
            raise ValueError(f"VIN '{self.vin}' must have 17 characters")
        if self.warranty_end_date < self.sale_date:
            raise ValueError(f"vehicle {self.vin}: warranty ends before the sale date")

    def latest_reading(self, on_or_before: date | None = None) -> MileageReading | None:
        usable = [r for r in self.readings if on_or_before is None or r.read_on <= on_or_before]
        return max(usable) if usable else None

    def in_warranty(self, day: date, km: int | None = None) -> bool:
        """Warranty holds until its end date and its end mileage, whichever comes first."""
        if day > self.warranty_end_date:
            return False
        if km is None:
            latest = self.latest_reading(day)
            km = latest.km if latest else 0
        return km <= self.warranty_end_km
