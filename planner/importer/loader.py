"""Writing an imported dealer to the database, all in one transaction."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from planner.domain import Dealership, ServiceHistory
from planner.errors import DealerExists
from planner.importer.messages import ImportFailed, Issue
from planner.importer.reader import read_dealer_export
from planner.storage.repository import existing_dealer_id, save_dealership, save_history


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the dealer's id and code, and how many of each thing."""

    dealer_id: int
    dealer_code: str
    replaced: bool
    advisors: int
    technicians: int
    bays: int
    operations: int
    parts: int
    purchase_orders: int
    campaigns: int
    customers: int
    vehicles: int
    mileage_readings: int
    repair_orders: int
    repair_order_lines: int
    declined: int

    def counts(self) -> dict[str, int]:
        """The counts by name, for a summary table."""
        skip = {"dealer_id", "dealer_code", "replaced"}
        return {name: value for name, value in vars(self).items() if name not in skip}


def _result(
    dealer_id: int, replaced: bool, dealership: Dealership, history: ServiceHistory
) -> ImportResult:
    orders = history.repair_orders
    return ImportResult(
        dealer_id=dealer_id,
        dealer_code=dealership.dealer.code,
        replaced=replaced,
        advisors=len(dealership.advisors),
        technicians=len(dealership.technicians),
        bays=len(dealership.bays),
        operations=len(dealership.operations),
        parts=len(dealership.parts),
        purchase_orders=sum(len(p.open_orders) for p in dealership.parts),
        campaigns=len(dealership.campaigns),
        customers=len(history.customers),
        vehicles=len(history.vehicles),
        mileage_readings=sum(len(v.readings) for v in history.vehicles),
        repair_orders=len(orders),
        repair_order_lines=sum(len(o.lines) for o in orders),
        declined=sum(len(o.declined) for o in orders),
    )


def import_dealer(
    engine: Engine, toml_path: str | os.PathLike[str], replace: bool = False
) -> ImportResult:
    """Validate a dealer's exports and write them to the database in one transaction.

    Raises `ImportFailed` (with every problem) when the exports are invalid, or when the
    dealer's code is already in the database and `replace` is False. With `replace`,
    the existing dealer and everything it owns is deleted first, in the same
    transaction, so a failure leaves the old data in place.
    """
    dealership, history = read_dealer_export(toml_path)
    code = dealership.dealer.code
    with engine.begin() as conn:
        replaced = existing_dealer_id(conn, code) is not None
        try:
            dealer_id = save_dealership(conn, dealership, replace=replace)
        except DealerExists:
            issue = Issue(Path(toml_path).name, None, "dealer.code", code, "db.dealer_exists")
            raise ImportFailed([issue]) from None
        save_history(conn, dealer_id, history)
    return _result(dealer_id, replaced, dealership, history)
