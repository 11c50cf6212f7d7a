"""Exports: the workshop's day and tables as CSV, XLSX and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.booking.exports import to_csv, workshop_day, write_table
from tests.test_copies import booked


def test_the_workshop_day_is_by_bay_then_time_with_preparation() -> None:
    d, _, booking, _, _ = booked()
    head, rows = workshop_day(d, [booking], {booking.booking_id: True}, "en")
    assert head[0] == "Bay" and head[-1] == "Prepared"
    assert [(r[0], r[1], r[3], r[-1]) for r in rows] == [("A1", "10:00", "T1", "yes"), ("Q1", "09:00", "T1", "yes")]


def test_tables_are_written_by_extension(tmp_path: Path) -> None:
    head, rows = ("车牌", "数量"), [("粤B·12345", "2")]
    write_table(tmp_path / "t.csv", "拣货单", head, rows)
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese right
    assert to_csv(head, rows).splitlines() == ["车牌,数量", "粤B·12345,2"]
    write_table(tmp_path / "t.xlsx", "拣货单", head, rows)
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None and [[c.value for c in r] for r in sheet.iter_rows()] == [["车牌", "数量"],
                                                                                       ["粤B·12345", "2"]]
    write_table(tmp_path / "t.html", "拣货单", head, rows)
    assert "粤B·12345" in (tmp_path / "t.html").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"csv, \.xlsx or \.html"):
        write_table(tmp_path / "t.pdf", "x", head, rows)
