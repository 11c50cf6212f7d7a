"""Booked work on SQLite and PostgreSQL: bookings with their jobs, flexible windows and
part reservations are saved, loaded by local day, re-planned and kept per dealer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, Table, event, func, inspect, select

from planner.domain import (
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Booking,
    Customer,
    Dealership,
    FlexibleWindow,
    LabourOperation,
    Powertrain,
    ScheduledJob,
    ServiceHistory,
    Vehicle,
    work_request,
)
from planner.storage import (
    load_bookings,
    reserved_parts,
    save_bookings,
    save_dealership,
    save_history,
    update_booking_plans,
)
from planner.storage import tables as t
from planner.storage.db import alembic_config

ZONE = ZoneInfo("Asia/Shanghai")  # UTC+8, no daylight saving
DAY = date(2026, 11, 30)  # a Monday
CUSTOMERS = (Customer("C1", "张伟", "13800000001"), Customer("C2", "李娜", "13800000002"))
VEHICLES = (
    Vehicle("LPCSA5C11GY900001", "粤B·10001", "C1", "Yuanhang 5 1.5T", Powertrain.ICE, date(2022, 3, 1),
            date(2025, 3, 1), 100000),
    Vehicle("LPCSA5C11GY900002", "粤B·10002", "C2", "Yuanhang 5 1.5T", Powertrain.ICE, date(2023, 5, 1),
            date(2026, 5, 1), 100000),
)
BOOKING_TABLES = (t.appointments, t.appointment_jobs, t.part_reservations)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


@pytest.fixture
def dealership(small_demo: tuple[Dealership, ServiceHistory]) -> Dealership:
    assert small_demo[0].dealer.time_zone == "Asia/Shanghai"
    return small_demo[0]


@pytest.fixture
def dealer_id(engine: Engine, dealership: Dealership) -> int:
    """The small demo's dealership with two customers and their cars, no history."""
    with engine.begin() as conn:
        dealer_id = save_dealership(conn, dealership, today=DAY)
        save_history(conn, dealer_id, ServiceHistory(CUSTOMERS, VEHICLES, ()))
    return dealer_id


def ops(dealership: Dealership, *codes: str) -> list[LabourOperation]:
    by_code = {o.op_code: o for o in dealership.operations}
    return [by_code[c] for c in codes]


def booking(dealership: Dealership, booking_id: str, arrival: datetime, work: list[tuple[str, str, str]],
            vehicle: int = 0, flexible: FlexibleWindow | None = None) -> Booking:
    """A booking for `work`: (operation code, technician, bay) per job, one after another
    from the arrival (an hour per standard hour; no breaks, storage does not care)."""
    request = work_request(ops(dealership, *(code for code, _, _ in work)))
    assert len(request.jobs) == len(work)
    jobs: list[ScheduledJob] = []
    start = arrival
    for spec, (_, technician, bay) in zip(request.jobs, work, strict=True):
        end = start + timedelta(hours=spec.standard_hours)
        jobs.append(ScheduledJob(spec, technician, bay, start, end))
        start = end
    return Booking(booking_id, arrival, request, tuple(jobs), VEHICLES[vehicle].plate, flexible)


def appointment(b: Booking, status: AppointmentStatus = AppointmentStatus.BOOKED,
                vehicle: int = 0) -> tuple[Appointment, Booking]:
    v = VEHICLES[vehicle]
    appt = Appointment(b.booking_id, v.vin, v.customer_no, b.arrival - timedelta(days=3), b.arrival,
                       AppointmentOrigin.PASSIVE, status)
    return appt, b


def service(dealership: Dealership, booking_id: str, arrival: datetime, technician: str = "TM03",
            bay: str = "Q01", vehicle: int = 0) -> Booking:
    """A minor service: one job on a quick-service bay, with parts."""
    return booking(dealership, booking_id, arrival, [("MNT-MIN-YH5", technician, bay)], vehicle)


def counts(engine: Engine, *tables: Table) -> list[int]:
    with engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(tbl)).scalar_one() for tbl in tables]


