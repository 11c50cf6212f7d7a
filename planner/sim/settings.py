"""The simulation's assumptions, each in one place with why it has its value.

What the history can tell (when customers came, walk-in or booked, what work, how far
ahead they booked, how many did not show) is read from the dealer's own data; what it
cannot tell (how flexible a caller is, how long a write-up takes, how far real work
strays from the standard hours) is an assumption here, the same for every policy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimSettings:
    """Knobs of the simulated dealership (minutes unless named otherwise)."""

    warmup_days: int = 7  # simulated before measuring: the workshop and the book fill up
    tail_days: int = 7  # simulated (with its demand) after the last measured day: late bookings are served
    # reception: a prepared appointment is written up faster than a walk-in (R13-R15)
    write_up_appointment: float = 8.0
    write_up_walk_in: float = 15.0
    write_up_sd: float = 0.35  # log-sd of a write-up's length
    # work: real effort = standard hours x a log-normal factor with mean 1
    effort_sd: float = 0.25
    overtime_cap: float = 60.0  # a job this close to done at the end of a shift is finished
    # appointments: arrival against the booked time (early is negative), and the window
    late_mean: float = -5.0
    late_sd: float = 12.0
    flex_days: tuple[tuple[int, float], ...] = ((0, 0.15), (1, 0.15), (2, 0.15), (3, 0.15), (5, 0.15),
                                                (7, 0.15), (14, 0.10))  # days after the wished day accepted
    prefer_morning: float = 0.30  # callers who ask for a morning ...
    prefer_afternoon: float = 0.20  # ... or an afternoon arrival
    booked_share: float | None = None  # None: who books ahead as the history shows
    campaign_window_days: int = 14  # a campaign customer the desk calls accepts up to this (or the campaign end)
    # walk-ins the workshop cannot start today are turned away; this share returns the next open day
    return_share: float = 0.6
    # parts: what is used is re-ordered at the end of the day; a shortage is ordered at once
    restock_days: int = 2
    order_days: int = 3
    pushed_days: int = 3  # "pushed out": booked more than this many days after the wished day
    options: int = 5  # options the agent offers a caller (the planner policy)
    analog_weeks: int = 3  # a simulated day replays a past day this many weeks around the same date
