"""The reference dealership's people, bays, stock and campaigns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import numpy as np

from planner.demo.catalogue import build_operations, build_parts
from planner.demo.names import person_name
from planner.domain import (
    Absence,
    AbsenceKind,
    Bay,
    BayOutage,
    BayType,
    Campaign,
    CampaignKind,
    Dealer,
    DealerCalendar,
    Dealership,
    Grade,
    OpeningHours,
    Part,
    PurchaseOrder,
    ServiceAdvisor,
    Shift,
    Skill,
    Technician,
    TimeRange,
    WeeklyRoster,
)

DEALER_CODE = "SZ-PC01"
OPEN = TimeRange(time(8, 30), time(18, 0))


def demo_dealer() -> Dealer:
    """Open 08:30–18:00 every day; closed during public-holiday periods."""
    return Dealer(
        code=DEALER_CODE,
        name="深圳鹏程汽车销售服务有限公司 (Pengcheng Motors Shenzhen)",
        opening_hours=OpeningHours(weekly=(OPEN,) * 7, holiday=None),
        time_zone="Asia/Shanghai",
        holiday_country="CN",
        booking_grid_minutes=15,
    )


LUNCH_EARLY = TimeRange(time(12, 0), time(13, 0))
LUNCH_LATE = TimeRange(time(12, 30), time(13, 30))
# A 7-day dealer's staff work six days a week (做六休一) and rest on a weekday, in
# rotation, so weekends are fully staffed.
REST_DAYS = ((0,), (1,), (2,), (3,), (4,))


def _roster(rest: tuple[int, ...], start: time, end: time, lunch: TimeRange) -> WeeklyRoster:
    shift = Shift(start, end, (lunch,))
    return WeeklyRoster(tuple(None if d in rest else shift for d in range(7)))


# (skill group, head count, extra skills some of them have)
TECH_GROUPS: tuple[tuple[str, Skill, int, tuple[Skill, ...]], ...] = (
    ("M", Skill.MAINTENANCE, 10, (Skill.CHASSIS,)),
    ("D", Skill.ELECTRICAL, 5, (Skill.ENGINE,)),
    ("G", Skill.ENGINE, 5, (Skill.MAINTENANCE,)),
    ("C", Skill.CHASSIS, 5, (Skill.MAINTENANCE,)),
    ("V", Skill.EV, 5, (Skill.ELECTRICAL,)),
)
GRADE_EFFICIENCY = {Grade.JUNIOR: 0.85, Grade.INTERMEDIATE: 1.0, Grade.SENIOR: 1.1, Grade.MASTER: 1.2}
GRADE_MIX = (Grade.JUNIOR, Grade.INTERMEDIATE, Grade.INTERMEDIATE, Grade.SENIOR, Grade.MASTER)


def _absences(rng: np.random.Generator, start: date, end: date, today: date,
              shift: Shift) -> tuple[Absence, ...]:
    """Leave, sickness (past only: nobody knows future sickness) and training."""
    out: list[Absence] = []
    years = (end - start).days / 365.25
    for _ in range(round(2 * years)):  # two leave blocks a year
        first = start + timedelta(days=int(rng.integers(0, (end - start).days)))
        out.append(Absence(first, first + timedelta(days=int(rng.integers(2, 6))), AbsenceKind.LEAVE,
                           note="年假 annual leave"))
    for _ in range(int(rng.poisson(3 * years))):
        first = start + timedelta(days=int(rng.integers(0, (today - start).days)))
        out.append(Absence(first, first + timedelta(days=int(rng.integers(0, 3))), AbsenceKind.SICKNESS,
                           note="病假 sick"))
    for _ in range(round(2 * years)):
        day = start + timedelta(days=int(rng.integers(0, (end - start).days)))
        half = rng.random() < 0.5
        hours = TimeRange(shift.start, shift.breaks[0].start) if half and shift.breaks else None
        out.append(Absence(day, day, AbsenceKind.TRAINING, hours, note="厂家培训 OEM training"))
    return tuple(sorted(out, key=lambda a: a.start))


def build_technicians(rng: np.random.Generator, start: date, end: date, today: date) -> list[Technician]:
    techs: list[Technician] = []
    n = 0
    for prefix, skill, count, extra in TECH_GROUPS:
        for i in range(count):
            grade = GRADE_MIX[int(rng.integers(len(GRADE_MIX)))]
            skills = {skill}
            if grade in (Grade.SENIOR, Grade.MASTER) or rng.random() < 0.3:
                skills.update(extra)
            eff = round(GRADE_EFFICIENCY[grade] + float(rng.normal(0, 0.03)), 2)
            lunch = LUNCH_EARLY if n % 2 == 0 else LUNCH_LATE
            roster = _roster(REST_DAYS[n % len(REST_DAYS)], time(8, 30), time(17, 30), lunch)
            shift = next(s for s in roster.shifts if s is not None)
            techs.append(Technician(
                code=f"T{prefix}{i + 1:02d}", name=person_name(rng), skills=frozenset(skills), grade=grade,
                efficiency=eff, roster=roster, absences=_absences(rng, start, end, today, shift),
            ))
            n += 1
    return techs


def build_advisors(rng: np.random.Generator, start: date, end: date, today: date) -> list[ServiceAdvisor]:
    advisors = []
    for i in range(5):
        lunch = LUNCH_EARLY if i % 2 == 0 else LUNCH_LATE
        roster = _roster(REST_DAYS[i % len(REST_DAYS)], time(8, 30), time(18, 0), lunch)
        shift = next(s for s in roster.shifts if s is not None)
        leave = tuple(a for a in _absences(rng, start, end, today, shift) if a.kind is not AbsenceKind.TRAINING)
        advisors.append(ServiceAdvisor(f"SA{i + 1:02d}", person_name(rng), roster, reception_capacity=1,
                                       absences=leave))
    return advisors


BAY_PLAN: tuple[tuple[str, BayType, int, str, str], ...] = (
    ("L", BayType.GENERAL_LIFT, 11, "举升工位", "Lift bay"),
    ("Q", BayType.QUICK_SERVICE, 6, "快修工位", "Quick-service bay"),
    ("A", BayType.ALIGNMENT, 2, "四轮定位工位", "Alignment bay"),
    ("E", BayType.EV, 2, "新能源工位", "EV bay"),
    ("D", BayType.DIAGNOSTIC, 3, "诊断工位", "Diagnostic bay"),
)


def build_bays(today: date) -> list[Bay]:
    bays = []
    for prefix, kind, count, zh, en in BAY_PLAN:
        for i in range(count):
            bays.append(Bay(f"{prefix}{i + 1:02d}", f"{zh} {en} {prefix}{i + 1:02d}", kind))
    # A lift failed last spring; a lift's annual safety inspection is coming up; one EV
    # bay's charger is being replaced later this month.
    outages = {
        "L05": BayOutage(today - timedelta(days=240), today - timedelta(days=236), "举升机液压故障 lift hydraulics"),
        "L03": BayOutage(today + timedelta(days=4), today + timedelta(days=5), "举升机年检 annual lift inspection"),
        "E02": BayOutage(today + timedelta(days=12), today + timedelta(days=14), "更换充电桩 charger replacement"),
    }
    return [replace(b, outages=(outages[b.code],)) if b.code in outages else b for b in bays]


def stock(rng: np.random.Generator, parts: dict[str, Part], used: set[str], today: date) -> list[Part]:
    """Stock on hand and open orders: consumables deep, body parts thin, a few stock-outs."""
    out: list[Part] = []
    po_seq = 0
    for pn, p in parts.items():
        if pn.endswith("-00"):
            on_hand = int(rng.integers(60, 400))
        elif pn in used:
            on_hand = int(rng.integers(2, 30))
        else:
            on_hand = int(rng.integers(0, 6))
        orders: list[PurchaseOrder] = []
        roll = rng.random()
        if pn in used and roll < 0.08:
            on_hand = 0  # stock-out of a part that bookings need
            if rng.random() < 0.75:
                po_seq += 1
                orders.append(PurchaseOrder(f"PO{today:%y%m}-{po_seq:04d}", pn, int(rng.integers(4, 20)),
                                            today + timedelta(days=int(rng.integers(2, 18)))))
        elif roll < 0.18:
            po_seq += 1
            orders.append(PurchaseOrder(f"PO{today:%y%m}-{po_seq:04d}", pn, int(rng.integers(2, 30)),
                                        today + timedelta(days=int(rng.integers(1, 25)))))
        out.append(replace(p, stock_on_hand=on_hand, open_orders=tuple(orders)))
    return out


def build_campaigns(calendar: DealerCalendar, start: date, end: date, today: date) -> list[Campaign]:
    """Seasonal dealer campaigns every year, two manufacturer recalls, and what's planned."""
    out: list[Campaign] = []
    for year in range(start.year, end.year + 2):
        spring = next((p for p in calendar.holiday_periods(date(year, 1, 10), date(year, 2, 28)) if p.is_long),
                      None)
        if spring is not None:
            out.append(Campaign(f"TRIP{year}", f"{year}春节返乡安全检测", f"{year} Spring Festival pre-trip check",
                                CampaignKind.DEALER, spring.days.start - timedelta(days=21),
                                spring.days.start - timedelta(days=1), "CMP-TRIP"))
        out.append(Campaign(f"AC{year}", f"{year}夏季空调关怀", f"{year} summer AC care", CampaignKind.DEALER,
                            date(year, 7, 1), date(year, 7, 31), "CMP-AC"))
        out.append(Campaign(f"WIN{year}", f"{year}冬季关怀月", f"{year} winter care month", CampaignKind.DEALER,
                            date(year, 11, 15), date(year, 12, 15), "CMP-WIN"))
    out.append(Campaign("RC-FP01", "远航7燃油泵召回", "Yuanhang 7 fuel pump recall", CampaignKind.MANUFACTURER,
                        today - timedelta(days=520), today - timedelta(days=400), "RC-FP", ("Yuanhang 7 SUV 2.0T",)))
    out.append(Campaign("RC-BMS01", "星曜EV电池管理软件召回", "Xingyao EV BMS software recall",
                        CampaignKind.MANUFACTURER, today - timedelta(days=210), today - timedelta(days=120),
                        "RC-BMS", ("Xingyao EV",)))
    return [c for c in out if c.end >= start and c.start <= end]


def build_reference(seed: int, today: date, history_start: date, horizon_days: int = 90) -> Dealership:
    """The dealership's reference data, deterministic for a seed."""
    rng = np.random.default_rng([seed, 1])
    dealer = demo_dealer()
    calendar = DealerCalendar(dealer)
    end = today + timedelta(days=horizon_days)
    parts = build_parts(rng)
    operations = build_operations(parts)
    used = {r.part_number for op in operations for r in op.parts}
    return Dealership(
        dealer=dealer,
        advisors=tuple(build_advisors(rng, history_start, end, today)),
        technicians=tuple(build_technicians(rng, history_start, end, today)),
        bays=tuple(build_bays(today)),
        operations=tuple(operations),
        parts=tuple(stock(rng, parts, used, today)),
        campaigns=tuple(build_campaigns(calendar, history_start, end, today)),
    )
