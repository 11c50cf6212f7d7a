"""The demand the simulation replays: one stream of customers, the same under every policy.

Each simulated open day replays a real past day of the dealer's own history (a day
bootstrap): a day of the same kind (workday, weekend, adjusted workday), weekday and
distance to a long holiday, a year or two earlier within a few weeks of the same date.
Its repair orders become the day's customers, with their work, their arrival time and
whether they booked ahead. So the level, the mix, the intraday profile and the day-to-
day noise are the dealer's, not a model's. What the history cannot tell (flexibility,
lateness, how long the work really takes) is drawn here once, from `SimSettings`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np

from planner.domain import (
    Campaign,
    CampaignKind,
    DealerCalendar,
    Dealership,
    OperationCategory,
    WorkRequest,
    work_request,
)
from planner.sim.settings import SimSettings
from planner.solver.settings import Preference

PRE_HOLIDAY_DAYS = 5  # the days before a long closure are their own kind of day
POST_HOLIDAY_DAYS = 4


@dataclass(frozen=True)
class PastVisit:
    """A repair order as the simulation replays it (local arrival time)."""

    arrival: datetime
    from_appointment: bool
    op_codes: tuple[str, ...]


@dataclass(frozen=True)
class DemandProfile:
    """What the history says about demand: visits by local day, how far ahead people booked,
    and the share of bookings not kept."""

    visits: dict[date, tuple[PastVisit, ...]]
    lead_days: tuple[int, ...]
    no_show_rate: float

    @property
    def booked_share(self) -> float:
        """Share of past visits that came from an appointment."""
        n = sum(len(v) for v in self.visits.values())
        return sum(p.from_appointment for v in self.visits.values() for p in v) / n if n else 0.0

    def __post_init__(self) -> None:
        if not self.visits:
            raise ValueError("the simulation needs past repair orders to replay")
        if not 0 <= self.no_show_rate < 1:
            raise ValueError(f"the no-show rate must be in [0, 1), not {self.no_show_rate}")


@dataclass(frozen=True)
class Need:
    """One customer's visit: what the customer wants and how they behave, drawn once."""

    need_id: int
    day: date  # the day the customer wants to come
    walk_in_minute: int  # minute of the day they walk in (when they do)
    books_ahead: bool  # calls for an appointment when the dealer takes them
    lead_days: int  # ... this many days before the wished day
    call_minute: int
    flex_days: int  # accepts an appointment up to this many days after the wished day
    prefer: frozenset[Preference]
    work: WorkRequest
    effort: tuple[float, ...]  # real effort over standard hours, per job
    late_minutes: int  # arrival against a booked time (negative: early)
    no_show: bool  # a booking not kept: books and never comes (see `generate_demand`)
    write_up: float  # multiplies the advisor's write-up time
    returns: bool  # comes back the next open day if turned away
    campaign: str | None = None
    replays: date | None = None  # the past day this customer comes from


def day_key(calendar: DealerCalendar, long_starts: list[date], long_ends: list[date],
            day: date) -> tuple[str, int, int]:
    """What makes days alike for demand: kind, weekday, and distance to a long holiday
    (negative before it, positive after it, 0 far from one)."""
    distance = 0
    i = bisect_left(long_starts, day)
    if i < len(long_starts) and 0 < (long_starts[i] - day).days <= PRE_HOLIDAY_DAYS:
        distance = -(long_starts[i] - day).days
    j = bisect_left(long_ends, day) - 1
    if distance == 0 and j >= 0 and 0 < (day - long_ends[j]).days <= POST_HOLIDAY_DAYS:
        distance = (day - long_ends[j]).days
    return calendar.day_kind(day).value, day.weekday(), distance


class AnalogDays:
    """Finds the past day a simulated day replays."""

    def __init__(self, calendar: DealerCalendar, past_days: list[date], settings: SimSettings) -> None:
        first, last = min(past_days), max(past_days)
        periods = [p for p in calendar.holiday_periods(first - timedelta(days=30), last + timedelta(days=400))
                   if p.is_long]
        self.calendar = calendar
        self.starts = [p.days.start for p in periods]
        self.ends = [p.days.end for p in periods]
        self.window = settings.analog_weeks * 7
        self.by_key: dict[tuple[str, int, int], list[date]] = defaultdict(list)
        for d in sorted(past_days):
            self.by_key[self.key(d)].append(d)
        self.by_weekday: dict[int, list[date]] = defaultdict(list)
        for d in sorted(past_days):
            self.by_weekday[d.weekday()].append(d)

    def key(self, day: date) -> tuple[str, int, int]:
        return day_key(self.calendar, self.starts, self.ends, day)

    def _near(self, days: list[date], day: date) -> list[date]:
        out: list[date] = []
        for years in (1, 2, 3):
            centre = day - timedelta(days=364 * years)  # 52 weeks: the same weekday
            out.extend(d for d in days if abs((d - centre).days) <= self.window)
        return out

    def choose(self, day: date, rng: np.random.Generator) -> date | None:
        """A past day like `day`: same key near the same date, else the same key any time,
        else the same weekday near the same date, else any past day of that weekday."""
        key = self.key(day)
        same = self.by_key.get(key, [])
        loose = self.by_key.get((key[0], key[1], 0), [])
        weekday = self.by_weekday[day.weekday()]
        for pool in (self._near(same, day), same, self._near(loose, day), self._near(weekday, day), weekday):
            if pool:
                return pool[int(rng.integers(len(pool)))]
        return None


