"""Claiming a delivery before sending it, so each briefing goes out once per channel and week.

A claim is a row in ``delivery``, unique per (subscriber, week, channel). The first
process to insert it owns the send; everyone else's insert fails on the unique
constraint and they leave it alone. Each step commits on its own connection at once,
so another process (the other ``serve``, a ``brief --send``) sees it immediately.

A row stays ``claimed`` only while its send is in flight. One that stays claimed
past ``DeliveryRetry.stale_after`` belongs to a process that crashed; it is taken
over with a compare-and-set on ``attempts`` so that only one taker wins. ``failed``
rows are retried after a back-off; ``sent`` rows never are.

The scheduler claims with its leader term (``data.store.leadership``): the claim and the
note written just before sending are fenced by it, so a replica whose lead has ended
claims and sends nothing; and an unfinished row of an ended term is retried at once
by the current leader instead of after the lease.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from data.store.leadership import fenced
from data.store.tables import ChannelName, Delivery, DeliveryStatus

__all__ = [
    "CLAIMED",
    "FAILED",
    "SENT",
    "ChannelName",
    "Claim",
    "DeliveryRetry",
    "DeliveryState",
    "DeliveryStatus",
    "attach_briefing",
    "claim",
    "complete",
    "delivery_states",
    "fail",
    "find_unfinished",
    "note_destination",
    "set_step_hook",
    "step",
]

CLAIMED = DeliveryStatus.CLAIMED
SENT = DeliveryStatus.SENT
FAILED = DeliveryStatus.FAILED

# Long enough for the slowest honest send (an LLM narrative, a rate-limited Slack
# post, a slow SMTP server), short enough that a crash is retried within the hour.
_STALE_AFTER = timedelta(minutes=15)
_MAX_BACKOFF = timedelta(hours=1)
# A last_error longer than this is cut: it is read by people, not parsed.
_ERROR_CHARS = 500

# Called with the name of each point a delivery passes (``claim.inserted``,
# ``send.slack.posted``...); ``None`` outside the crash tests (tests/crash), which
# set it to kill the process at a chosen point.
_step_hook: Callable[[str], None] | None = None


def set_step_hook(hook: Callable[[str], None] | None) -> None:
    """Have ``hook`` called at every named point of a delivery (``None``: no hook)."""
    global _step_hook
    _step_hook = hook


def step(name: str) -> None:
    """Mark that a delivery reached step ``name`` (crash tests stop there); no-op unless hooked."""
    if _step_hook is not None:
        _step_hook(name)


@dataclass(frozen=True, slots=True)
class DeliveryRetry:
    """When an unfinished delivery may be tried again.

    ``stale_after``: a claim older than this is a crashed attempt. ``backoff``: a failed
    delivery waits this long, doubled for each further attempt (at most an hour).
    ``max_attempts``: after this many a failed delivery is left alone (``None``: no limit).
    """

    stale_after: timedelta = _STALE_AFTER
    backoff: timedelta = timedelta(minutes=5)
    max_attempts: int | None = 5

    def retry_at(self, state: DeliveryState, term: int | None = None) -> datetime | None:
        """When ``state`` may next be tried, or ``None`` when never (sent, or out of attempts).

        ``term``: the current leader's; an unfinished row claimed in an earlier term has
        lost its sender (that leader is gone and fenced), so it may be tried at once.
        """
        started = state.attempted_at or state.claimed_at
        if state.status == SENT:
            return None
        orphaned = term is not None and state.term is not None and state.term < term
        if state.status == CLAIMED:
            return started if orphaned else started + self.stale_after
        if self.max_attempts is not None and state.attempts >= self.max_attempts:
            return None
        if orphaned:
            return started
        wait = min(self.backoff * (1 << max(state.attempts - 1, 0)), _MAX_BACKOFF)
        return started + wait


@dataclass(frozen=True, slots=True)
class DeliveryState:
    """A delivery row as it stands."""

    id: int
    subscriber_id: int
    week: str
    channel: ChannelName
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    external_id: str | None
    destination: str | None
    briefing_id: int | None
    claimed_at: datetime
    attempted_at: datetime | None
    sent_at: datetime | None
    term: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to send one delivery: this process's attempt number ``attempt``.

    ``previous`` is the row as it stood before a retry took it over (``None`` for a
    first claim): if its status was ``claimed`` or ``failed``, the earlier attempt may
    have reached the receiver before it crashed or errored.
    """

    id: int
    subscriber_id: int
    week: str
    channel: ChannelName
    attempt: int
    claimed_at: datetime
    previous: DeliveryState | None = None
    term: int | None = None

    @property
    def is_retry(self) -> bool:
        """True when an earlier attempt of this delivery was made."""
        return self.previous is not None


