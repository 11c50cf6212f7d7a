"""Booking transactions (issue 5): the appointment lifecycle, book() with its validation,
idempotency keys and audit log, the race for the last capacity between real processes,
cancelling to release technicians, bays and parts, nothing half-written, and the CLI."""

from __future__ import annotations

import json
import multiprocessing
import sys
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Table, func, select, text

from planner.booking import service
from planner.booking.lifecycle import TRANSITIONS, Action, next_status, releases_capacity
from planner.booking.service import BookingRequest, BookingResult, SlotTaken, book, change_status
from planner.cli import main
from planner.domain import (
    AppointmentOrigin,
    AppointmentStatus,
    Bay,
    BayType,
    Customer,
    Dealership,
    PartRequirement,
    Powertrain,
    ServiceHistory,
    Skill,
    Vehicle,
)
from planner.errors import PlannerError
from planner.solver.checker import check_plan
from planner.solver.loader import WalkInPolicy
from planner.storage import open_database, save_dealership, save_history
from planner.storage import tables as t
from planner.storage.repository import (
    appointment_events,
    appointment_status,
    load_booking,
    load_bookings,
)
from tests.booking_worker import Outcome, book_at_the_barrier
from tests.solver_instances import DEC1, MAINTENANCE, SHANGHAI, advisor, at, make_dealer, operation, part, technician

S = AppointmentStatus
TODAY = DEC1 - timedelta(days=1)  # the dealer's "today"; bookings are made for DEC1
NOW = at(TODAY, "12:00")
NO_RESERVE = WalkInPolicy(quantile=None)  # tiny dealers have no history to forecast walk-ins from
PADS = operation("PAD", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, (PartRequirement("P1", 1),))
CUSTOMERS = tuple(Customer(f"C{i}", f"Customer {i}", f"1380000000{i}") for i in (1, 2, 3))
PLATES = ("粤B·20001", "粤B·20002", "粤B·20003")
VEHICLES = tuple(Vehicle(f"LPCSA5C11GY90000{i}", PLATES[i - 1], f"C{i}", "Yuanhang 5 1.5T", Powertrain.ICE,
                         date(2022, 3, 1), date(2025, 3, 1), 100000) for i in (1, 2, 3))
BOOKING_ROWS = (t.appointments, t.appointment_jobs, t.part_reservations, t.appointment_events)


def tiny_dealership() -> Dealership:
    """One maintenance technician (08:30-17:30, lunch 12-13), one quick-service bay, a
    desk with room for several arrivals per slot; an hour's oil service (OIL) and an
    hour's pad job (PAD) needing part P1, of which one is in stock."""
    return Dealership(make_dealer(15), (advisor("SA1", capacity=4),), (technician("T1", {Skill.MAINTENANCE}),),
                      (Bay("Q1", "Quick 1", BayType.QUICK_SERVICE),), (MAINTENANCE, PADS), (part("P1", 1),))


def save_tiny(engine: Engine, today: date | None = TODAY) -> int:
    with engine.begin() as conn:
        dealer_id = save_dealership(conn, tiny_dealership(), today=today)
        save_history(conn, dealer_id, ServiceHistory(CUSTOMERS, VEHICLES, ()))
    return dealer_id


@pytest.fixture
def dealer_id(engine: Engine) -> int:
    return save_tiny(engine)


def request(hhmm: str, op: str = "OIL", car: int = 0, **kw: Any) -> BookingRequest:
    return BookingRequest(PLATES[car], (op,), at(DEC1, hhmm), **kw)


def booked(engine: Engine, dealer_id: int, req: BookingRequest) -> BookingResult:
    return book(engine, dealer_id, req, now=NOW, policy=NO_RESERVE)


def counts(engine: Engine, *tables: Table) -> list[int]:
    with engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(tbl)).scalar_one() for tbl in tables]


# -- the lifecycle (pure) -------------------------------------------------------------


