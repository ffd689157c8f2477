"""Delivering briefings exactly once per subscriber, week and channel: claim, compose, send, record.

Every path that sends (the scheduler's tick, ``riskbrief brief --send``) comes
through ``deliver``, so the unique claim in ``data.deliveries`` is the one thing
standing between a crash or a second process and a duplicate briefing.

What is promised: a sent delivery is never sent again, and two processes never send
the same one at once. A retry after a crash finds an earlier Slack post by its
metadata; an earlier email cannot be seen (see ``bot.delivery.email``). An attempt
that hangs past its lease (``RetryPolicy.stale_after``) and then still sends can race
the attempt that took over; the lease is set well above any honest send time.

The scheduler passes its ``Fence``: its claims carry the leader term, and just before
each send the attempt checks, in the store and on its own clock, that it still leads.
A replica that stalled and lost the lead therefore sends nothing when it wakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.compose import compose_all, make_narrator, record
from bot.delivery.email import EmailSender, briefing_message
from bot.delivery.slack import SlackSender, briefing_metadata
from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render import EmailMessageParts, SlackMessage, render_email, render_slack
from briefing.week import IsoWeek
from briefing.writer import NarrativeLLM
from data.config import OrgConfig
from data.deliveries import (
    SENT,
    Claim,
    RetryPolicy,
    attach_briefing,
    claim,
    complete,
    fail,
    note_destination,
    states,
    step,
)
from data.engine import session_scope
from data.tables import Briefing, Delivery, Subscriber
from scoring.errors import ConfigError, DeliveryError, NotFoundError, SendWithheld

__all__ = [
    "CHANNELS",
    "DeliveryOutcome",
    "DeliveryReport",
    "Fence",
    "Senders",
    "channels_of",
    "deliver",
    "report_lines",
    "send_now",
]

log = structlog.get_logger("riskbrief.delivery")

CHANNELS = ("slack", "email")


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
class DeliveryOutcome:
    """What happened to one delivery in this run.

    ``status``: ``sent``; ``found`` (an earlier attempt had reached Slack, now recorded);
    ``failed`` (``detail`` says why in one sentence); ``skipped`` (sent before, in flight
    elsewhere, waiting to retry, or this replica lost the lead); ``unconfigured``
    (``detail`` names the setting). ``attempt`` counts this delivery's attempts so far
    (0 when none was made in this run).
    """

    subscriber: str
    channel: str
    week: str
    status: str
    detail: str = ""
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Every outcome of one ``deliver`` run, in subscriber then channel order."""

    outcomes: tuple[DeliveryOutcome, ...] = ()

    @property
    def failures(self) -> tuple[DeliveryOutcome, ...]:
        """The deliveries that failed in this run."""
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def delivered(self) -> tuple[DeliveryOutcome, ...]:
        """The deliveries this run sent or found sent."""
        return tuple(o for o in self.outcomes if o.status in ("sent", "found"))


@dataclass(frozen=True, slots=True)
class Senders:
    """The configured ways out; ``None`` where the settings for a channel are missing."""

    slack: SlackSender | None = None
    email: EmailSender | None = None
    missing: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_settings(settings: Settings) -> Senders:
        """Senders for every channel whose settings are present."""
        slack = email = None
        missing: dict[str, str] = {}
        if settings.slack_bot_token is not None:
            slack = SlackSender(
                settings.slack_bot_token.get_secret_value(),
                settings.slack_api_url,
                channel=settings.slack_channel,
            )
        else:
            missing["slack"] = (
                "set SLACK_BOT_TOKEN to the Slack app's bot token (xoxb-…) to send to Slack"
            )
        if settings.smtp_host is not None and settings.smtp_from is not None:
            email = EmailSender(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                username=settings.smtp_username,
                password=settings.smtp_password,
                starttls=settings.smtp_starttls,
            )
        else:
            unset = [
                name
                for name, value in (
                    ("RISKBRIEF_SMTP_HOST", settings.smtp_host),
                    ("RISKBRIEF_SMTP_FROM", settings.smtp_from),
                )
                if value is None
            ]
            missing["email"] = f"set {' and '.join(unset)} to send briefings by email"
        return Senders(slack=slack, email=email, missing=missing)

    def has(self, channel: str) -> bool:
        """True when ``channel`` can be sent on."""
        return (self.slack if channel == "slack" else self.email) is not None


def channels_of(subscriber: Subscriber) -> tuple[str, ...]:
    """The channels a subscriber is reached on: Slack with a member id, email with an address."""
    found = []
    if subscriber.slack_user_id:
        found.append("slack")
    if subscriber.email:
        found.append("email")
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Rendered:
    briefing_id: int
    slack: SlackMessage
    email: EmailMessageParts


