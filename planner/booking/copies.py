"""The four copies of a booking (R4) and what each department needs to act on (pure).

- customer service: who, how to reach them, when, what, the estimate (R8) and the
  documents to bring (R11);
- service advisor: the technicians, tools and technical data to line up (R14);
- parts: the pick list, labelled with the plate (R13);
- workshop: the job list by bay and technician.

`render_html` makes a printable page of any copy; `pick_list_csv` the parts copy as CSV.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner.domain import (
    Appointment,
    BayType,
    Booking,
    Customer,
    Dealership,
    Lang,
    OperationCategory,
    Skill,
    Vehicle,
)
from planner.i18n import tr

TOOLS: dict[BayType | Skill, str] = {  # translation keys of the tools a job needs
    Skill.EV: "copy.tool_hv",
    BayType.ALIGNMENT: "copy.tool_alignment",
    BayType.DIAGNOSTIC: "copy.tool_diagnostic",
    Skill.ENGINE: "copy.tool_engine",
}


@dataclass(frozen=True)
class Copy:
    """One department's copy: a title and rows of (label, value) or a table."""

    kind: str  # customer_service | advisor | parts | workshop
    title: str
    fields: tuple[tuple[str, str], ...]
    table_head: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


def estimate(dealership: Dealership, booking: Booking) -> tuple[Decimal, Decimal]:
    """Labour and parts price of the booked work (R8)."""
    labour = sum((dealership.operation(code).labour_price for code in booking.request.op_codes), Decimal(0))
    parts = sum((dealership.part(r.part_number).price * r.quantity for r in booking.request.parts), Decimal(0))
    return labour, parts


def documents_to_bring(dealership: Dealership, booking: Booking, vehicle: Vehicle, lang: Lang | str) -> list[str]:
    """R11: the vehicle licence always; the service booklet for maintenance; the warranty
    card while the car is in warranty."""
    out = [tr("copy.doc_licence", lang)]
    ops = [dealership.operation(code) for code in booking.request.op_codes]
    if any(op.category is OperationCategory.MAINTENANCE for op in ops):
        out.append(tr("copy.doc_booklet", lang))
    if vehicle.in_warranty(booking.arrival.date()):
        out.append(tr("copy.doc_warranty", lang))
    return out


def _when(booking: Booking) -> str:
    return f"{booking.arrival:%Y-%m-%d %H:%M}–{booking.end:%H:%M}"


def _ops(dealership: Dealership, booking: Booking, lang: Lang | str) -> str:
    return "; ".join(f"{code} {dealership.operation(code).name(lang)}" for code in booking.request.op_codes)


def four_copies(dealership: Dealership, appointment: Appointment, booking: Booking, customer: Customer,
                vehicle: Vehicle, lang: Lang | str = Lang.ZH, details: dict[str, Any] | None = None) -> list[Copy]:
    """The customer-service, advisor, parts and workshop copies of one booking; `details`
    (concern and checklist, R7; channel, R11; preparation, R15) as stored with it."""
    details = details or {}
    def t(key: str, **values: object) -> str:
        return tr(f"copy.{key}", lang, **values)

    labour, parts = estimate(dealership, booking)
    hours = (booking.end - booking.arrival).total_seconds() / 3600
    origin = t(f"origin_{appointment.origin.value}") + (f" ({appointment.origin_rule})" if appointment.origin_rule
                                                        else "")
    common = ((t("number"), appointment.appointment_no), (t("plate"), vehicle.plate), (t("model"), vehicle.model),
              (t("when"), _when(booking)))
    contact = customer.mobile + (f" / {customer.phone_alt}" if customer.phone_alt else "")
    channel = details.get("channel") or customer.preferred_channel.value
    concern = ((t("concern"), str(details.get("concern") or "-")),
               (t("checklist"), "; ".join(f"{k}: {v}" for k, v in (details.get("checklist") or {}).items()) or "-"))
    steps = [t(f"prep_{k}") for k in ("parts_picked", "technician_confirmed", "tools_ready") if details.get(k)]
    prepared = details.get("prepared_at")
    preparation = ((t("preparation"), (t("prepared_at", at=f"{prepared:%Y-%m-%d %H:%M}") if prepared
                                        else "; ".join(steps) or t("prep_none"))),)
    service = Copy("customer_service", t("title_customer_service"), (
        *common, (t("customer"), customer.name), (t("contact"), contact),
        (t("channel"), tr(f"channel.{channel}", lang)), (t("origin"), origin),
        (t("work"), _ops(dealership, booking, lang)), *concern, *preparation,
        (t("estimate"), t("estimate_value", labour=f"{labour:.2f}", parts=f"{parts:.2f}",
                          total=f"{labour + parts:.2f}", hours=f"{hours:.1f}")),
        (t("documents"), "; ".join(documents_to_bring(dealership, booking, vehicle, lang))),
    ))
    tools = sorted({tr(key, lang) for job in booking.jobs for k, key in TOOLS.items()
                    if k in (job.spec.skill, job.spec.bay_type)})
    advisor = Copy("advisor", t("title_advisor"), (
        *common, (t("customer"), customer.name), (t("work"), _ops(dealership, booking, lang)), *concern,
        *preparation, (t("tools"), "; ".join(tools) or t("tools_standard")),
        (t("arrival_mark"), t("arrival_mark_value")),  # R30: the benefit of booking is visible
        (t("technical_data"), t("technical_data_value", model=vehicle.model, vin=vehicle.vin)),
    ), (t("job"), t("technician"), t("skill"), t("bay"), t("from_to")), tuple(
        (str(i), j.technician, tr(f"skill.{j.spec.skill.value}", lang), j.bay, f"{j.start:%H:%M}–{j.end:%H:%M}")
        for i, j in enumerate(booking.jobs, start=1)))
    pick = Copy("parts", t("title_parts", plate=vehicle.plate), (
        (t("number"), appointment.appointment_no), (t("plate"), vehicle.plate),
        (t("needed_by"), f"{booking.arrival:%Y-%m-%d %H:%M}"),
    ), (t("part_number"), t("part_name"), t("quantity"), t("label")), tuple(
        (r.part_number, dealership.part(r.part_number).name(lang), str(r.quantity), vehicle.plate)
        for r in booking.request.parts))
    workshop = Copy("workshop", t("title_workshop"), common, (t("bay"), t("technician"), t("from_to"), t("work")),
                    tuple(sorted((j.bay, j.technician, f"{j.start:%H:%M}–{j.end:%H:%M}",
                                  "; ".join(j.spec.op_codes)) for j in booking.jobs)))
    return [service, advisor, pick, workshop]


