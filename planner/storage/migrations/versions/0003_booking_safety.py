"""booking safety: idempotency keys, the audit log, the per-dealer booking lock

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import planner.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dealers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booking_version", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("updated_at", planner.storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_appointments_idempotency", ["dealer_id", "idempotency_key"])
    op.create_table(
        "appointment_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"], ondelete="CASCADE",
                                name=op.f("fk_appointment_events_appointment_id_appointments")),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"], ondelete="CASCADE",
                                name=op.f("fk_appointment_events_dealer_id_dealers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_events")),
    )
    with op.batch_alter_table("appointment_events", schema=None) as batch_op:
        batch_op.create_index("ix_appointment_events_appointment", ["appointment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("appointment_events", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_events_appointment")
    op.drop_table("appointment_events")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_appointments_idempotency", type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("idempotency_key")
    with op.batch_alter_table("dealers", schema=None) as batch_op:
        batch_op.drop_column("booking_version")
