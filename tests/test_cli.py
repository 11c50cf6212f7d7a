"""The command line, end to end: demo, import, info, and its error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    code, out, _ = run(capsys, "demo", "--db", db, "--seed", "5", "--today", "2026-11-26", "--vehicles", "200",
                       "--years", "1")
    assert code == 0 and "Built demo dealer SZ-PC01: 200 vehicles" in out
    code, out, _ = run(capsys, "info", "--db", db, "--json")
    info = json.loads(out)
    assert code == 0
    assert info["today"] == "2026-11-26" and info["counts"]["technicians"] == 30
    assert info["counts"]["vehicles"] == 200 and info["counts"]["repair_orders"] > 500
    assert info["repair_orders_to"] < "2026-11-26"
    code, out, _ = run(capsys, "--lang", "zh", "info", "--db", db)
    assert code == 0 and "维修技师" in out and "预约占比" in out


def test_demo_refuses_to_overwrite_without_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    args = ("demo", "--db", db, "--today", "2026-11-26", "--vehicles", "50", "--years", "1")
    assert run(capsys, *args)[0] == 0
    code, _, err = run(capsys, *args)
    assert code == 2 and "already exists in this database (use --replace)" in err
    assert run(capsys, *args, "--replace")[0] == 0


def test_info_on_an_empty_database_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "info", "--db", str(tmp_path / "empty.db"))
    assert code == 2 and "run `planner demo` or `planner import`" in err


def test_bad_date_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--db", str(tmp_path / "x.db"), "--today", "2026-13-01"])
    assert exc.value.code == 2
    assert "'2026-13-01' is not a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_import_example_and_report_errors_of_the_bad_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "imported.db")
    code, out, _ = run(capsys, "import", "--db", db, str(EXAMPLES / "dealer.toml"))
    assert code == 0 and "Imported dealer" in out
    code, _, err = run(capsys, "import", "--db", db, str(EXAMPLES / "bad" / "dealer.toml"))
    assert code == 2
    assert "vehicles.csv row 7, column sale_date" in err
    code, out, _ = run(capsys, "info", "--db", db, "--json")
    assert json.loads(out)["counts"]["repair_orders"] > 0


def test_python_dash_m_planner_runs(small_demo_db: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "planner", "info", "--db", str(small_demo_db), "--json"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["code"] == "SZ-PC01"
