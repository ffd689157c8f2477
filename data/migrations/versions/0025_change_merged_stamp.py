"""An index that holds the merged changes' stamp (count, newest id, newest update), which
every week page and briefing reads before it reuses a kept history

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Read from the index alone, the stamp no longer visits each merged change's row.
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index("ix_change_merged_stamp", ["state", "updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_merged_stamp")
