"""Subscriber rows as readers find them: by key, by e-mail, all active, their names."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func
from sqlmodel import Session, col, select

from data.store.tables import Subscriber

__all__ = [
    "active_subscriber_keys",
    "active_subscribers",
    "first_active_subscriber",
    "stored_subscribers",
    "subscriber_by_email",
    "subscriber_by_key",
    "subscriber_names",
]


def subscriber_by_key(session: Session, key: str) -> Subscriber | None:
    """The subscriber stored under ``key``, active or not."""
    return session.exec(select(Subscriber).where(col(Subscriber.key) == key)).first()


def subscriber_by_email(session: Session, email: str) -> Subscriber | None:
    """The active subscriber with ``email`` (any case), the first by key when several."""
    query = select(Subscriber).where(
        func.lower(Subscriber.email) == email.lower(),
        Subscriber.active == True,  # noqa: E712
    )
    return session.exec(query.order_by(Subscriber.key)).first()


def stored_subscribers(session: Session) -> list[Subscriber]:
    """Every subscriber row, active or not."""
    return list(session.exec(select(Subscriber)))


def active_subscribers(session: Session) -> list[Subscriber]:
    """The active subscribers, in the order they were stored (riskbrief.toml's order)."""
    query = select(Subscriber).where(col(Subscriber.active)).order_by(col(Subscriber.id))
    return list(session.exec(query))


def first_active_subscriber(session: Session) -> Subscriber | None:
    """The first active subscriber stored (the first briefing's reader), if any."""
    query = select(Subscriber).where(col(Subscriber.active)).order_by(col(Subscriber.id))
    return session.exec(query).first()


def active_subscriber_keys(session: Session) -> list[str]:
    """The active subscribers' keys, in the order they were stored."""
    return list(
        session.exec(
            select(Subscriber.key).where(col(Subscriber.active)).order_by(col(Subscriber.id))
        )
    )


def subscriber_names(session: Session, keys: Collection[str]) -> dict[str, str]:
    """The name of each subscriber among ``keys``, by key."""
    return {
        s.key: s.name for s in session.exec(select(Subscriber).where(col(Subscriber.key).in_(keys)))
    }
