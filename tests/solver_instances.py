"""Small workshops for the slot solver's trust tests: hand-built pieces and hypothesis
strategies for random dealers (technicians, bays, advisors, operations, parts, reserve).

Every date is in early December 2026 (no Chinese public holiday, no adjusted working
day); the dealer is in Asia/Shanghai and open 08:30-18:00 every day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from planner.domain import (
    Absence,
    AbsenceKind,
    Bay,
    BayOutage,
    BayType,
    Booking,
    Dealer,
    Dealership,
    Grade,
    LabourOperation,
    OpeningHours,
    Part,
    PartRequirement,
    PurchaseOrder,
    ScheduledJob,
    ServiceAdvisor,
    Shift,
    Skill,
    Technician,
    TimeRange,
    WalkInReserve,
    WeeklyRoster,
    work_request,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEC1 = date(2026, 12, 1)  # a Tuesday
WEEK = tuple(DEC1 + timedelta(days=i) for i in range(7))
SKILLS = (Skill.MAINTENANCE, Skill.ENGINE, Skill.CHASSIS)
BAY_TYPES = (BayType.QUICK_SERVICE, BayType.GENERAL_LIFT)
EFFICIENCIES = (0.85, 1.0, 1.2)
STANDARD_HOURS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)


def span(a: str, b: str) -> TimeRange:
    return TimeRange(time.fromisoformat(a), time.fromisoformat(b))


LUNCHES = (span("12:00", "13:00"), span("12:30", "13:30"))
HALF_DAYS = (span("08:30", "12:00"), span("13:30", "17:30"))


def roster(lunch: TimeRange = LUNCHES[0]) -> WeeklyRoster:
    """08:30-17:30 every day, with a one-hour lunch."""
    return WeeklyRoster((Shift(time(8, 30), time(17, 30), (lunch,)),) * 7)


def make_dealer(grid: int = 15, opens: str = "08:30", closes: str = "18:00") -> Dealer:
    hours = span(opens, closes)
    return Dealer("D1", "Trust Motors", OpeningHours((hours,) * 7, holiday=hours),
                  time_zone="Asia/Shanghai", holiday_country="CN", booking_grid_minutes=grid)


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=SHANGHAI)


def at_local_minute(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI) + timedelta(minutes=minute)


def technician(code: str, skills: set[Skill], efficiency: float = 1.0, lunch: TimeRange = LUNCHES[0],
               absences: tuple[Absence, ...] = ()) -> Technician:
    return Technician(code, f"Tech {code}", frozenset(skills), Grade.SENIOR, efficiency, roster(lunch), absences)


def advisor(code: str, capacity: int = 1, lunch: TimeRange = LUNCHES[0]) -> ServiceAdvisor:
    return ServiceAdvisor(code, f"Advisor {code}", roster(lunch), reception_capacity=capacity)


def operation(code: str, hours: float, skill: Skill, bay: BayType,
              parts: tuple[PartRequirement, ...] = ()) -> LabourOperation:
    return LabourOperation(code, f"{code} 作业", f"{code} job", hours, skill, bay, Decimal("100"), parts=parts)


def part(number: str, stock: int, orders: tuple[tuple[int, date], ...] = ()) -> Part:
    return Part(number, f"{number} 件", f"Part {number}", Decimal("10"), stock,
                tuple(PurchaseOrder(f"PO-{number}-{i}", number, qty, day) for i, (qty, day) in enumerate(orders)))


# -- hypothesis strategies ----------------------------------------------------------------


@st.composite
def absences(draw: st.DrawFn, days: tuple[date, ...]) -> tuple[Absence, ...]:
    """None, a whole day off or half a day of training on one of `days`."""
    kind = draw(st.sampled_from(("none", "none", "none", "day", "half", "half")))
    if kind == "none":
        return ()
    day = draw(st.sampled_from(days))
    if kind == "day":
        return (Absence(day, day, AbsenceKind.LEAVE),)
    return (Absence(day, day, AbsenceKind.TRAINING, draw(st.sampled_from(HALF_DAYS))),)


@st.composite
def dealerships(draw: st.DrawFn, *, techs: tuple[int, int] = (2, 5), bays: tuple[int, int] = (1, 3),
                advisors: tuple[int, int] = (1, 2), ops: tuple[int, int] = (3, 6), with_parts: bool = True,
                days: tuple[date, ...] = WEEK[:4]) -> Dealership:
    """A random small dealer, open 08:30 or 09:00 to 17:00 or 18:00 (technicians work
    08:30-17:30); absences and bay outages fall on `days`."""
    skill_pool = draw(st.sampled_from((SKILLS[:2], SKILLS)))
    bay_pool = draw(st.sampled_from((BAY_TYPES, BAY_TYPES[:1])))  # sometimes every bay is of one type
    grid = draw(st.sampled_from((15, 30)))
    opens, closes = draw(st.sampled_from(("08:30", "09:00"))), draw(st.sampled_from(("17:00", "18:00")))
    technicians = tuple(
        technician(f"T{i}", draw(st.sets(st.sampled_from(skill_pool), min_size=1)),
                   draw(st.sampled_from(EFFICIENCIES)), draw(st.sampled_from(LUNCHES)), draw(absences(days)))
        for i in range(1, draw(st.sampled_from(range(techs[0], techs[1] + 1))) + 1)
    )
    n_bays = draw(st.sampled_from(range(bays[1], bays[0] - 1, -1)))  # more bays first: techs bind
    down = draw(st.sampled_from((0, 0, *range(1, n_bays + 1))))  # bay `down` is out of service a day (0: none)
    bay_list = []
    for i in range(1, n_bays + 1):
        outages: tuple[BayOutage, ...] = ()
        if i == down:
            day = draw(st.sampled_from(days))
            outages = (BayOutage(day, day, "repair"),)
        bay_list.append(Bay(f"B{i}", f"Bay {i}", draw(st.sampled_from(bay_pool)), outages))
    desk = tuple(advisor(f"SA{i}", draw(st.integers(1, 2)), draw(st.sampled_from(LUNCHES)))
                 for i in range(1, draw(st.integers(*advisors)) + 1))
    parts: tuple[Part, ...] = ()
    if with_parts:
        parts = tuple(
            part(number, draw(st.sampled_from((9, 6, 3, 0))),  # small stock, sometimes none
                 draw(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(WEEK[1:])), max_size=1).map(tuple)))
            for number in ("P1", "P2")
        )
    # most operations need a skill someone has and a bay type the workshop has (else little is booked)
    skills_had = sorted({skill for t in technicians for skill in t.skills})
    types_had = sorted({bay.bay_type for bay in bay_list})
    operations = []
    for i in range(1, draw(st.integers(*ops)) + 1):
        needs: tuple[PartRequirement, ...] = ()
        if with_parts and draw(st.integers(0, 3)) == 3:
            needs = (PartRequirement(draw(st.sampled_from(("P1", "P2"))), draw(st.integers(1, 2))),)
        skill = draw(st.sampled_from(skills_had)) if draw(st.integers(0, 19)) else draw(st.sampled_from(skill_pool))
        bay_type = draw(st.sampled_from(types_had)) if draw(st.integers(0, 19)) else draw(st.sampled_from(bay_pool))
        operations.append(operation(f"OP{i}", draw(st.sampled_from(STANDARD_HOURS)), skill, bay_type, needs))
    return Dealership(make_dealer(grid, opens, closes), desk, technicians, tuple(bay_list), tuple(operations), parts)


@st.composite
def reserves(draw: st.DrawFn, days: tuple[date, ...] = WEEK, most: int = 1) -> WalkInReserve:
    """Technicians kept for walk-ins: 0..`most` per hour of each day."""
    return WalkInReserve({day: tuple(draw(st.lists(st.integers(0, most), min_size=24, max_size=24)))
                          for day in days})


# -- hand-built -----------------------------------------------------------------------------

MAINTENANCE = operation("OIL", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE)
ENGINE = operation("ENG", 7.5, Skill.ENGINE, BayType.GENERAL_LIFT)


def reassignment_workshop() -> tuple[Dealership, Booking]:
    """Technician A (maintenance + engine, at work from 09:00 on DEC1) holds booking X, an
    hour of maintenance at 09:00 on bay Q1; B (maintenance only) is free. A 7.5-hour engine
    job fits A's day only from 09:00, so it fits only if X moves to B."""
    late_start = Absence(DEC1, DEC1, AbsenceKind.TRAINING, span("08:30", "09:00"))
    dealership = Dealership(
        make_dealer(15),
        (advisor("SA1", capacity=2),),
        (technician("A", {Skill.MAINTENANCE, Skill.ENGINE}, absences=(late_start,)),
         technician("B", {Skill.MAINTENANCE})),
        (Bay("Q1", "Quick 1", BayType.QUICK_SERVICE), Bay("L1", "Lift 1", BayType.GENERAL_LIFT)),
        (MAINTENANCE, ENGINE),
        (),
    )
    oil = work_request([MAINTENANCE])
    x = Booking("X", at(DEC1, "09:00"), oil,
                (ScheduledJob(oil.jobs[0], "A", "Q1", at(DEC1, "09:00"), at(DEC1, "10:00")),))
    return dealership, x


