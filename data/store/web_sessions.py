"""Web view sessions signed out before they expired, kept in the store so every replica
refuses their cookie (OWASP ASVS V3.3.1).

A session cookie is signed, not stored: nothing is written when one is made, so opening a
briefing's link writes nothing. Signing out records the cookie's random session id here
until the cookie would have expired anyway; a request whose cookie's id is recorded opens
nothing. Rows past their expiry are deleted as each sign-out is recorded.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.store.tables import RevokedSession

__all__ = ["is_revoked", "revoke_session"]


def revoke_session(engine: Engine, session_id: str, expires_at: datetime, now: datetime) -> None:
    """Record ``session_id`` as signed out until ``expires_at``, and forget those expired by
    ``now``. Two replicas recording the same id at once both succeed."""
    table = RevokedSession.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.expires_at < now))
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(table).values(id=session_id, expires_at=expires_at))
    except sa.exc.IntegrityError:
        pass  # recorded already: signed out twice, or by another replica at the same moment


def is_revoked(session: Session, session_id: str) -> bool:
    """Whether the session ``session_id`` was signed out."""
    return session.get(RevokedSession, session_id) is not None
