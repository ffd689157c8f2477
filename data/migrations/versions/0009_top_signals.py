"""A score's top signals as a JSON list of names instead of a comma-joined string

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


_TYPES: dict[str, sa.types.TypeEngine[Any]] = {"drivers": sa.String(), "top_signals": sa.JSON()}


def _convert(source: str, target: str, convert: Callable[[Any], Any]) -> None:
    """Fill ``target`` from ``source`` on every risk_score row, a batch at a time."""
    table = sa.table(
        "risk_score",
        sa.column("id", sa.Integer()),
        sa.column(source, _TYPES[source]),
        sa.column(target, _TYPES[target]),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(table.c.id, table.c[source])).all()
    for start in range(0, len(rows), _BATCH):
        conn.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")),
            [
                {"row_id": row_id, target: convert(value)}
                for row_id, value in rows[start : start + _BATCH]
            ],
        )


def upgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("top_signals", sa.JSON(), server_default="[]", nullable=False)
        )
    _convert("drivers", "top_signals", lambda d: d.split(",") if d else [])
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.drop_column("drivers")


def downgrade() -> None:
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drivers", sa.String(), server_default="", nullable=False))
    _convert("top_signals", "drivers", lambda names: ",".join(str(n) for n in names or []))
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.drop_column("top_signals")
