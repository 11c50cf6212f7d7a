"""Proposals for the appointment agent: the k best arrival times the workshop can honour.

Every grid time of the window is a candidate. Each gets a cost from the soft objective
(`ScoringWeights`: load, the caller's preferences, how soon); the best feasible one of
each (day, part of day) is kept, so the k options are the k best distinct buckets:
spread across days and mornings/afternoons. When fewer buckets fit, the best remaining times fill up (at least
an hour apart). When nothing fits, the binding constraint is named and the earliest
arrival that works is searched beyond the window.
"""

from __future__ import annotations

import time as clock
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import islice

import numpy as np

from planner.domain import Booking, Lang, WorkRequest
from planner.forecast.load import LoadLabel, label_of
from planner.i18n import tr
from planner.solver.model import Placement
from planner.solver.search import (
    NEW,
    Failure,
    Fit,
    SearchStats,
    bookings_after,
    place,
    place_quick,
    place_with_model,
    placed_jobs,
)
from planner.solver.settings import NOON, Preference, ScoringWeights, SolverSettings
from planner.solver.snapshot import CapacitySnapshot, DayState, JobSlot, at_minute, minute_of

LOOKAHEAD_DAYS = 60  # how far past the window "earliest" is searched
MIN_GAP_MINUTES = 60  # options filling a bucket twice are at least this far apart
TRIES_PER_BUCKET = 2  # CP-SAT checks per (day, part of day) in the first sweep


@dataclass(frozen=True)
class SlotRequest:
    """A caller's request: the work, from when, for how many days, how many options."""

    work: WorkRequest
    earliest: datetime
    days: int = 14
    count: int = 5
    prefer: frozenset[Preference] = frozenset()
    booking_id: str = NEW
    plate: str = ""

    def __post_init__(self) -> None:
        if self.earliest.tzinfo is None:
            raise ValueError("the earliest arrival must be timezone-aware")
        if not 1 <= self.days <= 90:
            raise ValueError(f"the window must be 1 to 90 days, not {self.days}")
        if not 1 <= self.count <= 20:
            raise ValueError(f"ask for 1 to 20 options, not {self.count}")