def test_every_legal_transition_gives_its_target() -> None:
    for (status, action), target in TRANSITIONS.items():
        assert next_status(status, action, "AP261201-0001") is target
    assert next_status(S.HOLD, Action.BOOK) is S.BOOKED
    assert next_status(S.BOOKED, Action.CANCEL) is S.CANCELLED
    assert next_status(S.IN_SERVICE, Action.COMPLETE) is S.COMPLETED


NAMED_ILLEGAL = [(S.COMPLETED, Action.CANCEL), (S.CANCELLED, Action.CONFIRM), (S.HOLD, Action.ARRIVE),
                 (S.CANCELLED, Action.CANCEL), (S.NO_SHOW, Action.ARRIVE), (S.ARRIVED, Action.NO_SHOW),
                 (S.BOOKED, Action.BOOK), (S.BOOKED, Action.COMPLETE), (S.RESCHEDULED, Action.CONFIRM)]


@pytest.mark.parametrize("status, action", NAMED_ILLEGAL)
def test_illegal_transitions_are_refused_naming_appointment_status_and_action(status: S, action: Action) -> None:
    assert (status, action) not in TRANSITIONS
    with pytest.raises(PlannerError) as caught:
        next_status(status, action, "AP261201-0007")
    err = caught.value
    assert err.key == "error.bad_transition"
    for lang in ("en", "zh"):
        message = err.format(lang)
        assert "AP261201-0007" in message and status.value in message and action.value in message, message
    assert str(err) == err.format("en") == f"appointment AP261201-0007 is {status.value}: it cannot {action.value}"


def test_every_move_outside_the_table_is_refused() -> None:
    for status in S:
        for action in Action:
            if (status, action) not in TRANSITIONS:
                with pytest.raises(PlannerError, match=f"is {status.value}: it cannot {action.value}"):
                    next_status(status, action, "X")


def test_only_ended_appointments_release_capacity() -> None:
    released = {s for s in S if releases_capacity(s)}
    assert released == {S.CANCELLED, S.RESCHEDULED, S.NO_SHOW, S.COMPLETED}


# -- book() -----------------------------------------------------------------------------


def test_book_stores_the_booking_with_its_audit_entry(engine: Engine, dealer_id: int) -> None:
    result = booked(engine, dealer_id, request("10:00", actor="agent-7"))
    b = result.booking
    assert not result.replayed and result.moved == ()
    assert b.booking_id == "AP261201-0001" and b.arrival == at(DEC1, "10:00") and b.plate == PLATES[0]
    assert [(j.technician, j.bay, j.start, j.end) for j in b.jobs] == [("T1", "Q1", at(DEC1, "10:00"),
                                                                        at(DEC1, "11:00"))]
    with engine.connect() as conn:
        assert load_booking(conn, dealer_id, b.booking_id) == b
        assert appointment_status(conn, dealer_id, b.booking_id) is S.BOOKED
        events = appointment_events(conn, dealer_id, b.booking_id)
        row = conn.execute(select(t.appointments.c.origin, t.appointments.c.created_at)).one()
    assert len(events) == 1
    event = events[0]
    assert (event["actor"], event["action"], event["from"], event["to"]) == ("agent-7", "book", None, "booked")
    assert event["at"] == NOW and "OIL" in event["detail"]
    assert row.origin == "passive" and row.created_at == NOW
    assert counts(engine, *BOOKING_ROWS) == [1, 1, 0, 1]


