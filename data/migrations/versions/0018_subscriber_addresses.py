"""Channel addresses in their own table (subscriber_address), out of subscriber.teams_webhook_url

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27

A channel whose address is not also who the subscriber is (today Microsoft Teams' webhook
URL) keeps it in ``subscriber_address``, one row per subscriber and channel, so that
``subscriber.teams`` (the organisation's teams a briefing covers) is the only "teams" on
the row and a new channel stores its addresses without a migration. ``slack_user_id``
and ``email`` stay columns: ``/risk`` finds its asker by the first and ``/risk subscribe``
sets the second (see ``data.channels.Address.identity``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The value ``delivery.channel`` has always stored for Microsoft Teams.
_MSTEAMS = "teams"


def upgrade() -> None:
    op.create_table(
        "subscriber_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscriber_id", "channel", name="uq_subscriber_address"),
    )
    with op.batch_alter_table("subscriber_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscriber_address_subscriber_id"), ["subscriber_id"], unique=False
        )
    # Every stored URL moves, the active subscribers' and the retired ones' alike.
    op.execute(
        sa.text(
            "INSERT INTO subscriber_address (subscriber_id, channel, address) "
            "SELECT id, :channel, teams_webhook_url FROM subscriber "
            "WHERE teams_webhook_url IS NOT NULL"
        ).bindparams(channel=_MSTEAMS)
    )
    # Not a batch (which on SQLite copies the table, drops it and renames the copy): with
    # foreign keys on, dropping ``subscriber`` under its briefings and deliveries fails.
    # SQLite drops a plain column itself since 3.35 (Python 3.11 ships a later one).
    op.execute(sa.text("ALTER TABLE subscriber DROP COLUMN teams_webhook_url"))


def downgrade() -> None:
    # Teams' URLs go back to their column; an address of a channel added after 0018 has no
    # place before it and is dropped with the table.
    op.add_column("subscriber", sa.Column("teams_webhook_url", sa.String(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE subscriber SET teams_webhook_url = (SELECT a.address FROM subscriber_address a"
            " WHERE a.subscriber_id = subscriber.id AND a.channel = :channel)"
        ).bindparams(channel=_MSTEAMS)
    )
    with op.batch_alter_table("subscriber_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriber_address_subscriber_id"))
    op.drop_table("subscriber_address")
