"""Incident culprits confirmed or rejected from Slack (culprit_confirmation)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.store.tables

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "culprit_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_key", sa.String(), nullable=False),
        sa.Column("change_key", sa.String(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("slack_user_id", sa.String(), nullable=False),
        sa.Column("subscriber_key", sa.String(), nullable=True),
        sa.Column("said_at", data.store.tables.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "incident_key", "change_key", "slack_user_id", name="uq_culprit_confirmation_who"
        ),
    )
    with op.batch_alter_table("culprit_confirmation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_culprit_confirmation_change_key"), ["change_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_culprit_confirmation_incident_key"), ["incident_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("culprit_confirmation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_culprit_confirmation_incident_key"))
        batch_op.drop_index(batch_op.f("ix_culprit_confirmation_change_key"))
    op.drop_table("culprit_confirmation")
