"""Indexes for the web view's pages on a big store: change (state, merged_at),
deploy_change.change_id, change.reverts_key, incident.deploy_id, risk_score.service

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each was a scan of its whole table per change page: which deploys shipped the change
    # (deploy_change's key leads with the deploy), which changes revert it, and the
    # incidents of those deploys. On 100,000 changes the first two took most of the page.
    with op.batch_alter_table("deploy_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deploy_change_change_id"), ["change_id"], unique=False)
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_reverts_key"), ["reverts_key"], unique=False)
        # A window of merged changes by merge time: SQLite without statistics otherwise
        # reads every merged change through ix_change_state (700 ms for an agents page).
        batch_op.create_index("ix_change_state_merged_at", ["state", "merged_at"], unique=False)
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_deploy_id"), ["deploy_id"], unique=False)
    # A service's scores: PostgreSQL otherwise reads all of risk_score for one service's
    # year (90 ms on 100,000 changes, 27 ms with it); SQLite keeps walking the merge times.
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_score_service"), ["service"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_score_service"))
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_deploy_id"))
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_state_merged_at")
        batch_op.drop_index(batch_op.f("ix_change_reverts_key"))
    with op.batch_alter_table("deploy_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deploy_change_change_id"))
