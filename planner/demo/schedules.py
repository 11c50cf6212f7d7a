"""The demo dealer's maintenance schedules (R19): the same intervals the visit generator
uses (`history.VisitPlanner._maintenance`), so the outreach rules remind on the dates the
simulated owners actually aim at.

First service at 3 months or 3,000 km; then every 6 months or 5,000 km for a car with an
engine, every 12 months or 10,000 km for the battery-electric Xingyao EV. The typical
daily mileage stands in for a car with too few readings (the fleet drives about 45 km a
day, EVs a little more).
"""

from __future__ import annotations

from planner.demo.catalogue import MODELS, ModelSpec
from planner.domain.outreach import MaintenanceSchedule

TYPICAL_KM_PER_DAY = 45.0
TYPICAL_KM_PER_DAY_BEV = 50.0


def schedule_of(model: ModelSpec) -> MaintenanceSchedule:
    """A model's schedule: a battery-electric car (no engine) is serviced half as often."""
    if model.engine is None:
        return MaintenanceSchedule(model.name, first_months=3, first_km=3_000, interval_months=12,
                                   interval_km=10_000, typical_km_per_day=TYPICAL_KM_PER_DAY_BEV)
    return MaintenanceSchedule(model.name, first_months=3, first_km=3_000, interval_months=6,
                               interval_km=5_000, typical_km_per_day=TYPICAL_KM_PER_DAY)


# The default row ("") covers a model the dealer adds later without a schedule of its own.
DEMO_SCHEDULES: tuple[MaintenanceSchedule, ...] = (
    MaintenanceSchedule("", typical_km_per_day=TYPICAL_KM_PER_DAY),
    *(schedule_of(m) for m in MODELS),
)

__all__ = ["DEMO_SCHEDULES", "schedule_of"]
