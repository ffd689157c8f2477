"""change_file.previous_path and lines_before: the path a renamed file had before, so its
history follows it, and the lines a file held before a change, as a clone's git has them

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every file stored before: those changes read a renamed file as new until their
    # source writes them again.
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_path", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("lines_before", sa.Integer(), nullable=True))
    # A clone's next sync reads its whole history once more (its commit cursor forgotten, as
    # when a branch is rewritten; upserts by key make that safe), so the changes it stored
    # learn their renames and their files' lengths. Its tag cursor stays: deploys do not depend on them.
    state = sa.table("sync_state", sa.column("source", sa.String()))
    op.execute(state.delete().where(state.c.source == "git"))


def downgrade() -> None:
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.drop_column("lines_before")
        batch_op.drop_column("previous_path")
