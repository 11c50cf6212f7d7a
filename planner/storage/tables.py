"""The database schema (SQLAlchemy Core).

Every table that belongs to a dealer carries `dealer_id`, so a dealer group can keep
many dealers in one PostgreSQL database. Natural keys (codes, VINs, numbers) are
unique per dealer. Migrations in `migrations/versions/` create exactly this schema; a
test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)

from planner.storage.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = Numeric(12, 2)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _dealer_id() -> Column[int]:
    return Column("dealer_id", Integer, ForeignKey("dealers.id", ondelete="CASCADE"), nullable=False)


dealers = Table(
    "dealers",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("holiday_country", String(8), nullable=False),
    Column("booking_grid_minutes", Integer, nullable=False),
    Column("holiday_opens", Time, nullable=True),
    Column("holiday_closes", Time, nullable=True),
    Column("today", Date, nullable=True),  # the demo's "today"; null for a live dealer
    # bumped by every booking transaction first thing: serialises bookings of a dealer
    # (a row lock on PostgreSQL, the write lock on SQLite) before capacity is re-checked
    Column("booking_version", Integer, nullable=False, server_default="0"),
)

opening_hours = Table(
    "opening_hours",
    metadata,
    _dealer_id(),
    Column("weekday", Integer, nullable=False),  # 0 = Monday
    Column("opens", Time, nullable=False),
    Column("closes", Time, nullable=False),
    UniqueConstraint("dealer_id", "weekday"),
    CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
)

dealer_closures = Table(
    "dealer_closures",
    metadata,
    _dealer_id(),
    Column("closed_on", Date, nullable=False),
    UniqueConstraint("dealer_id", "closed_on"),
)

staff = Table(
    "staff",
    metadata,
    _id(),
    _dealer_id(),
    Column("code", String(32), nullable=False),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),  # advisor | technician
    Column("grade", String(16), nullable=True),
    Column("efficiency", Float, nullable=True),
    Column("reception_capacity", Integer, nullable=True),
    UniqueConstraint("dealer_id", "code"),
    CheckConstraint("role IN ('advisor', 'technician')", name="role"),
)

technician_skills = Table(
    "technician_skills",
    metadata,
    _dealer_id(),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("skill", String(32), nullable=False),
    UniqueConstraint("staff_id", "skill"),
)

roster_shifts = Table(
    "roster_shifts",
    metadata,
    _id(),
    _dealer_id(),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
    UniqueConstraint("staff_id", "weekday"),
)

shift_breaks = Table(
    "shift_breaks",
    metadata,
    _dealer_id(),
    Column("shift_id", Integer, ForeignKey("roster_shifts.id", ondelete="CASCADE"), nullable=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
)

absences = Table(
    "absences",
    metadata,
    _id(),
    _dealer_id(),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("from_time", Time, nullable=True),
    Column("to_time", Time, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Index("ix_absences_dealer_dates", "dealer_id", "start_date", "end_date"),
)

bays = Table(
    "bays",
    metadata,
    _id(),
    _dealer_id(),
    Column("code", String(32), nullable=False),
    Column("name", String(100), nullable=False),
    Column("bay_type", String(32), nullable=False),
    UniqueConstraint("dealer_id", "code"),
)

bay_outages = Table(
    "bay_outages",
    metadata,
    _id(),
    _dealer_id(),
    Column("bay_id", Integer, ForeignKey("bays.id", ondelete="CASCADE"), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("reason", Text, nullable=False, default=""),
)

parts = Table(
    "parts",
    metadata,
    _id(),
    _dealer_id(),
    Column("part_number", String(40), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("price", MONEY, nullable=False),
    Column("stock_on_hand", Integer, nullable=False),
    UniqueConstraint("dealer_id", "part_number"),
    CheckConstraint("stock_on_hand >= 0", name="stock_nonnegative"),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    _id(),
    _dealer_id(),
    Column("po_number", String(40), nullable=False),
    Column("part_id", Integer, ForeignKey("parts.id", ondelete="CASCADE"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("expected_date", Date, nullable=False),
    Column("received", Boolean, nullable=False, default=False),
    UniqueConstraint("dealer_id", "po_number", "part_id"),
)

operations = Table(
    "operations",
    metadata,
    _id(),
    _dealer_id(),
    Column("op_code", String(32), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("category", String(16), nullable=False),
    Column("standard_hours", Float, nullable=False),
    Column("skill", String(32), nullable=False),
    Column("bay_type", String(32), nullable=False),
    Column("labour_price", MONEY, nullable=False),
    UniqueConstraint("dealer_id", "op_code"),
)

operation_parts = Table(
    "operation_parts",
    metadata,
    _dealer_id(),
    Column("operation_id", Integer, ForeignKey("operations.id", ondelete="CASCADE"), nullable=False),
    Column("part_id", Integer, ForeignKey("parts.id", ondelete="CASCADE"), nullable=False),
    Column("quantity", Integer, nullable=False),
    UniqueConstraint("operation_id", "part_id"),
)

campaigns = Table(
    "campaigns",
    metadata,
    _id(),
    _dealer_id(),
    Column("code", String(32), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("op_code", String(32), nullable=True),
    Column("target_models", Text, nullable=False, default=""),  # ";"-separated, empty = all
    UniqueConstraint("dealer_id", "code"),
)

customers = Table(
    "customers",
    metadata,
    _id(),
    _dealer_id(),
    Column("customer_no", String(32), nullable=False),
    Column("name", String(100), nullable=False),
    Column("mobile", String(32), nullable=False),
    Column("phone_alt", String(32), nullable=True),
    Column("preferred_contact", String(200), nullable=False, default=""),  # "09:00-12:00;18:00-20:00"
    Column("preferred_channel", String(8), nullable=False, default="phone"),
    UniqueConstraint("dealer_id", "customer_no"),
    Index("ix_customers_dealer_mobile", "dealer_id", "mobile"),
)

vehicles = Table(
    "vehicles",
    metadata,
    _id(),
    _dealer_id(),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("vin", String(17), nullable=False),
    Column("plate", String(16), nullable=False),
    Column("model", String(64), nullable=False),
    Column("powertrain", String(8), nullable=False),
    Column("sale_date", Date, nullable=False),
    Column("warranty_end_date", Date, nullable=False),
    Column("warranty_end_km", Integer, nullable=False),
    UniqueConstraint("dealer_id", "vin"),
    Index("ix_vehicles_dealer_plate", "dealer_id", "plate"),
    Index("ix_vehicles_customer", "customer_id"),
)

mileage_readings = Table(
    "mileage_readings",
    metadata,
    _dealer_id(),
    Column("vehicle_id", Integer, ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("read_on", Date, nullable=False),
    Column("km", Integer, nullable=False),
    Column("source", String(16), nullable=False),
    Index("ix_mileage_vehicle_date", "vehicle_id", "read_on"),
)

repair_orders = Table(
    "repair_orders",
    metadata,
    _id(),
    _dealer_id(),
    Column("ro_number", String(32), nullable=False),
    Column("vehicle_id", Integer, ForeignKey("vehicles.id"), nullable=False),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("advisor_id", Integer, ForeignKey("staff.id"), nullable=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("mileage_km", Integer, nullable=False),
    Column("from_appointment", Boolean, nullable=False),
    UniqueConstraint("dealer_id", "ro_number"),
    Index("ix_repair_orders_dealer_opened", "dealer_id", "opened_at"),
    Index("ix_repair_orders_vehicle", "vehicle_id"),
)

repair_order_lines = Table(
    "repair_order_lines",
    metadata,
    _dealer_id(),
    Column("repair_order_id", Integer, ForeignKey("repair_orders.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("op_code", String(32), nullable=False),  # as billed; may be retired from the catalogue
    Column("hours", Float, nullable=False),
    Column("labour_price", MONEY, nullable=False),
    Column("technician_id", Integer, ForeignKey("staff.id"), nullable=True),
    UniqueConstraint("repair_order_id", "line_no"),
)

declined_recommendations = Table(
    "declined_recommendations",
    metadata,
    _id(),
    _dealer_id(),
    Column("repair_order_id", Integer, ForeignKey("repair_orders.id", ondelete="CASCADE"), nullable=False),
    Column("vehicle_id", Integer, ForeignKey("vehicles.id"), nullable=False),
    Column("op_code", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("wait_until_km", Integer, nullable=True),
    Column("wait_until_date", Date, nullable=True),
    Index("ix_declined_dealer_until", "dealer_id", "wait_until_date"),
)

# Appointments: history needs origin, slot and outcome (no-shows). A booking made by the
# planner is an appointment too: its jobs (technician, bay, times) are in
# `appointment_jobs`, its parts in `part_reservations`, and `flexible_from`/`flexible_to`
# hold the window in which the customer accepts a move (migration 0002).
appointments = Table(
    "appointments",
    metadata,
    _id(),
    _dealer_id(),
    Column("appointment_no", String(32), nullable=False),
    Column("vehicle_id", Integer, ForeignKey("vehicles.id"), nullable=False),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("slot_start", UTCDateTime, nullable=False),
    Column("origin", String(8), nullable=False),
    Column("origin_rule", String(64), nullable=True),
    Column("status", String(16), nullable=False),
    Column("repair_order_id", Integer, ForeignKey("repair_orders.id"), nullable=True),
    Column("flexible_from", UTCDateTime, nullable=True),
    Column("flexible_to", UTCDateTime, nullable=True),
    Column("idempotency_key", String(80), nullable=True),  # a retried booking request finds its booking
    Column("updated_at", UTCDateTime, nullable=True),
    Column("hold_expires_at", UTCDateTime, nullable=True),  # a hold not booked by then gives its slot back
    # what the desk learnt on the call (R7, R8, R11) and the preparation (R15), migration 0005
    Column("concern", Text, nullable=True),
    Column("checklist", Text, nullable=True),  # JSON object: diagnosis checklist answers
    Column("contact_channel", String(8), nullable=True),
    Column("documents", Text, nullable=True),  # ";"-separated, in the dealer's language
    Column("estimated_minutes", Integer, nullable=True),
    Column("estimated_price", MONEY, nullable=True),
    Column("prep_parts_picked", Boolean, nullable=True),
    Column("prep_technician_confirmed", Boolean, nullable=True),
    Column("prep_tools_ready", Boolean, nullable=True),
    Column("prep_complete_at", UTCDateTime, nullable=True),
    UniqueConstraint("dealer_id", "appointment_no"),
    UniqueConstraint("dealer_id", "idempotency_key", name="uq_appointments_idempotency"),
    Index("ix_appointments_dealer_slot", "dealer_id", "slot_start"),
    CheckConstraint("origin IN ('passive', 'active')", name="origin"),
)

# A booking's jobs, done one after another (seq 1, 2, ...): one technician on one bay each.
appointment_jobs = Table(
    "appointment_jobs",
    metadata,
    _id(),
    _dealer_id(),
    Column("appointment_id", Integer, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),  # 1-based order within the booking
    Column("skill", String(32), nullable=False),
    Column("bay_type", String(32), nullable=False),
    Column("standard_hours", Float, nullable=False),
    Column("op_codes", Text, nullable=False),  # ";"-separated
    Column("technician_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("bay_id", Integer, ForeignKey("bays.id"), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    UniqueConstraint("appointment_id", "seq"),
    Index("ix_appointment_jobs_dealer_start", "dealer_id", "starts_at"),
)

# Parts held for a booking, needed on the booking's local day.
part_reservations = Table(
    "part_reservations",
    metadata,
    _id(),
    _dealer_id(),
    Column("appointment_id", Integer, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
    Column("part_id", Integer, ForeignKey("parts.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("needed_on", Date, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_part_reservations_dealer_part", "dealer_id", "part_id"),
    Index("ix_part_reservations_appointment", "appointment_id"),  # joins, and deletes cascading from appointments
)

# Every change of an appointment: who, when, what (issue 5's audit log).
appointment_events = Table(
    "appointment_events",
    metadata,
    _id(),
    _dealer_id(),
    Column("appointment_id", Integer, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_appointment_events_appointment", "appointment_id"),
)

# Callers waiting for a time that was full; freed capacity is offered to them first.
waitlist = Table(
    "waitlist",
    metadata,
    _id(),
    _dealer_id(),
    Column("plate", String(16), nullable=False),
    Column("op_codes", Text, nullable=False),  # ";"-separated
    Column("wished_from", UTCDateTime, nullable=False),
    Column("wished_to", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # waiting | offered | withdrawn
    Column("offered_booking", String(32), nullable=True),
    Column("actor", String(64), nullable=False),
    Index("ix_waitlist_dealer_status", "dealer_id", "status"),
)

# -- active appointments (R18–R30), migration 0007 ----------------------------------------

# When each model is serviced (R19); model "" is the dealer's default.
maintenance_schedules = Table(
    "maintenance_schedules",
    metadata,
    _id(),
    _dealer_id(),
    Column("model", String(64), nullable=False),
    Column("first_months", Integer, nullable=False),
    Column("first_km", Integer, nullable=False),
    Column("interval_months", Integer, nullable=False),
    Column("interval_km", Integer, nullable=False),
    Column("typical_km_per_day", Float, nullable=False),
    UniqueConstraint("dealer_id", "model"),
)

# How the desk contacts customers (R25, R26, R28): one row per dealer, defaults when absent.
contact_policies = Table(
    "contact_policies",
    metadata,
    _id(),
    _dealer_id(),
    Column("call_bands", String(200), nullable=False),  # "morning=09:30-11:30;afternoon=14:30-17:00"
    Column("max_calls", Integer, nullable=False),
    Column("min_span_days", Integer, nullable=False),
    Column("max_span_days", Integer, nullable=False),
    Column("fallback", String(32), nullable=False),  # "sms;letter"
    Column("remind_days_ahead", Integer, nullable=False),
    Column("calls_per_day", Integer, nullable=False),
    UniqueConstraint("dealer_id"),
)

# A reason to contact a customer about a vehicle; `dedupe_key` (vin|rule|campaign|anchor)
# makes re-running a day's worklist idempotent. The anchor is what the reminder is about
# (the last service, the sale, ...): it stays put while the due date moves with mileage.
outreach_tasks = Table(
    "outreach_tasks",
    metadata,
    _id(),
    _dealer_id(),
    Column("task_no", String(32), nullable=False),
    Column("dedupe_key", String(120), nullable=False),
    Column("vehicle_id", Integer, ForeignKey("vehicles.id"), nullable=False),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("campaign_code", String(32), nullable=True),
    Column("due_date", Date, nullable=False),
    Column("anchor_date", Date, nullable=False),
    Column("remind_on", Date, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("channel", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("batch", String(32), nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("next_contact_on", Date, nullable=True),
    Column("appointment_no", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("dealer_id", "task_no"),
    UniqueConstraint("dealer_id", "dedupe_key", name="uq_outreach_tasks_dedupe"),
    Index("ix_outreach_tasks_dealer_status", "dealer_id", "status", "next_contact_on"),
    Index("ix_outreach_tasks_vehicle", "vehicle_id"),
)

# Every call, SMS and letter, with its outcome (R26, R27, R29).
contact_attempts = Table(
    "contact_attempts",
    metadata,
    _id(),
    _dealer_id(),
    Column("task_id", Integer, ForeignKey("outreach_tasks.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("channel", String(8), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("lost_reason", String(32), nullable=True),
    Column("appointment_no", String(32), nullable=True),
    Column("call_back_on", Date, nullable=True),
    Index("ix_contact_attempts_task", "task_id"),
    Index("ix_contact_attempts_dealer_at", "dealer_id", "at"),
)

# How long a walk-in waited at reception, and whether they complained (R30).
walk_in_waits = Table(
    "walk_in_waits",
    metadata,
    _id(),
    _dealer_id(),
    Column("repair_order_id", Integer, ForeignKey("repair_orders.id", ondelete="CASCADE"), nullable=False),
    Column("waited_minutes", Integer, nullable=False),
    Column("complained", Boolean, nullable=False),
    UniqueConstraint("repair_order_id"),
    Index("ix_walk_in_waits_dealer", "dealer_id"),
)
