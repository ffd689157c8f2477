"""Webhook deliveries claimed once by their id, and the lock that lets one replica at a time
work on a pull or merge request's check.

GitHub's deliveries are recorded by their ``X-GitHub-Delivery`` id; GitLab's
(``bot.gitlab.webhook``) by ``gitlab:`` and their ``Idempotency-Key`` (else
``X-Gitlab-Event-UUID``), in the same table: the prefix keeps the two hosts' ids
apart, and the table keeps its name (``github_delivery``) so that no migration is needed.

A claim is recorded with its event marked in flight and the mark is taken off when its
work is done (``finish_delivery``); a claim still in flight after ``RECLAIM_AFTER`` is
one whose replica died mid-work, and the next delivery of that id may claim it again.
The mark lives in the ``event`` column so that no migration is needed; a row recorded
before marks existed reads as finished, which is what it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.store.tables import WebhookDelivery

__all__ = [
    "KEEP_FOR",
    "RECLAIM_AFTER",
    "claim_delivery",
    "finish_delivery",
    "pull_request_lock",
    "release_delivery",
]

# A delivery's work is done inline in well under GitHub's 10 seconds: one in flight for
# ten minutes belongs to a replica that stopped before finishing it.
RECLAIM_AFTER = timedelta(minutes=10)
# GitHub offers a delivery for redelivery for three days; a finished one older than this is
# forgotten, so the table holds about a month of deliveries rather than every one ever.
KEEP_FOR = timedelta(days=30)
_IN_FLIGHT = " (in flight)"
# The first key of the advisory locks riskbrief takes per pull request.
_LOCK_SPACE = "riskbrief.pull_check"


def claim_delivery(engine: Engine, delivery: str, event: str, now: datetime) -> bool:
    """Record ``delivery`` in flight; False when it was recorded before (a redelivery, or one
    in flight for less than ``RECLAIM_AFTER``).

    The primary key decides between two replicas that receive the same delivery at once,
    and the reclaim's conditional UPDATE between two that find it abandoned at once.
    """
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(WebhookDelivery).values(
                    id=delivery, event=event + _IN_FLIGHT, received_at=now
                )
            )
    except sa.exc.IntegrityError:
        return _reclaim(engine, delivery, event, now)
    return True


def _reclaim(engine: Engine, delivery: str, event: str, now: datetime) -> bool:
    table = WebhookDelivery.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(table)
            .where(
                table.c.id == delivery,
                table.c.event == event + _IN_FLIGHT,
                table.c.received_at < now - RECLAIM_AFTER,
            )
            .values(received_at=now)
        )
    return bool(done.rowcount == 1)


def finish_delivery(engine: Engine, delivery: str, event: str, now: datetime) -> None:
    """Mark ``delivery``'s work done: from now on it is answered "already answered" for good.

    Deliveries received more than ``KEEP_FOR`` before ``now`` are deleted in the same
    transaction: by then GitHub no longer redelivers them.
    """
    table = WebhookDelivery.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.update(table).where(table.c.id == delivery).values(event=event))
        conn.execute(sa.delete(table).where(table.c.received_at < now - KEEP_FOR))


def release_delivery(engine: Engine, delivery: str) -> None:
    """Forget ``delivery`` after its work failed, so that the host's redelivery is done again."""
    with engine.begin() as conn:
        conn.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.id == delivery))  # type: ignore[arg-type]


@contextmanager
def pull_request_lock(engine: Engine, key: str) -> Iterator[None]:
    """Hold the pull request ``key``'s lock across replicas for the block, on PostgreSQL.

    A transaction-scoped advisory lock: released at commit or rollback, and by the server
    when a replica's connection dies, so no crash leaves it held. SQLite has one writer
    and one replica, whose in-process lock is enough.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn, conn.begin():
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:space), hashtext(:key))"),
            {"space": _LOCK_SPACE, "key": key.lower()},
        )
        yield
