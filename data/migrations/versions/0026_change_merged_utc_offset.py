"""change.merged_utc_offset: the committer's clock's offset from UTC when it merged (a git
history's), which timing reads until the organisation names its zone

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and unfilled: a store synced before knows no offset until its next full sync.
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_utc_offset", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_column("merged_utc_offset")
