"""Scores of review-unknown changes hold NULL, not false, for human_reviewed

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Earlier versions wrote false where no source could see the review.
    op.execute(
        "UPDATE risk_score SET human_reviewed = NULL WHERE subject_kind = 'change' "
        "AND subject_key IN (SELECT key FROM change WHERE reviews_known = false)"
    )


def downgrade() -> None:
    # Nothing to undo: NULL was always the column's meaning for an unknown review.
    pass
