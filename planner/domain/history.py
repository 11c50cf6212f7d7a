"""What happened: repair orders, with the work done and the work the customer declined."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class RepairOrderLine:
    """One operation performed on a repair order."""

    op_code: str
    hours: float
    labour_price: Decimal
    technician_code: str | None = None

    def __post_init__(self) -> None:
        if self.hours < 0 or self.labour_price < 0:
            raise ValueError(f"line {self.op_code}: hours and price cannot be negative")


@dataclass(frozen=True)
class DeclinedRecommendation:
    """Work the advisor recommended and the customer declined (R23).

    The item can wait until `wait_until_km` or `wait_until_date`, whichever comes first.
    """

    op_code: str
    note: str = ""
    wait_until_km: int | None = None
    wait_until_date: date | None = None

    def __post_init__(self) -> None:
        if self.wait_until_km is None and self.wait_until_date is None:
            raise ValueError(f"declined {self.op_code}: give the km or the date until which it can wait")


@dataclass(frozen=True)
class RepairOrder:
    """A closed (or open) repair order; times are timezone-aware."""

    ro_number: str
    vin: str
    customer_no: str
    advisor_code: str | None
    opened_at: datetime
    closed_at: datetime | None
    mileage_km: int
    from_appointment: bool
    lines: tuple[RepairOrderLine, ...]
    declined: tuple[DeclinedRecommendation, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.opened_at.tzinfo is None or (self.closed_at is not None and self.closed_at.tzinfo is None):
            raise ValueError(f"repair order {self.ro_number}: opened_at and closed_at must be timezone-aware")
        if self.mileage_km < 0:
            raise ValueError(f"repair order {self.ro_number}: mileage cannot be negative")
        if self.closed_at is not None and self.closed_at < self.opened_at:
            raise ValueError(f"repair order {self.ro_number}: closed before it was opened")
        if not self.lines:
            raise ValueError(f"repair order {self.ro_number} has no operation")

    @property
    def labour_hours(self) -> float:
        return sum(line.hours for line in self.lines)

    @property
    def technicians(self) -> tuple[str, ...]:
        return tuple(sorted({ln.technician_code for ln in self.lines if ln.technician_code}))
