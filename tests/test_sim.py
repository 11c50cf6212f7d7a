"""The simulation's own logic: hand-checked tiny days, conservation, demand, policies."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.domain import (
    Bay,
    BayType,
    Dealership,
    PartRequirement,
    Skill,
    WalkInReserve,
    work_request,
)
from planner.sim.demand import DemandProfile, Need, PastVisit, generate_demand
from planner.sim.measures import measure, outcome_counts
from planner.sim.policies import FirstAvailable, PlannerPolicy, Policy, WalkInOnly
from planner.sim.run import SimInputs, simulate, table
from planner.sim.settings import SimSettings
from planner.sim.workshop import DAY, Outcome, Workshop
from planner.solver.settings import Preference
from tests.solver_instances import DEC1, SHANGHAI, advisor, dealerships, make_dealer, operation, part, technician

OIL = operation("OIL", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE)
PAD = operation("PAD", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, (PartRequirement("P1", 1),))


def tiny(stock: int = 5, orders: tuple[tuple[int, date], ...] = ()) -> Dealership:
    """One technician (08:30-17:30, lunch 12-13), one quick bay, one advisor, open 08:30-18:00."""
    return Dealership(make_dealer(), (advisor("SA1"),), (technician("T1", {Skill.MAINTENANCE}),),
                      (Bay("Q1", "Quick 1", BayType.QUICK_SERVICE),), (OIL, PAD), (part("P1", stock, orders),))


def need(n: int, hhmm: str, *, day: date = DEC1, effort: float = 1.0, op: str = "OIL", books: bool = False,
         lead: int = 1, flex: int = 0, no_show: bool = False, returns: bool = False, late: int = 0,
         prefer: frozenset[Preference] = frozenset()) -> Need:
    t = time.fromisoformat(hhmm)
    return Need(need_id=n, day=day, walk_in_minute=t.hour * 60 + t.minute, books_ahead=books, lead_days=lead,
                call_minute=10 * 60, flex_days=flex, prefer=prefer, work=work_request([OIL if op == "OIL" else PAD]),
                effort=(effort,), late_minutes=late, no_show=no_show, write_up=1.0, returns=returns)


def run(needs: list[Need], days: int = 1, policy: Policy | None = None, dealership: Dealership | None = None,
        start: date = DEC1) -> Workshop:
    shop = Workshop(dealership or tiny(), tuple(needs), policy or WalkInOnly(), start, days, SimSettings())
    shop.run()
    return shop


def clock(day_index: int, hhmm: str) -> float:
    t = time.fromisoformat(hhmm)
    return day_index * DAY + t.hour * 60 + t.minute


# -- a hand-checked day -----------------------------------------------------------------------


def test_a_hand_checked_morning_queue_and_lunch_pause() -> None:
    """A walks in at 09:00: write-up 15 min, work 09:15-10:15. B at 09:05 waits for the advisor
    until 09:15, is written up by 09:30, waits for the technician until 10:15, done 11:15.
    C at 11:00 needs 1.5 h: 11:15-12:00, lunch on the bay, 13:00-13:45."""
    shop = run([need(1, "09:00"), need(2, "09:05"), need(3, "11:00", effort=1.5)])
    a, b, c = shop.visits
    assert (a.waits, a.admitted, a.done) == ([0.0], clock(0, "09:15"), clock(0, "10:15"))
    assert (b.waits, b.admitted, b.done) == ([10.0], clock(0, "09:30"), clock(0, "11:15"))
    assert (c.waits, c.done) == ([0.0], clock(0, "13:45"))
    assert all(v.outcome is Outcome.SERVED for v in shop.visits)
    log = shop.tech_log[("T1", 0)]
    assert log.rostered == 8 * 60  # 08:30-17:30 less lunch
    assert log.busy == pytest.approx(60 + 60 + 90)
    assert log.overtime == 0


def test_work_within_the_overtime_cap_is_finished_after_the_shift() -> None:
    """16:00 walk-in, written up by 16:15, 2 h of work: 75 min in the shift, 45 min overtime."""
    shop = run([need(1, "16:00", effort=2.0)])
    assert shop.visits[0].done == clock(0, "18:15")
    assert shop.tech_log[("T1", 0)].overtime == pytest.approx(45)


def test_work_beyond_the_overtime_cap_is_carried_to_the_next_day() -> None:
    """3 h of work from 16:15: 75 min today, the other 105 min from 08:30 tomorrow."""
    shop = run([need(1, "16:00", effort=3.0)], days=2)
    visit = shop.visits[0]
    assert visit.done == clock(1, "10:15")
    assert shop.tech_log[("T1", 0)].overtime == 0
    assert shop.tech_log[("T1", 1)].busy == pytest.approx(105)


def test_a_walk_in_the_workshop_cannot_start_today_is_turned_away() -> None:
    """X (4 h) starts 15:15; Y at 15:30 finds 4 h waiting against 2 h left plus 1 h overtime."""
    shop = run([need(1, "15:00", effort=4.0), need(2, "15:30")], days=2)
    x, y = shop.visits
    assert y.turned_away and y.outcome is Outcome.TURNED_AWAY
    assert x.outcome is Outcome.SERVED


def test_a_turned_away_walk_in_who_returns_is_served_the_next_day() -> None:
    shop = run([need(1, "15:00", effort=4.0), need(2, "15:30", returns=True)], days=2)
    y = shop.visits[1]
    assert y.turned_away and y.outcome is Outcome.SERVED
    assert y.arrivals == [clock(0, "15:30"), clock(1, "15:30")]


def test_the_same_walk_in_is_served_when_the_workshop_is_free() -> None:
    shop = run([need(2, "15:30")], days=1)
    assert not shop.visits[0].turned_away and shop.visits[0].outcome is Outcome.SERVED


def test_a_missing_part_holds_the_car_until_the_order_arrives() -> None:
    """Out of stock, a purchase order due the day after tomorrow: the car waits, then the job
    runs from 08:30 that day."""
    shop = run([need(1, "09:00", op="PAD")], days=3, dealership=tiny(stock=0, orders=((2, DEC1 + timedelta(days=2)),)))
    visit = shop.visits[0]
    assert visit.parts_delayed
    assert visit.done == clock(2, "09:30")
    assert shop.stock.on_hand["P1"] == 1


def test_a_part_on_the_shelf_is_taken_and_reordered_at_night() -> None:
    shop = run([need(1, "09:00", op="PAD")], days=1, dealership=tiny(stock=1))
    assert not shop.visits[0].parts_delayed
    assert shop.stock.on_hand["P1"] == 0
    assert shop.stock.incoming == [(DEC1 + timedelta(days=2), "P1", 1)]


def test_booked_customers_are_received_first() -> None:
    """Tomorrow's first free time is 08:30; the booked customer comes 15 minutes late (08:45).
    The advisor writes up the 08:35 walk-in until 08:50, then takes the appointment (8 min)
    before the walk-in who has waited since 08:40."""
    tomorrow = DEC1 + timedelta(days=1)
    shop = run([need(1, "08:35", day=tomorrow), need(2, "08:40", day=tomorrow),
                need(3, "10:00", day=tomorrow, books=True, lead=1, late=15)], days=2, policy=FirstAvailable(tiny()))
    first, second, booked = shop.visits
    assert booked.booked is not None and booked.booked.minute == 8 * 60 + 30
    assert booked.waits == [5.0]
    assert first.waits == [0.0] and second.waits == [18.0]


def test_an_early_customer_is_counted_from_opening() -> None:
    """Booked for 08:30 and 20 minutes early: arrives at opening, not before it."""
    tomorrow = DEC1 + timedelta(days=1)
    shop = run([need(1, "10:00", day=tomorrow, books=True, lead=1, late=-20)], days=2, policy=FirstAvailable(tiny()))
    assert shop.visits[0].arrivals == [clock(1, "08:30")]


def test_work_in_progress_counts_what_is_left_when_deciding_to_turn_away() -> None:
    """T1 has worked on a 10 h car since 08:45; at 15:30 about 4 h of it are left. T2 is free,
    so the 15:30 walk-in is taken (counting the effort left at lunch would refuse it)."""
    two = replace(tiny(), technicians=(technician("T1", {Skill.MAINTENANCE}), technician("T2", {Skill.MAINTENANCE})))
    shop = run([need(1, "08:30", effort=10.0), need(2, "15:30")], days=2, dealership=two)
    assert not shop.visits[1].turned_away and shop.visits[1].outcome is Outcome.SERVED


def test_no_show_never_arrives_and_holds_its_slot() -> None:
    policy = FirstAvailable(tiny())
    shop = run([need(1, "10:00", day=DEC1 + timedelta(days=1), books=True, no_show=True)], days=2, policy=policy)
    visit = shop.visits[0]
    assert visit.booked is not None and visit.arrivals == []
    assert visit.outcome is Outcome.NO_SHOW


# -- policies --------------------------------------------------------------------------------


def test_first_available_books_the_first_free_time_and_the_planner_keeps_the_walk_in_reserve() -> None:
    """The first free time tomorrow is 08:30; the planner keeps the only technician free for
    walk-ins all morning, so it offers the afternoon."""
    tomorrow = DEC1 + timedelta(days=1)
    first = FirstAvailable(tiny())
    morning_reserve = WalkInReserve({tomorrow: tuple(1 if 8 <= h < 12 else 0 for h in range(24))})
    planner = PlannerPolicy(tiny(), morning_reserve, None)
    earliest = datetime.combine(tomorrow, time(8, 30), tzinfo=SHANGHAI)
    for policy in (first, planner):
        policy.new_day(DEC1, {"P1": 5}, [])
    a = first.book(need(1, "10:00", day=tomorrow, books=True), earliest, tomorrow)
    b = planner.book(need(1, "10:00", day=tomorrow, books=True), earliest, tomorrow)
    assert a is not None and (a.day, a.minute) == (tomorrow, 8 * 60 + 30)
    assert b is not None and b.day == tomorrow and b.minute >= 12 * 60


def test_the_planner_does_not_book_before_a_missing_part_arrives_but_first_available_does() -> None:
    due = DEC1 + timedelta(days=3)
    shop = tiny(stock=0, orders=((1, due),))
    first, planner = FirstAvailable(shop), PlannerPolicy(shop, None, None)
    earliest = datetime.combine(DEC1 + timedelta(days=1), time(8, 30), tzinfo=SHANGHAI)
    for policy in (first, planner):
        policy.new_day(DEC1, {"P1": 0}, [(due, "P1", 1)])
    wanted = need(1, "10:00", day=DEC1 + timedelta(days=1), books=True, op="PAD", flex=5)
    a = first.book(wanted, earliest, DEC1 + timedelta(days=6))
    b = planner.book(wanted, earliest, DEC1 + timedelta(days=6))
    assert a is not None and a.day == DEC1 + timedelta(days=1)
    assert b is not None and b.day >= due


def test_a_caller_with_a_morning_preference_gets_a_morning_from_first_available_when_there_is_one() -> None:
    tomorrow = DEC1 + timedelta(days=1)
    first = FirstAvailable(tiny())
    first.new_day(DEC1, {"P1": 5}, [])
    late = datetime.combine(tomorrow, time(11, 0), tzinfo=SHANGHAI)
    got = first.book(need(1, "10:00", day=tomorrow, books=True, prefer=frozenset({Preference.AFTERNOON})),
                     late, tomorrow)
    assert got is not None and got.minute >= 12 * 60


def test_walk_in_only_takes_no_booking() -> None:
    shop = run([need(1, "10:00", books=True)], policy=WalkInOnly())
    assert shop.visits[0].booked is None and shop.booking_calls == 0
    assert shop.visits[0].outcome is Outcome.SERVED


# -- conservation (property) -------------------------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Dealership, list[Need], str]:
    dealership = draw(dealerships(with_parts=True))
    needs = []
    for n in range(1, draw(st.integers(1, 25)) + 1):
        ops = draw(st.lists(st.sampled_from(dealership.operations), min_size=1, max_size=2, unique=True))
        work = work_request(ops)
        day = DEC1 + timedelta(days=draw(st.integers(0, 2)))
        needs.append(Need(
            need_id=n, day=day, walk_in_minute=draw(st.integers(9 * 60, 17 * 60)), books_ahead=draw(st.booleans()),
            lead_days=draw(st.integers(0, 3)), call_minute=draw(st.integers(9 * 60, 18 * 60)),
            flex_days=draw(st.integers(0, 3)), prefer=frozenset(), work=work,
            effort=tuple(draw(st.floats(0.5, 2.5)) for _ in work.jobs), late_minutes=draw(st.integers(-20, 40)),
            no_show=draw(st.booleans()), write_up=draw(st.floats(0.5, 2.0)), returns=draw(st.booleans())))
    return dealership, needs, draw(st.sampled_from(("walkin", "first-available", "planner")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_customer_is_served_turned_away_no_show_or_still_waiting(case: tuple[Dealership, list[Need], str]
                                                                        ) -> None:
    dealership, needs, name = case
    policy: Policy = (WalkInOnly() if name == "walkin" else FirstAvailable(dealership) if name == "first-available"
                      else PlannerPolicy(dealership, None, None))
    shop = run(needs, days=4, policy=policy, dealership=dealership)
    counts = outcome_counts(shop.visits)
    assert sum(counts.values()) == len(needs)  # everyone is somewhere, exactly once
    for v in shop.visits:
        assert v.outcome is not None
        if v.outcome is Outcome.SERVED:
            assert v.done is not None and v.arrivals and v.done >= v.arrivals[-1]
        if v.outcome is Outcome.NO_SHOW:
            assert not v.arrivals and v.need.no_show
        if v.outcome is Outcome.IN_WORKSHOP:
            assert v.admitted is not None and v.done is None
        if v.booked is not None:
            assert v.need.books_ahead and v.booked.day <= v.need.day + timedelta(days=v.need.flex_days)
        assert len(v.waits) <= len(v.arrivals)
    # cars still in the workshop are exactly the jobs queued, on a bay, or waiting for parts
    in_shop = {id(v) for v in shop.visits if v.outcome is Outcome.IN_WORKSHOP}
    queued = {id(j.visit) for j in shop.ready} | {id(j.visit) for j in shop.held.values()}
    assert queued <= in_shop
    assert all(n >= 0 for n in shop.bays_used.values())
    assert sum(shop.bays_used.values()) == len(shop.held)
    for log in shop.tech_log.values():
        assert 0 <= log.busy <= log.rostered + 1e-6 and log.overtime <= shop.settings.overtime_cap + 1e-6


# -- demand ---------------------------------------------------------------------------------


def _profile() -> DemandProfile:
    """Three past weeks around early December 2025, walk-ins at 09:00 and one booked visit a day."""
    visits = {}
    for i in range(42):
        d = date(2025, 11, 20) + timedelta(days=i)
        visits[d] = (PastVisit(datetime.combine(d, time(9, 0), tzinfo=SHANGHAI), False, ("OIL",)),
                     PastVisit(datetime.combine(d, time(14, 0), tzinfo=SHANGHAI), True, ("OIL", "GONE")),
                     *((PastVisit(datetime.combine(d, time(10, 0), tzinfo=SHANGHAI), False, ("GONE",)),)
                       if d.weekday() >= 5 else ()))
    return DemandProfile(visits, (1, 2, 3), 0.1)


def test_demand_replays_past_days_of_the_same_kind_and_is_the_same_for_a_seed() -> None:
    profile = _profile()
    a = generate_demand(profile, tiny(), DEC1, 7, SimSettings(), seed=3)
    b = generate_demand(profile, tiny(), DEC1, 7, SimSettings(), seed=3)
    assert a == b
    kept = [n for n in a if not n.no_show]
    assert len(kept) == 14  # two visits a day; the unknown operation is dropped, and so is a visit with nothing left
    assert all(n.books_ahead for n in a if n.no_show)  # bookings not kept are added for those who book
    for n in a:
        assert n.replays is not None and n.replays.weekday() == n.day.weekday()
        assert n.replays.year == 2025 and abs((n.replays - (n.day - timedelta(days=364))).days) <= 21
        assert n.work.op_codes == ("OIL",)
    booked = [n for n in kept if n.books_ahead]
    assert len(booked) == 7 and all(n.lead_days in (1, 2, 3) for n in booked)
    # a walk-in comes at their own time; a booked customer walking in comes when that day's walk-ins came
    assert all(n.walk_in_minute == 9 * 60 for n in a if not n.books_ahead)
    assert all(n.walk_in_minute in (9 * 60, 10 * 60) for n in booked)


def test_a_closed_day_has_no_demand() -> None:
    closed = replace(tiny(), dealer=replace(make_dealer(), opening_hours=replace(
        make_dealer().opening_hours, weekly=(*make_dealer().opening_hours.weekly[:6], None))))
    needs = generate_demand(_profile(), closed, DEC1, 7, SimSettings(), seed=1)
    assert needs and all(n.day.weekday() != 6 for n in needs)


def test_a_booked_share_setting_overrides_the_history() -> None:
    needs = generate_demand(_profile(), tiny(), DEC1, 28, replace(SimSettings(), booked_share=1.0), seed=1)
    assert all(n.books_ahead for n in needs)


def test_no_shows_are_added_at_the_historys_rate_not_taken_from_real_visits() -> None:
    profile = replace(_profile(), no_show_rate=0.2)
    needs = generate_demand(profile, tiny(), DEC1, 28 * 4, SimSettings(), seed=1)
    kept = [n for n in needs if not n.no_show]
    ghosts = [n for n in needs if n.no_show]
    bookers = sum(n.books_ahead for n in kept)
    assert len(kept) == 2 * 28 * 4  # every replayed visit happens
    # 0.2 of bookings not kept: r / (1 - r) = 0.25 extra per booker (binomial, 112 bookers)
    assert 0.12 < len(ghosts) / bookers < 0.40
    assert profile.booked_share == pytest.approx(42 / 96)  # 30 workdays x 2 visits, 12 weekend days x 3


def test_demand_needs_a_history() -> None:
    with pytest.raises(ValueError, match="past repair orders"):
        DemandProfile({}, (), 0.0)


# -- the comparison ------------------------------------------------------------------------------


def test_simulate_replays_the_same_demand_under_each_policy_and_measures_it() -> None:
    inputs = SimInputs(tiny(stock=50), _profile(), DEC1 - timedelta(days=1), DEC1)
    report = simulate(inputs, ("walkin", "first-available", "planner"), weeks=1, seed=2,
                      settings=replace(SimSettings(), warmup_days=1, tail_days=2))
    assert [m.policy for m in report.measures] == ["walkin", "first-available", "planner"]
    customers = {m.customers for m in report.measures}
    assert len(customers) == 1 and customers.pop() > 0
    for name, counts in report.outcomes.items():
        assert sum(counts.values()) == report.customers, name
    walkin, first, planner = report.measures
    assert walkin.booked == 0 and walkin.booking_calls == 0
    assert first.booked > 0 and planner.booked > 0
    text = table(report, "zh")
    assert "本系统" in text and "接待等待" in text
    json.dumps(report.as_json())


def test_measures_of_a_hand_checked_day() -> None:
    shop = run([need(1, "09:00"), need(2, "09:05"), need(3, "11:00", effort=1.5)])
    m = measure("walkin", shop.visits, shop.tech_log, DEC1, 0, 1, {0: (510, 1080)}, 3, 0, 0.0, 0.0)
    assert m.customers == 3 and m.walk_ins == 3
    assert m.wait_mean_min == pytest.approx(10 / 3)
    assert m.turnaround_mean_h == pytest.approx((75 + 130 + 165) / 3 / 60)
    assert m.same_day_share == 1.0
    # arrivals: two in the 09:00 hour, one at 11:00, none in the other 8 open hours (08:00-18:00)
    assert m.peak_to_mean_hourly == pytest.approx(2 / (3 / 10))
    assert m.utilisation == pytest.approx(210 / 480)


def test_unknown_policy_is_named() -> None:
    inputs = SimInputs(tiny(), _profile(), DEC1, DEC1)
    with pytest.raises(ValueError, match="unknown policy 'greedy'"):
        simulate(inputs, ("greedy",), weeks=1)


# -- the command ---------------------------------------------------------------------------


def test_cli_simulate_json(small_demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "--db", str(small_demo_db), "--weeks", "1", "--policies", "walkin,planner",
                 "--seed", "4", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["policy"] for p in out["policies"]] == ["walkin", "planner"]
    for counts in out["outcomes"].values():
        assert sum(counts.values()) == out["customers_simulated"]
    assert out["measured_from"] == "2026-12-04"


def test_cli_simulate_table_and_bad_input(small_demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "zh", "simulate", "--db", str(small_demo_db), "--weeks", "1",
                 "--policies", "walkin"]) == 0
    assert "仅到店" in capsys.readouterr().out
    assert main(["simulate", "--db", str(small_demo_db), "--policies", "walkin,greedy"]) == 2
    assert "unknown policy 'greedy'" in capsys.readouterr().err
    assert main(["simulate", "--db", str(small_demo_db), "--walk-in-quantile", "1.5"]) == 2
    assert "--walk-in-quantile must be in [0, 1)" in capsys.readouterr().err


def test_a_booked_share_changes_who_books_and_nothing_else() -> None:
    base = generate_demand(_profile(), tiny(), DEC1, 14, SimSettings(), seed=5)
    more = generate_demand(_profile(), tiny(), DEC1, 14, replace(SimSettings(), booked_share=0.9), seed=5)
    def same(needs: tuple[Need, ...]) -> list[Need]:
        return [replace(n, books_ahead=False, need_id=0) for n in needs if not n.no_show]
    assert same(base) == same(more)
    assert sum(n.books_ahead for n in more) > sum(n.books_ahead for n in base)


# -- campaign batching (planner policy) -----------------------------------------------------------


def _campaign_shop() -> Dealership:
    from planner.domain import Campaign, CampaignKind

    return replace(tiny(), campaigns=(Campaign("WIN", "冬季关怀", "Winter care", CampaignKind.DEALER, DEC1,
                                               DEC1 + timedelta(days=13), "OIL"),))


def test_campaign_customers_are_contacted_within_the_desk_capacity_where_the_load_is_low() -> None:
    """Four campaign customers, one call a day, day 3 forecast full: nobody is called to land there."""
    from planner.outreach.batching import LoadCurve
    from planner.sim.campaigns import batch_contacts

    later = DEC1 + timedelta(days=5)
    campaign = [replace(need(i, "10:00", day=later, books=True), campaign="WIN") for i in range(1, 5)]
    needs = (*campaign, need(5, "10:00", books=True))
    base = np.full(14, 2.0)
    base[3] = 20.0  # the forecast alone fills day 3
    curve = LoadCurve(DEC1, base, np.full(14, 8.0), np.ones(14, dtype=bool))
    contacts = batch_contacts(needs, _campaign_shop(), curve, (0,), calls_per_day=1, show_rate=1.0,
                              last_day=DEC1 + timedelta(days=13))
    assert set(contacts) == {1, 2, 3, 4}  # the customer without a campaign is not batched
    assert len(set(contacts.values())) == 4  # one call a day
    assert DEC1 + timedelta(days=3) not in contacts.values()  # with same-day visits, day 3 gets none


def test_a_contacted_campaign_customer_books_from_the_contact_day_and_is_not_counted_as_pushed() -> None:
    wished = DEC1 + timedelta(days=1)
    customer = replace(need(1, "10:00", day=wished, books=True), campaign="WIN")
    contact = DEC1 + timedelta(days=2)
    shop = Workshop(_campaign_shop(), (customer,), PlannerPolicy(_campaign_shop(), None, None), DEC1, 14,
                    SimSettings(), {1: contact})
    shop.run()
    visit = shop.visits[0]
    assert visit.batched and visit.booked is not None
    assert contact <= visit.booked.day <= contact + timedelta(days=14)
    assert visit.outcome is Outcome.SERVED
    m = measure("planner", shop.visits, shop.tech_log, DEC1, 0, 14, {}, 0, 1, 0.0, 0.0)
    assert m.batched == 1 and m.pushed == 0