class Statements:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.count = engine, 0

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_bookings_round_trip(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    window = FlexibleWindow(at(DAY, 8), at(DAY + timedelta(days=2), 17))
    two_jobs = booking(dealership, "BK-1", at(DAY, 9), [("MNT-MIN-YH5", "TM01", "Q01"), ("TYR-ALN", "TC01", "A01")],
                       flexible=window)
    no_parts = booking(dealership, "BK-2", at(DAY, 9), [("TYR-ALN", "TC02", "A02")], vehicle=1)
    next_day = service(dealership, "BK-3", at(DAY + timedelta(days=1), 14, 15), vehicle=1)
    assert len(two_jobs.jobs) == 2 and two_jobs.request.parts and not no_parts.request.parts
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(next_day, vehicle=1), appointment(no_parts, vehicle=1),
                                        appointment(two_jobs)])
    with engine.connect() as conn:
        loaded = load_bookings(conn, dealer_id, DAY, DAY + timedelta(days=1))
        assert load_bookings(conn, dealer_id, DAY + timedelta(days=1), DAY + timedelta(days=1)) == (next_day,)
        held = reserved_parts(conn, dealer_id, DAY)
        assert reserved_parts(conn, dealer_id, DAY + timedelta(days=1)) == {
            p.part_number: [(DAY + timedelta(days=1), p.quantity)] for p in next_day.request.parts}
    assert loaded == (two_jobs, no_parts, next_day)  # by arrival, then booking id
    first = loaded[0]
    assert first.arrival.tzinfo == ZONE and first.jobs[1].start.tzinfo == ZONE and first.flexible is not None
    assert first.flexible.earliest.tzinfo == ZONE
    assert [p.part_number for p in first.request.parts] == sorted(p.part_number for p in first.request.parts)
    # BK-1 and BK-3 need the same oil-service parts, one day apart
    assert held == {p.part_number: [(DAY, p.quantity), (DAY + timedelta(days=1), p.quantity)]
                    for p in two_jobs.request.parts}


def test_local_day_decides_not_the_utc_day(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    before = DAY - timedelta(days=1)
    after = DAY + timedelta(days=2)
    items = [
        service(dealership, "EARLY", at(DAY, 8, 30)),  # 00:30 UTC on DAY
        service(dealership, "DAWN", at(DAY, 7, 30)),  # 23:30 UTC the day before: still DAY locally
        service(dealership, "EVE", at(before, 23, 30)),  # 15:30 UTC the day before
        service(dealership, "LATE", at(after - timedelta(days=1), 23, 30)),  # last day, 15:30 UTC
        service(dealership, "NEXT", at(after, 0, 30)),  # 16:30 UTC on the last day: after the range
    ]
    assert items[1].arrival.astimezone(ZoneInfo("UTC")).date() == before
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(b) for b in items])
    with engine.connect() as conn:
        loaded = load_bookings(conn, dealer_id, DAY, after - timedelta(days=1))
        assert [b.booking_id for b in load_bookings(conn, dealer_id, before, before)] == ["EVE"]
        assert [b.booking_id for b in load_bookings(conn, dealer_id, after, after)] == ["NEXT"]
        assert load_bookings(conn, dealer_id, DAY, before) == ()
    assert [b.booking_id for b in loaded] == ["DAWN", "EARLY", "LATE"]
    assert all(b.day in (DAY, after - timedelta(days=1)) for b in loaded)


def test_only_active_bookings_are_loaded(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    statuses = list(AppointmentStatus)
    items = [appointment(service(dealership, f"S-{s.value}", at(DAY, 9 + i % 8), bay=f"Q0{1 + i % 6}"), s)
             for i, s in enumerate(statuses)]
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, items)
    active = {"hold", "booked", "confirmed", "arrived", "in_service"}
    with engine.connect() as conn:
        loaded = load_bookings(conn, dealer_id, DAY, DAY)
        held = reserved_parts(conn, dealer_id, DAY)
    assert {b.booking_id for b in loaded} == {f"S-{s}" for s in active}
    assert "S-cancelled" not in {b.booking_id for b in loaded} and "S-completed" not in {b.booking_id for b in loaded}
    oil = service(dealership, "x", at(DAY, 9)).request.parts
    assert held == {p.part_number: [(DAY, p.quantity * len(active))] for p in oil}


def test_history_appointments_without_jobs_are_not_bookings(engine: Engine, dealer_id: int,
                                                           dealership: Dealership) -> None:
    c = Customer("C3", "王芳", "13800000003")
    v = replace(VEHICLES[0], vin="LPCSA5C11GY900003", plate="粤B·10003", customer_no="C3")
    old = Appointment("AP-OLD", v.vin, v.customer_no, at(DAY, 8) - timedelta(days=2), at(DAY, 10),
                      AppointmentOrigin.PASSIVE, AppointmentStatus.BOOKED)
    with engine.begin() as conn:
        save_history(conn, dealer_id, ServiceHistory((c,), (v,), (), (old,)))
        save_bookings(conn, dealer_id, [appointment(service(dealership, "BK-1", at(DAY, 9)))])
    with engine.connect() as conn:
        assert [b.booking_id for b in load_bookings(conn, dealer_id, DAY, DAY)] == ["BK-1"]


