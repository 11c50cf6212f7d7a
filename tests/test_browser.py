"""The app in a real browser: Playwright drives the machine's Chromium (Debian's package;
nothing is downloaded) against `streamlit run` on localhost, through the agent's booking
flow, the what-if dashboard and the welcome board, saving screenshots.

Screenshots go to $PLANNER_SCREENSHOTS (default: a temporary folder). Without Chromium the
tests skip, unless $PLANNER_BROWSER_REQUIRED is set (as `.ci/run` does): then they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.storage import open_database
from planner.storage import tables as t
from planner.storage.db import copy_sqlite

ROOT = Path(__file__).parent.parent
CHROMIUM = os.environ.get("PLANNER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

if not CHROMIUM:
    if os.environ.get("PLANNER_BROWSER_REQUIRED"):
        raise RuntimeError("the browser tests must run here, but no Chromium was found (see .ci/chromium.sh)")
    pytest.skip("no Chromium on this machine (bash .ci/chromium.sh installs it)", allow_module_level=True)

if os.environ.get("PLANNER_BROWSER_REQUIRED"):
    import playwright.sync_api as sync_api  # in CI a missing Playwright is a failure, not a skip
else:
    sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def db(small_demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small demo, or of $PLANNER_BROWSER_DB (the README's screenshots use the
    full demo: `PLANNER_BROWSER_DB=data/planner.db PLANNER_SCREENSHOTS=docs/screenshots`)."""
    source = Path(os.environ.get("PLANNER_BROWSER_DB") or small_demo_db)
    return copy_sqlite(source, tmp_path_factory.mktemp("browser") / "app.db")


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port, as `make run` starts it."""
    port = _free_port()
    env = {**os.environ, "PLANNER_DB_URL": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("PLANNER_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


def _settled(page: object) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)


def _open(browser: object, url: str) -> object:
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    _settled(page)
    return page


def test_the_agent_books_in_the_browser(server: str, browser: object, db: Path, shots: Path) -> None:
    engine = open_database(db)
    with engine.connect() as conn:
        plate = conn.execute(select(t.vehicles.c.plate).order_by(t.vehicles.c.id).limit(1)).scalar_one()
        op = conn.execute(select(t.operations.c.name_zh).where(t.operations.c.category == "maintenance")
                          .order_by(t.operations.c.op_code).limit(1)).scalar_one()
    page = _open(browser, f"{server}/desk")
    assert page.inner_text("h1") == "预约登记"  # type: ignore[attr-defined]
    page.get_by_label("查找客户（车牌、电话或姓名）").fill(plate)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    _settled(page)
    page.get_by_text("到期提醒").wait_for()  # type: ignore[attr-defined]
    ops = page.locator('[data-testid="stMultiSelect"]').filter(has_text="维修保养项目")  # type: ignore[attr-defined]
    ops.locator("input").fill(op)
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    _settled(page)
    page.get_by_text("预估合计").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="查找可约时段").click()  # type: ignore[attr-defined]
    _settled(page)
    page.get_by_text("建议时段").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "desk-options.png"), full_page=True)  # type: ignore[attr-defined]
    page.get_by_role("button", name="保留 5 分钟").click()  # type: ignore[attr-defined]
    _settled(page)
    page.get_by_text("已保留").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="确认预约").click()  # type: ignore[attr-defined]
    _settled(page)
    page.get_by_text("预约成功").wait_for()  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "desk-booked.png"), full_page=True)  # type: ignore[attr-defined]
    text = page.get_by_text("预约成功").inner_text()  # type: ignore[attr-defined]
    number = text.split("：")[1].split("，")[0]
    with engine.connect() as conn:
        status = conn.execute(select(t.appointments.c.status).where(t.appointments.c.appointment_no == number))
        assert status.scalar_one() == "booked"
    page.close()  # type: ignore[attr-defined]


def test_the_manager_sees_the_what_if_in_the_browser(server: str, browser: object, shots: Path) -> None:
    page = _open(browser, f"{server}/whatif")
    page.get_by_text("现状").first.wait_for(timeout=90_000)  # type: ignore[attr-defined]
    page.wait_for_selector("canvas, svg.marks", timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # let the charts draw
    page.screenshot(path=str(shots / "whatif.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.get_by_text("产能利用率").count() >= 1  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["overview", "outreach", "board", "report"])
def test_pages_open_without_errors_in_the_browser(server: str, browser: object, shots: Path, path: str) -> None:
    page = _open(browser, f"{server}/{path}")
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    _settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / f"{path}.png"), full_page=True)  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
