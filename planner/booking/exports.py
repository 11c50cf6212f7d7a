"""Tables out of the planner: CSV (opens in Excel with Chinese intact), XLSX and HTML.

The workshop's day (jobs by bay and technician, with each booking's preparation) is
built here too; writing is the only I/O and happens at the edge (`write_table`).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from pathlib import Path

from planner.domain import Booking, Dealership, Lang
from planner.i18n import tr


def workshop_day(dealership: Dealership, bookings: Sequence[Booking], prepared: dict[str, bool],
                 lang: Lang | str = Lang.ZH) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The day's job list, by bay and then time: who works on which car when, and
    whether the booking is prepared (R15)."""
    head = tuple(tr(f"jobs.{k}", lang) for k in ("bay", "start", "end", "technician", "booking", "plate", "work",
                                                  "prepared"))
    rows: list[tuple[str, ...]] = []
    for b in bookings:
        for job in b.jobs:
            work = "; ".join(f"{code} {dealership.operation(code).name(lang)}" for code in job.spec.op_codes)
            rows.append((job.bay, f"{job.start:%H:%M}", f"{job.end:%H:%M}", job.technician, b.booking_id, b.plate,
                         work, tr("jobs.yes" if prepared.get(b.booking_id) else "jobs.no", lang)))
    rows.sort(key=lambda r: (r[0], r[1], r[3]))
    return head, rows


def to_csv(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue()


def to_html(title: str, head: Sequence[str], rows: Sequence[Sequence[str]], lang: Lang | str = Lang.ZH) -> str:
    esc = html.escape
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<!doctype html><html lang='{esc(str(lang))}'><head><meta charset='utf-8'><title>{esc(title)}</title>"
            "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
            "table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3em .6em;text-align:left}"
            f"th{{background:#f2f2f2}}</style></head><body><h1>{esc(title)}</h1><table><thead><tr>{th}</tr>"
            f"</thead><tbody>{body}</tbody></table></body></html>\n")


def xlsx_bytes(title: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """A table as an Excel workbook (one sheet named after the title)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit on sheet names
    sheet.append(list(head))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_table(path: Path, title: str, head: Sequence[str], rows: Sequence[Sequence[str]],
                lang: Lang | str = Lang.ZH) -> None:
    """Write a table as .csv, .xlsx or .html, by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(to_csv(head, rows), encoding="utf-8-sig")  # the BOM lets Excel read Chinese right
    elif suffix == ".xlsx":
        path.write_bytes(xlsx_bytes(title, head, rows))
    elif suffix in (".html", ".htm"):
        path.write_text(to_html(title, head, rows, lang), encoding="utf-8")
    else:
        raise ValueError(f"'{path.name}': write .csv, .xlsx or .html")