def test_update_booking_plans_is_persisted(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    window = FlexibleWindow(at(DAY, 8), at(DAY + timedelta(days=1), 18))
    original = booking(dealership, "BK-1", at(DAY, 9), [("MNT-MIN-YH5", "TM01", "Q01"), ("TYR-ALN", "TC01", "A01")],
                       flexible=window)
    other = service(dealership, "BK-2", at(DAY, 10), vehicle=1)
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(original), appointment(other, vehicle=1)])
    # the re-plan moves BK-1 to the next morning, with other technicians and bays
    moved = booking(dealership, "BK-1", at(DAY + timedelta(days=1), 8, 30),
                    [("MNT-MIN-YH5", "TM02", "Q03"), ("TYR-ALN", "TC03", "A02")], flexible=window)
    assert moved.request == original.request and moved.jobs != original.jobs
    with engine.begin() as conn:
        update_booking_plans(conn, dealer_id, [moved])
    with engine.connect() as conn:
        assert load_bookings(conn, dealer_id, DAY, DAY) == (other,)
        assert load_bookings(conn, dealer_id, DAY + timedelta(days=1), DAY + timedelta(days=1)) == (moved,)
        held = reserved_parts(conn, dealer_id, DAY)
    # the parts are now needed the day BK-1 comes
    assert held == {p.part_number: [(DAY, p.quantity), (DAY + timedelta(days=1), p.quantity)]
                    for p in other.request.parts}

    with pytest.raises(ValueError, match="BK-404"), engine.begin() as conn:
        update_booking_plans(conn, dealer_id, [moved, replace(moved, booking_id="BK-404")])
    with pytest.raises(ValueError, match="jobs differ"), engine.begin() as conn:
        update_booking_plans(conn, dealer_id, [service(dealership, "BK-1", at(DAY, 9))])
    bad_bay = replace(moved, jobs=(replace(moved.jobs[0], bay="Q99"), moved.jobs[1]))
    with pytest.raises(ValueError, match="Q99"), engine.begin() as conn:
        update_booking_plans(conn, dealer_id, [replace(other, arrival=at(DAY, 11)), bad_bay])
    with engine.connect() as conn:  # the failed re-plans changed nothing
        assert load_bookings(conn, dealer_id, DAY, DAY + timedelta(days=1)) == (other, moved)


def test_unknown_technician_is_rejected_and_nothing_is_written(engine: Engine, dealer_id: int,
                                                               dealership: Dealership) -> None:
    good = service(dealership, "BK-1", at(DAY, 9))
    bad = service(dealership, "BK-2", at(DAY, 10), technician="TX99")
    with pytest.raises(ValueError, match="technician 'TX99'"), engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(good), appointment(bad)])
    assert counts(engine, *BOOKING_TABLES) == [0, 0, 0]
    # an advisor is no technician either
    with pytest.raises(ValueError, match="technician 'SA01'"), engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(service(dealership, "BK-3", at(DAY, 9), technician="SA01"))])
    assert counts(engine, *BOOKING_TABLES) == [0, 0, 0]


@pytest.mark.parametrize("change, message", [
    ({"bay": "Q99"}, "bay 'Q99'"),
    ({"appointment_no": "OTHER"}, "numbered OTHER"),
    ({"slot_start": at(DAY, 11)}, "is not its arrival"),
    ({"vin": "LPCSA5C11GY999999"}, "vehicle 'LPCSA5C11GY999999'"),
])
def test_inconsistent_bookings_are_rejected(engine: Engine, dealer_id: int, dealership: Dealership,
                                            change: dict[str, Any], message: str) -> None:
    change = dict(change)  # the parameters are shared by both databases' runs
    bay = change.pop("bay", "Q01")
    appt, b = appointment(service(dealership, "BK-1", at(DAY, 9), bay=bay))
    with pytest.raises(ValueError, match=message), engine.begin() as conn:
        save_bookings(conn, dealer_id, [(replace(appt, **change), b)])
    assert counts(engine, *BOOKING_TABLES) == [0, 0, 0]


