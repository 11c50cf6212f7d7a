"""dealer.toml: the dealer, its opening hours, staff and rosters, bays, campaigns, file names."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.domain import (
    WEEKDAY_NAMES,
    Absence,
    AbsenceKind,
    Bay,
    BayOutage,
    BayType,
    Campaign,
    CampaignKind,
    Dealer,
    Grade,
    OpeningHours,
    ServiceAdvisor,
    Shift,
    Skill,
    Technician,
    TimeRange,
    WeeklyRoster,
)
from planner.importer.fields import (
    KeyRegistry,
    Place,
    choice_of,
    hours_or,
    need,
    parse_country,
    parse_date,
    parse_float,
    parse_int,
    parse_text,
    parse_time_range,
    parse_zone,
    text_up_to,
)
from planner.importer.tomlfile import TomlTable

DEFAULT_ZONE = "Asia/Shanghai"
CLOSED = "closed"
OFF = "off"

ROOT_KEYS = (
    "dealer",
    "advisors",
    "technicians",
    "absences",
    "bays",
    "bay_outages",
    "campaigns",
    "files",
)
DEALER_KEYS = (
    "code",
    "name",
    "time_zone",
    "holiday_country",
    "booking_grid_minutes",
    "closures",
    "hours",
)
HOURS_KEYS = (*WEEKDAY_NAMES, "holiday")
ROSTER_KEYS = (*WEEKDAY_NAMES, "breaks")
DAY_KEYS = ("hours", "breaks")
ADVISOR_KEYS = ("code", "name", "reception_capacity", "roster")
TECHNICIAN_KEYS = ("code", "name", "skills", "grade", "efficiency", "roster")
ABSENCE_KEYS = ("staff", "kind", "start", "end", "hours", "note")
BAY_KEYS = ("code", "name", "type")
OUTAGE_KEYS = ("bay", "start", "end", "reason")
CAMPAIGN_KEYS = ("code", "name_zh", "name_en", "kind", "start", "end", "op_code", "target_models")

#: [files] keys and their default file names; the optional ones may be absent.
DEFAULT_FILES = {
    "operations": "operations.csv",
    "parts": "parts.csv",
    "purchase_orders": "purchase_orders.csv",
    "customers": "customers.csv",
    "vehicles": "vehicles.csv",
    "repair_orders": "repair_orders.csv",
    "mileage": "mileage.csv",
    "declined": "declined.csv",
}
OPTIONAL_FILES = frozenset({"purchase_orders", "mileage", "declined"})

_code = text_up_to(32)
_name = text_up_to(100)
_long_name = text_up_to(200)


@dataclass(frozen=True)
class ExportFiles:
    """Where each CSV export is; `explicit` holds the keys named in [files]."""

    folder: Path
    names: dict[str, str]
    explicit: frozenset[str]

    def path(self, key: str) -> Path:
        return self.folder / self.names[key]

    def label(self, key: str) -> str:
        """The name used in messages: the file name as written in [files]."""
        return self.names[key]

    def wanted(self, key: str) -> bool:
        """Should this file be read? Optional files only when named or present."""
        return key not in OPTIONAL_FILES or key in self.explicit or self.path(key).is_file()


@dataclass(frozen=True)
class CampaignEntry:
    """A campaign (None when invalid), its op code and its table, for the op-code check."""

    campaign: Campaign | None
    op_code: str | None
    table: TomlTable


@dataclass
class DealerConfig:
    """Everything dealer.toml says, validated; None/absent entries had problems."""

    dealer: Dealer | None
    zone: ZoneInfo
    code_place: Place
    advisors: list[ServiceAdvisor] = field(default_factory=list)
    technicians: list[Technician] = field(default_factory=list)
    bays: list[Bay] = field(default_factory=list)
    campaigns: list[CampaignEntry] = field(default_factory=list)
    advisor_codes: set[str] = field(default_factory=set)
    technician_codes: set[str] = field(default_factory=set)
    files: ExportFiles = field(
        default_factory=lambda: ExportFiles(Path("."), dict(DEFAULT_FILES), frozenset())
    )


# -- the dealer -------------------------------------------------------------------


def _opening_hours(dealer: TomlTable) -> OpeningHours | None:
    """[dealer.hours]: required, so that a forgotten table does not mean "always closed"."""
    table = dealer.child("hours")
    if table is None:
        if dealer.raw("hours") is None:
            dealer.report("hours", "value.missing")
        return None
    table.reject_unknown_keys(HOURS_KEYS)
    read = hours_or(CLOSED)
    weekly = tuple(table.optional(day, read) for day in WEEKDAY_NAMES)
    holiday = table.optional("holiday", read)
    return None if table.failed else OpeningHours(weekly, holiday)


def _closures(table: TomlTable) -> tuple[date, ...]:
    days: list[date] = []
    for day in table.items("closures", parse_date):
        if day in days:
            table.report("closures", "value.duplicate_in_list", day)
        days.append(day)
    return tuple(sorted(set(days)))


def _dealer(table: TomlTable) -> tuple[Dealer | None, ZoneInfo]:
    table.reject_unknown_keys(DEALER_KEYS)
    code = table.required("code", _code)
    name = table.required("name", _long_name)
    zone = table.default("time_zone", parse_zone, ZoneInfo(DEFAULT_ZONE))
    country = table.default("holiday_country", parse_country, "CN")
    grid = table.default("booking_grid_minutes", parse_int, 15)
    closures = _closures(table)
    hours = _opening_hours(table)
    if table.failed or hours is None:
        return None, zone
    dealer = table.build(
        lambda: Dealer(need(code), need(name), hours, str(zone.key), country, grid, closures),
        "booking_grid_minutes",
    )
    return dealer, zone


# -- rosters ----------------------------------------------------------------------


def _shift_breaks(
    table: TomlTable, day: str, span: TimeRange, breaks: list[TimeRange]
) -> tuple[TimeRange, ...]:
    """The roster-wide breaks that fall in this shift; one cutting its edge is a problem."""
    inside: list[TimeRange] = []
    for pause in breaks:
        if span.start <= pause.start and pause.end <= span.end:
            inside.append(pause)
        elif span.overlaps(pause):
            table.report("breaks", "rule.break_cuts_shift", str(pause), shift=f"{day} {span}")
    return tuple(inside)


def _own_day_shift(day_table: TomlTable) -> Shift | None:
    """A day written as a table: mon = { hours = "08:30-12:00", breaks = [] }."""
    day_table.reject_unknown_keys(DAY_KEYS)
    span = day_table.required("hours", hours_or(OFF))
    breaks = tuple(day_table.items("breaks", parse_time_range))
    if day_table.failed or span is None:
        return None
    return day_table.build(lambda: Shift(span.start, span.end, breaks), "breaks")


def _day_shift(table: TomlTable, day: str, breaks: list[TimeRange]) -> Shift | None:
    if isinstance(table.raw(day), dict):
        day_table = table.child(day)
        shift = _own_day_shift(day_table) if day_table is not None else None
        table.failed = table.failed or (day_table is not None and day_table.failed)
        return shift
    span = table.optional(day, hours_or(OFF))
    if span is None:
        return None
    inside = _shift_breaks(table, day, span, breaks)
    return table.build(lambda: Shift(span.start, span.end, inside), day)


def _roster(staff: TomlTable) -> WeeklyRoster | None:
    table = staff.child("roster")
    if table is None:
        if staff.raw("roster") is None:
            staff.report("roster", "value.missing")
        return None
    table.reject_unknown_keys(ROSTER_KEYS)
    breaks = table.items("breaks", parse_time_range)
    shifts = tuple(_day_shift(table, day, breaks) for day in WEEKDAY_NAMES)
    if table.failed:
        staff.failed = True
        return None
    return WeeklyRoster(shifts)


# -- staff ------------------------------------------------------------------------


def _advisor(table: TomlTable, staff: KeyRegistry) -> ServiceAdvisor | None:
    table.reject_unknown_keys(ADVISOR_KEYS)
    code = table.required("code", _code)
    staff.claim(table, "code", code)
    name = table.required("name", _name)
    capacity = table.default("reception_capacity", parse_int, 1)
    roster = _roster(table)
    if table.failed:
        return None
    return table.build(lambda: ServiceAdvisor(need(code), need(name), need(roster), capacity))


def _technician(table: TomlTable, staff: KeyRegistry) -> Technician | None:
    table.reject_unknown_keys(TECHNICIAN_KEYS)
    code = table.required("code", _code)
    staff.claim(table, "code", code)
    name = table.required("name", _name)
    skills = table.items("skills", choice_of(Skill), required=True)
    grade = table.required("grade", choice_of(Grade))
    efficiency = table.default("efficiency", parse_float, 1.0)
    roster = _roster(table)
    if table.failed:
        return None
    return table.build(
        lambda: Technician(
            need(code), need(name), frozenset(skills), need(grade), efficiency, need(roster)
        )
    )


def _absence(table: TomlTable, staff_codes: set[str]) -> tuple[str, Absence] | None:
    table.reject_unknown_keys(ABSENCE_KEYS)
    code = table.required("staff", _code)
    if code is not None and code not in staff_codes:
        table.report("staff", "ref.unknown_staff", code, source="[[advisors]]/[[technicians]]")
    kind = table.required("kind", choice_of(AbsenceKind))
    start = table.required("start", parse_date)
    end = table.required("end", parse_date)
    hours = table.optional("hours", parse_time_range)
    note = table.default("note", text_up_to(10_000), "")
    if start is not None and end is not None and end < start:
        table.report("end", "rule.ends_before_start", end, start=start)
    if table.failed:
        return None
    absence = table.build(lambda: Absence(need(start), need(end), need(kind), hours, note))
    return (need(code), absence) if absence is not None else None


def _with_absences(config: DealerConfig, absences: dict[str, list[Absence]]) -> None:
    config.advisors = [
        dataclasses.replace(a, absences=tuple(absences[a.code])) for a in config.advisors
    ]
    config.technicians = [
        dataclasses.replace(t, absences=tuple(absences[t.code])) for t in config.technicians
    ]


def _read_staff(root: TomlTable, config: DealerConfig) -> None:
    staff = KeyRegistry("dealer.toml", "value.duplicate_entry")
    advisors = [(_advisor(t, staff), t) for t in root.children("advisors")]
    technicians = [(_technician(t, staff), t) for t in root.children("technicians")]
    config.advisors = [a for a, _ in advisors if a is not None]
    config.technicians = [t for t, _ in technicians if t is not None]
    config.advisor_codes = {c for _, t in advisors if isinstance(c := t.raw("code"), str)}
    config.technician_codes = {c for _, t in technicians if isinstance(c := t.raw("code"), str)}
    absences: dict[str, list[Absence]] = defaultdict(list)
    for table in root.children("absences"):
        found = _absence(table, config.advisor_codes | config.technician_codes)
        if found is not None:
            absences[found[0]].append(found[1])
    _with_absences(config, absences)


# -- bays and campaigns ----------------------------------------------------------------


def _bay(table: TomlTable, codes: KeyRegistry) -> Bay | None:
    table.reject_unknown_keys(BAY_KEYS)
    code = table.required("code", _code)
    codes.claim(table, "code", code)
    name = table.required("name", _name)
    bay_type = table.required("type", choice_of(BayType))
    if table.failed:
        return None
    return Bay(need(code), need(name), need(bay_type))


def _outage(table: TomlTable, codes: KeyRegistry) -> tuple[str, BayOutage] | None:
    table.reject_unknown_keys(OUTAGE_KEYS)
    code = table.required("bay", _code)
    if code is not None and code not in codes:
        table.report("bay", "ref.unknown_bay", code, source="[[bays]]")
    start = table.required("start", parse_date)
    end = table.required("end", parse_date)
    reason = table.default("reason", text_up_to(10_000), "")
    if start is not None and end is not None and end < start:
        table.report("end", "rule.ends_before_start", end, start=start)
    if table.failed:
        return None
    outage = table.build(lambda: BayOutage(need(start), need(end), reason))
    return (need(code), outage) if outage is not None else None


def _read_bays(root: TomlTable, config: DealerConfig) -> None:
    codes = KeyRegistry("dealer.toml", "value.duplicate_entry")
    bays = [b for t in root.children("bays") if (b := _bay(t, codes)) is not None]
    outages: dict[str, list[BayOutage]] = defaultdict(list)
    for table in root.children("bay_outages"):
        found = _outage(table, codes)
        if found is not None:
            outages[found[0]].append(found[1])
    config.bays = [dataclasses.replace(b, outages=tuple(outages[b.code])) for b in bays]


def _campaign(table: TomlTable, codes: KeyRegistry) -> CampaignEntry:
    table.reject_unknown_keys(CAMPAIGN_KEYS)
    code = table.required("code", _code)
    codes.claim(table, "code", code)
    name_zh = table.required("name_zh", _long_name)
    name_en = table.default("name_en", _long_name, name_zh or "")
    kind = table.required("kind", choice_of(CampaignKind))
    start = table.required("start", parse_date)
    end = table.required("end", parse_date)
    op_code = table.optional("op_code", _code)
    models = tuple(table.items("target_models", parse_text))
    if start is not None and end is not None and end < start:
        table.report("end", "rule.ends_before_start", end, start=start)
    if table.failed:
        return CampaignEntry(None, op_code, table)
    campaign = table.build(
        lambda: Campaign(
            need(code), need(name_zh), name_en, need(kind), need(start), need(end), op_code, models
        )
    )
    return CampaignEntry(campaign, op_code, table)


# -- files and the whole document --------------------------------------------------------


def _files(root: TomlTable, folder: Path) -> ExportFiles:
    table = root.child("files")
    if table is None:
        return ExportFiles(folder, dict(DEFAULT_FILES), frozenset())
    table.reject_unknown_keys(tuple(DEFAULT_FILES))
    names = {
        key: table.default(key, text_up_to(1000), default) for key, default in DEFAULT_FILES.items()
    }
    explicit = frozenset(key for key in DEFAULT_FILES if table.raw(key) is not None)
    return ExportFiles(folder, names, explicit)


def read_config(root: TomlTable, folder: Path) -> DealerConfig:
    """Validate the parsed dealer.toml; problems go to the root table's log."""
    root.reject_unknown_keys(ROOT_KEYS)
    dealer_table = root.child("dealer")
    if dealer_table is None:
        if root.raw("dealer") is None:
            root.report("dealer", "value.missing")
        dealer, zone, code_place = None, ZoneInfo(DEFAULT_ZONE), root.place("dealer")
    else:
        dealer, zone = _dealer(dealer_table)
        code_place = dealer_table.place("code")
    config = DealerConfig(dealer, zone, code_place, files=_files(root, folder))
    _read_staff(root, config)
    _read_bays(root, config)
    campaign_codes = KeyRegistry("dealer.toml", "value.duplicate_entry")
    config.campaigns = [_campaign(t, campaign_codes) for t in root.children("campaigns")]
    return config
