"""One claimed delivery sent on its channel, fenced by the scheduler's lead, and recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import structlog
from sqlalchemy.engine import Engine

from bot.delivery.email import EmailSender, briefing_message
from bot.delivery.outcomes import DeliveryOutcome
from bot.delivery.senders import Senders
from bot.delivery.slack import SlackSender, briefing_metadata
from briefing.render import EmailMessageParts, SlackMessage
from data.deliveries import Claim, complete, fail, note_destination, step
from data.tables import Subscriber
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
    """A briefing as stored, and as Slack and email show it."""

    briefing_id: int
    slack: SlackMessage
    email: EmailMessageParts


def _send_slack(
    engine: Engine,
    sender: SlackSender,
    subscriber: Subscriber,
    claimed: Claim,
    message: SlackMessage,
    now: datetime,
    fence: Fence | None,
) -> DeliveryOutcome:
    assert subscriber.slack_user_id is not None
    earlier_in = claimed.previous.destination if claimed.previous else None
    if earlier_in is not None:
        # The earlier attempt may have posted before it crashed or lost its answer.
        ts = sender.find_earlier(earlier_in, claimed.id, claimed.claimed_at)
        if ts is not None:
            step("send.slack.found")
            complete(engine, claimed, ts, now, earlier_in)
            return DeliveryOutcome(
                subscriber.key, "slack", claimed.week, "found", ts, claimed.attempt
            )
    channel = sender.destination(subscriber.slack_user_id)
    _may_send(engine, claimed, channel, fence)
    step("send.slack.noted")
    sent = sender.post(
        channel, message, briefing_metadata(claimed.id, claimed.week, subscriber.key)
    )
    step("send.slack.posted")
    complete(engine, claimed, sent.ts, now, sent.channel)
    return DeliveryOutcome(subscriber.key, "slack", claimed.week, "sent", sent.ts, claimed.attempt)


def _send_email(
    engine: Engine,
    sender: EmailSender,
    subscriber: Subscriber,
    claimed: Claim,
    parts: EmailMessageParts,
    now: datetime,
    fence: Fence | None,
) -> DeliveryOutcome:
    assert subscriber.email is not None
    message = briefing_message(
        parts,
        sender=sender.sender,
        recipient=subscriber.email,
        subscriber=subscriber.key,
        week=claimed.week,
        sent_at=now,
    )
    _may_send(engine, claimed, subscriber.email, fence)
    step("send.email.noted")
    try:
        message_id = sender.send(message, None if fence is None else fence.holds)
    except SendWithheld:
        fail(engine, claimed, _LOST_LEAD)
        raise _LostLead from None
    step("send.email.sent")
    complete(engine, claimed, message_id, now, subscriber.email)
    return DeliveryOutcome(
        subscriber.key, "email", claimed.week, "sent", message_id, claimed.attempt
    )


def _may_send(engine: Engine, claimed: Claim, destination: str, fence: Fence | None) -> None:
    """Note where the attempt sends, then raise ``_LostLead`` unless it may send now.

    The note is fenced by the claim's term in the store; the last check, on this
    process's own clock, is the one closest to the send: a process stopped for longer
    than its lead lasts finds it expired when it resumes.
    """
    if not note_destination(engine, claimed, destination):
        raise _LostLead
    if fence is not None and not fence.holds():
        # The term may still be ours (the store was slow to confirm it): leave the row
        # failed, not claimed, so that it is retried after the back-off, not the lease.
        fail(engine, claimed, _LOST_LEAD)
        raise _LostLead


def send(
    engine: Engine,
    senders: Senders,
    subscriber: Subscriber,
    claimed: Claim,
    rendered: Rendered,
    now: datetime,
    fence: Fence | None = None,
) -> DeliveryOutcome:
    """Send one claimed delivery and record how it ended; never raises for one channel's fault."""
    try:
        if claimed.channel == "slack":
            assert senders.slack is not None
            return _send_slack(
                engine, senders.slack, subscriber, claimed, rendered.slack, now, fence
            )
        assert senders.email is not None
        return _send_email(engine, senders.email, subscriber, claimed, rendered.email, now, fence)
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
            key, claimed.channel, claimed.week, "skipped", _LOST_LEAD, claimed.attempt
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
        subscriber.key, claimed.channel, claimed.week, "failed", reason, claimed.attempt
    )
