"""The welcome board (R5): tomorrow's booked arrivals at the reception entrance.

It is public: customers' names and plates are masked (王**, 粤B·12***), phone numbers
never appear. `board_rows` is pure; `board_html` renders a large-print page for the
reception screen, in Chinese or English.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from planner.domain import Lang
from planner.i18n import tr

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def mask_name(name: str) -> str:
    """Surname and stars: 王小明 → 王**, 欧阳娜娜 → 欧阳**, Li Wei → L***."""
    name = name.strip()
    if not name:
        return "***"
    if _is_cjk(name[0]):
        surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), name[0])
        return surname + "**"
    return name[0].upper() + "***"


def mask_plate(plate: str) -> str:
    """Province and letter and two characters: 粤B·12345 → 粤B·12***, ABC1234 → ABC1***."""
    plate = plate.strip()
    if "·" in plate:
        head, _, tail = plate.partition("·")
        return f"{head}·{tail[:2]}***"
    return plate[: max(len(plate) - 3, 1)] + "***" if len(plate) > 3 else "***"


@dataclass(frozen=True)
class BoardEntry:
    """What the database knows of one booked arrival (private: not for the board as is)."""

    arrival: datetime
    customer_name: str
    plate: str
    service: str  # what the visit is for, in the board's language


@dataclass(frozen=True)
class BoardRow:
    time: str
    name: str
    plate: str
    service: str


def board_rows(entries: list[BoardEntry]) -> list[BoardRow]:
    """The public rows, in arrival order, masked."""
    return [BoardRow(e.arrival.strftime("%H:%M"), mask_name(e.customer_name), mask_plate(e.plate), e.service)
            for e in sorted(entries, key=lambda e: (e.arrival, e.plate))]


def board_html(rows: list[BoardRow], dealer_name: str, day: date, lang: Lang | str = Lang.ZH) -> str:
    """A self-contained large-print page for the reception screen."""
    esc = html.escape
    title = tr("board.title", lang, day=day.isoformat(), weekday=tr(f"weekday.{day.weekday()}", lang))
    head = "".join(f"<th>{esc(tr(k, lang))}</th>" for k in ("board.time", "board.name", "board.plate",
                                                             "board.service"))
    body = "".join(f"<tr><td>{esc(r.time)}</td><td>{esc(r.name)}</td><td>{esc(r.plate)}</td>"
                   f"<td>{esc(r.service)}</td></tr>" for r in rows)
    if not rows:
        body = f"<tr><td colspan='4'>{esc(tr('board.empty', lang))}</td></tr>"
    return (f"<!doctype html><html lang='{esc(str(lang))}'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title><style>"
            "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2vw;background:#fff;color:#111}"
            "h1{font-size:4vw;margin:0 0 .2em}h2{font-size:2.4vw;font-weight:normal;color:#444;margin:0 0 1em}"
            "table{width:100%;border-collapse:collapse;font-size:3vw}th,td{padding:.35em .5em;text-align:left}"
            "th{border-bottom:3px solid #111}tr:nth-child(even) td{background:#f2f2f2}"
            # time, name and plate never break: a wrapped plate is hard to read from across the room
            "td:nth-child(-n+3),th:nth-child(-n+3){white-space:nowrap}"
            f"</style></head><body><h1>{esc(tr('board.welcome', lang))}</h1><h2>{esc(dealer_name)} · {esc(title)}"
            f"</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n")