@dataclass(frozen=True, slots=True)
class _Job:
    subscriber: Subscriber
    week: IsoWeek
    claims: tuple[Claim, ...]


def _subscribers(session: Session, only: str | None) -> list[Subscriber]:
    query = select(Subscriber).where(col(Subscriber.active)).order_by(col(Subscriber.id))
    found = list(session.exec(query))
    if only is None:
        return found
    found = [s for s in found if s.key == only]
    if not found:
        raise NotFoundError(f"no active subscriber {only!r}; use one of the keys in riskbrief.toml")
    return found


def _skip_reason(engine: Engine, subscriber_id: int, week: str, channel: str) -> str:
    for row in states(engine, week=week, subscriber_id=subscriber_id):
        if row.channel == channel:
            if row.status == SENT:
                return f"already sent ({row.external_id})"
            return f"{row.status} after {row.attempts} attempt(s), not retried yet"
    return "claimed by another process"


def _stored_briefing(session: Session, job: _Job) -> Briefing | None:
    """The briefing an earlier attempt of this week already sent or tried to send, if any.

    Once one channel has gone out, the others and every retry send that same briefing,
    not one rebuilt from data that changed since.
    """
    assert job.subscriber.id is not None
    used = select(Delivery.briefing_id).where(
        col(Delivery.subscriber_id) == job.subscriber.id,
        col(Delivery.week) == job.week.id,
        col(Delivery.briefing_id).is_not(None),
    )
    return session.exec(select(Briefing).where(col(Briefing.id).in_(used))).first()


def _render(
    session: Session, org: OrgConfig, jobs: Sequence[_Job], narrator: NarrativeLLM | None
) -> dict[int, _Rendered]:
    """Each job's briefing, stored ones re-rendered, the rest composed and recorded."""
    done: dict[int, _Rendered] = {}
    fresh: list[tuple[int, _Job]] = []
    for i, job in enumerate(jobs):
        stored = _stored_briefing(session, job)
        if stored is None or stored.id is None:
            fresh.append((i, job))
            continue
        payload = BriefingPayload.model_validate(stored.payload)
        narrative = Narrative.model_validate(stored.narrative)
        done[i] = _Rendered(
            stored.id, render_slack(payload, narrative), render_email(payload, narrative)
        )
        step("render.stored")
    composed = compose_all(session, org, [(j.subscriber, j.week) for _, j in fresh], narrator)
    for (i, _), c in zip(fresh, composed, strict=True):
        row = record(session, c)
        step("render.recorded")
        assert row.id is not None
        done[i] = _Rendered(row.id, c.slack, c.email)
    return done


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


def _send(
    engine: Engine,
    senders: Senders,
    job: _Job,
    claimed: Claim,
    rendered: _Rendered,
    now: datetime,
    fence: Fence | None = None,
) -> DeliveryOutcome:
    try:
        if claimed.channel == "slack":
            assert senders.slack is not None
            return _send_slack(
                engine, senders.slack, job.subscriber, claimed, rendered.slack, now, fence
            )
        assert senders.email is not None
        return _send_email(
            engine, senders.email, job.subscriber, claimed, rendered.email, now, fence
        )
    except _LostLead:
        log.warning(
            "delivery.fenced",
            subscriber=job.subscriber.key,
            channel=claimed.channel,
            week=claimed.week,
            term=claimed.term,
        )
        key = job.subscriber.key
        return DeliveryOutcome(
            key, claimed.channel, claimed.week, "skipped", _LOST_LEAD, claimed.attempt
        )
    except DeliveryError as exc:
        reason = str(exc)
    except Exception as exc:
        # A bug or an unforeseen client error must not stop the other subscribers' briefings.
        log.exception("delivery.error", subscriber=job.subscriber.key, channel=claimed.channel)
        reason = f"unexpected {type(exc).__name__} while sending; see the log"
    fail(engine, claimed, reason)
    log.warning(
        "delivery.failed",
        subscriber=job.subscriber.key,
        channel=claimed.channel,
        week=claimed.week,
        attempt=claimed.attempt,
        error=reason,
    )
    return DeliveryOutcome(
        job.subscriber.key, claimed.channel, claimed.week, "failed", reason, claimed.attempt
    )


