"""What the workshop sells: labour operations and the parts they consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from planner.domain.values import BilingualName
from planner.domain.workforce import Skill
from planner.domain.workshop import BayType


class OperationCategory(StrEnum):
    MAINTENANCE = "maintenance"
    REPAIR = "repair"
    INSPECTION = "inspection"
    TYRES = "tyres"
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class PartRequirement:
    """A part an operation consumes, and how many."""

    part_number: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"part {self.part_number}: quantity must be at least 1")


@dataclass(frozen=True)
class LabourOperation(BilingualName):
    """One line of the labour-time catalogue."""

    op_code: str
    name_zh: str
    name_en: str
    standard_hours: float
    skill: Skill
    bay_type: BayType
    labour_price: Decimal
    category: OperationCategory = OperationCategory.REPAIR
    parts: tuple[PartRequirement, ...] = field(default=())

    def __post_init__(self) -> None:
        # one canonical order, so an operation read back from storage equals the original
        object.__setattr__(self, "parts", tuple(sorted(self.parts, key=lambda r: r.part_number)))
        if not 0 < self.standard_hours <= 40:
            raise ValueError(f"operation {self.op_code}: standard hours {self.standard_hours} not in (0, 40]")
        if self.labour_price < 0:
            raise ValueError(f"operation {self.op_code}: labour price is negative")


@dataclass(frozen=True)
class PurchaseOrder:
    """An open order with the supplier: `quantity` expected on `expected_date`."""

    po_number: str
    part_number: str
    quantity: int
    expected_date: date

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"purchase order {self.po_number}: quantity must be at least 1")


@dataclass(frozen=True)
class Part(BilingualName):
    part_number: str
    name_zh: str
    name_en: str
    price: Decimal
    stock_on_hand: int
    open_orders: tuple[PurchaseOrder, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.stock_on_hand < 0:
            raise ValueError(f"part {self.part_number}: stock on hand is negative")
        for po in self.open_orders:
            if po.part_number != self.part_number:
                raise ValueError(f"purchase order {po.po_number} is for {po.part_number}, not {self.part_number}")

    def available_by(self, day: date) -> int:
        """Stock on hand plus every open order expected on or before `day`."""
        return self.stock_on_hand + sum(po.quantity for po in self.open_orders if po.expected_date <= day)

    def earliest_date_with(self, quantity: int, today: date) -> date | None:
        """First date from `today` on which `quantity` can be available, or None."""
        if self.stock_on_hand >= quantity:
            return today
        running = self.stock_on_hand
        for po in sorted(self.open_orders, key=lambda p: p.expected_date):
            running += po.quantity
            if running >= quantity:
                return max(po.expected_date, today)
        return None
