"""The welcome board (R5): a day's booked arrivals, masked, for the reception screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from planner.booking.board import BoardEntry, BoardRow, board_html, board_rows
from planner.domain import Dealership, Lang
from planner.storage.repository import arrivals_on


@dataclass(frozen=True)
class Board:
    day: date
    rows: tuple[BoardRow, ...]
    html: str


def welcome_board(conn: Connection, dealer_id: int, dealership: Dealership, day: date, lang: Lang | str) -> Board:
    """The day's board: arrival time, masked name and plate, the work in words."""
    known = {o.op_code for o in dealership.operations}
    joiner = "、" if str(lang) == Lang.ZH.value else ", "
    entries = [BoardEntry(arrival, name, plate,
                          joiner.join(dealership.operation(c).name(lang) for c in ops if c in known))
               for arrival, name, plate, ops in arrivals_on(conn, dealer_id, day)]
    rows = board_rows(entries)
    return Board(day, tuple(rows), board_html(rows, dealership.dealer.name, day, lang))