def deliver(
    engine: Engine,
    settings: Settings,
    org: OrgConfig,
    week: IsoWeek | None,
    now: datetime,
    subscriber_key: str | None = None,
    *,
    senders: Senders | None = None,
    policy: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, so one shared default is safe
    narrator: NarrativeLLM | None = None,
    fence: Fence | None = None,
) -> DeliveryReport:
    """Send each active subscriber's briefing on each of their channels, at most once.

    ``week``: the ISO week briefed; ``None`` picks each subscriber's last complete week in
    their own zone at ``now``. A claimed-but-unfinished delivery (a crash) is retried once
    stale, a failed one after its back-off, a sent one never. A failing channel is recorded
    and does not stop the others. ``senders`` defaults to the ones ``settings`` configure;
    ``narrator`` to Claude when ``ANTHROPIC_API_KEY`` is set. ``fence``: the scheduler's
    lead; claims carry its term and nothing is sent once it no longer holds.
    """
    term = fence.term if fence is not None else None
    senders = senders or Senders.from_settings(settings)
    outcomes: list[DeliveryOutcome] = []
    jobs: list[_Job] = []
    with session_scope(engine) as session:
        subscribers = _subscribers(session, subscriber_key)
    for subscriber in subscribers:
        assert subscriber.id is not None
        target = week or IsoWeek.last_complete(now, subscriber.timezone)
        claims: list[Claim] = []
        for channel in channels_of(subscriber):
            if not senders.has(channel):
                outcomes.append(
                    DeliveryOutcome(
                        subscriber.key,
                        channel,
                        target.id,
                        "unconfigured",
                        senders.missing.get(channel, f"{channel} delivery is not configured"),
                    )
                )
                continue
            got = claim(engine, subscriber.id, target.id, channel, now, policy, term)
            if got is None:
                reason = _skip_reason(engine, subscriber.id, target.id, channel)
                outcomes.append(
                    DeliveryOutcome(subscriber.key, channel, target.id, "skipped", reason)
                )
            else:
                claims.append(got)
        if claims:
            jobs.append(_Job(subscriber, target, tuple(claims)))
    if not jobs:
        return DeliveryReport(tuple(outcomes))
    step("render.start")
    try:
        with session_scope(engine) as session:
            rendered = _render(session, org, jobs, narrator or make_narrator(settings))
        step("render.committed")
    except Exception as exc:
        log.exception("delivery.compose_failed")
        reason = f"the briefing could not be built ({type(exc).__name__}); see the log"
        for job in jobs:
            for c in job.claims:
                fail(engine, c, reason)
                outcomes.append(
                    DeliveryOutcome(
                        job.subscriber.key, c.channel, c.week, "failed", reason, c.attempt
                    )
                )
        return DeliveryReport(tuple(outcomes))
    for i, job in enumerate(jobs):
        for c in job.claims:
            attach_briefing(engine, c, rendered[i].briefing_id)
            step("record.attached")
            outcome = _send(engine, senders, job, c, rendered[i], now, fence)
            step("record.done")
            if outcome.status in ("sent", "found"):
                log.info(
                    "delivery.sent",
                    subscriber=outcome.subscriber,
                    channel=outcome.channel,
                    week=outcome.week,
                    attempt=c.attempt,
                    found_earlier=outcome.status == "found",
                )
            outcomes.append(outcome)
    return DeliveryReport(_ordered(outcomes, [s.key for s in subscribers]))


# A person asked for this send: failed deliveries are tried again at once, however
# often they failed; a claim in flight in another process is still left alone.
_BY_HAND = RetryPolicy(backoff=timedelta(0), max_attempts=None)


def send_now(
    engine: Engine,
    settings: Settings,
    org: OrgConfig,
    now: datetime,
    subscriber_key: str | None = None,
    *,
    senders: Senders | None = None,
) -> DeliveryReport:
    """``riskbrief brief --send``: deliver each subscriber's last complete week now.

    Raises ``ConfigError`` naming the variables when no channel a subscriber needs is
    configured, and ``DeliveryError`` with the first failure's sentence after trying all.
    """
    senders = senders or Senders.from_settings(settings)
    report = deliver(
        engine, settings, org, None, now, subscriber_key, senders=senders, policy=_BY_HAND
    )
    if report.outcomes and all(o.status == "unconfigured" for o in report.outcomes):
        needed = dict.fromkeys(o.channel for o in report.outcomes)
        raise ConfigError("; ".join(senders.missing[c] for c in needed))
    return report


def report_lines(report: DeliveryReport) -> list[str]:
    """One line per delivery, then a total, for the terminal."""
    lines = [
        f"  {o.subscriber} {o.channel}: {o.status}" + (f" — {o.detail}" if o.detail else "")
        for o in report.outcomes
    ]
    weeks = ", ".join(sorted({o.week for o in report.outcomes})) or "no week"
    total = sum(1 for o in report.outcomes if o.status != "unconfigured")
    lines.append(f"Sent {len(report.delivered)} of {total} deliveries for {weeks}.")
    return lines


def _ordered(outcomes: list[DeliveryOutcome], keys: list[str]) -> tuple[DeliveryOutcome, ...]:
    rank = {k: i for i, k in enumerate(keys)}
    return tuple(
        sorted(outcomes, key=lambda o: (rank.get(o.subscriber, 0), CHANNELS.index(o.channel)))
    )