def test_a_booking_id_is_stored_once(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    b = service(dealership, "BK-1", at(DAY, 9))
    with pytest.raises(ValueError, match="listed twice: BK-1"), engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(b), appointment(b)])
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(b)])
    with pytest.raises(ValueError, match="stored already: BK-1"), engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(b)])
    assert counts(engine, *BOOKING_TABLES) == [1, 1, len(b.request.parts)]


def test_missing_part_is_rejected(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    b = service(dealership, "BK-1", at(DAY, 9))
    unknown = replace(b, request=replace(b.request, parts=(replace(b.request.parts[0], part_number="NOPE-1"),)))
    with pytest.raises(ValueError, match="part 'NOPE-1'"), engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(unknown)])
    assert counts(engine, *BOOKING_TABLES) == [0, 0, 0]


def test_dealers_keep_their_own_bookings(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    other = replace(dealership, dealer=replace(dealership.dealer, code="GZ-02", name="Second dealer"))
    with engine.begin() as conn:
        second = save_dealership(conn, other, today=DAY)
        save_history(conn, second, ServiceHistory(CUSTOMERS, VEHICLES, ()))
    # the same booking ids, codes and cars at both dealers
    mine = service(dealership, "BK-1", at(DAY, 9), technician="TM01")
    theirs = service(dealership, "BK-1", at(DAY, 11), technician="TM02", bay="Q02")
    only_theirs = service(dealership, "BK-2", at(DAY, 14), vehicle=1)
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(mine)])
        save_bookings(conn, second, [appointment(theirs), appointment(only_theirs, vehicle=1)])
    with engine.connect() as conn:
        assert load_bookings(conn, dealer_id, DAY, DAY) == (mine,)
        assert load_bookings(conn, second, DAY, DAY) == (theirs, only_theirs)
        assert reserved_parts(conn, dealer_id, DAY) == {p.part_number: [(DAY, p.quantity)]
                                                        for p in mine.request.parts}
        with pytest.raises(ValueError, match="BK-2"):
            update_booking_plans(conn, dealer_id, [only_theirs])
        job_dealers = conn.execute(
            select(t.appointment_jobs.c.dealer_id, t.staff.c.dealer_id, t.bays.c.dealer_id)
            .join(t.staff, t.staff.c.id == t.appointment_jobs.c.technician_id)
            .join(t.bays, t.bays.c.id == t.appointment_jobs.c.bay_id)).all()
    assert sorted(job_dealers) == sorted([(dealer_id,) * 3] + [(second,) * 3] * 2)


def test_many_bookings_take_a_few_statements(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    items = [appointment(booking(dealership, f"BK-{i:03}", at(DAY + timedelta(days=i % 3), 8 + i % 9),
                                 [("MNT-MIN-YH5", "TM01", "Q01"), ("TYR-ALN", "TC01", "A01")]))
             for i in range(60)]
    with engine.begin() as conn, Statements(engine) as saving:
        save_bookings(conn, dealer_id, items)
    with engine.connect() as conn, Statements(engine) as loading:
        loaded = load_bookings(conn, dealer_id, DAY, DAY + timedelta(days=2))
    with engine.begin() as conn, Statements(engine) as updating:
        update_booking_plans(conn, dealer_id, loaded)
    assert len(loaded) == 60
    assert loading.count <= 4
    assert saving.count <= 12 and updating.count <= 8  # executemany counts once per chunk on most drivers


def test_migration_0002_downgrades_and_upgrades(engine: Engine) -> None:
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0001")
    names = set(inspect(engine).get_table_names())
    assert "appointments" in names and not {"appointment_jobs", "part_reservations"} & names
    assert not {"flexible_from", "flexible_to"} & {c["name"] for c in inspect(engine).get_columns("appointments")}
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), t.metadata) == []


def test_later_migrations_keep_booked_jobs(engine: Engine, dealer_id: int, dealership: Dealership) -> None:
    """Altering `appointments` on SQLite copies the table; the copy must not cascade-delete
    the jobs and part reservations that refer to it."""
    b = service(dealership, "BK-M", at(DAY, 9))
    with engine.begin() as conn:
        save_bookings(conn, dealer_id, [appointment(b)])
    before = counts(engine, t.appointment_jobs, t.part_reservations)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0002")
    command.upgrade(cfg, "head")
    assert counts(engine, t.appointment_jobs, t.part_reservations) == before
    with engine.connect() as conn:
        assert [x.booking_id for x in load_bookings(conn, dealer_id, DAY, DAY)] == ["BK-M"]
