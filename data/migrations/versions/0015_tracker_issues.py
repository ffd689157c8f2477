"""Issues of the trackers (Jira, Linear, GitHub Issues): bugs, incidents and their linked PRs

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from data.store.tables import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracker_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("issue_type", sa.String(), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("priority", sa.String(), nullable=True),
        sa.Column("severity", sa.String(), nullable=True),
        sa.Column("is_bug", sa.Boolean(), nullable=False),
        sa.Column("is_incident", sa.Boolean(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("linked_changes", sa.JSON(), nullable=False),
        sa.Column("status_changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "key", name="uq_tracker_issue"),
    )
    with op.batch_alter_table("tracker_issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracker_issue_key"), ["key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tracker_issue_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tracker_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracker_issue_updated_at"))
        batch_op.drop_index(batch_op.f("ix_tracker_issue_key"))
    op.drop_table("tracker_issue")
