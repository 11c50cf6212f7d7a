"""appointment details and preparation: concern and checklist (R7), estimate (R8),
contact channel and documents (R11), preparation status (R15)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import planner.storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("concern", sa.Text()),
    ("checklist", sa.Text()),
    ("contact_channel", sa.String(length=8)),
    ("documents", sa.Text()),
    ("estimated_minutes", sa.Integer()),
    ("estimated_price", sa.Numeric(precision=12, scale=2)),
    ("prep_parts_picked", sa.Boolean()),
    ("prep_technician_confirmed", sa.Boolean()),
    ("prep_tools_ready", sa.Boolean()),
    ("prep_complete_at", planner.storage.types.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