def _active_campaign(campaigns: tuple[Campaign, ...], day: date) -> Campaign | None:
    for c in campaigns:
        if c.kind is CampaignKind.DEALER and c.start <= day <= c.end:
            return c
    return None


def generate_demand(profile: DemandProfile, dealership: Dealership, start: date, days: int,
                    settings: SimSettings, seed: int) -> tuple[Need, ...]:
    """Customers wishing to come on each open day from `start` for `days` days (pure,
    deterministic for a seed). Operations the catalogue no longer has are dropped.

    A repair order is a visit that happened; a booking that was not kept left none. So
    no-shows are added, not taken out: for every customer who books ahead, a booking that
    will not be kept (same wishes, `no_show`) is added with probability r / (1 - r), r the
    history's no-show rate. Under walk-in only these customers simply never come."""
    rng = np.random.default_rng([seed, 8])
    calendar = DealerCalendar(dealership.dealer)
    analogs = AnalogDays(calendar, list(profile.visits), settings)
    flex_values = np.array([d for d, _ in settings.flex_days])
    flex_p = np.array([p for _, p in settings.flex_days], dtype=float)
    flex_p /= flex_p.sum()
    leads = np.array(profile.lead_days or (1,))
    ghost_rate = profile.no_show_rate / (1 - profile.no_show_rate)
    known = {op.op_code: op for op in dealership.operations}
    out: list[Need] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        hours = calendar.hours_on(day) if calendar.is_open(day) else None
        if hours is None:
            continue
        opens = hours.start.hour * 60 + hours.start.minute
        closes = hours.end.hour * 60 + hours.end.minute
        past = analogs.choose(day, rng)
        if past is None:
            continue
        visits = profile.visits[past]
        walk_minutes = [v.arrival.hour * 60 + v.arrival.minute for v in visits if not v.from_appointment]
        campaign = _active_campaign(dealership.campaigns, day)
        for v in visits:
            ops = [known[c] for c in dict.fromkeys(v.op_codes) if c in known]
            if not ops:
                continue
            minute = v.arrival.hour * 60 + v.arrival.minute
            if v.from_appointment and walk_minutes:  # a booked customer walking in comes when walk-ins do
                minute = walk_minutes[int(rng.integers(len(walk_minutes)))]
            minute = min(max(minute, opens), closes - 30)
            draw = rng.random()  # drawn either way, so a booked share changes nothing else in the stream
            books = v.from_appointment if settings.booked_share is None else bool(draw < settings.booked_share)
            roll = rng.random()
            prefer = (frozenset({Preference.MORNING}) if roll < settings.prefer_morning else
                      frozenset({Preference.AFTERNOON}) if roll < settings.prefer_morning + settings.prefer_afternoon
                      else frozenset())
            flex = int(rng.choice(flex_values, p=flex_p))
            code = None
            if campaign is not None and any(op.category is OperationCategory.CAMPAIGN for op in ops):
                code = campaign.code
                flex = max(flex, min(settings.campaign_window_days, (campaign.end - day).days))
            work = work_request(ops)
            effort = tuple(float(x) for x in np.exp(rng.normal(-settings.effort_sd ** 2 / 2, settings.effort_sd,
                                                               len(work.jobs))))
            ghost = rng.random() < ghost_rate  # drawn either way (the stream stays the same)
            need = Need(
                need_id=len(out) + 1, day=day, walk_in_minute=minute, books_ahead=books,
                lead_days=int(leads[int(rng.integers(len(leads)))]), call_minute=int(rng.integers(9 * 60, 18 * 60)),
                flex_days=flex, prefer=prefer, work=work, effort=effort,
                late_minutes=int(np.clip(round(rng.normal(settings.late_mean, settings.late_sd)), -30, 60)),
                no_show=False,
                write_up=float(np.exp(rng.normal(-settings.write_up_sd ** 2 / 2, settings.write_up_sd))),
                returns=bool(rng.random() < settings.return_share), campaign=code, replays=past)
            out.append(need)
            if books and ghost:
                out.append(replace(need, need_id=len(out) + 1, no_show=True))
    return tuple(out)