def repair_order_draft(dealership: Dealership, appointment: Appointment, booking: Booking, customer: Customer,
                       vehicle: Vehicle, lang: Lang | str = Lang.ZH) -> Copy:
    """R17: the advisor's draft repair order from the booking: each operation with its
    standard hours and labour price, each part with its price, and the totals."""
    def t(key: str, **values: object) -> str:
        return tr(f"copy.{key}", lang, **values)

    lines: list[tuple[str, ...]] = []
    for code in booking.request.op_codes:
        op = dealership.operation(code)
        lines.append((t("line_labour"), code, op.name(lang), f"{op.standard_hours:g}", "1", f"{op.labour_price:.2f}"))
    for req in booking.request.parts:
        part = dealership.part(req.part_number)
        lines.append((t("line_part"), req.part_number, part.name(lang), "", str(req.quantity),
                      f"{part.price * req.quantity:.2f}"))
    labour, parts = estimate(dealership, booking)
    return Copy("repair_order_draft", t("title_ro_draft"), (
        (t("number"), appointment.appointment_no), (t("customer"), customer.name), (t("plate"), vehicle.plate),
        (t("model"), vehicle.model), ("VIN", vehicle.vin), (t("when"), _when(booking)),
        (t("technician"), ", ".join(dict.fromkeys(j.technician for j in booking.jobs))),
        (t("total"), t("estimate_value", labour=f"{labour:.2f}", parts=f"{parts:.2f}", total=f"{labour + parts:.2f}",
                       hours=f"{booking.request.standard_hours:.1f}")),
    ), (t("line_kind"), t("code"), t("part_name"), t("hours"), t("quantity"), t("amount")), tuple(lines))


def render_html(copy: Copy, dealer_name: str, lang: Lang | str = Lang.ZH) -> str:
    """A printable page of one copy."""
    esc = html.escape
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in copy.fields)
    table = ""
    if copy.table_head:
        head = "".join(f"<th>{esc(h)}</th>" for h in copy.table_head)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in copy.table)
        table = f"<table class='list'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return (f"<!doctype html><html lang='{esc(str(lang))}'><head><meta charset='utf-8'><title>{esc(copy.title)}"
            "</title><style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
            "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:.3em .6em;"
            "text-align:left;vertical-align:top}.fields th{width:10em;background:#f2f2f2}"
            "@media print{body{margin:0}}</style></head>"
            f"<body><h1>{esc(copy.title)}</h1><p>{esc(dealer_name)}</p><table class='fields'>{rows}</table>"
            f"{table}</body></html>\n")


def pick_list_csv(copy: Copy) -> str:
    """The parts copy as CSV (one row per part, labelled with the plate)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(copy.table_head)
    writer.writerows(copy.table)
    return out.getvalue()
