"""The commits a deploy shipped (deploy_commit) and generated files (change_file.generated)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deploy_commit",
        sa.Column("deploy_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["deploy_id"], ["deploy.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("deploy_id", "sha"),
    )
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("generated", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.drop_column("generated")
    op.drop_table("deploy_commit")
