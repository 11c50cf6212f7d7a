"""The Streamlit app, run headless with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent.parent / "app.py")


def test_summary_page_in_chinese_and_english(small_demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_DB_URL", str(small_demo_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "售后产能规划"
    assert any("深圳鹏程" in h.value for h in at.subheader)
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "After-sales capacity planner"
    labels = {m.label for m in at.metric}
    assert {"Time zone", "Booking grid", "Appointment share"} <= labels


def test_empty_database_shows_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_DB_URL", str(tmp_path / "empty.db"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "planner demo" in at.warning[0].value
