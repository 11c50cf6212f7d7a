"""The welcome board (R5): public, so names and plates are masked and phones never shown."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from planner.booking.board import BoardEntry, board_html, board_rows, mask_name, mask_plate

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("name", "masked"), [
    ("王小明", "王**"), ("王明", "王**"), ("欧阳娜娜", "欧阳**"), ("Li Wei", "L***"), ("  ", "***"),
])
def test_names_keep_only_the_surname(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("plate", "masked"), [
    ("粤B·12345", "粤B·12***"), ("粤B·D12345", "粤B·D1***"), ("ABC1234", "ABC1***"), ("AB", "***"),
])
def test_plates_keep_only_their_start(plate: str, masked: str) -> None:
    assert mask_plate(plate) == masked


def test_the_page_shows_masked_rows_in_time_order_and_nothing_private() -> None:
    entries = [
        BoardEntry(datetime(2026, 12, 1, 14, 0, tzinfo=ZONE), "李小龙", "粤B·88888", "小保养"),
        BoardEntry(datetime(2026, 12, 1, 8, 30, tzinfo=ZONE), "王小明", "粤B·12345", "<刹车>"),
    ]
    rows = board_rows(entries)
    assert [(r.time, r.name, r.plate) for r in rows] == [("08:30", "王**", "粤B·12***"), ("14:00", "李**", "粤B·88***")]
    page = board_html(rows, "鹏程", date(2026, 12, 1), "zh")
    for private in ("小明", "小龙", "12345", "88888"):
        assert private not in page
    assert "&lt;刹车&gt;" in page and "<刹车>" not in page  # escaped
    assert "欢迎光临" in page and "2026-12-01" in page
    english = board_html(rows, "Pengcheng", date(2026, 12, 1), "en")
    assert "Welcome" in english and "Booked arrivals" in english


def test_an_empty_day_says_so() -> None:
    assert "暂无预约" in board_html([], "鹏程", date(2026, 12, 1), "zh")