@pytest.mark.parametrize("bad, key, words", [
    (request("10:00", op="NOPE-42"), "error.unknown_ops", ["NOPE-42"]),
    (BookingRequest("粤Z·99999", ("OIL",), at(DEC1, "10:00")), "error.unknown_plate", ["粤Z·99999"]),
    (BookingRequest(PLATES[0], ("OIL",), at(TODAY, "09:00")), "error.past", ["2026-11-30T09:00", "past"]),
    (request("10:00", origin=AppointmentOrigin.ACTIVE), "error.active_needs_rule", ["rule"]),
])
def test_bad_requests_are_named_and_write_nothing(engine: Engine, dealer_id: int, bad: BookingRequest, key: str,
                                                  words: list[str]) -> None:
    booked(engine, dealer_id, request("09:00", car=1))  # something stored already
    before = counts(engine, *BOOKING_ROWS, t.dealers)
    with pytest.raises(PlannerError) as caught:
        booked(engine, dealer_id, bad)
    assert not isinstance(caught.value, SlotTaken)
    assert caught.value.key == key
    for word in words:
        assert word in str(caught.value)
    assert caught.value.format("zh") != str(caught.value)
    assert counts(engine, *BOOKING_ROWS, t.dealers) == before == [1, 1, 0, 1, 1]


def test_an_arrival_off_the_booking_grid_is_refused_and_writes_nothing(engine: Engine, dealer_id: int) -> None:
    with pytest.raises(PlannerError) as off:  # 15-minute grid
        booked(engine, dealer_id, request("10:07"))
    assert off.value.key == "error.off_grid" and "15-minute" in str(off.value)
    with pytest.raises(PlannerError) as closed:
        booked(engine, dealer_id, request("07:00"))
    assert closed.value.key == "error.closed_at"
    assert counts(engine, *BOOKING_ROWS) == [0, 0, 0, 0]


def test_an_active_booking_with_its_rule_is_stored(engine: Engine, dealer_id: int) -> None:
    result = booked(engine, dealer_id, request("10:00", origin=AppointmentOrigin.ACTIVE, origin_rule="MNT-DUE"))
    with engine.connect() as conn:
        row = conn.execute(select(t.appointments.c.origin, t.appointments.c.origin_rule)).one()
        assert load_booking(conn, dealer_id, result.booking.booking_id) == result.booking
    assert tuple(row) == ("active", "MNT-DUE")


# -- idempotency ------------------------------------------------------------------------------


def test_a_retried_request_books_once(engine: Engine, dealer_id: int) -> None:
    first = booked(engine, dealer_id, request("10:00", idempotency_key="call-1"))
    again = booked(engine, dealer_id, request("10:00", idempotency_key="call-1"))
    assert not first.replayed and again.replayed
    assert again.booking == first.booking and again.booking.booking_id == "AP261201-0001"
    assert counts(engine, *BOOKING_ROWS) == [1, 1, 0, 1]  # no second row, no second audit entry
    # another key is another request: the technician is taken at 10:00, free at 14:00
    with pytest.raises(SlotTaken):
        booked(engine, dealer_id, request("10:00", car=1, idempotency_key="call-2"))
    assert counts(engine, t.appointments) == [1]
    other = booked(engine, dealer_id, request("14:00", car=1, idempotency_key="call-2"))
    assert not other.replayed and other.booking.booking_id == "AP261201-0002"
    assert booked(engine, dealer_id, request("14:00", car=1, idempotency_key="call-2")).replayed
    assert counts(engine, t.appointments) == [2]


def test_a_key_reused_for_another_request_is_refused(engine: Engine, dealer_id: int) -> None:
    booked(engine, dealer_id, request("14:00", car=2, idempotency_key="k"))
    with pytest.raises(PlannerError) as reused:  # another car and time: not a retry
        booked(engine, dealer_id, request("15:00", car=1, idempotency_key="k"))
    assert reused.value.key == "error.idempotency_mismatch"
    assert counts(engine, t.appointments) == [1]


# -- the race for the last capacity -------------------------------------------------------------

RACERS = 4


