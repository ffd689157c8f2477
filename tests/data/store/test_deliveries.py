"""Delivery claims on SQLite and PostgreSQL: once per subscriber, week and channel."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from data.store.deliveries import (
    CLAIMED,
    FAILED,
    SENT,
    Claim,
    DeliveryRetry,
    claim,
    complete,
    delivery_states,
    fail,
    find_unfinished,
)
from data.store.engine import session_scope
from data.store.tables import Subscriber

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK = "2026-W47"


@pytest.fixture
def subscriber_id(engine: Engine) -> int:
    """One subscriber in the store."""
    with session_scope(engine) as session:
        row = Subscriber(key="lead", name="Lead", email="lead@example.com")
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def test_second_claim_of_the_same_delivery_is_refused(engine: Engine, subscriber_id: int) -> None:
    """The first claim wins; a second one for the same week and channel gets nothing."""
    first = claim(engine, subscriber_id, WEEK, "slack", NOW)
    assert first is not None
    assert first.attempt == 1
    assert not first.is_retry
    assert claim(engine, subscriber_id, WEEK, "slack", NOW) is None
    # Another channel or week is a different delivery.
    assert claim(engine, subscriber_id, WEEK, "email", NOW) is not None
    assert claim(engine, subscriber_id, "2026-W48", "slack", NOW) is not None
    assert len(delivery_states(engine)) == 3


def test_concurrent_claims_give_exactly_one_winner(engine: Engine, subscriber_id: int) -> None:
    """Eight threads racing to insert the same claim: one wins, the others get None."""
    results: list[Claim | None] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def racer() -> None:
        start.wait()
        got = claim(engine, subscriber_id, WEEK, "slack", NOW)
        with lock:
            results.append(got)

    threads = [threading.Thread(target=racer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is not None for r in results) == 1
    assert len(delivery_states(engine)) == 1


def test_sent_delivery_is_never_claimed_again(engine: Engine, subscriber_id: int) -> None:
    """After completion the row records the ts and time, and no later claim is granted."""
    got = claim(engine, subscriber_id, WEEK, "slack", NOW)
    assert got is not None
    assert complete(engine, got, "1700000000.000100", NOW + timedelta(seconds=2), "D0LEAD")
    assert claim(engine, subscriber_id, WEEK, "slack", NOW + timedelta(days=3)) is None
    (row,) = delivery_states(engine)
    assert (row.status, row.external_id, row.destination) == (SENT, "1700000000.000100", "D0LEAD")
    assert row.sent_at == NOW + timedelta(seconds=2)
    assert row.attempts == 1
    assert find_unfinished(engine, NOW + timedelta(days=3)) == []


def test_crashed_claim_is_taken_over_once_stale(engine: Engine, subscriber_id: int) -> None:
    """A claim left behind by a crash is retried after the lease, by exactly one taker."""
    policy = DeliveryRetry(stale_after=timedelta(minutes=15))
    assert claim(engine, subscriber_id, WEEK, "email", NOW, policy) is not None
    # Still within the lease: the first process may be sending right now.
    assert claim(engine, subscriber_id, WEEK, "email", NOW + timedelta(minutes=5), policy) is None
    later = NOW + timedelta(minutes=16)
    assert [s.status for s in find_unfinished(engine, later, [WEEK], policy)] == [CLAIMED]
    retry = claim(engine, subscriber_id, WEEK, "email", later, policy)
    assert retry is not None
    assert retry.attempt == 2
    assert retry.previous is not None
    assert retry.previous.status == CLAIMED
    assert claim(engine, subscriber_id, WEEK, "email", later, policy) is None
    (row,) = delivery_states(engine)
    assert (row.status, row.attempts, row.attempted_at) == (CLAIMED, 2, later)


def test_failure_is_recorded_and_retried_after_backoff(engine: Engine, subscriber_id: int) -> None:
    """A failed attempt keeps its error; it is retried after the back-off, up to the limit."""
    policy = DeliveryRetry(backoff=timedelta(minutes=5), max_attempts=2)
    first = claim(engine, subscriber_id, WEEK, "slack", NOW, policy)
    assert first is not None
    assert fail(engine, first, "Slack said\nratelimited")
    (row,) = delivery_states(engine)
    assert (row.status, row.attempts, row.last_error) == (FAILED, 1, "Slack said ratelimited")
    assert claim(engine, subscriber_id, WEEK, "slack", NOW + timedelta(minutes=4), policy) is None
    second = claim(engine, subscriber_id, WEEK, "slack", NOW + timedelta(minutes=5), policy)
    assert second is not None
    assert second.attempt == 2
    assert fail(engine, second, "still failing")
    # Out of attempts: nothing retries it on its own any more.
    assert claim(engine, subscriber_id, WEEK, "slack", NOW + timedelta(days=1), policy) is None
    assert find_unfinished(engine, NOW + timedelta(days=1), None, policy) == []


def test_stale_attempt_cannot_overwrite_the_one_that_took_over(
    engine: Engine, subscriber_id: int
) -> None:
    """A slow first attempt that was taken over cannot mark the row failed under the new one."""
    policy = DeliveryRetry(stale_after=timedelta(minutes=1))
    slow = claim(engine, subscriber_id, WEEK, "slack", NOW, policy)
    assert slow is not None
    taker = claim(engine, subscriber_id, WEEK, "slack", NOW + timedelta(minutes=2), policy)
    assert taker is not None
    assert not fail(engine, slow, "timed out")
    (row,) = delivery_states(engine)
    assert (row.status, row.attempts) == (CLAIMED, 2)
