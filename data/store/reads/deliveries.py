"""Deliveries as their readers find them: the Slack message a button was pressed on, and
what ``/metrics`` gauges (the oldest claim in flight, the unfinished ones by status)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.store.tables import ChannelName, Delivery, DeliveryStatus

__all__ = ["oldest_claim", "slack_delivery", "unfinished_counts"]


def slack_delivery(session: Session, message_ts: str) -> Delivery | None:
    """The delivery that sent the Slack message ``message_ts``, if one was recorded."""
    query = select(Delivery).where(
        Delivery.channel == ChannelName.SLACK, Delivery.external_id == message_ts
    )
    return session.exec(query).first()


def oldest_claim(session: Session) -> datetime | None:
    """When the oldest delivery still claimed was attempted; None when none is in flight."""
    query = sa.select(sa.func.min(col(Delivery.attempted_at))).where(
        col(Delivery.status) == DeliveryStatus.CLAIMED
    )
    at: datetime | None = session.connection().execute(query).scalar()
    return at


def unfinished_counts(session: Session) -> dict[str, int]:
    """How many deliveries are claimed and how many failed (waiting for a retry), by status;
    a status with none is left out."""
    query = (
        sa.select(col(Delivery.status), sa.func.count())
        .where(col(Delivery.status).in_((DeliveryStatus.CLAIMED, DeliveryStatus.FAILED)))
        .group_by(col(Delivery.status))
    )
    counts: dict[str, int] = dict(session.connection().execute(query).all())
    return counts
