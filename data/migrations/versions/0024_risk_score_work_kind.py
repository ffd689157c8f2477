"""risk_score.work_kind and source_lines: a change's kind of work and lines of code, found when
it is scored, so that a week's readers do not classify every change again on every page

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every score stored before: its readers classify those changes as they did,
    # until the next scoring pass writes them again.
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_kind", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("source_lines", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.drop_column("source_lines")
        batch_op.drop_column("work_kind")
