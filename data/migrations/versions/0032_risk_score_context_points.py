"""risk_score.context_points: a change's points from signals that read what it lands in (a
service's recent incidents), so that a week's risk cards judge the changes themselves without
reading every score's signals

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every score stored before: a week's reader adds those changes' points up from
    # their stored signals, until the next scoring pass writes them again.
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context_points", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.drop_column("context_points")