@dataclass(frozen=True)
class Reason:
    """A reason in plain words, kept as a translation key and its values."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: Lang | str = Lang.EN) -> str:
        values = dict(self.values)
        if "part_zh" in values:  # names of parts are kept in both languages
            zh = values.pop("part_zh")
            if str(lang) == Lang.ZH.value:
                values["part"] = zh
        for k, v in list(values.items()):
            if k in ("skill", "bay_type"):
                values[k] = tr(f"{k.replace('bay_type', 'bay')}.{v}", lang)
        return tr(f"solver.{self.key}", lang, **values)


@dataclass(frozen=True)
class JobMove:
    """A booked job given to another technician or bay to make room."""

    booking_id: str
    seq: int
    technician_from: str
    technician_to: str
    bay_from: str
    bay_to: str


@dataclass(frozen=True)
class SlotOption:
    """One proposal: the booking as it would be made, why it is offered, what moves."""

    booking: Booking
    load_ratio: float
    label: LoadLabel
    cost: float
    reasons: tuple[Reason, ...]
    moves: tuple[JobMove, ...] = ()
    moved_bookings: tuple[Booking, ...] = ()  # other bookings as they would be after the moves

    @property
    def start(self) -> datetime:
        return self.booking.arrival

    @property
    def end(self) -> datetime:
        return self.booking.end


@dataclass(frozen=True)
class Unavailable:
    """No option in the window: what binds, and the earliest arrival that would work."""

    reasons: tuple[Reason, ...]
    earliest: SlotOption | None


@dataclass(frozen=True)
class Proposal:
    options: tuple[SlotOption, ...]
    unavailable: Unavailable | None
    complete: bool  # False when the time allowed ran out before every candidate was decided
    stats: SearchStats = field(default_factory=SearchStats)


@dataclass(frozen=True)
class Candidate:
    day: date
    minute: int
    cost: float
    load: float

    @property
    def bucket(self) -> tuple[date, bool]:
        return self.day, self.minute < NOON


# -- candidates and their cost ------------------------------------------------------------


def _work_minutes(request: WorkRequest) -> int:
    return max(1, round(request.standard_hours * 60))


def load_ratios(state: DayState, starts: np.ndarray, minutes: int) -> np.ndarray:
    """Booked work plus expected walk-ins over technicians at work, in the `minutes` after
    each start (the part of the day the job would run in)."""
    demand = np.concatenate(([0.0], np.cumsum(state.busy + state.walk_in_expected)))
    present = np.concatenate(([0.0], np.cumsum(state.present)))
    ends = np.minimum(starts + minutes, len(state.present))
    cap = present[ends] - present[starts]
    use = demand[ends] - demand[starts]
    return np.where(cap > 0, use / np.maximum(cap, 1.0), np.inf)


def _shift_end(state: DayState) -> int:
    """The minute the last technician of the day stops work (the day's closing if nobody works)."""
    working = np.flatnonzero(state.present)
    return int(working[-1]) + 1 if len(working) else state.closes


def candidates(snapshot: CapacitySnapshot, request: SlotRequest, weights: ScoringWeights,
               first: date, days: int) -> list[Candidate]:
    """Every grid arrival of the open days from `first` on which the parts are available,
    with its cost (lowest first)."""
    grid = snapshot.grid
    earliest_day, earliest_min = minute_of(request.earliest, snapshot.zone)
    out: list[Candidate] = []
    minutes = _work_minutes(request.work)
    for offset in range(days):
        day = first + timedelta(days=offset)
        if day < earliest_day:
            continue
        state = snapshot.day(day)
        if not state.is_open or not _parts_ok(snapshot, request, day):
            continue
        begin = -(-state.opens // grid) * grid  # the grid counts from midnight
        if day == earliest_day:
            begin = max(begin, -(-earliest_min // grid) * grid)
        starts = np.arange(begin, state.closes, grid)
        if len(starts) == 0:
            continue
        load = load_ratios(state, starts, minutes)
        weekend = day.weekday() >= 5
        day_miss = ((Preference.WEEKEND in request.prefer and not weekend)
                    or (Preference.WEEKDAY in request.prefer and weekend))
        morning = starts < NOON
        part_miss = np.zeros(len(starts), dtype=bool)
        if Preference.MORNING in request.prefer:
            part_miss |= ~morning
        if Preference.AFTERNOON in request.prefer:
            part_miss |= morning
        overrun = np.maximum(0.0, starts + minutes * weights.overrun_spread - _shift_end(state)) / 60
        cost = (weights.load * np.minimum(load, 3.0) + weights.weekday * day_miss + weights.part_of_day * part_miss
                + weights.per_day * (day - first).days + weights.per_hour * (starts - state.opens) / 60
                + weights.overrun * overrun)
        out.extend(Candidate(day, int(s), float(c), float(r)) for s, c, r in zip(starts, cost, load, strict=True))
    out.sort(key=lambda c: (c.cost, c.day, c.minute))
    return out


# -- turning a fit into an option -------------------------------------------------------------


def _option(snapshot: CapacitySnapshot, request: SlotRequest, cand: Candidate, fit: Fit) -> SlotOption:
    state = snapshot.day(cand.day)
    booking = Booking(request.booking_id, at_minute(cand.day, cand.minute, snapshot.zone), request.work,
                      placed_jobs(fit, cand.day, snapshot.zone), plate=request.plate)
    moves = _moves(state, fit.placement)
    return SlotOption(booking, cand.load, label_of(cand.load), cand.cost,
                      _reasons(snapshot, request, cand, moves), tuple(moves),
                      tuple(bookings_after(snapshot, cand.day, fit.placement)))


def _moves(state: DayState, p: Placement) -> list[JobMove]:
    """Booked jobs whose technician or bay the placement changes."""
    moves = []
    for job in state.jobs:
        tech = p.technician.get(job.key, job.technician or "")
        bay = p.bay.get(job.key, job.bay or "")
        if (tech, bay) != (job.technician, job.bay):
            moves.append(JobMove(job.booking_id, job.seq, job.technician or "", tech, job.bay or "", bay))
    return moves


def _reasons(snapshot: CapacitySnapshot, request: SlotRequest, cand: Candidate,
             moves: list[JobMove]) -> tuple[Reason, ...]:
    pct = str(round(cand.load * 100)) if np.isfinite(cand.load) else "-"
    out = [Reason(f"load_{label_of(cand.load).value}", (("pct", pct),))]
    weekend = cand.day.weekday() >= 5
    for pref, ok in ((Preference.WEEKEND, weekend), (Preference.WEEKDAY, not weekend),
                     (Preference.MORNING, cand.minute < NOON), (Preference.AFTERNOON, cand.minute >= NOON)):
        if pref in request.prefer and ok:
            out.append(Reason(f"prefer_{pref.value}"))
    for req in request.work.parts:
        ready = snapshot.ledger.earliest(req, snapshot.today)
        if ready is not None and ready > snapshot.today and ready <= cand.day:
            part = snapshot.dealership.part(req.part_number)
            out.append(Reason("parts_arrive", (("part", part.name_en), ("part_zh", part.name_zh),
                                               ("date", ready.isoformat()))))
    if moves:
        out.append(Reason("reassigned", (("n", str(len(moves))),)))
    return tuple(out)


# -- the search -------------------------------------------------------------------------------


def suggest_slots(snapshot: CapacitySnapshot, request: SlotRequest, settings: SolverSettings | None = None,
                  weights: ScoringWeights | None = None, allow_moves: bool = True) -> Proposal:
    """The `request.count` best distinct options in the window, or why there are none and
    the earliest arrival that would work.

    Two passes: every candidate first gets the cheap stages (screening, direct fit,
    repair); then, best first and only while a candidate could still enter the top k,
    CP-SAT decides those the cheap stages could not, within `settings.call_seconds`.
    `allow_moves=False` keeps every booked job where it is (the first-fit baseline's
    feasibility)."""
    settings = settings or SolverSettings()
    weights = weights or ScoringWeights()
    started = clock.perf_counter()
    deadline = started + settings.call_seconds
    stats = SearchStats()
    first = request.earliest.astimezone(snapshot.zone).date()
    cands = candidates(snapshot, request, weights, first, request.days)
    stats.candidates = len(cands)
    fits: list[tuple[Candidate, Fit]] = []
    hard: list[tuple[Candidate, list[list[JobSlot]]]] = []
    tight: set[tuple[date, int]] = set()
    failures: Counter[Failure] = Counter()
    best: dict[tuple[date, bool], tuple[Candidate, Fit]] = {}
    skipped: list[Candidate] = []  # not needed for the top k; kept for filling up
    for n, cand in enumerate(cands):
        if _cannot_enter(best, cand, request.count):
            skipped.extend(cands[n:])  # every later candidate costs more still
            break
        held = best.get(cand.bucket)
        if held is not None and held[0].cost <= cand.cost:
            skipped.append(cand)
            continue
        quick = place_quick(snapshot.day(cand.day), request.work, cand.minute, snapshot.grid, stats, allow_moves)
        if quick.fit is not None:
            cand = _with_moves(cand, quick.fit, weights)
            fits.append((cand, quick.fit))
            if held is None or cand.cost < held[0].cost:
                best[cand.bucket] = (cand, quick.fit)
        elif quick.for_model:
            hard.append((cand, quick.for_model))
            if quick.reserve_tight:
                tight.add((cand.day, cand.minute))
        else:
            failures[quick.failure or Failure.NO_TECHNICIAN] += 1
    complete = True
    tries: Counter[tuple[date, bool]] = Counter()
    decided: set[tuple[date, int]] = set()
    # two sweeps: first at most TRIES_PER_BUCKET models per bucket, and none where the
    # walk-in reserve is already used up, so a full day early in the window cannot spend
    # the whole budget; then the rest, best first
    for limit in (TRIES_PER_BUCKET, None):
        for cand, for_model in hard:
            if _cannot_enter(best, cand, request.count):
                break
            key = (cand.day, cand.minute)
            if key in decided or (limit is not None and (tries[cand.bucket] >= limit or key in tight)):
                continue
            held = best.get(cand.bucket)
            if held is not None and held[0].cost <= cand.cost:
                continue
            if clock.perf_counter() > deadline:
                complete = False
                break
            decided.add(key)
            tries[cand.bucket] += 1
            found, why = place_with_model(snapshot.day(cand.day), for_model, settings, stats, deadline)
            if found is None:
                failures[why] += 1
                continue
            cand = _with_moves(cand, found, weights)
            fits.append((cand, found))
            if held is None or cand.cost < held[0].cost:
                best[cand.bucket] = (cand, found)
        if not complete:
            break
    picked = sorted(best.values(), key=lambda cf: cf[0].cost)[:request.count]
    if len(picked) < request.count:  # fewer buckets than wanted: the best other times, an hour apart
        for cand, known in _fill_up(snapshot, request, fits, skipped, stats, allow_moves, weights):
            if len(picked) >= request.count:
                break
            if all(c.day != cand.day or abs(c.minute - cand.minute) >= MIN_GAP_MINUTES for c, _ in picked):
                picked.append((cand, known))
    chosen = sorted((_option(snapshot, request, c, f) for c, f in picked), key=lambda o: o.cost)
    unavailable = None
    if not chosen:
        unavailable = explain(snapshot, request, failures, settings, allow_moves, deadline)
    stats.seconds = clock.perf_counter() - started
    return Proposal(tuple(chosen), unavailable, complete, stats)


def _fill_up(snapshot: CapacitySnapshot, request: SlotRequest, fits: list[tuple[Candidate, Fit]],
             skipped: list[Candidate], stats: SearchStats, allow_moves: bool,
             weights: ScoringWeights) -> Iterator[tuple[Candidate, Fit]]:
    """Feasible candidates best first: those already decided, and the skipped ones decided
    now by the cheap stages (no model: this only fills up a short list)."""
    seen = {(c.day, c.minute) for c, _ in fits}
    pending = sorted([*((c, f) for c, f in fits), *((c, None) for c in skipped if (c.day, c.minute) not in seen)],
                     key=lambda cf: cf[0].cost)
    for cand, known in pending:
        if known is None:
            quick = place_quick(snapshot.day(cand.day), request.work, cand.minute, snapshot.grid, stats, allow_moves)
            if quick.fit is None:
                continue
            cand, known = _with_moves(cand, quick.fit, weights), quick.fit
        yield cand, known


def _with_moves(cand: Candidate, fit: Fit, weights: ScoringWeights) -> Candidate:
    """The candidate's cost once its fit is known: each booked job moved costs a little."""
    moved = sum(1 for j in fit.moved if fit.placement.technician.get(j.key, j.technician) != j.technician)
    return replace(cand, cost=cand.cost + weights.move * moved) if moved else cand


def _cannot_enter(best: dict[tuple[date, bool], tuple[Candidate, Fit]], cand: Candidate, k: int) -> bool:
    """True when k buckets already hold options no worse than this candidate (and so do
    all later ones, which cost more)."""
    return sum(1 for c, _ in best.values() if c.cost <= cand.cost) >= k


def _decide(snapshot: CapacitySnapshot, request: SlotRequest, cand: Candidate, settings: SolverSettings,
            stats: SearchStats, deadline: float, failures: Counter[Failure], allow_moves: bool) -> SlotOption | None:
    state = snapshot.day(cand.day)
    fit, why = place(state, request.work, cand.minute, snapshot.grid, settings, stats, deadline, allow_moves)
    if fit is None:
        failures[why or Failure.BOOKED] += 1
        return None
    return _option(snapshot, request, cand, fit)


def _parts_ok(snapshot: CapacitySnapshot, request: SlotRequest, day: date) -> bool:
    return all(snapshot.ledger.free_on(req, day) for req in request.work.parts)


# -- when nothing fits ----------------------------------------------------------------------


def explain(snapshot: CapacitySnapshot, request: SlotRequest, failures: Counter[Failure],
            settings: SolverSettings, allow_moves: bool = True, deadline: float | None = None) -> Unavailable:
    """Which constraint binds in the window, and the earliest option after it (searched
    until `deadline`, at least a fifth of a call's time)."""
    floor = clock.perf_counter() + settings.call_seconds / 5
    deadline = max(deadline or 0.0, floor)
    first = request.earliest.astimezone(snapshot.zone).date()
    last = first + timedelta(days=request.days - 1)
    reasons: list[Reason] = []
    open_days = [first + timedelta(days=i) for i in range(request.days)
                 if snapshot.day(first + timedelta(days=i)).is_open]
    if not open_days:
        reasons.append(Reason("closed"))
    for req in request.work.parts:
        if not any(snapshot.ledger.free_on(req, d) for d in open_days):
            ready = snapshot.ledger.earliest(req, last)
            part = snapshot.dealership.part(req.part_number)
            if ready is None:
                reasons.append(Reason("parts_none", (("part", part.name_en), ("part_zh", part.name_zh))))
            else:
                reasons.append(Reason("parts_not_before", (("part", part.name_en), ("part_zh", part.name_zh),
                                                           ("date", ready.isoformat()))))
    for job in request.work.jobs:
        skilled = [snapshot.day(d) for d in open_days
                   if any(job.skill in t.skills for t in snapshot.day(d).techs.values())]
        if open_days and not skilled:
            reasons.append(Reason("no_skill", (("skill", job.skill.value),)))
            continue
        if open_days and not any(snapshot.day(d).bays.get(job.bay_type) for d in open_days):
            reasons.append(Reason("no_bay", (("bay_type", job.bay_type.value),)))
            continue
        longest = max((_longest_day(s, job.skill) for s in skilled), default=0)
        slowest_needed = min((t.technician.job_minutes(job.standard_hours) for s in skilled
                              for t in s.techs.values() if job.skill in t.skills), default=0)
        if skilled and slowest_needed > longest:
            reasons.append(Reason("too_long", (("hours", f"{job.standard_hours:g}"),)))
    if not reasons:
        # "nobody at work long enough" is true of every late candidate; what else bound matters more
        telling = Counter({k: v for k, v in failures.items() if k is not Failure.NO_TECHNICIAN}) or failures
        worst = telling.most_common(1)[0][0] if telling else Failure.BOOKED
        reasons.append(Reason(f"full_{worst.value}"))
    earliest = _earliest_after(snapshot, request, last + timedelta(days=1), settings, allow_moves, deadline)
    return Unavailable(tuple(reasons), earliest)


def _longest_day(state: DayState, skill: object) -> int:
    return max((sum(b - a for a, b in t.periods) for t in state.techs.values() if skill in t.skills), default=0)


def _earliest_after(snapshot: CapacitySnapshot, request: SlotRequest, start: date, settings: SolverSettings,
                    allow_moves: bool, deadline: float) -> SlotOption | None:
    """The first arrival after the window that works (earliest day, then its earliest time)."""
    stats = SearchStats()
    failures: Counter[Failure] = Counter()
    later = replace(request, earliest=at_minute(start, 0, snapshot.zone))
    for offset in range(LOOKAHEAD_DAYS):
        day = start + timedelta(days=offset)
        for cand in sorted(candidates(snapshot, later, ScoringWeights(), day, 1), key=lambda c: c.minute):
            if clock.perf_counter() > deadline:
                return None
            option = _decide(snapshot, later, cand, settings, stats, deadline, failures, allow_moves)
            if option is not None:
                return option
    return None


def first_fits(snapshot: CapacitySnapshot, request: SlotRequest,
               keep: Callable[[int], bool] | None = None) -> Iterator[tuple[Candidate, Fit]]:
    """Arrival times of the window in time order where the work fits the gaps of the current
    plan (nobody is reassigned), with their fit; `keep` filters by minute of the day."""
    stats = SearchStats()
    first = request.earliest.astimezone(snapshot.zone).date()
    settings = SolverSettings()
    for cand in sorted(candidates(snapshot, request, ScoringWeights(), first, request.days),
                       key=lambda c: (c.day, c.minute)):
        if keep is not None and not keep(cand.minute):
            continue
        fit, _ = place(snapshot.day(cand.day), request.work, cand.minute, snapshot.grid, settings, stats,
                       float("inf"), allow_moves=False)
        if fit is not None:
            yield cand, fit


def first_fit(snapshot: CapacitySnapshot, request: SlotRequest) -> list[tuple[date, int]]:
    """The baseline a plain booking screen offers: the first `count` arrival times, in time
    order, where the work fits the gaps of the current plan (nobody is reassigned)."""
    return [(c.day, c.minute) for c, _ in islice(first_fits(snapshot, request), request.count)]
