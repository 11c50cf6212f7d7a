"""The Streamlit app, run headless with Streamlit's AppTest: every page in both languages,
the agent's whole booking flow into the database, and a what-if that moves the KPIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from planner.storage import find_dealer_id, open_database
from planner.storage import tables as t
from planner.storage.db import copy_sqlite

APP = str(Path(__file__).parent.parent / "app.py")
PAGES = tuple(f"app_pages/{name}.py" for name in ("overview", "desk", "whatif", "board", "forms", "report",
                                                  "confirmations", "outreach"))


@pytest.fixture
def db(small_demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the small demo, which the app is pointed at."""
    path = copy_sqlite(small_demo_db, tmp_path / "app.db")
    monkeypatch.setenv("PLANNER_DB_URL", str(path))
    return path


def app(page: str | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def test_summary_page_in_chinese_and_english(db: Path) -> None:
    at = app()
    assert not at.exception
    assert at.title[0].value == "售后产能规划"
    assert any("深圳鹏程" in h.value for h in at.subheader)
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "After-sales capacity planner"
    labels = {m.label for m in at.metric}
    assert {"Time zone", "Booking grid", "Appointment share"} <= labels


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(db: Path, page: str, lang: str) -> None:
    at = app(page, lang)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title


def test_the_agent_books_a_car_from_search_to_database(db: Path) -> None:
    engine = open_database(db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn)
        plate = conn.execute(select(t.vehicles.c.plate).order_by(t.vehicles.c.id).limit(1)).scalar_one()
        op = conn.execute(select(t.operations.c.op_code).where(t.operations.c.category == "maintenance")
                          .order_by(t.operations.c.op_code).limit(1)).scalar_one()
    at = app("app_pages/desk.py", "en")
    at.text_input(key="desk_query").input(plate).run()
    assert not at.exception and at.selectbox(key="desk_vin").value
    at.multiselect(key="desk_ops").set_value([op]).run()
    assert any(m.label == "Estimate" for m in at.metric)
    at.text_area(key="desk_concern").input("routine service").run()
    at.button(key="desk_find").click().run()
    assert not at.exception, at.exception
    assert at.radio(key="desk_pick").options, [w.value for w in at.warning]
    at.button(key="desk_hold_btn").click().run()
    assert any("Held as" in i.value for i in at.info), [e.value for e in at.error]
    at.button(key="desk_book_btn").click().run()
    assert not at.exception
    booked = at.session_state["desk_booked"]
    assert any(booked in s.value for s in at.success)
    with engine.connect() as conn:
        row = conn.execute(select(t.appointments.c.status, t.appointments.c.concern).where(
            (t.appointments.c.dealer_id == dealer_id) & (t.appointments.c.appointment_no == booked))).one()
    assert row.status == "booked" and row.concern == "routine service"


def test_a_what_if_change_moves_the_kpis(db: Path) -> None:
    at = app("app_pages/whatif.py", "en")
    before = {m.label: m.value for m in at.metric}
    at.slider(key="wi_surge").set_value(60).run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}
    assert after["Utilisation"] != before["Utilisation"]  # more walk-ins: more of the capacity used
    assert after["Bookings affected"] == "0"
    everyone = at.multiselect(key="wi_absent").options
    at.selectbox(key="wi_absent_day").set_value(at.selectbox(key="wi_absent_day").options[1]).run()
    at.multiselect(key="wi_absent").set_value(everyone).run()  # nobody at work tomorrow
    assert not at.exception
    absent = {m.label: m.value for m in at.metric}
    assert int(absent["Bookings affected"]) > 0
    assert at.dataframe  # the affected bookings and their repairs


def test_the_manager_re_plans_a_week_and_applies_it(db: Path) -> None:
    at = app("app_pages/whatif.py", "en")
    at.slider(key="rp_seconds").set_value(2).run()
    at.button(key="rp_run").click().run()
    assert not at.exception, at.exception
    labels = {m.label for m in at.metric}
    assert {"Peak hourly load", "Overtime (min)", "Moved / reassigned"} <= labels
    if any(b.key == "rp_apply" for b in at.button):
        at.button(key="rp_apply").click().run()
        assert not at.exception and any("bookings updated" in s.value for s in at.success)


def test_a_stale_re_plan_is_refused(db: Path) -> None:
    from datetime import timedelta

    from planner.booking.service import apply_replan
    from planner.errors import PlannerError
    from planner.storage import load_bookings

    engine = open_database(db)
    with engine.connect() as conn:
        dealer_id = find_dealer_id(conn)
        start = conn.execute(select(t.dealers.c.today)).scalar_one() + timedelta(days=1)
        book = load_bookings(conn, dealer_id, start, start + timedelta(days=6))
    assert book
    with pytest.raises(PlannerError, match="re-plan again"):
        apply_replan(engine, dealer_id, book[1:], book[:1])  # planned from a book that lacked one booking


def test_the_outreach_page_makes_the_days_tasks(db: Path) -> None:
    engine = open_database(db)
    with engine.connect() as conn:
        n = conn.execute(select(t.outreach_tasks.c.id)).all()
    at = app("app_pages/outreach.py", "en")
    at.button(key="out_make").click().run()
    assert not at.exception
    with engine.connect() as conn:
        assert len(conn.execute(select(t.outreach_tasks.c.id)).all()) > len(n)


def test_empty_database_shows_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_DB_URL", str(tmp_path / "empty.db"))
    at = app()
    assert not at.exception
    assert "planner demo" in at.warning[0].value
