"""The running product's own rows: the scheduler's lead, sync cursors, webhook deliveries answered
and web sessions signed out.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.store.tables.columns import utc_column

__all__ = ["Leader", "RevokedSession", "SyncState", "WebhookDelivery"]


class Leader(SQLModel, table=True):
    """Which replica runs the scheduler: its term, its instance and its last heartbeat.

    The replica holding the leader advisory lock adds one to ``term`` when it takes the
    lead and stamps ``heartbeat_at`` (the database's clock) while it works, so the
    others can tell a leader that stopped ticking from one that is busy.
    """

    name: str = Field(primary_key=True)
    term: int = 0
    holder: str | None = None
    taken_at: datetime | None = utc_column(nullable=True)
    heartbeat_at: datetime | None = utc_column(nullable=True)


class SyncState(SQLModel, table=True):
    """Where a source's last sync stopped, so the next one resumes there."""

    __tablename__ = "sync_state"
    __table_args__ = (sa.UniqueConstraint("source", "scope", name="uq_sync_state"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str
    scope: str
    cursor: str | None = None
    watermark: datetime | None = utc_column(nullable=True)
    updated_at: datetime = utc_column()


class WebhookDelivery(SQLModel, table=True):
    """A host's webhook delivery (GitHub, GitLab, Bitbucket) answered once: a redelivery of
    the same id does nothing.

    The table keeps its first name, ``github_delivery``, so that no migration is needed."""

    __tablename__ = "github_delivery"

    id: str = Field(primary_key=True)
    event: str
    received_at: datetime = utc_column()


class RevokedSession(SQLModel, table=True):
    """A web view session signed out: its cookie opens nothing until it would have expired.

    ``id`` is the random id the signed session cookie carries; ``expires_at`` is when the
    cookie expires anyway, after which the row is no longer needed and is deleted.
    """

    __tablename__ = "revoked_session"

    id: str = Field(primary_key=True)
    expires_at: datetime = utc_column(index=True)
