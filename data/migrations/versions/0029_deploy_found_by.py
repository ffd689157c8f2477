"""deploy.found_by: the rule that found a deploy (a tag pattern, a deployment's environment,
a workflow, a CI report…) and what it matched, as ``data.deploy_rule.FoundBy`` writes it

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deploy", schema=None) as batch_op:
        batch_op.add_column(sa.Column("found_by", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deploy", schema=None) as batch_op:
        batch_op.drop_column("found_by")
