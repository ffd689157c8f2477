"""Samples of each service's error budget left, for its weekly burn rate (budget_sample)

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.store.tables

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("at", data.store.tables.UTCDateTime(), nullable=False),
        sa.Column("remaining", sa.Float(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "service_id", "at", name="uq_budget_sample"),
    )
    with op.batch_alter_table("budget_sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_sample_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_budget_sample_service_id"), ["service_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("budget_sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_sample_service_id"))
        batch_op.drop_index(batch_op.f("ix_budget_sample_at"))
    op.drop_table("budget_sample")
