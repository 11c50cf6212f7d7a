"""Domain facts and rules: frozen value types, no I/O."""

from planner.domain.appointments import Appointment, AppointmentOrigin, AppointmentStatus
from planner.domain.calendar import DayKind, DealerCalendar, HolidayCalendar, HolidayPeriod
from planner.domain.campaigns import Campaign, CampaignKind
from planner.domain.catalogue import (
    LabourOperation,
    OperationCategory,
    Part,
    PartRequirement,
    PurchaseOrder,
)
from planner.domain.customers import Channel, Customer, MileageReading, Powertrain, Vehicle
from planner.domain.dealer import WEEKDAY_NAMES, Dealer, OpeningHours
from planner.domain.dealership import Dealership, ServiceHistory
from planner.domain.history import DeclinedRecommendation, RepairOrder, RepairOrderLine
from planner.domain.jobs import (
    Booking,
    FlexibleWindow,
    JobSpec,
    ScheduledJob,
    WalkInReserve,
    WorkRequest,
    work_request,
)
from planner.domain.values import DateRange, Lang, TimeRange
from planner.domain.workforce import (
    Absence,
    AbsenceKind,
    Grade,
    ServiceAdvisor,
    Shift,
    Skill,
    Technician,
    WeeklyRoster,
)
from planner.domain.workshop import Bay, BayOutage, BayType

__all__ = [
    "WEEKDAY_NAMES",
    "Absence",
    "AbsenceKind",
    "Appointment",
    "AppointmentOrigin",
    "AppointmentStatus",
    "Bay",
    "BayOutage",
    "BayType",
    "Booking",
    "Campaign",
    "CampaignKind",
    "Channel",
    "Customer",
    "DateRange",
    "DayKind",
    "Dealer",
    "DealerCalendar",
    "Dealership",
    "DeclinedRecommendation",
    "FlexibleWindow",
    "Grade",
    "HolidayCalendar",
    "HolidayPeriod",
    "JobSpec",
    "LabourOperation",
    "Lang",
    "MileageReading",
    "OpeningHours",
    "OperationCategory",
    "Part",
    "PartRequirement",
    "Powertrain",
    "PurchaseOrder",
    "RepairOrder",
    "RepairOrderLine",
    "ScheduledJob",
    "ServiceAdvisor",
    "ServiceHistory",
    "Shift",
    "Skill",
    "Technician",
    "TimeRange",
    "Vehicle",
    "WalkInReserve",
    "WeeklyRoster",
    "WorkRequest",
    "work_request",
]
