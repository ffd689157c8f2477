"""Teams as a delivery channel (subscriber.teams_webhook_url), delivery.status checked

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teams_webhook_url", sa.String(), nullable=True))
    # Only these three were ever written; the check makes a fourth one fail at the store.
    # delivery.channel stays unchecked text: a new channel needs no migration of it.
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_delivery_status", "status IN ('claimed', 'sent', 'failed')"
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint("ck_delivery_status", type_="check")
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_column("teams_webhook_url")
