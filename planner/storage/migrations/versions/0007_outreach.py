"""active appointments: maintenance schedules, contact policy, outreach tasks and attempts, walk-in waits

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 23:43:56.873179
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import planner.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "contact_policies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("call_bands", sa.String(length=200), nullable=False),
        sa.Column("max_calls", sa.Integer(), nullable=False),
        sa.Column("min_span_days", sa.Integer(), nullable=False),
        sa.Column("max_span_days", sa.Integer(), nullable=False),
        sa.Column("fallback", sa.String(length=32), nullable=False),
        sa.Column("remind_days_ahead", sa.Integer(), nullable=False),
        sa.Column("calls_per_day", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_contact_policies_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_policies")),
        sa.UniqueConstraint("dealer_id", name=op.f("uq_contact_policies_dealer_id")),
    )
    op.create_table(
        "maintenance_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("first_months", sa.Integer(), nullable=False),
        sa.Column("first_km", sa.Integer(), nullable=False),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("interval_km", sa.Integer(), nullable=False),
        sa.Column("typical_km_per_day", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_maintenance_schedules_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_schedules")),
        sa.UniqueConstraint("dealer_id", "model", name=op.f("uq_maintenance_schedules_dealer_id_model")),
    )
    op.create_table(
        "outreach_tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("task_no", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("campaign_code", sa.String(length=32), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("remind_on", sa.Date(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("next_contact_on", sa.Date(), nullable=True),
        sa.Column("appointment_no", sa.String(length=32), nullable=True),
        sa.Column("created_at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_outreach_tasks_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_outreach_tasks_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_outreach_tasks_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_tasks")),
        sa.UniqueConstraint("dealer_id", "dedupe_key", name="uq_outreach_tasks_dedupe"),
        sa.UniqueConstraint("dealer_id", "task_no", name=op.f("uq_outreach_tasks_dealer_id_task_no")),
    )
    with op.batch_alter_table("outreach_tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outreach_tasks_dealer_status", ["dealer_id", "status", "next_contact_on"], unique=False
        )
        batch_op.create_index("ix_outreach_tasks_vehicle", ["vehicle_id"], unique=False)

    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("lost_reason", sa.String(length=32), nullable=True),
        sa.Column("appointment_no", sa.String(length=32), nullable=True),
        sa.Column("call_back_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_contact_attempts_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["outreach_tasks.id"],
            name=op.f("fk_contact_attempts_task_id_outreach_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_contact_attempts_dealer_at", ["dealer_id", "at"], unique=False)
        batch_op.create_index("ix_contact_attempts_task", ["task_id"], unique=False)

    op.create_table(
        "walk_in_waits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("repair_order_id", sa.Integer(), nullable=False),
        sa.Column("waited_minutes", sa.Integer(), nullable=False),
        sa.Column("complained", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_walk_in_waits_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["repair_order_id"],
            ["repair_orders.id"],
            name=op.f("fk_walk_in_waits_repair_order_id_repair_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_in_waits")),
        sa.UniqueConstraint("repair_order_id", name=op.f("uq_walk_in_waits_repair_order_id")),
    )
    with op.batch_alter_table("walk_in_waits", schema=None) as batch_op:
        batch_op.create_index("ix_walk_in_waits_dealer", ["dealer_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("walk_in_waits", schema=None) as batch_op:
        batch_op.drop_index("ix_walk_in_waits_dealer")

    op.drop_table("walk_in_waits")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_attempts_task")
        batch_op.drop_index("ix_contact_attempts_dealer_at")

    op.drop_table("contact_attempts")
    with op.batch_alter_table("outreach_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_outreach_tasks_vehicle")
        batch_op.drop_index("ix_outreach_tasks_dealer_status")

    op.drop_table("outreach_tasks")
    op.drop_table("maintenance_schedules")
    op.drop_table("contact_policies")
