"""Reviews known: a change only a git history reported has an unknown review

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reviews_known", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    # Commits keyed by sha came from a git history, which cannot see reviews.
    op.execute(
        "UPDATE change SET reviews_known = false WHERE key LIKE '%@%' "
        "AND NOT EXISTS (SELECT 1 FROM review WHERE review.change_id = change.id)"
    )
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.alter_column(
            "human_reviewed",
            existing_type=sa.Boolean(),
            nullable=True,
            server_default=None,
            existing_server_default=sa.false(),
        )


def downgrade() -> None:
    op.execute("UPDATE risk_score SET human_reviewed = false WHERE human_reviewed IS NULL")
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.alter_column(
            "human_reviewed",
            existing_type=sa.Boolean(),
            nullable=False,
            server_default=sa.false(),
        )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_column("reviews_known")
