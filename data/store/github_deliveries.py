"""GitHub webhook deliveries claimed once by their ``X-GitHub-Delivery`` id."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.store.tables import GitHubDelivery

__all__ = ["claim_delivery", "release_delivery"]


def claim_delivery(engine: Engine, delivery: str, event: str, now: datetime) -> bool:
    """Record ``delivery``; False when it was recorded before (a redelivery, or one in flight).

    The primary key decides between two replicas that receive the same delivery at once.
    """
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(GitHubDelivery).values(id=delivery, event=event, received_at=now)
            )
    except sa.exc.IntegrityError:
        return False
    return True


def release_delivery(engine: Engine, delivery: str) -> None:
    """Forget ``delivery`` after its work failed, so that GitHub's redelivery is done again."""
    with engine.begin() as conn:
        conn.execute(sa.delete(GitHubDelivery).where(GitHubDelivery.id == delivery))  # type: ignore[arg-type]
