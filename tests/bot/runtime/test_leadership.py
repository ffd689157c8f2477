"""The scheduler's lead on PostgreSQL: terms, heartbeats, a stalled leader replaced and fenced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.runtime.leadership import Leadership
from data.store.deliveries import CLAIMED, claim, delivery_states, find_unfinished, note_destination
from data.store.engine import make_engine, session_scope
from data.store.leadership import end_sessions, read_lead
from data.store.tables import Subscriber

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK = "2026-W47"


class _Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def replicas(engine: Engine, database_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two replicas' engines on one migrated database, their sessions named apart."""
    # Only ``engine``'s store is wanted: at head and emptied, far faster than migrated anew.
    del engine
    one = make_engine(database_url, application_name="riskbrief-test-one")
    two = make_engine(database_url, application_name="riskbrief-test-two")
    yield one, two
    one.dispose()
    two.dispose()
    # A test that failed half-way may leave a replica's session holding the lock or a
    # transaction open; end them so that the next test starts from nothing.
    cleanup = make_engine(database_url, application_name="riskbrief-test-cleanup")
    with cleanup.begin() as conn:
        end_sessions(conn, "riskbrief-test-one")
        end_sessions(conn, "riskbrief-test-two")
    cleanup.dispose()


def _age_heartbeat(engine: Engine, seconds: float) -> None:
    """Move the leader's heartbeat back, as if that many seconds had passed without one.

    The database's clock is not the test's to move; an aged heartbeat is what followers
    read when a leader stalls, without a test that sleeps past a timeout and so holds
    only on a machine that is not busy.
    """
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE leader SET heartbeat_at = heartbeat_at - make_interval(secs => :s)"),
            {"s": seconds},
        )


def _subscriber(engine: Engine) -> int:
    with session_scope(engine) as session:
        row = Subscriber(key="lead", name="Lead", email="lead@example.com")
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def test_taking_the_lead_starts_a_new_term(replicas: tuple[Engine, Engine]) -> None:
    """Each replica that takes the lead gets the next term; a follower gets none."""
    one, two = replicas
    first = Leadership(one)
    second = Leadership(two)
    assert first.acquire()
    assert first.term == 1
    assert not second.acquire()
    assert second.term is None
    first.release()
    assert second.acquire()
    assert second.term == 2
    with one.connect() as conn:
        lead = read_lead(conn)
    assert lead is not None
    assert lead.term == 2
    assert lead.holder == "riskbrief-test-two"
    second.release()


def test_stalled_leader_is_replaced_and_its_sessions_ended(
    replicas: tuple[Engine, Engine],
) -> None:
    """A leader that holds its session but stops its heartbeat loses the lead after the timeout."""
    one, two = replicas
    stalled = Leadership(one, timeout=timedelta(seconds=60))
    follower = Leadership(two, timeout=timedelta(seconds=60))
    assert stalled.acquire()
    assert not follower.acquire()  # the heartbeat is fresh: the leader is only busy
    _age_heartbeat(two, 61)
    # A transaction the stalled process left open, as if stopped in the middle of a claim.
    hung = one.connect()
    hung.execute(sa.text("SELECT term FROM leader FOR SHARE"))
    assert follower.acquire()
    assert follower.term == 2
    # The stalled process finds out when it next looks, and leads no more.
    assert not stalled.acquire()
    assert stalled.term is None
    assert not stalled.holds()
    with pytest.raises(sa.exc.OperationalError):
        hung.execute(sa.text("SELECT 1"))
    hung.invalidate()
    follower.release()


def test_busy_leader_with_a_heartbeat_keeps_the_lead(replicas: tuple[Engine, Engine]) -> None:
    """A leader that keeps confirming is never taken over, however long it has led."""
    one, two = replicas
    leader = Leadership(one, timeout=timedelta(seconds=60))
    follower = Leadership(two, timeout=timedelta(seconds=60))
    assert leader.acquire()
    # Four beats 45 s apart: three minutes of leading, never 60 s without a heartbeat.
    for _ in range(4):
        _age_heartbeat(two, 45)
        assert leader.acquire()
        assert not follower.acquire()
    assert leader.term == 1
    leader.release()


def test_leader_stops_sending_once_its_lead_is_unconfirmed_for_half_the_timeout(
    replicas: tuple[Engine, Engine],
) -> None:
    """By its own clock, a leader whose last confirmation is old may not send."""
    one, _ = replicas
    clock = _Clock()
    leader = Leadership(one, timeout=timedelta(seconds=60), clock=clock)
    assert leader.acquire()
    assert leader.holds()
    clock.now += 29
    assert leader.holds()
    clock.now += 2
    assert not leader.holds()
    assert leader.acquire()
    assert leader.holds()
    leader.release()


def test_claim_of_an_ended_term_is_refused_and_retried_at_once(
    replicas: tuple[Engine, Engine],
) -> None:
    """A stale leader's claim and send note are fenced; the new leader retries its claim at once."""
    one, two = replicas
    subscriber = _subscriber(one)
    old = Leadership(one)
    assert old.acquire()
    in_flight = claim(one, subscriber, WEEK, "slack", NOW, term=old.term)
    assert in_flight is not None
    assert in_flight.term == 1
    old.release()
    new = Leadership(two)
    assert new.acquire()
    assert new.term == 2
    # The old leader wakes: it can neither note a send nor claim anything more.
    assert not note_destination(one, in_flight, "D123")
    assert claim(one, subscriber, WEEK, "email", NOW, term=1) is None
    # The new leader sees the orphaned claim at once, not after the 15-minute lease.
    a_minute_later = NOW + timedelta(minutes=1)
    assert [r.id for r in find_unfinished(two, a_minute_later, term=new.term)] == [in_flight.id]
    assert find_unfinished(two, a_minute_later) == []
    taken = claim(two, subscriber, WEEK, "slack", a_minute_later, term=new.term)
    assert taken is not None
    assert taken.attempt == 2
    assert taken.term == 2
    assert [(r.status, r.term) for r in delivery_states(two)] == [(CLAIMED, 2)]
    new.release()