def _state(d: Delivery) -> DeliveryState:
    assert d.id is not None
    return DeliveryState(
        id=d.id,
        subscriber_id=d.subscriber_id,
        week=d.week,
        channel=d.channel,
        status=d.status,
        attempts=d.attempts,
        last_error=d.last_error,
        external_id=d.external_id,
        destination=d.destination,
        briefing_id=d.briefing_id,
        claimed_at=d.claimed_at,
        attempted_at=d.attempted_at,
        sent_at=d.sent_at,
        term=d.term,
    )


def _read(engine: Engine, where: sa.ColumnElement[bool]) -> list[DeliveryState]:
    with Session(engine) as session:
        rows = session.exec(select(Delivery).where(where).order_by(col(Delivery.id))).all()
        return [_state(r) for r in rows]


def delivery_states(
    engine: Engine, *, week: str | None = None, subscriber_id: int | None = None
) -> list[DeliveryState]:
    """Delivery rows, optionally of one week and/or one subscriber, oldest first."""
    where: sa.ColumnElement[bool] = sa.true()
    if week is not None:
        where = sa.and_(where, col(Delivery.week) == week)
    if subscriber_id is not None:
        where = sa.and_(where, col(Delivery.subscriber_id) == subscriber_id)
    return _read(engine, where)


def _existing(
    engine: Engine, subscriber_id: int, week: str, channel: ChannelName
) -> DeliveryState | None:
    found = _read(
        engine,
        sa.and_(
            col(Delivery.subscriber_id) == subscriber_id,
            col(Delivery.week) == week,
            col(Delivery.channel) == channel,
        ),
    )
    return found[0] if found else None


def claim(
    engine: Engine,
    subscriber_id: int,
    week: str,
    channel: ChannelName | str,
    now: datetime,
    policy: DeliveryRetry = DeliveryRetry(),
    term: int | None = None,
) -> Claim | None:
    """Claim the delivery of ``week`` to ``subscriber_id`` on ``channel``, or ``None``.

    ``channel`` may be given by its stored word; one that names no channel is a
    ``ValueError`` before anything is written.

    ``None`` means it is not this process's to send: already sent, in flight
    elsewhere, failed too recently or too often, lost to a concurrent claimer, or
    ``term`` (the scheduler's lead) has ended.
    """
    channel = ChannelName(channel)
    try:
        with engine.begin() as conn:
            if not fenced(conn, term):
                return None
            inserted = conn.execute(
                sa.insert(Delivery)
                .values(
                    subscriber_id=subscriber_id,
                    week=week,
                    channel=channel,
                    status=CLAIMED,
                    attempts=1,
                    claimed_at=now,
                    attempted_at=now,
                    term=term,
                )
                .returning(col(Delivery.id))
            ).scalar_one()
            step("claim.insert")
    except IntegrityError:
        # The unique key: another claim got there first, now or in an earlier run.
        pass
    else:
        assert inserted is not None
        step("claim.inserted")
        return Claim(inserted, subscriber_id, week, channel, 1, now, term=term)
    seen = _existing(engine, subscriber_id, week, channel)
    if seen is None:
        # A claim that was rolled back between our insert and our read; try next time.
        return None
    retry_at = policy.retry_at(seen, term)
    if retry_at is None or retry_at > now:
        return None
    return _take_over(engine, seen, now, term)


