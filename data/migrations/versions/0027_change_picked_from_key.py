"""change.picked_from_key: the change a cherry-pick or backport (state "picked") is the same
patch as, counted as that change

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("picked_from_key", sa.String(), nullable=True))
        batch_op.drop_constraint("ck_change_state", type_="check")
        batch_op.create_check_constraint(
            "ck_change_state", "state IN ('merged', 'open', 'closed', 'picked')"
        )


def downgrade() -> None:
    # A picked change counts again once the link that said why it did not is gone.
    op.execute("UPDATE change SET state = 'merged' WHERE state = 'picked'")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_constraint("ck_change_state", type_="check")
        batch_op.create_check_constraint("ck_change_state", "state IN ('merged', 'open', 'closed')")
        batch_op.drop_column("picked_from_key")
