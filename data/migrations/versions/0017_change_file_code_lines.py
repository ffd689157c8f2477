"""Lines of code a changed file adds and deletes (change_file.code_added, code_deleted)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before these columns have no count of code lines: NULL, so every line
    # of a code file counts (as a code host's counts do) until a sync of the clone fills them.
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_added", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("code_deleted", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.drop_column("code_deleted")
        batch_op.drop_column("code_added")
