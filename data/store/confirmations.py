"""The team's word on incident culprits: each member's confirmation or rejection, kept once.

A member's word on one (incident, change) is one row: the same word said again changes
nothing (Slack retries a click, people click twice), the other word replaces it, with
its time.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from data.store.among import among
from data.store.tables import CulpritConfirmation

__all__ = ["Recorded", "confirmations_of", "confirmations_on", "record_confirmation"]


class Recorded(StrEnum):
    """What saying a word did: stored it new, found it already said, or changed it."""

    NEW = "new"
    SAME = "same"
    CHANGED = "changed"


def _said(
    session: Session, incident: str, change: str, slack_user_id: str
) -> CulpritConfirmation | None:
    return session.exec(
        select(CulpritConfirmation).where(
            col(CulpritConfirmation.incident_key) == incident,
            col(CulpritConfirmation.change_key) == change,
            col(CulpritConfirmation.slack_user_id) == slack_user_id,
        )
    ).first()


def record_confirmation(
    session: Session,
    incident: str,
    change: str,
    confirmed: bool,
    slack_user_id: str,
    subscriber: str | None,
    at: datetime,
) -> tuple[Recorded, CulpritConfirmation]:
    """Keep ``slack_user_id``'s word that ``change`` did (``confirmed``) or did not cause
    ``incident``, committed; the same word again keeps the first one and its time."""
    found = _said(session, incident, change, slack_user_id)
    if found is not None:
        if found.confirmed == confirmed:
            return Recorded.SAME, found
        found.confirmed, found.said_at, found.subscriber_key = confirmed, at, subscriber
        session.add(found)
        session.commit()
        return Recorded.CHANGED, found
    row = CulpritConfirmation(
        incident_key=incident,
        change_key=change,
        confirmed=confirmed,
        slack_user_id=slack_user_id,
        subscriber_key=subscriber,
        said_at=at,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # Two replicas answered the same click at once: the other one stored it.
        session.rollback()
        stored = _said(session, incident, change, slack_user_id)
        if stored is None:
            raise
        return Recorded.SAME, stored
    return Recorded.NEW, row


def confirmations_of(session: Session, incident: str) -> list[CulpritConfirmation]:
    """Everyone's word on ``incident``'s candidates, oldest first."""
    return list(
        session.exec(
            select(CulpritConfirmation)
            .where(col(CulpritConfirmation.incident_key) == incident)
            .order_by(col(CulpritConfirmation.said_at), col(CulpritConfirmation.id))
        )
    )


def confirmations_on(
    session: Session, changes: Collection[str] | None = None
) -> list[CulpritConfirmation]:
    """Everyone's word on the changes ``changes`` names (on every change when ``None``),
    oldest first."""
    query = select(CulpritConfirmation)
    if changes is not None:
        query = query.where(among(session, col(CulpritConfirmation.change_key), list(changes)))
    order = (col(CulpritConfirmation.said_at), col(CulpritConfirmation.id))
    return list(session.exec(query.order_by(*order)))
