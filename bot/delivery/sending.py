"""One claimed delivery sent on its channel, fenced by the scheduler's lead, and recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import structlog
from sqlalchemy.engine import Engine

from bot.delivery.channel import Attempt, Channel
from bot.delivery.outcomes import DeliveryOutcome, OutcomeStatus
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from data.store.deliveries import Claim, complete, fail, note_destination, step
from data.store.tables import ChannelName, Subscriber
from scoring.errors import DeliveryError, SendWithheld

__all__ = ["Fence", "Rendered", "send"]

log = structlog.get_logger("riskbrief.delivery")


class Fence(Protocol):
    """The scheduler's lead as a delivery sees it: the term it claims with, and whether
    this process may still send (its lead confirmed recently enough by its own clock)."""

    @property
    def term(self) -> int | None:
        """The current leader term, stored with each claim (``None``: not fenced)."""
        ...

    def holds(self) -> bool:
        """True while this process may send as the leader."""
        ...


# Why an attempt stopped short of sending because its replica no longer leads.
_LOST_LEAD = "this replica lost the scheduler's lead before sending; the leader sends it"


class _LostLead(Exception):
    """Raised between noting the destination and sending, when the lead is gone."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A briefing as stored, rendered for each channel the first time one asks for it."""

    briefing_id: int
    payload: BriefingPayload
    narrative: Narrative
    _messages: dict[ChannelName, Any] = field(default_factory=dict, compare=False)

    def message_for(self, channel: Channel[Any]) -> Any:
        """The briefing as ``channel`` shows it."""
        if channel.name not in self._messages:
            self._messages[channel.name] = channel.render(self.payload, self.narrative)
        return self._messages[channel.name]


@dataclass(frozen=True, slots=True)
class _Gate:
    """Notes the destination in the store, then lets the send through only while it may.

    The note is fenced by the claim's term in the store; the last check, on this
    process's own clock, is the one closest to the send: a process stopped for longer
    than its lead lasts finds it expired when it resumes.
    """

    engine: Engine
    claimed: Claim
    fence: Fence | None

    def open(self, destination: str) -> None:
        if not note_destination(self.engine, self.claimed, destination):
            raise _LostLead
        if self.fence is not None and not self.fence.holds():
            # The term may still be ours (the store was slow to confirm it): leave the row
            # failed, not claimed, so that it is retried after the back-off, not the lease.
            fail(self.engine, self.claimed, _LOST_LEAD)
            raise _LostLead
        step(f"send.{self.claimed.channel}.noted")

    def holds(self) -> bool:
        return self.fence is None or self.fence.holds()


def _send(
    engine: Engine,
    channel: Channel[Any],
    attempt: Attempt,
    rendered: Rendered,
    fence: Fence | None,
) -> DeliveryOutcome:
    claimed = attempt.claim
    key = attempt.subscriber.key
    if claimed.previous is not None and claimed.previous.destination is not None:
        # The earlier attempt may have delivered before it crashed or lost its answer.
        earlier = channel.find_sent(attempt)
        if earlier is not None:
            step(f"send.{channel.name}.found")
            complete(engine, claimed, earlier.external_id, attempt.now, earlier.destination)
            return DeliveryOutcome(
                key,
                channel.name,
                claimed.week,
                OutcomeStatus.FOUND,
                earlier.external_id,
                claimed.attempt,
            )
    message = rendered.message_for(channel)
    try:
        sent = channel.send_briefing(attempt, message, _Gate(engine, claimed, fence))
    except SendWithheld:
        fail(engine, claimed, _LOST_LEAD)
        raise _LostLead from None
    complete(engine, claimed, sent.external_id, attempt.now, sent.destination)
    return DeliveryOutcome(
        key, channel.name, claimed.week, OutcomeStatus.SENT, sent.external_id, claimed.attempt
    )


def send(
    engine: Engine,
    channel: Channel[Any],
    subscriber: Subscriber,
    claimed: Claim,
    rendered: Rendered,
    now: datetime,
    fence: Fence | None = None,
) -> DeliveryOutcome:
    """Send one claimed delivery on ``channel`` and record how it ended; never raises for
    one channel's fault."""
    try:
        return _send(engine, channel, Attempt(subscriber, claimed, now), rendered, fence)
    except _LostLead:
        log.warning(
            "delivery.fenced",
            subscriber=subscriber.key,
            channel=claimed.channel,
            week=claimed.week,
            term=claimed.term,
        )
        key = subscriber.key
        return DeliveryOutcome(
            key, claimed.channel, claimed.week, OutcomeStatus.SKIPPED, _LOST_LEAD, claimed.attempt
        )
    except DeliveryError as exc:
        reason = str(exc)
    except Exception as exc:
        # A bug or an unforeseen client error must not stop the other subscribers' briefings.
        log.exception("delivery.error", subscriber=subscriber.key, channel=claimed.channel)
        reason = f"unexpected {type(exc).__name__} while sending; see the log"
    fail(engine, claimed, reason)
    log.warning(
        "delivery.failed",
        subscriber=subscriber.key,
        channel=claimed.channel,
        week=claimed.week,
        attempt=claimed.attempt,
        error=reason,
    )
    return DeliveryOutcome(
        subscriber.key, claimed.channel, claimed.week, OutcomeStatus.FAILED, reason, claimed.attempt
    )
