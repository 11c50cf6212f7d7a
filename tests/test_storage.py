"""Storage on SQLite and PostgreSQL: migrations, round trip, transactions, dealer isolation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table, func, inspect, select
from sqlalchemy.exc import StatementError

from planner.domain import Customer, Dealership, ServiceHistory
from planner.storage import (
    DealerExists,
    DealerNotFound,
    delete_dealer,
    find_dealer_id,
    load_dealership,
    load_history,
    repository,
    save_dealership,
    save_history,
)
from planner.storage import tables as t


def test_migrations_create_exactly_the_declared_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert diff == []


def test_every_dealer_table_carries_the_dealer_id(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names()) - {"alembic_version", "dealers"}
    assert names == {tbl.name for tbl in t.metadata.sorted_tables} - {"dealers"}
    for name in names:
        assert "dealer_id" in {c["name"] for c in inspect(engine).get_columns(name)}, name


def test_round_trip_of_dealership_and_history(engine: Engine, small_demo: tuple[Dealership, ServiceHistory]) -> None:
    dealership, history = small_demo
    with engine.begin() as conn:
        dealer_id = save_dealership(conn, dealership)
        save_history(conn, dealer_id, history)
    with engine.connect() as conn:
        assert find_dealer_id(conn) == dealer_id
        assert load_dealership(conn, dealer_id) == dealership
        loaded = load_history(conn, dealer_id)
    assert loaded.customers == history.customers
    assert loaded.vehicles == history.vehicles
    assert loaded.appointments == history.appointments
    assert loaded.repair_orders == history.repair_orders
    first, original = loaded.repair_orders[0], history.repair_orders[0]
    assert first.opened_at.tzinfo == dealership.dealer.zone  # back in the dealer's own zone
    assert first.opened_at.date() == original.opened_at.astimezone(dealership.dealer.zone).date()
    assert loaded.appointments[0].slot_start.tzinfo == dealership.dealer.zone


def test_a_failed_write_leaves_nothing(engine: Engine, small_demo: tuple[Dealership, ServiceHistory],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash half-way through the history (after customers and vehicles) rolls back everything."""
    dealership, history = small_demo
    real_bulk = repository._bulk

    def crash_at_repair_orders(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if table is t.repair_orders:
            raise RuntimeError("simulated crash")
        real_bulk(conn, table, rows)

    monkeypatch.setattr(repository, "_bulk", crash_at_repair_orders)
    with pytest.raises(RuntimeError, match="simulated crash"), engine.begin() as conn:
        dealer_id = save_dealership(conn, dealership)
        save_history(conn, dealer_id, history)
    with engine.connect() as conn:
        for table in (t.dealers, t.staff, t.customers, t.vehicles):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_dealers_are_kept_apart(engine: Engine, small_demo: tuple[Dealership, ServiceHistory]) -> None:
    dealership, history = small_demo
    other = replace(dealership, dealer=replace(dealership.dealer, code="GZ-02", name="Second dealer"))
    extra = Customer("C999999", "张伟", "13800000000")
    with engine.begin() as conn:
        a = save_dealership(conn, dealership)
        save_history(conn, a, history)
        b = save_dealership(conn, other)
        save_history(conn, b, ServiceHistory((extra,), (), ()))
    with engine.connect() as conn:
        with pytest.raises(DealerNotFound, match="several dealers"):
            find_dealer_id(conn)
        assert find_dealer_id(conn, "GZ-02") == b
        assert load_history(conn, b).customers == (extra,)
        assert len(load_history(conn, a).customers) == len(history.customers)
        # the same customer number may exist at two dealers
        with engine.begin() as w:
            save_history(w, b, ServiceHistory((replace(history.customers[0], name="另一位"),), (), ()))
    with engine.begin() as conn:
        delete_dealer(conn, a)
    with engine.connect() as conn:
        assert find_dealer_id(conn) == b
        assert conn.execute(select(func.count()).select_from(t.repair_orders)).scalar_one() == 0


def test_same_dealer_code_twice_is_refused(engine: Engine, small_demo: tuple[Dealership, ServiceHistory]) -> None:
    dealership, _ = small_demo
    with engine.begin() as conn:
        save_dealership(conn, dealership)
    with pytest.raises(DealerExists, match="already exists"), engine.begin() as conn:
        save_dealership(conn, dealership)
    with engine.begin() as conn:
        save_dealership(conn, dealership, replace=True)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.dealers)).scalar_one() == 1


def test_naive_datetimes_are_refused(engine: Engine, small_demo: tuple[Dealership, ServiceHistory]) -> None:
    from datetime import datetime

    from sqlalchemy import insert

    dealership, _ = small_demo
    with pytest.raises(StatementError, match="timezone-aware"), engine.begin() as conn:
        dealer_id = save_dealership(conn, dealership)
        conn.execute(insert(t.appointments).values(
            dealer_id=dealer_id, appointment_no="A", vehicle_id=1, customer_id=1, created_at=datetime(2026, 1, 1),
            slot_start=datetime(2026, 1, 1), origin="passive", status="booked"))
