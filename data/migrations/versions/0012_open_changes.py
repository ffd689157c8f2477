"""Open and closed pull requests beside merged changes (change.state, updated_at, head_sha)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.store.tables

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every stored change was merged: the server default says so for the rows already there.
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(), server_default="merged", nullable=False)
        )
        batch_op.add_column(sa.Column("updated_at", data.store.tables.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("head_sha", sa.String(), nullable=True))
        batch_op.alter_column(
            "merged_at", existing_type=data.store.tables.UTCDateTime(), nullable=True
        )
        batch_op.create_index(batch_op.f("ix_change_state"), ["state"], unique=False)
        batch_op.create_check_constraint("ck_change_state", "state IN ('merged', 'open', 'closed')")


def downgrade() -> None:
    # Open and closed pull requests have no place in the older schema.
    unmerged = "SELECT id FROM change WHERE state <> 'merged'"
    for table in ("change_file", "review", "deploy_change"):
        op.execute(f"DELETE FROM {table} WHERE change_id IN ({unmerged})")
    op.execute("DELETE FROM change WHERE state <> 'merged'")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_constraint("ck_change_state", type_="check")
        batch_op.drop_index(batch_op.f("ix_change_state"))
        batch_op.alter_column(
            "merged_at", existing_type=data.store.tables.UTCDateTime(), nullable=False
        )
        batch_op.drop_column("head_sha")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("state")
