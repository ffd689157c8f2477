"""Delivering briefings exactly once per subscriber, week and channel: claim, compose, send, record.

Every path that sends (the scheduler's tick, ``riskbrief brief --send``) comes
through ``deliver``, so the unique claim in ``data.store.deliveries`` is the one thing
standing between a crash or a second process and a duplicate briefing.

What is promised: a sent delivery is never sent again, and two processes never send
the same one at once. A retry after a crash finds an earlier Slack post by its
metadata; an earlier email or Teams message cannot be seen (see ``bot.delivery.email``
and ``bot.delivery.msteams``), so those two are at least once. An attempt
that hangs past its lease (``DeliveryRetry.stale_after``) and then still sends can race
the attempt that took over; the lease is set well above any honest send time.

The scheduler passes its ``Fence``: its claims carry the leader term, and just before
each send the attempt checks, in the store and on its own clock, that it still leads.
A replica that stalled and lost the lead therefore sends nothing when it wakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.composition.compose import compose_all, make_narrator, record
from bot.delivery.outcomes import DeliveryOutcome, DeliveryReport, OutcomeStatus, ordered
from bot.delivery.senders import Senders, channels_of
from bot.delivery.sending import Fence, Rendered, send
from bot.pages.links import BriefingLinks, briefing_links
from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.week import IsoWeek
from briefing.writer import NarrativeLLM
from data.config import OrgConfig
from data.store.deliveries import (
    SENT,
    Claim,
    DeliveryRetry,
    attach_briefing,
    claim,
    delivery_states,
    fail,
    step,
)
from data.store.engine import session_scope
from data.store.reads.briefings import briefing_sent
from data.store.reads.subscribers import active_subscribers
from data.store.tables import Briefing, ChannelName, Subscriber
from scoring.errors import ConfigError, NotFoundError

__all__ = ["deliver", "send_now"]

log = structlog.get_logger("riskbrief.delivery")


@dataclass(frozen=True, slots=True)
class _Job:
    subscriber: Subscriber
    week: IsoWeek
    claims: tuple[Claim, ...]


def _subscribers(session: Session, only: str | None) -> list[Subscriber]:
    found = active_subscribers(session)
    if only is None:
        return found
    found = [s for s in found if s.key == only]
    if not found:
        raise NotFoundError(f"no active subscriber {only!r}; use one of the keys in riskbrief.toml")
    return found


def _skip_reason(engine: Engine, subscriber_id: int, week: str, channel: ChannelName) -> str:
    for row in delivery_states(engine, week=week, subscriber_id=subscriber_id):
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
    return briefing_sent(session, job.subscriber.id, job.week.id)


def _render(
    session: Session,
    org: OrgConfig,
    jobs: Sequence[_Job],
    narrator: NarrativeLLM | None,
    links: BriefingLinks | None = None,
) -> dict[int, Rendered]:
    """Each job's briefing, stored ones re-rendered, the rest composed and recorded."""
    done: dict[int, Rendered] = {}
    fresh: list[tuple[int, _Job]] = []
    for i, job in enumerate(jobs):
        stored = _stored_briefing(session, job)
        if stored is None or stored.id is None:
            fresh.append((i, job))
            continue
        payload = BriefingPayload.model_validate(stored.payload)
        narrative = Narrative.model_validate(stored.narrative)
        done[i] = Rendered(stored.id, payload, narrative)
        step("render.stored")
    requests = [(j.subscriber, j.week) for _, j in fresh]
    composed = compose_all(session, org, requests, narrator, links)
    for (i, _), c in zip(fresh, composed, strict=True):
        row = record(session, c)
        step("render.recorded")
        assert row.id is not None
        done[i] = Rendered(row.id, c.payload, c.narrative)
    return done


def deliver(
    engine: Engine,
    settings: Settings,
    org: OrgConfig,
    week: IsoWeek | None,
    now: datetime,
    subscriber_key: str | None = None,
    *,
    senders: Senders | None = None,
    policy: DeliveryRetry = DeliveryRetry(),  # noqa: B008 - frozen, so one shared default is safe
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
                        OutcomeStatus.UNCONFIGURED,
                        senders.why_not(channel),
                    )
                )
                continue
            got = claim(engine, subscriber.id, target.id, channel, now, policy, term)
            if got is None:
                reason = _skip_reason(engine, subscriber.id, target.id, channel)
                outcomes.append(
                    DeliveryOutcome(
                        subscriber.key, channel, target.id, OutcomeStatus.SKIPPED, reason
                    )
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
            narrator = narrator or make_narrator(settings)
            rendered = _render(session, org, jobs, narrator, briefing_links(settings))
        step("render.committed")
    except Exception as exc:
        log.exception("delivery.compose_failed")
        reason = f"the briefing could not be built ({type(exc).__name__}); see the log"
        for job in jobs:
            for c in job.claims:
                fail(engine, c, reason)
                outcomes.append(
                    DeliveryOutcome(
                        job.subscriber.key,
                        c.channel,
                        c.week,
                        OutcomeStatus.FAILED,
                        reason,
                        c.attempt,
                    )
                )
        return DeliveryReport(tuple(outcomes))
    for i, job in enumerate(jobs):
        for c in job.claims:
            attach_briefing(engine, c, rendered[i].briefing_id)
            step("record.attached")
            way = senders.get(c.channel)
            assert way is not None  # claimed only when configured
            outcome = send(engine, way, job.subscriber, c, rendered[i], now, fence)
            step("record.done")
            if outcome.status.delivered:
                log.info(
                    "delivery.sent",
                    subscriber=outcome.subscriber,
                    channel=outcome.channel,
                    week=outcome.week,
                    attempt=c.attempt,
                    found_earlier=outcome.status == OutcomeStatus.FOUND,
                )
            outcomes.append(outcome)
    return DeliveryReport(ordered(outcomes, [s.key for s in subscribers]))


# A person asked for this send: failed deliveries are tried again at once, however
# often they failed; a claim in flight in another process is still left alone.
_BY_HAND = DeliveryRetry(backoff=timedelta(0), max_attempts=None)


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
    if report.outcomes and all(o.status == OutcomeStatus.UNCONFIGURED for o in report.outcomes):
        needed = dict.fromkeys(o.channel for o in report.outcomes)
        raise ConfigError("; ".join(senders.why_not(c) for c in needed))
    return report
