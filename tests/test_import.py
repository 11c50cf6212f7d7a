"""Importing a dealer from its exports (planner.importer): the sample, errors, transactions."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from planner.domain import Dealership, Lang, Skill, TimeRange
from planner.errors import DealerNotFound
from planner.importer import ImportFailed, ImportResult, Issue, import_dealer, read_dealer_export
from planner.importer.messages import MESSAGES, render
from planner.storage import find_dealer_id, load_dealership, load_history, open_database
from planner.storage import tables as t

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLE = EXAMPLES / "dealer.toml"
BAD = EXAMPLES / "bad" / "dealer.toml"
SHANGHAI = ZoneInfo("Asia/Shanghai")

Located = tuple[str, int | None, str | None, str | None, str]


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    return open_database(tmp_path / "x.db")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A private copy of the sample dealer that a test may edit."""
    folder = tmp_path / "export"
    folder.mkdir()
    for source in EXAMPLES.iterdir():
        if source.is_file():
            shutil.copy(source, folder / source.name)
    return folder / "dealer.toml"


def edit(path: Path, line: int, old: str, new: str) -> None:
    """Replace `old` by `new` on one line (1-based) of a file, insisting that it is there."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], f"{old!r} not on line {line} of {path.name}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def line_of(path: Path, text: str, after: int = 0) -> int:
    """The first line (1-based) after line `after` that contains `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number > after and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path.name}")


def located(issues: tuple[Issue, ...]) -> list[Located]:
    return [(i.file, i.row, i.column, i.value, i.message_id) for i in issues]


def failure(toml: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        read_dealer_export(toml)
    return caught.value


def row_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(
            int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in t.metadata.sorted_tables
        )


# -- the sample dealer ---------------------------------------------------------------------


def test_sample_reads_cleanly() -> None:
    dealership, history = read_dealer_export(SAMPLE)
    assert dealership.dealer.code == "SZ-FT-01"
    d, h = dealership, history
    assert (len(d.advisors), len(d.technicians), len(d.bays)) == (3, 5, 6)
    assert (len(d.operations), len(d.parts), len(d.campaigns)) == (18, 20, 2)
    assert (len(h.customers), len(h.vehicles), len(h.repair_orders)) == (20, 21, 43)
    assert set().union(*(tech.skills for tech in dealership.technicians)) == set(Skill)


def test_sample_rosters_breaks_and_absences() -> None:
    dealership, _ = read_dealer_export(SAMPLE)
    advisors = {a.code: a for a in dealership.advisors}
    saturday, wednesday = advisors["SA01"].roster.shifts[5], advisors["SA03"].roster.shifts[2]
    # the roster-wide lunch break lies outside the 08:30-12:00 Saturday: not applied there
    assert saturday is not None and saturday.breaks == ()
    assert wednesday is not None and wednesday.breaks == (TimeRange.parse("12:30-13:30"),)
    assert advisors["SA02"].roster.shifts[0] is None
    training = advisors["SA02"].absences[0]
    assert (training.start, training.hours) == (date(2026, 12, 9), TimeRange.parse("09:00-12:00"))
    assert dealership.dealer.closures == (date(2026, 12, 31), date(2027, 2, 5))


def test_sample_imports_and_round_trips(engine: Engine) -> None:
    dealership, history = read_dealer_export(SAMPLE)
    result = import_dealer(engine, SAMPLE)
    assert isinstance(result, ImportResult) and not result.replaced
    assert result.counts() == {
        "advisors": 3,
        "technicians": 5,
        "bays": 6,
        "operations": 18,
        "parts": 20,
        "purchase_orders": 3,
        "campaigns": 2,
        "customers": 20,
        "vehicles": 21,
        "mileage_readings": 46,
        "repair_orders": 43,
        "repair_order_lines": 57,
        "declined": 2,
    }
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn, "SZ-FT-01")
        loaded, loaded_history = load_dealership(conn, dealer_id), load_history(conn, dealer_id)
    assert dealer_id == result.dealer_id
    assert _parts_unordered(loaded) == _parts_unordered(dealership)
    assert loaded_history == history


def _parts_unordered(dealership: Dealership) -> Dealership:
    """The dealership with each operation's parts sorted (storage keeps no order for them)."""
    operations = tuple(
        dataclasses.replace(o, parts=tuple(sorted(o.parts, key=lambda r: r.part_number)))
        for o in dealership.operations
    )
    return dataclasses.replace(dealership, operations=operations)


def test_sample_exact_values_after_loading(sqlite_engine: Engine) -> None:
    import_dealer(sqlite_engine, SAMPLE)
    with sqlite_engine.connect() as conn:
        dealer_id = find_dealer_id(conn)
        dealership, history = load_dealership(conn, dealer_id), load_history(conn, dealer_id)
    assert dealership.dealer.name == "深圳鹏城凌风汽车销售服务有限公司（福田4S店）"
    assert dealership.dealer.opening_hours.holiday == TimeRange.parse("09:00-16:00")
    tyre = dealership.part("P-0009")
    assert (tyre.stock_on_hand, tyre.available_by(date(2026, 12, 3))) == (6, 22)
    assert dealership.operation("MNT-L").labour_price == Decimal("420.00")
    assert {b.code: len(b.outages) for b in dealership.bays}["B03"] == 1
    vehicles = {v.vin: v for v in history.vehicles}
    ev = vehicles["LFLE5B5F0RS100148"]
    assert (ev.plate, ev.model, ev.customer_no) == ("粤B·D55278", "凌风 e5", "C0005")
    latest = ev.latest_reading()
    assert latest is not None and (latest.km, latest.source) == (31850, "wechat")
    first = history.repair_orders[0]
    assert first.ro_number == "RO2609001"
    assert first.opened_at == datetime(2026, 9, 1, 11, 15, tzinfo=SHANGHAI)
    assert [(ln.op_code, ln.technician_code) for ln in first.lines] == [("MNT-L", "T04")]
    assert first.declined[0].wait_until_km == 71800
    defaulted = next(ro for ro in history.repair_orders if ro.ro_number == "RO2609004")
    assert defaulted.customer_no == "C0003"  # left blank: the vehicle's owner


# -- the bad example -------------------------------------------------------------------------

BAD_EXAMPLE_ERRORS: list[Located] = [
    ("parts.csv", 11, "stock_on_hand", "-2", "value.negative"),
    ("operations.csv", 9, "skill", "wheel_alignment", "value.not_in_choices"),
    ("vehicles.csv", 7, "sale_date", "2023-13-01", "value.not_a_date"),
    ("vehicles.csv", 23, "vin", "LFLX7A2C2MS100037", "value.duplicate_row"),
    ("repair_orders.csv", 10, "ops", "BRK-FLUIDS", "ref.unknown_operation"),
]


def test_bad_example_reports_every_error_with_file_row_and_column() -> None:
    failed = failure(BAD)
    assert located(failed.errors) == BAD_EXAMPLE_ERRORS
    assert isinstance(failed, ValueError)  # what callers that report bad input catch


def test_bad_example_messages_in_english() -> None:
    text = str(failure(BAD))
    assert text.splitlines() == [
        "the import failed with 5 error(s):",
        "  parts.csv row 11, column stock_on_hand: '-2' must not be negative",
        "  operations.csv row 9, column skill: 'wheel_alignment' is not one of: maintenance, "
        "electrical_diagnostics, engine_transmission, chassis_alignment, ev_high_voltage",
        "  vehicles.csv row 7, column sale_date: '2023-13-01' is not a date (YYYY-MM-DD)",
        "  vehicles.csv row 23, column vin: 'LFLX7A2C2MS100037' appears more than once "
        "(first on row 3)",
        "  repair_orders.csv row 10, column ops: 'BRK-FLUIDS' is not an op code in operations.csv",
    ]


def test_bad_example_messages_in_chinese() -> None:
    text = failure(BAD).format(Lang.ZH)
    assert text.splitlines()[0] == "导入失败，共 5 个错误："
    assert "  vehicles.csv 第 7 行，sale_date 列：“2023-13-01”不是有效日期（格式 YYYY-MM-DD）" in (
        text.splitlines()
    )
    assert "  parts.csv 第 11 行，stock_on_hand 列：“-2”不能为负数" in text
    assert failure(BAD).format("zh") == text


def test_every_message_has_english_and_chinese() -> None:
    for message_id, texts in MESSAGES.items():
        assert set(texts) == {"en", "zh"}, message_id
    assert render("value.missing", "zh") == "此项必填"
    assert render("value.missing", "fr") == "a value is required"


def test_nothing_is_written_when_anything_is_wrong(engine: Engine) -> None:
    with pytest.raises(ImportFailed):
        import_dealer(engine, BAD)
    assert row_count(engine) == 0


# -- importing twice, and the single transaction --------------------------------------------------


def test_importing_an_existing_dealer_needs_replace(engine: Engine) -> None:
    first = import_dealer(engine, SAMPLE)
    with pytest.raises(ImportFailed) as caught:
        import_dealer(engine, SAMPLE)
    exists = ("dealer.toml", None, "dealer.code", "SZ-FT-01", "db.dealer_exists")
    assert located(caught.value.errors) == [exists]
    assert "dealer 'SZ-FT-01' is already in this database" in str(caught.value)
    rows_before = row_count(engine)

    second = import_dealer(engine, SAMPLE, replace=True)
    assert second.replaced and second.counts() == first.counts()
    assert row_count(engine) == rows_before  # replaced, not added to
    with engine.connect() as conn:
        assert find_dealer_id(conn) == second.dealer_id  # the only dealer


def test_a_failure_while_writing_rolls_everything_back(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = import_dealer(sqlite_engine, SAMPLE)
    rows_before = row_count(sqlite_engine)

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("planner.importer.loader.save_history", broken)
    with pytest.raises(RuntimeError):
        import_dealer(sqlite_engine, SAMPLE, replace=True)
    assert row_count(sqlite_engine) == rows_before
    with sqlite_engine.connect() as conn:
        assert find_dealer_id(conn, "SZ-FT-01") == first.dealer_id


def test_a_failed_first_import_leaves_no_dealer(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("planner.importer.loader.save_history", broken)
    with pytest.raises(RuntimeError):
        import_dealer(sqlite_engine, SAMPLE)
    with sqlite_engine.connect() as conn, pytest.raises(DealerNotFound):
        find_dealer_id(conn)


# -- time zones ------------------------------------------------------------------------------


def test_a_naive_timestamp_is_local_time_at_the_dealer(sample: Path) -> None:
    _, history = read_dealer_export(sample)
    first = history.repair_orders[0]  # "2026-09-01 11:15" in Shenzhen
    assert first.opened_at.astimezone(UTC) == datetime(2026, 9, 1, 3, 15, tzinfo=UTC)

    edit(sample, line_of(sample, "time_zone"), "Asia/Shanghai", "Europe/Berlin")
    _, history = read_dealer_export(sample)
    orders = {ro.ro_number: ro for ro in history.repair_orders}
    naive = orders["RO2609001"].opened_at
    assert naive.utcoffset() == timedelta(hours=2)  # summer time in Berlin
    assert naive.astimezone(UTC) == datetime(2026, 9, 1, 9, 15, tzinfo=UTC)
    explicit = orders["RO2609005"].opened_at  # written with +08:00: kept as written
    assert explicit.astimezone(UTC) == datetime(2026, 9, 8, 1, 30, tzinfo=UTC)


def test_readings_from_repair_orders_use_the_local_date(sample: Path) -> None:
    ro_csv = sample.parent / "repair_orders.csv"
    old, new = "2026-09-01 11:15,2026-09-01 14:33", "2026-08-31T17:30:00Z,2026-08-31T20:00:00Z"
    edit(ro_csv, 2, old, new)
    _, history = read_dealer_export(sample)
    vehicle = next(v for v in history.vehicles if v.vin == "LFLC5H3D0NS100074")
    assert vehicle.readings[0].read_on == date(2026, 9, 1)  # 01:30 next morning in Shenzhen
    assert vehicle.readings[0].km == 68807


def test_an_unknown_time_zone_and_country_are_reported(sample: Path) -> None:
    zone, country = line_of(sample, "time_zone"), line_of(sample, "holiday_country")
    edit(sample, zone, "Asia/Shanghai", "Asia/Shenzhen")
    edit(sample, country, "CN", "ZZ")
    errors = failure(sample).errors
    assert located(errors) == [
        ("dealer.toml", zone, "dealer.time_zone", "Asia/Shenzhen", "value.unknown_time_zone"),
        ("dealer.toml", country, "dealer.holiday_country", "ZZ", "value.unknown_country"),
    ]
    assert str(errors[0]) == (
        f"dealer.toml line {zone}, key dealer.time_zone: "
        "'Asia/Shenzhen' is not a known time zone (like Asia/Shanghai)"
    )


# -- dealer.toml problems ---------------------------------------------------------------------


def test_malformed_toml_reports_the_parsers_line(sample: Path) -> None:
    line = line_of(sample, 'name = "王丽娜"')
    edit(sample, line, 'name = "王丽娜"', 'name = "王丽娜')
    errors = failure(sample).errors
    assert [(e.file, e.row, e.message_id) for e in errors] == [("dealer.toml", line, "toml.syntax")]
    assert str(errors[0]).startswith(f"dealer.toml line {line}: this is not valid TOML: ")


def test_toml_problems_point_at_their_lines(sample: Path) -> None:
    skills = line_of(sample, "skills", after=line_of(sample, 'code = "T03"'))
    edit(sample, skills, '"chassis_alignment"', '"welding"')
    absence = line_of(sample, 'staff = "T04"')
    edit(sample, absence, "T04", "T99")
    roster = line_of(sample, "sat = ", after=line_of(sample, 'code = "T05"'))
    edit(sample, roster, "08:30-12:00", "08:30-12:30")
    typo, misspelt = line_of(sample, "reception_capacity = 1"), "reception_capacty"
    edit(sample, typo, "reception_capacity", misspelt)
    bay = line_of(sample, 'type = "diagnostic"')
    edit(sample, bay, "diagnostic", "paint_booth")
    campaign = line_of(sample, 'op_code = "INS-WINTER"')
    edit(sample, campaign, "INS-WINTER", "INS-SUMMER")

    lunch = line_of(sample, "breaks", after=roster)
    assert located(failure(sample).errors) == [
        ("dealer.toml", typo, f"advisors.{misspelt}", misspelt, "toml.unknown_key"),
        ("dealer.toml", skills, "technicians.skills", "welding", "value.not_in_choices"),
        ("dealer.toml", lunch, "technicians.roster.breaks", "12:00-13:00", "rule.break_cuts_shift"),
        ("dealer.toml", absence, "absences.staff", "T99", "ref.unknown_staff"),
        ("dealer.toml", bay, "bays.type", "paint_booth", "value.not_in_choices"),
        ("dealer.toml", campaign, "campaigns.op_code", "INS-SUMMER", "ref.unknown_operation"),
    ]


def test_a_domain_rule_is_reported_on_its_table(sample: Path) -> None:
    line = line_of(sample, "efficiency = 0.8")
    edit(sample, line, "0.8", "2.5")
    (error,) = failure(sample).errors
    header = line_of(sample, "[[technicians]]", after=line_of(sample, 'code = "T04"'))
    assert (error.file, error.row, error.column) == ("dealer.toml", header, None)
    assert error.message_id == "rule.domain"
    detail = "technician T05: efficiency 2.5 is not in 0.3..2.0"
    assert (error.message(), error.message("zh")) == (detail, f"数据不符合规则：{detail}")


# -- CSV problems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "row", "old", "new", "expected"),
    [
        ("vehicles.csv", 3, "2024-05-10", "2020-05-10",
         ("vehicles.csv", 3, "warranty_end_date", "2020-05-10", "rule.warranty_before_sale")),
        ("vehicles.csv", 4, "C0003", "C0999",
         ("vehicles.csv", 4, "customer_no", "C0999", "ref.unknown_customer")),
        ("repair_orders.csv", 2, "2026-09-01 14:33", "2026-09-01 10:00",
         ("repair_orders.csv", 2, "closed_at", "2026-09-01 10:00", "rule.closed_before_opened")),
        ("repair_orders.csv", 3, "SA03", "SA09",
         ("repair_orders.csv", 3, "advisor", "SA09", "ref.unknown_advisor")),
        ("repair_orders.csv", 6, "T04;T04", "T04;T07",
         ("repair_orders.csv", 6, "technicians", "T07", "ref.unknown_technician")),
        ("repair_orders.csv", 6, "T04;T04", "T04;T03;T01",
         ("repair_orders.csv", 6, "technicians", "T04;T03;T01", "value.list_length")),
        ("repair_orders.csv", 2, "false,MNT-L", "maybe,MNT-L",
         ("repair_orders.csv", 2, "from_appointment", "maybe", "value.not_a_boolean")),
        ("repair_orders.csv", 2, "2026-09-01 11:15", "01/09/2026 11:15",
         ("repair_orders.csv", 2, "opened_at", "01/09/2026 11:15", "value.not_a_timestamp")),
        ("repair_orders.csv", 2, "LFLC5H3D0NS100074", "LFLC5H3D0NS199999",
         ("repair_orders.csv", 2, "vin", "LFLC5H3D0NS199999", "ref.unknown_vehicle")),
        ("operations.csv", 2, "P-0002x1", "P-0099x1",
         ("operations.csv", 2, "parts", "P-0099", "ref.unknown_part")),
        ("operations.csv", 3, "general_lift", "paint_booth",
         ("operations.csv", 3, "bay_type", "paint_booth", "value.not_in_choices")),
        ("operations.csv", 4, ",0.8,", ",zero,",
         ("operations.csv", 4, "standard_hours", "zero", "value.not_a_number")),
        ("purchase_orders.csv", 2, ",16,", ",-16,",
         ("purchase_orders.csv", 2, "quantity", "-16", "value.negative")),
        ("customers.csv", 2, "19714252306", "",
         ("customers.csv", 2, "mobile", None, "value.missing")),
        ("declined.csv", 2, "RO2609001", "RO2609999",
         ("declined.csv", 2, "ro_number", "RO2609999", "ref.unknown_repair_order")),
        ("mileage.csv", 2, "2026-11-02", "2026-11-31",
         ("mileage.csv", 2, "read_on", "2026-11-31", "value.not_a_date")),
    ],
)  # fmt: skip
def test_csv_problems(
    sample: Path, file: str, row: int, old: str, new: str, expected: Located
) -> None:
    edit(sample.parent / file, row, old, new)
    assert located(failure(sample).errors) == [expected]


def test_a_vin_must_have_17_characters(sample: Path) -> None:
    edit(sample.parent / "vehicles.csv", 20, "LFLX7P4E0LS100666", "LFLX7P4E0LS10066")
    assert located(failure(sample).errors) == [
        ("vehicles.csv", 20, "vin", "LFLX7P4E0LS10066", "value.vin_length"),
        ("mileage.csv", 3, "vin", "LFLX7P4E0LS100666", "ref.unknown_vehicle"),  # no longer there
    ]


def test_a_duplicate_key_names_the_first_row(sample: Path) -> None:
    parts = sample.parent / "parts.csv"
    duplicate = "P-0002,机油滤清器,Oil filter,45.00,3\n"
    parts.write_text(parts.read_text(encoding="utf-8") + duplicate, encoding="utf-8")
    (error,) = failure(sample).errors
    assert str(error) == (
        "parts.csv row 22, column part_number: 'P-0002' appears more than once (first on row 3)"
    )


def test_a_domain_rule_is_reported_on_its_row(sample: Path) -> None:
    edit(sample.parent / "operations.csv", 13, ",3.5,", ",45,")
    (error,) = failure(sample).errors
    assert (error.file, error.row, error.column) == ("operations.csv", 13, None)
    assert str(error) == (
        "operations.csv row 13: operation ENG-TIMING: standard hours 45.0 not in (0, 40]"
    )


def test_declined_work_needs_a_limit(sample: Path) -> None:
    edit(sample.parent / "declined.csv", 2, ",71800,", ",,")
    (error,) = failure(sample).errors
    assert (error.file, error.row, error.column) == ("declined.csv", 2, "wait_until_km")
    assert error.message() == "declined BRK-PAD-F: give the km or the date until which it can wait"


def test_a_missing_column_and_a_missing_file(sample: Path) -> None:
    customers = sample.parent / "customers.csv"
    edit(customers, 1, ",preferred_channel", "")
    (sample.parent / "repair_orders.csv").unlink()
    errors = failure(sample).errors
    assert located(errors) == [
        ("customers.csv", 1, "preferred_channel", None, "file.missing_column"),
        ("repair_orders.csv", None, None, None, "file.missing"),
    ]
    assert str(errors[0]) == (
        "customers.csv row 1, column preferred_channel: "
        "the header has no column 'preferred_channel'"
    )


def test_optional_files_may_be_absent(sample: Path) -> None:
    for name in ("mileage.csv", "declined.csv", "purchase_orders.csv"):
        (sample.parent / name).unlink()
    before, after = sample.read_text(encoding="utf-8").split("[files]")
    sample.write_text(before + after.split("\n\n", 1)[1], encoding="utf-8")  # no [files] table
    dealership, history = read_dealer_export(sample)
    assert all(not p.open_orders for p in dealership.parts)
    assert all(not ro.declined for ro in history.repair_orders)


def test_an_excel_bom_and_blank_lines_are_fine(sample: Path) -> None:
    parts = sample.parent / "parts.csv"
    parts.write_bytes(b"\xef\xbb\xbf" + parts.read_bytes() + b"\n\n")
    dealership, _ = read_dealer_export(sample)
    assert dealership.parts[0].part_number == "P-0001"


def test_every_row_of_several_files_is_reported_at_once(sample: Path) -> None:
    edit(sample.parent / "parts.csv", 2, ",160", ",lots")
    edit(sample.parent / "customers.csv", 3, ",sms", ",wechat")
    edit(sample.parent / "vehicles.csv", 5, ",phev,", ",diesel,")
    assert [(e.file, e.row, e.column) for e in failure(sample).errors] == [
        ("parts.csv", 2, "stock_on_hand"),
        ("customers.csv", 3, "preferred_channel"),
        ("vehicles.csv", 5, "powertrain"),
    ]


def test_hours_default_to_the_standard_hours(sample: Path) -> None:
    _, history = read_dealer_export(sample)
    orders = {ro.ro_number: ro for ro in history.repair_orders}
    assert [ln.hours for ln in orders["RO2609001"].lines] == [1.8]
    assert [ln.hours for ln in orders["RO2609014"].lines] == [1.3, 0.8]
    assert orders["RO2609009"].technicians == ("T03",)  # one code for both ops
    assert orders["RO2609013"].technicians == ()
    assert orders["RO2609001"].opened_at.timetz() == time(11, 15, tzinfo=SHANGHAI)
