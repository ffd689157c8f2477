"""Where the sources' syncs stand, as ``/metrics`` reads it: each source's oldest sync."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.store.tables import SyncState

__all__ = ["oldest_syncs"]


def oldest_syncs(session: Session) -> list[tuple[str, datetime]]:
    """Each source with when its least recently synced scope was last synced."""
    query = select(SyncState.source, sa.func.min(col(SyncState.updated_at))).group_by(
        col(SyncState.source)
    )
    return list(session.connection().execute(query).all())
