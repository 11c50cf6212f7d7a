"""waitlist: callers waiting for a time that was full

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import planner.storage.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waitlist",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("op_codes", sa.Text(), nullable=False),
        sa.Column("wished_from", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("wished_to", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", planner.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_booking", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"], ondelete="CASCADE",
                                name=op.f("fk_waitlist_dealer_id_dealers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist")),
    )
    with op.batch_alter_table("waitlist", schema=None) as batch_op:
        batch_op.create_index("ix_waitlist_dealer_status", ["dealer_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("waitlist", schema=None) as batch_op:
        batch_op.drop_index("ix_waitlist_dealer_status")
    op.drop_table("waitlist")
