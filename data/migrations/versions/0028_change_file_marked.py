"""What a clone's .gitattributes says a changed file is (change_file.marked): generated,
documentation or hand-written, which wins over every rule of the scorer's

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("marked", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_file", schema=None) as batch_op:
        batch_op.drop_column("marked")