OP_45 = operation("OP1", 0.75, Skill.MAINTENANCE, BayType.GENERAL_LIFT)  # 45 min for T1, 53 for T2
OP_30 = operation("OP2", 0.5, Skill.MAINTENANCE, BayType.GENERAL_LIFT)


def chain_workshop() -> tuple[Dealership, tuple[Booking, ...]]:
    """Two maintenance technicians (T1 at 1.0, T2 at 0.85) whose morning jobs alternate
    every half hour, open 08:30-17:00. A 0.75-hour job at 08:45 fits, but only by handing
    four booked jobs, one after another, to the other technician (an ejection chain)."""
    dealership = Dealership(
        make_dealer(15, "08:30", "17:00"),
        (advisor("SA1"),),
        (technician("T1", {Skill.MAINTENANCE}), technician("T2", {Skill.MAINTENANCE}, 0.85)),
        (Bay("B1", "Bay 1", BayType.GENERAL_LIFT), Bay("B2", "Bay 2", BayType.GENERAL_LIFT)),
        (OP_45, OP_30),
        (),
    )
    plan = (("R5", OP_30, "T1", "B1", "09:00", "09:30"), ("R4", OP_45, "T2", "B2", "09:30", "10:23"),
            ("R0", OP_45, "T1", "B1", "10:00", "10:45"), ("R2", OP_45, "T2", "B2", "10:30", "11:23"),
            ("R1", OP_45, "T1", "B1", "11:00", "11:45"))
    bookings = []
    for booking_id, op, tech, bay, start, end in plan:
        work = work_request([op])
        bookings.append(Booking(booking_id, at(DEC1, start), work,
                                (ScheduledJob(work.jobs[0], tech, bay, at(DEC1, start), at(DEC1, end)),)))
    return dealership, tuple(bookings)
