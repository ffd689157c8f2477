"""Stored briefings as their readers find them: a subscriber's week, the one its deliveries
sent, and a subscriber's newest first."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, col, select

from data.store.tables import Briefing, Delivery

__all__ = ["briefing_of", "briefing_sent", "briefings_newest_first"]


def briefing_of(session: Session, subscriber_id: int, week: str) -> Briefing | None:
    """The briefing stored for the subscriber ``subscriber_id``'s ISO week ``week``."""
    query = select(Briefing).where(Briefing.subscriber_id == subscriber_id, Briefing.week == week)
    return session.exec(query).first()


def briefing_sent(session: Session, subscriber_id: int, week: str) -> Briefing | None:
    """The briefing a delivery of the subscriber's ``week`` sent or tried to send, if any."""
    used = select(Delivery.briefing_id).where(
        col(Delivery.subscriber_id) == subscriber_id,
        col(Delivery.week) == week,
        col(Delivery.briefing_id).is_not(None),
    )
    return session.exec(select(Briefing).where(col(Briefing.id).in_(used))).first()


def briefings_newest_first(session: Session, subscriber_id: int | None) -> Iterator[Briefing]:
    """The subscriber's stored briefings, newest week first, read as the caller walks them
    (each holds a whole payload, and the caller usually stops at the first)."""
    yield from session.exec(
        select(Briefing)
        .where(Briefing.subscriber_id == subscriber_id)
        .order_by(col(Briefing.week).desc())
    )
