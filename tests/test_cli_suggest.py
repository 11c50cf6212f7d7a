"""`planner suggest` end to end on the small demo database (which holds future bookings).

Plates and operation codes are read from the database, not hard-coded. Each call that
gets as far as the solver builds a snapshot (and, with the walk-in reserve, a forecast),
so the calls are few; the ones rejected on their input stop before that.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from planner.cli import main
from planner.domain import Dealership, LabourOperation
from planner.storage import find_dealer_id, open_database
from planner.storage.repository import load_dealership

OFFSET = re.compile(r"[+-]\d\d:\d\d$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Demo:
    db: str
    dealership: Dealership
    plate: str
    ready_op: str  # needs no parts, someone has the skill, a bay of its type exists
    unavailable_op: str  # uses a part out of stock and not on order


def _doable(dealership: Dealership, op: LabourOperation) -> bool:
    return (any(op.skill in t.skills for t in dealership.technicians)
            and any(b.bay_type is op.bay_type for b in dealership.bays))


@pytest.fixture(scope="module")
def demo(small_demo_db: Path) -> Demo:
    engine = open_database(small_demo_db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, None)
        dealership = load_dealership(conn, dealer_id)
        plate = conn.execute(text("SELECT plate FROM vehicles WHERE dealer_id = :d ORDER BY plate LIMIT 1"),
                             {"d": dealer_id}).scalar_one()
    engine.dispose()
    doable = [op for op in dealership.operations if _doable(dealership, op)]
    ready = min((op for op in doable if not op.parts), key=lambda op: (op.standard_hours, op.op_code))
    missing = {p.part_number for p in dealership.parts if p.stock_on_hand == 0 and not p.open_orders}
    unavailable = next(op for op in doable if any(r.part_number in missing for r in op.parts))
    return Demo(str(small_demo_db), dealership, str(plate), ready.op_code, unavailable.op_code)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def suggest(demo: Demo, *extra: str, lang: str = "en") -> list[str]:
    return ["--lang", lang, "suggest", "--db", demo.db, "--plate", demo.plate, *extra]


def assert_iso_with_offset(value: Any) -> datetime:
    assert isinstance(value, str) and OFFSET.search(value), value
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() == timedelta(hours=8)  # the demo dealer is in Asia/Shanghai
    return moment


def test_suggest_json_lists_options(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *suggest(demo, "--ops", demo.ready_op, "--count", "3", "--json",
                                          "--no-walk-in-reserve"))
    assert code == 0, err
    options = json.loads(out)
    assert isinstance(options, list) and len(options) == 3
    technicians = {t.code for t in demo.dealership.technicians}
    bays = {b.code for b in demo.dealership.bays}
    for item in options:
        assert {"start", "end", "technician", "bay", "load_ratio", "label", "reasons"} <= set(item)
        start, end = assert_iso_with_offset(item["start"]), assert_iso_with_offset(item["end"])
        assert start < end
        assert item["technician"] in technicians and item["bay"] in bays
        assert isinstance(item["load_ratio"], float | int) and item["load_ratio"] >= 0
        assert item["label"] in ("peak", "normal", "valley")
        assert item["reasons"] and all(isinstance(r, str) for r in item["reasons"])
        assert re.fullmatch(r"(off-peak|normal|peak): \d+% load", item["reasons"][0])
        assert item["jobs"][0]["ops"] == [demo.ready_op]
    assert len({o["start"] for o in options}) == 3
    costs = [o["cost"] for o in options]
    assert costs == sorted(costs)


def test_suggest_in_chinese_with_the_walk_in_reserve(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *suggest(demo, "--ops", demo.ready_op, "--days", "3", "--count", "2", "--json",
                                          lang="zh"))
    assert code == 0, err
    options = json.loads(out)
    assert isinstance(options, list) and 1 <= len(options) <= 2
    for item in options:
        assert_iso_with_offset(item["start"])
        assert re.fullmatch(r"(低谷|正常|高峰)时段：负荷 \d+%", item["reasons"][0])
        assert all(CJK.search(r) for r in item["reasons"])


def test_an_unknown_operation_code_is_named(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *suggest(demo, "--ops", f"{demo.ready_op},NO-SUCH-OP", "--json"))
    assert code == 2 and out == ""
    assert "unknown operation code(s): NO-SUCH-OP" in err and demo.ready_op not in err


def test_an_unknown_plate_is_refused(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "suggest", "--db", demo.db, "--plate", "ZZ-NOT-A-PLATE", "--ops", demo.ready_op)
    assert code == 2 and out == ""
    assert "no vehicle with plate 'ZZ-NOT-A-PLATE'" in err


def test_an_arrival_in_the_past_is_refused(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *suggest(demo, "--ops", demo.ready_op, "--after", "2020-01-06T09:00+08:00"))
    assert code == 2 and out == ""
    assert "2020-01-06T09:00+08:00 is in the past" in err


def test_work_that_cannot_fit_names_what_binds(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *suggest(demo, "--ops", demo.unavailable_op, "--days", "3", "--json",
                                          "--no-walk-in-reserve"))
    assert code == 1, err
    answer = json.loads(out)
    assert isinstance(answer, dict) and {"error", "earliest"} <= set(answer)
    assert "out of stock and not on order" in answer["error"]
    assert "parts_none" in answer["binding"]
    assert answer["earliest"] is None  # the part never comes