def _take_over(
    engine: Engine, seen: DeliveryState, now: datetime, term: int | None
) -> Claim | None:
    """Claim an unfinished row again, unless someone else took it since ``seen``."""
    with engine.begin() as conn:
        if not fenced(conn, term):
            return None
        # Compare-and-set on what we read: of two takers, only one matches.
        taken = conn.execute(
            sa.update(Delivery)
            .where(
                col(Delivery.id) == seen.id,
                col(Delivery.status) == seen.status,
                col(Delivery.attempts) == seen.attempts,
            )
            .values(status=CLAIMED, attempts=seen.attempts + 1, attempted_at=now, term=term)
        ).rowcount
        step("claim.take_over")
    if taken != 1:
        return None
    step("claim.taken_over")
    return Claim(
        seen.id,
        seen.subscriber_id,
        seen.week,
        seen.channel,
        seen.attempts + 1,
        seen.claimed_at,
        previous=seen,
        term=term,
    )


def _update(engine: Engine, claimed: Claim, **values: object) -> bool:
    """Update the row if it is still this claim's attempt; False if it was taken over
    or the claim's term has ended."""
    with engine.begin() as conn:
        if not fenced(conn, claimed.term):
            return False
        changed = conn.execute(
            sa.update(Delivery)
            .where(
                col(Delivery.id) == claimed.id,
                col(Delivery.attempts) == claimed.attempt,
            )
            .values(**values)
        ).rowcount
    return bool(changed == 1)


def attach_briefing(engine: Engine, claimed: Claim, briefing_id: int) -> bool:
    """Record which stored briefing this delivery sends."""
    return _update(engine, claimed, briefing_id=briefing_id)


def note_destination(engine: Engine, claimed: Claim, destination: str) -> bool:
    """Record where the attempt is about to send, before it sends; False means do not send
    (the row was taken over, or the claim's term has ended)."""
    return _update(engine, claimed, destination=destination)


def complete(
    engine: Engine,
    claimed: Claim,
    external_id: str,
    now: datetime,
    destination: str | None = None,
) -> bool:
    """Record the delivery as sent, with what its channel named the message (a Slack ts...)."""
    values: dict[str, object] = {
        "status": SENT,
        "external_id": external_id,
        "sent_at": now,
        "last_error": None,
    }
    if destination is not None:
        values["destination"] = destination
    # Not conditional on the attempt: the message went out, whoever holds the row now.
    with engine.begin() as conn:
        changed = conn.execute(
            sa.update(Delivery).where(col(Delivery.id) == claimed.id).values(**values)
        ).rowcount
        step("record.complete")
    return bool(changed == 1)


def fail(engine: Engine, claimed: Claim, error: str) -> bool:
    """Record the attempt as failed with ``error`` (one line, no secrets), for a later retry."""
    text = " ".join(error.split())[:_ERROR_CHARS]
    with engine.begin() as conn:
        changed = conn.execute(
            sa.update(Delivery)
            .where(
                col(Delivery.id) == claimed.id,
                col(Delivery.attempts) == claimed.attempt,
                col(Delivery.status) == CLAIMED,
            )
            .values(status=FAILED, last_error=text)
        ).rowcount
    return bool(changed == 1)


def find_unfinished(
    engine: Engine,
    now: datetime,
    weeks: Iterable[str] | None = None,
    policy: DeliveryRetry = DeliveryRetry(),
    term: int | None = None,
) -> list[DeliveryState]:
    """Claimed or failed deliveries (of ``weeks``, if given) that may be retried at ``now``
    by the leader of ``term``."""
    where: sa.ColumnElement[bool] = col(Delivery.status).in_((CLAIMED, FAILED))
    if weeks is not None:
        where = sa.and_(where, col(Delivery.week).in_(tuple(weeks)))
    return [
        s
        for s in _read(engine, where)
        if (retry_at := policy.retry_at(s, term)) is not None and retry_at <= now
    ]
