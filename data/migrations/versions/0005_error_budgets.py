"""Error budgets: the spans in which a service had spent its error budget

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.store.tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "error_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("exhausted_at", data.store.tables.UTCDateTime(), nullable=False),
        sa.Column("restored_at", data.store.tables.UTCDateTime(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("error_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_error_budget_key"), ["key"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_error_budget_exhausted_at"), ["exhausted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_error_budget_service_id"), ["service_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("error_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_error_budget_service_id"))
        batch_op.drop_index(batch_op.f("ix_error_budget_exhausted_at"))
        batch_op.drop_index(batch_op.f("ix_error_budget_key"))

    op.drop_table("error_budget")
