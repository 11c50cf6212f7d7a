"""Compare booking policies on the same demand (pure: inputs in, a report out)."""

from __future__ import annotations

import time as clock
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.domain import Dealership, Lang, WalkInReserve
from planner.i18n import tr
from planner.outreach.batching import LoadCurve
from planner.sim.campaigns import batch_contacts
from planner.sim.demand import DemandProfile, Need, generate_demand
from planner.sim.measures import PolicyMeasures, measure, outcome_counts
from planner.sim.policies import FirstAvailable, PlannerPolicy, Policy, WalkInOnly
from planner.sim.settings import SimSettings
from planner.sim.workshop import Workshop

POLICIES = ("walkin", "first-available", "planner")


@dataclass(frozen=True)
class SimInputs:
    """What the simulation needs from a dealer's data."""

    dealership: Dealership
    profile: DemandProfile
    today: date
    start: date
    reserve: WalkInReserve | None = None  # the planner's walk-in reserve (from its forecast)
    expected: dict[date, tuple[float, ...]] | None = None  # ... and expected walk-in load
    curve: LoadCurve | None = None  # forecast labour and capacity per day (campaign batching)
    calls_per_day: int = 200  # the desk's outbound calls a day


@dataclass(frozen=True)
class SimReport:
    start: date
    weeks: int
    seed: int
    customers: int
    measures: tuple[PolicyMeasures, ...]
    outcomes: dict[str, dict[str, int]]
    settings: SimSettings = field(default_factory=SimSettings)

    def as_json(self) -> dict[str, Any]:
        first = self.start + timedelta(days=self.settings.warmup_days)
        return {
            "start": self.start.isoformat(), "measured_from": first.isoformat(),
            "measured_to": (first + timedelta(days=7 * self.weeks - 1)).isoformat(),
            "weeks": self.weeks, "seed": self.seed, "customers_simulated": self.customers,
            "policies": [m.as_json() for m in self.measures],
            "outcomes": self.outcomes,
            "settings": {k: v for k, v in asdict(self.settings).items()},
        }


def make_policy(name: str, inputs: SimInputs, settings: SimSettings) -> Policy:
    """A policy by its CLI name."""
    if name == "walkin":
        return WalkInOnly()
    if name == "first-available":
        return FirstAvailable(inputs.dealership)
    if name == "planner":
        reserve, expected = inputs.reserve, inputs.expected
        history = inputs.profile.booked_share
        if settings.booked_share is not None and history < 1:
            # the forecast learnt the history's walk-ins; with more booking ahead fewer walk in
            scale = (1 - settings.booked_share) / (1 - history)
            reserve = WalkInReserve({d: tuple(round(x * scale) for x in hours) for d, hours in reserve.by_day.items()}
                                    ) if reserve is not None else None
            expected = ({d: tuple(x * scale for x in hours) for d, hours in expected.items()}
                        if expected is not None else None)
        return PlannerPolicy(inputs.dealership, reserve, expected, settings.options)
    raise ValueError(f"unknown policy '{name}' (known: {', '.join(POLICIES)})")


def run_policy(name: str, inputs: SimInputs, needs: tuple[Need, ...], weeks: int,
               settings: SimSettings) -> tuple[PolicyMeasures, Workshop]:
    """One policy over the demand: the measures and the finished workshop."""
    started = clock.perf_counter()
    days = settings.warmup_days + 7 * weeks + settings.tail_days
    contacts: dict[int, date] = {}
    if name == "planner" and inputs.curve is not None:
        contacts = batch_contacts(needs, inputs.dealership, inputs.curve, inputs.profile.lead_days,
                                  inputs.calls_per_day, 1 - inputs.profile.no_show_rate,
                                  inputs.start + timedelta(days=days - 1))
    shop = Workshop(inputs.dealership, needs, make_policy(name, inputs, settings), inputs.start, days, settings,
                    contacts)
    visits = shop.run()
    first, last = settings.warmup_days, settings.warmup_days + 7 * weeks
    open_hours = {i: h for i in range(first, last) if (h := shop.hours(shop.day_of(i))) is not None}
    m = measure(name, visits, shop.tech_log, inputs.start, first, last, open_hours, settings.pushed_days,
                shop.booking_calls, shop.booking_seconds, clock.perf_counter() - started,
                getattr(shop.policy, "incomplete", 0))
    return m, shop


def simulate(inputs: SimInputs, policies: tuple[str, ...] = POLICIES, weeks: int = 8, seed: int = 1,
             settings: SimSettings | None = None) -> SimReport:
    """Every policy over the same seeded demand: `warmup_days`, then `weeks` measured, then
    `tail_days` without new demand so late bookings are served."""
    settings = settings or SimSettings()
    if weeks < 1:
        raise ValueError(f"simulate at least one week, not {weeks}")
    for name in policies:
        if name not in POLICIES:
            raise ValueError(f"unknown policy '{name}' (known: {', '.join(POLICIES)})")
    # demand runs through the tail too, so bookings pushed past the measured weeks meet walk-ins there
    needs = generate_demand(inputs.profile, inputs.dealership, inputs.start,
                            settings.warmup_days + 7 * weeks + settings.tail_days, settings, seed)
    measures = []
    outcomes = {}
    for name in policies:
        m, shop = run_policy(name, inputs, needs, weeks, settings)
        measures.append(m)
        outcomes[name] = {str(k): n for k, n in sorted(outcome_counts(shop.visits).items())}
    return SimReport(inputs.start, weeks, seed, len(needs), tuple(measures), outcomes, settings)


TABLE_ROWS: tuple[tuple[str, str], ...] = (
    ("customers", "{:d}"), ("booked", "{:d}"), ("wait_mean_min", "{:.1f}"), ("wait_p90_min", "{:.1f}"),
    ("turnaround_mean_h", "{:.1f}"), ("turnaround_p90_h", "{:.1f}"), ("same_day_share", "{:.1%}"),
    ("peak_to_mean_hourly", "{:.2f}"), ("p95_to_mean_hourly", "{:.2f}"), ("daily_load_cv", "{:.3f}"),
    ("utilisation", "{:.1%}"), ("overtime_h", "{:.1f}"), ("turned_away", "{:d}"), ("lost", "{:d}"),
    ("pushed", "{:d}"), ("no_slot", "{:d}"), ("batched", "{:d}"), ("parts_delayed", "{:d}"), ("no_shows", "{:d}"),
    ("booking_ms_mean", "{:.1f}"), ("incomplete_calls", "{:d}"), ("seconds", "{:.1f}"),
)


def table(report: SimReport, lang: Lang | str = Lang.EN) -> str:
    """The comparison as a Markdown table (one column per policy)."""
    names = [tr(f"sim.policy.{m.policy}", lang) for m in report.measures]
    lines = [f"| {tr('sim.measure', lang)} | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for key, fmt in TABLE_ROWS:
        label = tr(f"sim.{key}", lang, n=report.settings.pushed_days)
        cells = [fmt.format(getattr(m, key)) for m in report.measures]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
