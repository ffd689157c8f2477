"""Line coverage by commit (coverage_report) and a change's patch and service coverage

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.store.tables

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("recorded_at", data.store.tables.UTCDateTime(), nullable=False),
        sa.Column("coverable", sa.Integer(), nullable=False),
        sa.Column("covered", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["repository_id"], ["repository.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("repository_id", "sha", "origin", name="uq_coverage_report"),
    )
    with op.batch_alter_table("coverage_report", schema=None) as batch_op:
        batch_op.create_index("ix_coverage_report_repository_id", ["repository_id"])
        batch_op.create_index("ix_coverage_report_sha", ["sha"])
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patch_coverage", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("patch_coverable", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("service_coverage", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_column("service_coverage")
        batch_op.drop_column("patch_coverable")
        batch_op.drop_column("patch_coverage")
    op.drop_table("coverage_report")
