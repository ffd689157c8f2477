"""An index on change_file.path (the fixes that later touched an incident's files), and
change.reverts_key's index holding reverts only

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An incident card's culprits are weighed by the reverts, hotfixes and fixes that touched
    # their files after it: without this each card read all of change_file (about 70 ms on
    # 100,000 changes, twice an incident a week page).
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_file_path"), ["path"], unique=False)
    # Almost every change reverts nothing: with their NULLs in it, SQLite's planner takes the
    # index for too coarse to read a few reverts by and scans every change instead.
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_reverts_key")
        batch_op.create_index(
            "ix_change_reverts_key",
            ["reverts_key"],
            unique=False,
            sqlite_where=sa.text("reverts_key IS NOT NULL"),
            postgresql_where=sa.text("reverts_key IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_reverts_key")
        batch_op.create_index("ix_change_reverts_key", ["reverts_key"], unique=False)
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_file_path"))
