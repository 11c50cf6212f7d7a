"""Solver settings and the soft objective's weights, each in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class SolverSettings:
    """How CP-SAT is run.

    One worker and presolve off were fastest for the small feasibility models of a
    proposal (measured in ../shared/notes/solver.md, and again here); a check that runs
    out of `check_seconds` counts as "not offered", and a call whose model checks run out
    of `call_seconds` returns the best options found so far and says so (`complete`).
    """

    check_seconds: float = 0.02  # cap per CP-SAT check of a candidate (a caller is on the phone)
    call_seconds: float = 0.1  # cap on all CP-SAT checks of one proposal call
    replan_seconds: float = 8.0  # with about a second to build the model: a week in under 10 s
    replan_workers: int = 4  # a week's model needs CP-SAT's portfolio (one worker found no plan in 5 s)
    workers: int = 1
    seed: int = 0
    presolve: bool = False
    neighbourhood_minutes: int = 30  # margin of the second, wider set of jobs that may be reassigned
    full_day_fallback: bool = False  # then every job of the day (exact, but slow on a full day) ...
    full_day_up_to_jobs: int = 40  # ... which is always done on a day with this many jobs or fewer


@dataclass(frozen=True)
class ScoringWeights:
    """Soft objective of a proposal (lower is better), in units of "load ratio".

    cost = load × load_ratio (booked work + expected walk-ins over capacity in the hours
    the job runs: steer callers from peaks to valleys, R3)
         + weekday × [not on a preferred kind of day]
         + part_of_day × [not in the preferred part of the day]
         + per_day × days after the first day of the window (sooner is better)
         + per_hour × hours after opening (a tie-break: earlier in the day)
         + move × booked jobs given to another technician to make room (churn)
         + overrun × hours the work could run past the last technician's shift end
           if it takes `overrun_spread` times its standard time (real work varies:
           a job planned to end just before the shift ends often means overtime or a
           car kept overnight; measured by `planner simulate`).
    With the defaults a valley hour at 40% load beats a peak at 90% booked up to ten
    days earlier, and a stated preference outweighs about 0.5 of load.
    """

    load: float = 1.0
    weekday: float = 0.6
    part_of_day: float = 0.5
    per_day: float = 0.05
    per_hour: float = 0.005
    move: float = 0.03
    overrun: float = 1.0
    overrun_spread: float = 1.3


class Preference(StrEnum):
    """What a caller may prefer (`--prefer`)."""

    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    MORNING = "morning"
    AFTERNOON = "afternoon"


NOON = 12 * 60  # parts of the day: before noon is morning
DEFAULT_WALK_IN_QUANTILE = 0.5  # share of walk-in forecast kept free: its median per hour
