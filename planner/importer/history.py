"""customers.csv, vehicles.csv, mileage.csv, repair_orders.csv and declined.csv."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from planner.domain import (
    Channel,
    Customer,
    DeclinedRecommendation,
    LabourOperation,
    MileageReading,
    Powertrain,
    RepairOrder,
    RepairOrderLine,
    ServiceHistory,
    Vehicle,
)
from planner.importer.catalogue import Catalogue
from planner.importer.config import DealerConfig, ExportFiles
from planner.importer.csvfile import CsvRow, read_csv
from planner.importer.fields import (
    IssueLog,
    KeyRegistry,
    choice_of,
    list_items,
    need,
    parse_bool,
    parse_count,
    parse_date,
    parse_positive_float,
    parse_text,
    parse_time_range,
    parse_timestamp_in,
    text_up_to,
)
from planner.importer.messages import Issue

CUSTOMER_COLUMNS = (
    "customer_no",
    "name",
    "mobile",
    "phone_alt",
    "preferred_contact",
    "preferred_channel",
)
VEHICLE_COLUMNS = (
    "vin",
    "plate",
    "customer_no",
    "model",
    "powertrain",
    "sale_date",
    "warranty_end_date",
    "warranty_end_km",
)
MILEAGE_COLUMNS = ("vin", "read_on", "km")
REPAIR_ORDER_COLUMNS = (
    "ro_number",
    "vin",
    "customer_no",
    "advisor",
    "opened_at",
    "closed_at",
    "mileage_km",
    "from_appointment",
    "ops",
    "technicians",
)
DECLINED_COLUMNS = ("ro_number", "op_code", "note", "wait_until_km", "wait_until_date")

RO_READING_SOURCE = "repair_order"
FILE_READING_SOURCE = "reported"
VIN_LENGTH = 17

_number = text_up_to(32)
_name = text_up_to(100)
_note = text_up_to(10_000)


@dataclass
class References:
    """The keys declared so far that later files may refer to."""

    customers: KeyRegistry
    vehicles: KeyRegistry
    repair_orders: KeyRegistry
    owner_of: dict[str, str] = field(default_factory=dict)  # VIN -> customer number


def _registry(files: ExportFiles, key: str, rows: list[CsvRow] | None) -> KeyRegistry:
    registry = KeyRegistry(files.label(key))
    registry.unavailable = rows is None
    return registry


# -- customers and vehicles --------------------------------------------------------------


def _customer(row: CsvRow, numbers: KeyRegistry) -> Customer | None:
    number = row.required("customer_no", _number)
    numbers.claim(row, "customer_no", number)
    name = row.required("name", _name)
    mobile = row.required("mobile", _number)
    phone_alt = row.optional("phone_alt", _number)
    windows = tuple(row.items("preferred_contact", parse_time_range))
    channel = row.default("preferred_channel", choice_of(Channel), Channel.PHONE)
    if row.failed:
        return None
    return row.build(
        lambda: Customer(need(number), need(name), need(mobile), phone_alt, windows, channel)
    )


def _vin(row: CsvRow, key: str) -> str | None:
    vin = row.required(key, parse_text)
    if vin is not None and len(vin) != VIN_LENGTH:
        row.report(key, "value.vin_length", vin, length=len(vin))
    return vin


def _vehicle(row: CsvRow, refs: References) -> Vehicle | None:
    vin = _vin(row, "vin")
    refs.vehicles.claim(row, "vin", vin)
    plate = row.required("plate", text_up_to(16))
    owner = row.required("customer_no", _number)
    refs.customers.check(row, "customer_no", owner, "ref.unknown_customer")
    if vin is not None and owner is not None:
        refs.owner_of.setdefault(vin, owner)
    model = row.required("model", text_up_to(64))
    powertrain = row.required("powertrain", choice_of(Powertrain))
    sale_date = row.required("sale_date", parse_date)
    warranty_end = row.required("warranty_end_date", parse_date)
    warranty_km = row.required("warranty_end_km", parse_count)
    if sale_date is not None and warranty_end is not None and warranty_end < sale_date:
        row.report(
            "warranty_end_date", "rule.warranty_before_sale", warranty_end, sale_date=sale_date
        )
    if row.failed:
        return None
    return row.build(
        lambda: Vehicle(
            need(vin),
            need(plate),
            need(owner),
            need(model),
            need(powertrain),
            need(sale_date),
            need(warranty_end),
            need(warranty_km),
        )
    )


def _reading(row: CsvRow, vehicles: KeyRegistry) -> tuple[str, MileageReading] | None:
    vin = row.required("vin", parse_text)
    vehicles.check(row, "vin", vin, "ref.unknown_vehicle")
    read_on = row.required("read_on", parse_date)
    km = row.required("km", parse_count)
    source = row.default("source", text_up_to(16), FILE_READING_SOURCE)
    if row.failed:
        return None
    reading = row.build(lambda: MileageReading(need(read_on), need(km), source))
    return (need(vin), reading) if reading is not None else None


# -- repair orders -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Staff:
    advisors: set[str]
    technicians: set[str]
    source: str  # the TOML file that lists them


def _aligned(row: CsvRow, key: str, ops: list[str], single_allowed: bool) -> bool:
    """Does a list column give one item per op (or, where allowed, one for all)?"""
    count = len(list_items(row.raw(key) or ""))
    if count in (0, len(ops)) or (single_allowed and count == 1):
        return True
    message = "value.list_length" if single_allowed else "value.list_length_exact"
    row.report(key, message, row.raw(key), count=count, other="ops", expected=len(ops))
    return False


def _technicians(row: CsvRow, ops: list[str], staff: _Staff) -> list[str | None]:
    """The technician of each op: one code per op, a single code for all, or none."""
    codes = row.items("technicians", _number)
    for code in codes:
        if code not in staff.technicians:
            row.report("technicians", "ref.unknown_technician", code, source=staff.source)
    if not codes or not _aligned(row, "technicians", ops, single_allowed=True):
        return [None] * len(ops)
    return [codes[0]] * len(ops) if len(codes) == 1 else list(codes)


def _lines(row: CsvRow, catalogue: Catalogue, staff: _Staff) -> tuple[RepairOrderLine, ...]:
    ops = row.items("ops", _number, required=True)
    for op in ops:
        catalogue.op_codes.check(row, "ops", op, "ref.unknown_operation")
    technicians = _technicians(row, ops, staff)
    hours = row.items("hours", parse_positive_float)
    _aligned(row, "hours", ops, single_allowed=False)
    known: list[LabourOperation] = [
        catalogue.operations[op] for op in ops if op in catalogue.operations
    ]
    if row.failed or len(known) != len(ops):
        return ()
    worked = hours or [op.standard_hours for op in known]
    return tuple(
        RepairOrderLine(op.op_code, h, op.labour_price, tech)
        for op, h, tech in zip(known, worked, technicians, strict=True)
    )


Timestamp = Callable[[object], datetime]


def _closed_at(row: CsvRow, parse: Timestamp, opened: datetime | None) -> datetime | None:
    closed = row.optional("closed_at", parse)
    if opened is not None and closed is not None and closed < opened:
        row.report(
            "closed_at",
            "rule.closed_before_opened",
            row.raw("closed_at"),
            opened=row.raw("opened_at"),
        )
    return closed


def _repair_order(
    row: CsvRow, config: DealerConfig, catalogue: Catalogue, refs: References, staff: _Staff
) -> RepairOrder | None:
    number = row.required("ro_number", _number)
    refs.repair_orders.claim(row, "ro_number", number)
    vin = row.required("vin", parse_text)
    refs.vehicles.check(row, "vin", vin, "ref.unknown_vehicle")
    given_customer = row.optional("customer_no", _number)
    refs.customers.check(row, "customer_no", given_customer, "ref.unknown_customer")
    customer = given_customer or refs.owner_of.get(vin or "")
    advisor = row.optional("advisor", _number)
    if advisor is not None and advisor not in staff.advisors:
        row.report("advisor", "ref.unknown_advisor", advisor, source=staff.source)
    parse_moment = parse_timestamp_in(config.zone)
    opened = row.required("opened_at", parse_moment)
    closed = _closed_at(row, parse_moment, opened)
    mileage = row.required("mileage_km", parse_count)
    from_appointment = row.default("from_appointment", parse_bool, False)
    lines = _lines(row, catalogue, staff)
    if row.failed or not lines or customer is None:
        return None
    return row.build(
        lambda: RepairOrder(
            need(number),
            need(vin),
            customer,
            advisor,
            need(opened),
            closed,
            need(mileage),
            from_appointment,
            lines,
        )
    )


def _declined(
    row: CsvRow, catalogue: Catalogue, orders: KeyRegistry
) -> tuple[str, DeclinedRecommendation] | None:
    number = row.required("ro_number", _number)
    orders.check(row, "ro_number", number, "ref.unknown_repair_order")
    op_code = row.required("op_code", _number)
    catalogue.op_codes.check(row, "op_code", op_code, "ref.unknown_operation")
    note = row.default("note", _note, "")
    until_km = row.optional("wait_until_km", parse_count)
    until_date = row.optional("wait_until_date", parse_date)
    if row.failed:
        return None
    item = row.build(
        lambda: DeclinedRecommendation(need(op_code), note, until_km, until_date), "wait_until_km"
    )
    return (need(number), item) if item is not None else None


# -- the whole history ------------------------------------------------------------------


def _read(
    files: ExportFiles, key: str, columns: tuple[str, ...], log: IssueLog
) -> list[CsvRow] | None:
    return read_csv(files.path(key), files.label(key), columns, log)


def _read_optional(
    files: ExportFiles, key: str, columns: tuple[str, ...], log: IssueLog
) -> list[CsvRow]:
    return (_read(files, key, columns, log) or []) if files.wanted(key) else []


def _customers_and_vehicles(
    files: ExportFiles, log: IssueLog
) -> tuple[list[Customer], list[Vehicle], References]:
    customer_rows = _read(files, "customers", CUSTOMER_COLUMNS, log)
    refs = References(
        _registry(files, "customers", customer_rows),
        KeyRegistry(files.label("vehicles")),
        KeyRegistry(files.label("repair_orders")),
    )
    customers = [
        c for row in customer_rows or [] if (c := _customer(row, refs.customers)) is not None
    ]
    vehicle_rows = _read(files, "vehicles", VEHICLE_COLUMNS, log)
    refs.vehicles.unavailable = vehicle_rows is None
    vehicles = [v for row in vehicle_rows or [] if (v := _vehicle(row, refs)) is not None]
    return customers, vehicles, refs


def _readings(
    files: ExportFiles,
    log: IssueLog,
    refs: References,
    orders: list[RepairOrder],
    config: DealerConfig,
) -> dict[str, set[MileageReading]]:
    readings: dict[str, set[MileageReading]] = defaultdict(set)
    for ro in orders:
        local_day = ro.opened_at.astimezone(config.zone).date()
        readings[ro.vin].add(MileageReading(local_day, ro.mileage_km, RO_READING_SOURCE))
    for row in _read_optional(files, "mileage", MILEAGE_COLUMNS, log):
        found = _reading(row, refs.vehicles)
        if found is not None:
            readings[found[0]].add(found[1])
    return readings


def _declined_items(
    files: ExportFiles, log: IssueLog, catalogue: Catalogue, refs: References
) -> dict[str, list[DeclinedRecommendation]]:
    declined: dict[str, list[DeclinedRecommendation]] = defaultdict(list)
    for row in _read_optional(files, "declined", DECLINED_COLUMNS, log):
        found = _declined(row, catalogue, refs.repair_orders)
        if found is not None:
            declined[found[0]].append(found[1])
    return declined


def read_history(config: DealerConfig, catalogue: Catalogue, log: IssueLog) -> ServiceHistory | None:
    """Read customers, vehicles, repair orders, declined work and mileage readings.

    None when any row had a problem (each one is in the log already).
    """
    files = config.files
    customers, vehicles, refs = _customers_and_vehicles(files, log)
    staff = _Staff(config.advisor_codes, config.technician_codes, config.code_place.file)
    order_rows = _read(files, "repair_orders", REPAIR_ORDER_COLUMNS, log)
    refs.repair_orders.unavailable = order_rows is None
    orders = [
        o
        for row in order_rows or []
        if (o := _repair_order(row, config, catalogue, refs, staff)) is not None
    ]
    declined = _declined_items(files, log, catalogue, refs)
    orders = [dataclasses.replace(o, declined=tuple(declined[o.ro_number])) for o in orders]
    readings = _readings(files, log, refs, orders, config)
    vehicles = [dataclasses.replace(v, readings=tuple(sorted(readings[v.vin]))) for v in vehicles]
    if log:
        return None
    try:
        return ServiceHistory(tuple(customers), tuple(vehicles), tuple(orders))
    except ValueError as exc:  # every rule it checks was checked row by row: a safety net
        log.add(Issue(config.code_place.file, None, None, None, "rule.domain", {"detail": str(exc)}))
        return None
