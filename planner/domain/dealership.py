"""Aggregates: a dealership's reference data and its service history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from planner.domain.appointments import Appointment
from planner.domain.campaigns import Campaign
from planner.domain.catalogue import LabourOperation, Part
from planner.domain.customers import Customer, Vehicle
from planner.domain.dealer import Dealer
from planner.domain.history import RepairOrder
from planner.domain.workforce import ServiceAdvisor, Technician
from planner.domain.workshop import Bay


def _duplicates(codes: list[str]) -> list[str]:
    return sorted(code for code, n in Counter(codes).items() if n > 1)


@dataclass(frozen=True)
class Dealership:
    """Everything about a dealer that changes slowly: people, bays, catalogue, stock."""

    dealer: Dealer
    advisors: tuple[ServiceAdvisor, ...]
    technicians: tuple[Technician, ...]
    bays: tuple[Bay, ...]
    operations: tuple[LabourOperation, ...]
    parts: tuple[Part, ...]
    campaigns: tuple[Campaign, ...] = field(default=())

    def __post_init__(self) -> None:
        for what, codes in (
            ("advisor", [a.code for a in self.advisors]),
            ("technician", [t.code for t in self.technicians]),
            ("bay", [b.code for b in self.bays]),
            ("operation", [o.op_code for o in self.operations]),
            ("part", [p.part_number for p in self.parts]),
            ("campaign", [c.code for c in self.campaigns]),
        ):
            dup = _duplicates(codes)
            if dup:
                raise ValueError(f"duplicate {what} codes: {', '.join(dup[:5])}")
        staff_dup = _duplicates([a.code for a in self.advisors] + [t.code for t in self.technicians])
        if staff_dup:
            raise ValueError(f"staff codes used by both an advisor and a technician: {', '.join(staff_dup[:5])}")
        known_ops = {o.op_code for o in self.operations}
        for c in self.campaigns:
            if c.op_code is not None and c.op_code not in known_ops:
                raise ValueError(f"campaign {c.code} offers unknown operation {c.op_code}")
        known_parts = {p.part_number for p in self.parts}
        for op in self.operations:
            for req in op.parts:
                if req.part_number not in known_parts:
                    raise ValueError(f"operation {op.op_code} uses unknown part {req.part_number}")

    @cached_property
    def _operations_by_code(self) -> dict[str, LabourOperation]:
        return {op.op_code: op for op in self.operations}

    @cached_property
    def _parts_by_number(self) -> dict[str, Part]:
        return {p.part_number: p for p in self.parts}

    def operation(self, op_code: str) -> LabourOperation:
        try:
            return self._operations_by_code[op_code]
        except KeyError:
            raise KeyError(f"unknown operation code '{op_code}'") from None

    def part(self, part_number: str) -> Part:
        try:
            return self._parts_by_number[part_number]
        except KeyError:
            raise KeyError(f"unknown part number '{part_number}'") from None


@dataclass(frozen=True)
class ServiceHistory:
    """Customers, their vehicles and what they had done: the history forecasts learn from."""

    customers: tuple[Customer, ...]
    vehicles: tuple[Vehicle, ...]
    repair_orders: tuple[RepairOrder, ...]
    appointments: tuple[Appointment, ...] = field(default=())

    def __post_init__(self) -> None:
        customers = {c.customer_no for c in self.customers}
        vins = {v.vin for v in self.vehicles}
        for what, codes in (("customer", [c.customer_no for c in self.customers]),
                            ("VIN", [v.vin for v in self.vehicles]),
                            ("repair order", [r.ro_number for r in self.repair_orders]),
                            ("appointment", [a.appointment_no for a in self.appointments])):
            dup = _duplicates(codes)
            if dup:
                raise ValueError(f"duplicate {what} numbers: {', '.join(dup[:5])}")
        for v in self.vehicles:
            if v.customer_no not in customers:
                raise ValueError(f"vehicle {v.vin} belongs to unknown customer {v.customer_no}")
        ro_numbers = set()
        for ro in self.repair_orders:
            ro_numbers.add(ro.ro_number)
            if ro.vin not in vins or ro.customer_no not in customers:
                raise ValueError(f"repair order {ro.ro_number} refers to unknown vehicle {ro.vin} "
                                 f"or customer {ro.customer_no}")
        for a in self.appointments:
            if a.vin not in vins or a.customer_no not in customers:
                raise ValueError(f"appointment {a.appointment_no} refers to unknown vehicle {a.vin} "
                                 f"or customer {a.customer_no}")
            if a.ro_number is not None and a.ro_number not in ro_numbers:
                raise ValueError(f"appointment {a.appointment_no} refers to unknown repair order {a.ro_number}")
