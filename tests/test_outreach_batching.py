"""Campaign batches (R24, R28): the desk's capacity holds, bookings land in the valleys."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.outreach.batching import BatchSettings, LoadCurve, PlanMetrics, TargetGroup, plan_batches

START = date(2026, 11, 30)


def curve(base: list[float], cap: float = 100.0) -> LoadCurve:
    return LoadCurve(START, np.array(base, dtype=float), np.full(len(base), cap), np.ones(len(base), dtype=bool))


def group(n: int, key: str = "g", conversion: float = 0.5, hours: float = 2.0, priority: int = 3) -> TargetGroup:
    return TargetGroup(key, tuple(f"{key}{i:04d}" for i in range(n)), conversion, conversion / 3, hours, priority)


def days(n: int) -> list[date]:
    return [START + timedelta(days=i) for i in range(n)]


LAG_2 = np.array([0.0, 0.0, 1.0])  # every booking comes two days after the call


def test_calls_stay_within_the_desk_and_everyone_is_contacted_once() -> None:
    plan = plan_batches([group(130, "a"), group(70, "b")], curve([60.0] * 14), days(10), LAG_2,
                        BatchSettings(calls_per_day=25, seconds=5))
    contacted = [c for cs in plan.schedule.values() for c in cs]
    assert len(contacted) == len(set(contacted)) == 200
    assert max(len(cs) for cs in plan.schedule.values()) <= 25
    assert plan.planned.max_calls_per_day <= 25 and plan.planned.calls_over_capacity == 0
    assert plan.not_planned == ()


def test_customers_beyond_the_desks_capacity_are_reported_not_planned() -> None:
    plan = plan_batches([group(300)], curve([60.0] * 8), days(5), LAG_2, BatchSettings(calls_per_day=40, seconds=5))
    assert len(plan.not_planned) == 100
    assert sum(len(cs) for cs in plan.schedule.values()) == 200


def test_bookings_are_steered_into_the_valleys() -> None:
    # days 2-5 are already full; days 6-11 have room: calls on days 0-3 would land on the peak
    base = [60.0, 60.0, 110.0, 110.0, 110.0, 110.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0, 60.0, 60.0]
    plan = plan_batches([group(100)], curve(base), days(10), LAG_2, BatchSettings(calls_per_day=30, seconds=5))
    early = sum(len(plan.schedule[d]) for d in days(4)[2:4])  # would land on days 4-5
    assert early == 0
    assert plan.planned.added_overload_hours == pytest.approx(0.0, abs=1e-6)
    assert plan.at_once.added_overload_hours > 0
    assert plan.desk_speed.added_overload_hours > 0
    assert plan.planned.peak_added_overload_hours < plan.at_once.peak_added_overload_hours


def test_urgent_customers_are_contacted_first_when_load_does_not_mind() -> None:
    plan = plan_batches([group(20, "urgent", priority=1), group(20, "later", priority=5)], curve([10.0] * 12),
                        days(6), LAG_2, BatchSettings(calls_per_day=20, seconds=5))
    first = plan.schedule[START]
    assert all(c.startswith("urgent") for c in first) and len(first) == 20


def test_a_bad_group_is_refused() -> None:
    with pytest.raises(ValueError, match="conversion"):
        TargetGroup("g", ("c",), 1.5, 0.1, 1.0)
    with pytest.raises(ValueError, match="desk day"):
        plan_batches([group(3)], curve([1.0] * 5), [], LAG_2)


@settings(max_examples=15, deadline=None)
@given(base=st.lists(st.floats(20, 100), min_size=12, max_size=12), n=st.integers(10, 120),
       calls=st.integers(10, 40), lag=st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_the_plan_never_adds_more_overload_than_working_the_list_at_full_speed(
        base: list[float], n: int, calls: int, lag: list[float]) -> None:
    pmf = np.array(lag) + 1e-3
    pmf /= pmf.sum()
    plan = plan_batches([group(n)], curve(base), days(6), pmf, BatchSettings(calls_per_day=calls, seconds=5))
    assert plan.planned.max_calls_per_day <= calls
    if plan.status == "OPTIMAL" and not plan.not_planned:
        # the objective in hours (no day is over before the campaign, so every hour over
        # weighs the same; the worst day counts twice at 0.2), with slack for the model's
        # milli-hour rounding
        def cost(m: PlanMetrics) -> float:
            return m.added_overload_hours + 0.4 * m.peak_added_overload_hours

        assert cost(plan.planned) <= cost(plan.desk_speed) + 0.05 * len(base)
