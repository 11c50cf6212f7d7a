"""booked jobs: appointment jobs, part reservations and the flexible window

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 21:09:03.262175
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import planner.storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("flexible_from", planner.storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("flexible_to", planner.storage.types.UTCDateTime(timezone=True), nullable=True))

    op.create_table(
        "appointment_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=32), nullable=False),
        sa.Column("bay_type", sa.String(length=32), nullable=False),
        sa.Column("standard_hours", sa.Float(), nullable=False),
        sa.Column("op_codes", sa.Text(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("bay_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_jobs_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["bay_id"], ["bays.id"], name=op.f("fk_appointment_jobs_bay_id_bays")),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_appointment_jobs_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["technician_id"], ["staff.id"], name=op.f("fk_appointment_jobs_technician_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_jobs")),
        sa.UniqueConstraint("appointment_id", "seq", name=op.f("uq_appointment_jobs_appointment_id_seq")),
    )
    with op.batch_alter_table("appointment_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_appointment_jobs_dealer_start", ["dealer_id", "starts_at"], unique=False)

    op.create_table(
        "part_reservations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("needed_on", sa.Date(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_part_reservations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_part_reservations_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_part_reservations_dealer_id_dealers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"], name=op.f("fk_part_reservations_part_id_parts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_reservations")),
    )
    with op.batch_alter_table("part_reservations", schema=None) as batch_op:
        batch_op.create_index("ix_part_reservations_appointment", ["appointment_id"], unique=False)
        batch_op.create_index("ix_part_reservations_dealer_part", ["dealer_id", "part_id"], unique=False)


def downgrade() -> None:
    # the new tables go first: they reference `appointments`, which SQLite rebuilds below
    with op.batch_alter_table("part_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_part_reservations_dealer_part")
        batch_op.drop_index("ix_part_reservations_appointment")

    op.drop_table("part_reservations")
    with op.batch_alter_table("appointment_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_jobs_dealer_start")

    op.drop_table("appointment_jobs")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("flexible_to")
        batch_op.drop_column("flexible_from")