def _database_of(engine: Engine) -> tuple[str, str | None]:
    """What another process needs to reach this test's database: the URL, and on
    PostgreSQL the per-test schema conftest put on the search path."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url, None
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    assert schema.startswith("t_"), schema
    return url, schema


def test_racing_processes_cannot_both_take_the_last_slot(engine: Engine, dealer_id: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # a spawned process re-runs the parent's __main__; after Streamlit's AppTest that is
    # app.py, so give the children an empty one (the worker is importable from tests/)
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    slot = at(DEC1, "10:00")
    url, schema = _database_of(engine)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(RACERS)
    results: Queue[Outcome] = ctx.Queue()
    racers = [ctx.Process(target=book_at_the_barrier,
                          args=(url, schema, dealer_id, request("10:00", car=i % len(PLATES), actor=f"agent-{i}"),
                                NOW, start, results))
              for i in range(RACERS)]
    for p in racers:
        p.start()
    try:
        outcomes = [results.get(timeout=120) for _ in racers]
    finally:
        for p in racers:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in racers)
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    winners = [o for o in outcomes if o[0] == "booked"]
    losers = [o for o in outcomes if o[0] == "taken"]
    assert len(winners) == 1 and len(losers) == RACERS - 1, outcomes
    # the losers are offered the next time: 11:00, when the technician is free again
    assert {o[1] for o in losers} == {at(DEC1, "11:00").isoformat()}

    with engine.connect() as conn:
        slots = conn.execute(select(t.appointments.c.appointment_no, t.appointments.c.slot_start)).all()
        stored = load_bookings(conn, dealer_id, TODAY, DEC1 + timedelta(days=14))
        events = appointment_events(conn, dealer_id, str(winners[0][1]))
    assert [(no, s.astimezone(SHANGHAI)) for no, s in slots] == [(winners[0][1], slot)]
    assert [b.booking_id for b in stored] == [winners[0][1]]
    assert len(events) == 1 and events[0]["action"] == "book"
    assert check_plan(tiny_dealership(), stored, today=TODAY) == []
    assert counts(engine, *BOOKING_ROWS) == [1, 1, 0, 1]


# -- cancelling releases capacity ------------------------------------------------------------


def test_cancel_releases_the_technician_and_bay(engine: Engine, dealer_id: int) -> None:
    first = booked(engine, dealer_id, request("10:00"))
    with pytest.raises(SlotTaken) as taken:
        booked(engine, dealer_id, request("10:00", car=1))
    assert taken.value.next_option is not None and taken.value.next_option.start == at(DEC1, "11:00")
    assert "2026-12-01T10:00" in str(taken.value) and "2026-12-01T11:00" in str(taken.value)
    later = NOW + timedelta(minutes=5)
    status = change_status(engine, dealer_id, first.booking.booking_id, Action.CANCEL, actor="agent-9",
                           detail="customer called", now=later)
    assert status is S.CANCELLED
    with engine.connect() as conn:
        assert appointment_status(conn, dealer_id, first.booking.booking_id) is S.CANCELLED
        assert load_booking(conn, dealer_id, first.booking.booking_id) is None  # no longer holds capacity
        events = appointment_events(conn, dealer_id, first.booking.booking_id)
    assert [(e["action"], e["from"], e["to"]) for e in events] == [("book", None, "booked"),
                                                                   ("cancel", "booked", "cancelled")]
    assert events[1]["actor"] == "agent-9" and events[1]["detail"] == "customer called" and events[1]["at"] == later
    second = booked(engine, dealer_id, request("10:00", car=1))
    assert second.booking.booking_id == "AP261201-0002" and second.booking.jobs[0].technician == "T1"
    with pytest.raises(PlannerError, match="is cancelled: it cannot cancel"):
        change_status(engine, dealer_id, first.booking.booking_id, Action.CANCEL, now=later)
    with pytest.raises(PlannerError, match="no appointment AP-NONE"):
        change_status(engine, dealer_id, "AP-NONE", Action.CANCEL, now=later)
    assert counts(engine, t.appointment_events) == [3]


def test_cancel_releases_the_part(engine: Engine, dealer_id: int) -> None:
    first = booked(engine, dealer_id, request("09:00", op="PAD"))
    assert counts(engine, t.part_reservations) == [1]
    with pytest.raises(SlotTaken) as taken:  # the technician is free at 14:00, the only P1 is not
        booked(engine, dealer_id, request("14:00", op="PAD", car=1))
    assert taken.value.next_option is None  # none in stock, none on order
    assert counts(engine, t.appointments) == [1]
    assert change_status(engine, dealer_id, first.booking.booking_id, Action.CANCEL, now=NOW) is S.CANCELLED
    second = booked(engine, dealer_id, request("14:00", op="PAD", car=1))
    with engine.connect() as conn:
        stored = load_bookings(conn, dealer_id, TODAY, DEC1 + timedelta(days=14))
    assert stored == (second.booking,)
    assert check_plan(tiny_dealership(), stored, today=TODAY) == []


def test_no_show_releases_capacity_and_confirm_does_not(engine: Engine, dealer_id: int) -> None:
    first = booked(engine, dealer_id, request("10:00"))
    assert change_status(engine, dealer_id, first.booking.booking_id, Action.CONFIRM, now=NOW) is S.CONFIRMED
    with pytest.raises(SlotTaken):
        booked(engine, dealer_id, request("10:00", car=1))
    assert change_status(engine, dealer_id, first.booking.booking_id, Action.NO_SHOW, now=NOW) is S.NO_SHOW
    assert booked(engine, dealer_id, request("10:00", car=1)).booking.booking_id == "AP261201-0002"


# -- nothing half-written --------------------------------------------------------------------


def test_a_failure_inside_the_transaction_writes_nothing(engine: Engine, dealer_id: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[int]] = []

    def add_event_fails(conn: Connection, dealer_id: int, appointment_no: str, **_: Any) -> None:
        # save_bookings has run in this transaction: its rows are there, then the crash
        seen.append([conn.execute(select(func.count()).select_from(tbl)).scalar_one() for tbl in BOOKING_ROWS])
        raise RuntimeError("connection lost")

    with engine.connect() as conn:
        version = conn.execute(select(t.dealers.c.booking_version)).scalar_one()
    fails: Callable[..., None] = add_event_fails
    monkeypatch.setattr(service, "add_event", fails)
    with pytest.raises(RuntimeError, match="connection lost"):
        booked(engine, dealer_id, request("09:00", op="PAD", idempotency_key="k-1"))
    assert seen == [[1, 1, 1, 0]]
    assert counts(engine, *BOOKING_ROWS) == [0, 0, 0, 0]
    with engine.connect() as conn:
        assert conn.execute(select(t.dealers.c.booking_version)).scalar_one() == version
    monkeypatch.undo()
    # the retry with the same key is a fresh booking (the failed one left no trace)
    retry = booked(engine, dealer_id, request("09:00", op="PAD", idempotency_key="k-1"))
    assert not retry.replayed and retry.booking.booking_id == "AP261201-0001"
    assert counts(engine, *BOOKING_ROWS) == [1, 1, 1, 1]


# -- the command line ----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_book_replay_and_cancel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    engine = open_database(db)
    save_tiny(engine, today=None)  # a live dealer: the CLI books against the clock
    engine.dispose()
    day = datetime.now(SHANGHAI).date() + timedelta(days=2)
    when = f"{day.isoformat()}T10:00+08:00"
    args = ("book", "--db", db, "--plate", "粤B20001", "--ops", "OIL", "--at", when, "--no-walk-in-reserve",
            "--json", "--idempotency-key", "cli-1", "--actor", "cli-test")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    first = json.loads(out)
    assert first["replayed"] is False and first["plate"] == PLATES[0]
    assert first["booking"] == f"AP{day:%y%m%d}-0001" and first["start"] == datetime.fromisoformat(when).isoformat()
    assert [(j["technician"], j["bay"], j["ops"]) for j in first["jobs"]] == [("T1", "Q1", ["OIL"])]

    code, out, err = run(capsys, *args)
    assert code == 0, err
    again = json.loads(out)
    assert again["replayed"] is True and again["booking"] == first["booking"]

    code, out, _ = run(capsys, "book", "--db", db, "--plate", PLATES[1], "--ops", "OIL", "--at", when,
                       "--no-walk-in-reserve", "--json")
    taken = json.loads(out)
    assert code == 1 and "no longer free" in taken["error"] and taken["next"]["start"].endswith("11:00:00+08:00")

    code, out, err = run(capsys, "cancel", "--db", db, "--booking", first["booking"], "--json", "--reason", "test")
    assert code == 0, err
    assert json.loads(out) == {"booking": first["booking"], "status": "cancelled"}

    code, out, err = run(capsys, "cancel", "--db", db, "--booking", first["booking"], "--json")
    assert code == 2 and out == ""
    assert f"appointment {first['booking']} is cancelled: it cannot cancel" in err
    code, _, err = run(capsys, "--lang", "zh", "cancel", "--db", db, "--booking", first["booking"])
    assert code == 2 and first["booking"] in err and "cancelled" in err and "不能执行" in err

    engine = open_database(db)
    try:
        with engine.connect() as conn:
            events = conn.execute(select(t.appointment_events.c.actor, t.appointment_events.c.action)
                                  .order_by(t.appointment_events.c.id)).all()
    finally:
        engine.dispose()
    assert [tuple(e) for e in events] == [("cli-test", "book"), ("desk", "cancel")]


# -- what the desk learnt, and the preparation (R7, R8, R11, R15) ------------------------------


def test_concern_checklist_channel_and_estimate_are_stored(engine: Engine, dealer_id: int) -> None:
    from planner.storage.repository import appointment_details

    result = booked(engine, dealer_id, request("10:00", concern="异响", checklist=(("when", "braking"),),
                                               channel="sms"))
    with engine.connect() as conn:
        details = appointment_details(conn, dealer_id, result.booking.booking_id)
    assert details is not None
    assert (details["concern"], details["checklist"], details["channel"]) == ("异响", {"when": "braking"}, "sms")
    assert details["estimated_minutes"] == 60 and details["estimated_price"] is not None
    assert details["documents"][0] == "行驶证"


def test_preparation_completes_only_when_every_step_is_done(engine: Engine, dealer_id: int) -> None:
    from planner.booking.service import prepare

    number = booked(engine, dealer_id, request("10:00")).booking.booking_id
    state = prepare(engine, dealer_id, number, parts_picked=True, technician_confirmed=True, now=NOW)
    assert state["parts_picked"] and not state["tools_ready"] and state["prepared_at"] is None
    with pytest.raises(PlannerError) as still_open:
        prepare(engine, dealer_id, number, complete=True, now=NOW)
    assert "tools_ready" in str(still_open.value)
    done = prepare(engine, dealer_id, number, tools_ready=True, complete=True, now=NOW)
    assert done["prepared_at"] == NOW
    with engine.connect() as conn:
        assert [e["action"] for e in appointment_events(conn, dealer_id, number)][-1] == "prepared"


# -- the waitlist ---------------------------------------------------------------------------------------


def test_a_cancellation_offers_the_freed_time_to_the_waitlist_first(engine: Engine, dealer_id: int) -> None:
    from planner.booking.service import join_waitlist
    from planner.storage.repository import waiting

    first = booked(engine, dealer_id, request("10:00"))
    with pytest.raises(SlotTaken):
        booked(engine, dealer_id, request("10:00", car=1))
    entry = join_waitlist(engine, dealer_id, PLATES[1], ("OIL",), at(DEC1, "10:00"), at(DEC1, "10:30"), now=NOW)
    change_status(engine, dealer_id, first.booking.booking_id, Action.CANCEL, now=NOW)
    with engine.connect() as conn:
        [offer] = waiting(conn, dealer_id, status="offered")
        held = load_booking(conn, dealer_id, str(offer["offered_booking"]))
        assert offer["id"] == entry and held is not None and held.arrival == at(DEC1, "10:00")
        assert held.plate == PLATES[1]
        assert appointment_status(conn, dealer_id, held.booking_id) is S.HOLD
    with pytest.raises(SlotTaken):  # the freed time went to the waiting caller, not to the next caller
        booked(engine, dealer_id, request("10:00", car=2))
