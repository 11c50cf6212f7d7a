"""Shared fixtures: databases (SQLite always, PostgreSQL when PLANNER_TEST_PG_URL is set)
and demo dealerships built once per session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from planner.demo import DemoSize, build_demo, write_demo
from planner.domain import Dealership, ServiceHistory
from planner.storage import open_database

TODAY = date(2026, 11, 26)
SMALL = DemoSize(vehicles=300, history_years=1)
PG_URL = os.environ.get("PLANNER_TEST_PG_URL")


def _pg_engine() -> Iterator[Engine]:
    """A fresh schema in the test PostgreSQL server, dropped afterwards."""
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    from planner.storage import migrate

    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        eng = open_database(tmp_path / "planner.db")
        yield eng
        eng.dispose()
    else:
        if not PG_URL:
            pytest.skip("PLANNER_TEST_PG_URL is not set (.ci/run sets it after starting PostgreSQL)")
        yield from _pg_engine()


@pytest.fixture(scope="session")
def small_demo() -> tuple[Dealership, ServiceHistory]:
    """A small reference dealership (300 vehicles, one year) for storage and CLI tests."""
    return build_demo(7, TODAY, SMALL)


@pytest.fixture(scope="session")
def full_demo() -> tuple[Dealership, ServiceHistory]:
    """The full reference dealership, built in memory once per session."""
    return build_demo(1, TODAY)


@pytest.fixture(scope="session")
def small_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the small demo (read-only use)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    write_demo(open_database(path), 7, TODAY, SMALL)
    return path
