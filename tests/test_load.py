"""Peaks and valleys: capacity from the roster, the intake mix, load ratios and labels."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.domain import (
    Absence,
    AbsenceKind,
    Bay,
    BayOutage,
    BayType,
    Dealer,
    DealerCalendar,
    Dealership,
    Grade,
    OpeningHours,
    Shift,
    Skill,
    Technician,
    TimeRange,
    WeeklyRoster,
)
from planner.forecast.load import (
    PEAK_AT,
    VALLEY_BELOW,
    LoadLabel,
    capacity_for_arrivals,
    estimate_mix,
    hourly_capacity,
    label_of,
)

OPEN = TimeRange(time(8, 30), time(18, 0))
SHIFT = Shift(time(8, 30), time(17, 30), (TimeRange(time(12, 0), time(13, 0)),))
MONDAY = date(2026, 11, 23)


def tiny_dealership(bays: int = 3) -> Dealership:
    roster = WeeklyRoster((SHIFT,) * 7)
    techs = (
        Technician("T1", "甲", frozenset({Skill.MAINTENANCE}), Grade.INTERMEDIATE, 1.0, roster),
        Technician("T2", "乙", frozenset({Skill.MAINTENANCE}), Grade.MASTER, 1.2, roster,
                   (Absence(MONDAY, MONDAY, AbsenceKind.TRAINING, TimeRange(time(8, 30), time(12, 0))),)),
    )
    bay_list = tuple(Bay(f"B{i}", f"Bay {i}", BayType.GENERAL_LIFT,
                         (BayOutage(date(2026, 11, 24), date(2026, 11, 24)),) if i > 0 else ())
                     for i in range(bays))
    return Dealership(Dealer("T", "Tiny", OpeningHours((OPEN,) * 7)), (), techs, bay_list, (), ())


def test_capacity_counts_presence_efficiency_breaks_absences_and_bays() -> None:
    d = tiny_dealership()
    cal = DealerCalendar(d.dealer)
    cap = hourly_capacity(d, cal, MONDAY, 2, (8, 9, 12, 13, 17))
    # Monday: T1 from 08:30 (half of hour 8); T2 in training until noon; nobody at lunch
    assert cap[0].tolist() == pytest.approx([0.5, 1.0, 0.0, 1.0 + 1.2, 0.5 + 0.6])
    # Tuesday: only one bay in service, so at most one technician-hour an hour
    assert cap[1].tolist() == pytest.approx([1.0, 1.0, 0.0, 1.0, 1.0])
    daily = hourly_capacity(d, cal, MONDAY, 1, (-1,))
    assert daily[0, 0] == pytest.approx(8 * 1.0 + 4.5 * 1.2)


def test_closed_days_have_no_capacity() -> None:
    d = tiny_dealership()
    assert hourly_capacity(d, DealerCalendar(d.dealer), date(2026, 10, 1), 1, (9, 10)).sum() == 0


def test_labels_at_their_thresholds() -> None:
    assert label_of(PEAK_AT) is LoadLabel.PEAK
    assert label_of(PEAK_AT - 0.01) is LoadLabel.NORMAL
    assert label_of(VALLEY_BELOW) is LoadLabel.NORMAL
    assert label_of(VALLEY_BELOW - 0.01) is LoadLabel.VALLEY


def test_capacity_serving_an_arrival_hour_spreads_over_the_next_hours() -> None:
    cap = np.array([[10.0, 20.0, 30.0, 40.0]])
    open_mask = np.array([[True, True, True, True]])
    out = capacity_for_arrivals(cap, open_mask)
    assert out[0, 0] == pytest.approx(0.3 * 10 + 0.5 * 20 + 0.2 * 30)
    assert out[0, 3] == pytest.approx(40.0)  # the last hour: its own capacity only
    assert out[0, 2] == pytest.approx((0.3 * 30 + 0.5 * 40) / 0.8)


def test_intake_mix_shrinks_quiet_hours_towards_the_overall_share() -> None:
    records = [(datetime(2026, 11, 16, 9, 5), True, 2.0)] * 40 + [(datetime(2026, 11, 16, 9, 30), False, 1.0)] * 40
    records += [(datetime(2026, 11, 16, 15, 0), True, 2.0)] * 2  # two booked arrivals at 15:00
    mix = estimate_mix(records, (9, 15), until=date(2026, 11, 20))
    overall = 42 / 82
    assert mix.appointment_share[0, 0] == pytest.approx((40 + 30 * overall) / (80 + 30))
    assert overall < mix.appointment_share[0, 1] < 1.0  # pulled towards the overall share, not 100%
    assert mix.hours_per_appointment == pytest.approx(2.0) and mix.hours_per_walk_in == pytest.approx(1.0)


def test_forecast_of_the_demo_dealer_splits_and_labels(small_demo_db: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "--db", str(small_demo_db), "--days", "2", "--json"]) == 0
    periods = json.loads(capsys.readouterr().out)["periods"]
    assert periods and all(p["label"] in ("peak", "normal", "valley") for p in periods)
    for p in periods:
        assert p["walk_ins"] + p["appointments"] == pytest.approx(p["arrivals"], abs=0.01)
        assert p["capacity_hours"] > 0 and p["labour_hours"] >= 0
    assert sum(p["labour_hours"] for p in periods) > 1
    assert main(["forecast", "--db", str(small_demo_db), "--start", "2026-09-28", "--days", "5", "--freq", "D",
                 "--json"]) == 0
    days = json.loads(capsys.readouterr().out)["periods"]
    assert [d["closed"] for d in days] == [False, False, False, True, True]  # National Day: closed
    assert days[0]["start"] == "2026-09-28T00:00:00+08:00"
    assert main(["--lang", "zh", "forecast", "--db", str(small_demo_db), "--days", "1"]) == 0
    text = capsys.readouterr().out
    assert "进厂预测" in text and ("高峰" in text or "正常" in text or "低谷" in text)
