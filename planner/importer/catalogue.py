"""parts.csv, purchase_orders.csv and operations.csv: what the workshop sells and stocks."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass, field

from planner.domain import (
    BayType,
    LabourOperation,
    OperationCategory,
    Part,
    PartRequirement,
    PurchaseOrder,
    Skill,
)
from planner.importer.config import ExportFiles
from planner.importer.csvfile import CsvRow, read_csv
from planner.importer.fields import (
    IssueLog,
    KeyRegistry,
    Problem,
    choice_of,
    need,
    parse_count,
    parse_date,
    parse_money,
    parse_positive_float,
    parse_quantity,
    parse_text,
    text_up_to,
)

PART_COLUMNS = ("part_number", "name_zh", "name_en", "price", "stock_on_hand")
PURCHASE_ORDER_COLUMNS = ("po_number", "part_number", "quantity", "expected_date")
OPERATION_COLUMNS = (
    "op_code",
    "name_zh",
    "name_en",
    "category",
    "standard_hours",
    "skill",
    "bay_type",
    "labour_price",
    "parts",
)

_PART_QUANTITY = re.compile(r"(?P<part>.+?)\s*[xX×]\s*(?P<quantity>\d+)")
_code = text_up_to(32)
_part_number = text_up_to(40)
_name = text_up_to(200)


@dataclass
class Catalogue:
    """Parts (with their open orders) and operations, plus the keys every file declared."""

    parts: list[Part] = field(default_factory=list)
    operations: dict[str, LabourOperation] = field(default_factory=dict)
    part_numbers: KeyRegistry = field(default_factory=lambda: KeyRegistry("parts.csv"))
    op_codes: KeyRegistry = field(default_factory=lambda: KeyRegistry("operations.csv"))
    purchase_orders: int = 0


def parse_part_quantity(raw: object) -> tuple[str, int]:
    """One item of an operation's parts: "P-0001x2" (a bare part number means one)."""
    text = parse_text(raw)
    match = _PART_QUANTITY.fullmatch(text)
    if match is None:
        return text, 1
    quantity = int(match.group("quantity"))
    if quantity < 1:
        raise Problem("value.not_a_part_quantity")
    return match.group("part"), quantity


# -- parts and purchase orders ---------------------------------------------------------


def _part(row: CsvRow, numbers: KeyRegistry) -> Part | None:
    number = row.required("part_number", _part_number)
    numbers.claim(row, "part_number", number)
    name_zh = row.required("name_zh", _name)
    name_en = row.default("name_en", _name, name_zh or "")
    price = row.required("price", parse_money)
    stock = row.required("stock_on_hand", parse_count)
    if row.failed:
        return None
    return row.build(lambda: Part(need(number), need(name_zh), name_en, need(price), need(stock)))


def _purchase_order(row: CsvRow, numbers: KeyRegistry, orders: KeyRegistry) -> PurchaseOrder | None:
    po_number = row.required("po_number", _part_number)
    part_number = row.required("part_number", _part_number)
    numbers.check(row, "part_number", part_number, "ref.unknown_part")
    if po_number is not None and part_number is not None:
        orders.claim(row, "po_number", f"{po_number} / {part_number}")
    quantity = row.required("quantity", parse_quantity)
    expected = row.required("expected_date", parse_date)
    if row.failed:
        return None
    return row.build(
        lambda: PurchaseOrder(need(po_number), need(part_number), need(quantity), need(expected))
    )


def _read_parts(files: ExportFiles, log: IssueLog, catalogue: Catalogue) -> None:
    catalogue.part_numbers = KeyRegistry(files.label("parts"))
    rows = read_csv(files.path("parts"), files.label("parts"), PART_COLUMNS, log)
    if rows is None:
        catalogue.part_numbers.unavailable = True
        return
    parts = [p for row in rows if (p := _part(row, catalogue.part_numbers)) is not None]
    orders: dict[str, list[PurchaseOrder]] = defaultdict(list)
    if files.wanted("purchase_orders"):
        label = files.label("purchase_orders")
        po_rows = read_csv(files.path("purchase_orders"), label, PURCHASE_ORDER_COLUMNS, log) or []
        po_keys = KeyRegistry(label)
        for row in po_rows:
            po = _purchase_order(row, catalogue.part_numbers, po_keys)
            if po is not None:
                orders[po.part_number].append(po)
    catalogue.purchase_orders = sum(len(v) for v in orders.values())
    catalogue.parts = [
        dataclasses.replace(p, open_orders=tuple(orders[p.part_number])) for p in parts
    ]


# -- operations ---------------------------------------------------------------------


def _requirements(row: CsvRow, numbers: KeyRegistry) -> tuple[PartRequirement, ...]:
    needs: dict[str, int] = {}
    for number, quantity in row.items("parts", parse_part_quantity):
        numbers.check(row, "parts", number, "ref.unknown_part")
        if number in needs:
            row.report("parts", "value.duplicate_in_list", number)
        needs[number] = quantity
    return tuple(PartRequirement(number, quantity) for number, quantity in needs.items())


def _operation(row: CsvRow, catalogue: Catalogue) -> LabourOperation | None:
    op_code = row.required("op_code", _code)
    catalogue.op_codes.claim(row, "op_code", op_code)
    name_zh = row.required("name_zh", _name)
    name_en = row.default("name_en", _name, name_zh or "")
    category = row.default("category", choice_of(OperationCategory), OperationCategory.REPAIR)
    hours = row.required("standard_hours", parse_positive_float)
    skill = row.required("skill", choice_of(Skill))
    bay_type = row.required("bay_type", choice_of(BayType))
    price = row.required("labour_price", parse_money)
    parts = _requirements(row, catalogue.part_numbers)
    if row.failed:
        return None
    return row.build(
        lambda: LabourOperation(
            need(op_code),
            need(name_zh),
            name_en,
            need(hours),
            need(skill),
            need(bay_type),
            need(price),
            category,
            parts,
        )
    )


def read_catalogue(files: ExportFiles, log: IssueLog) -> Catalogue:
    """Read parts.csv, purchase_orders.csv (optional) and operations.csv."""
    catalogue = Catalogue()
    _read_parts(files, log, catalogue)
    catalogue.op_codes = KeyRegistry(files.label("operations"))
    rows = read_csv(files.path("operations"), files.label("operations"), OPERATION_COLUMNS, log)
    if rows is None:
        catalogue.op_codes.unavailable = True
        return catalogue
    for row in rows:
        operation = _operation(row, catalogue)
        if operation is not None:
            catalogue.operations[operation.op_code] = operation
    return catalogue
