"""What a change was scored as, on its score row (service, drivers, owners, review, agent)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("drivers", sa.String(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("owner_files_known", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("owner_files_covered", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("agent_involved", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("human_reviewed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.drop_column("human_reviewed")
        batch_op.drop_column("agent_involved")
        batch_op.drop_column("owner_files_covered")
        batch_op.drop_column("owner_files_known")
        batch_op.drop_column("drivers")
        batch_op.drop_column("service")
