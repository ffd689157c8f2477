"""One `/risk` command answered from the store: the same code for Slack and the terminal.

The Slack app and ``riskbrief ask`` both parse the text with ``parse_command``
and answer it here; only who the caller is differs (a Slack member, whose
profile is asked of Slack when needed, or a subscriber named in the terminal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.slack.answers import brief_reply, subscriber_of
from bot.slack.commands import (
    BriefCommand,
    Command,
    DeployCommand,
    PrCommand,
    Scope,
    ServiceCommand,
    SettingsCommand,
    SubscribeCommand,
    UnsubscribeCommand,
)
from bot.slack.lookups import (
    NotFound,
    change_reply,
    deploy_reply,
    latest_deploy_key,
    service_reply,
)
from bot.slack.reply import Reply
from bot.slack.subscriptions import SlackProfile, settings_reply, subscribe, unsubscribe
from briefing.render.escape import mrkdwn
from data.config import OrgConfig
from data.store.tables import Subscriber

__all__ = ["Caller", "answer", "reader_timezone"]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asked: a Slack member id, and how to learn their profile if an answer needs it."""

    user_id: str
    profile: Callable[[], SlackProfile]
    # In the terminal a subscriber is named by key: one reached by email has no member id.
    subscriber_key: str | None = None


def _subscriber(session: Session, caller: Caller) -> Subscriber | None:
    if caller.subscriber_key is not None:
        query = select(Subscriber).where(col(Subscriber.key) == caller.subscriber_key)
        return session.exec(query).first()
    return subscriber_of(session, caller.user_id)


def reader_timezone(session: Session, org: OrgConfig, caller: Caller) -> str:
    """The zone an answer's times are shown in: the caller's subscriber's, else the org's."""
    subscriber = _subscriber(session, caller)
    if subscriber is not None and subscriber.active:
        return subscriber.timezone
    return org.organisation.timezone


def answer(
    session: Session, org: OrgConfig, parsed: Command, caller: Caller, now: datetime
) -> Reply:
    """The reply to ``parsed`` (help and usage mistakes are answered before this)."""
    if isinstance(parsed, BriefCommand):
        scope, timezone = parsed.scope, None
        subscriber = _subscriber(session, caller)
        if subscriber is not None and subscriber.active:
            timezone = subscriber.timezone
            if scope is None:
                scope = Scope(tuple(subscriber.teams), tuple(subscriber.services))
        timezone = timezone or caller.profile().timezone or "UTC"
        return brief_reply(session, org, scope or Scope(), timezone, now)
    if isinstance(parsed, PrCommand):
        return change_reply(session, org, parsed.key, reader_timezone(session, org, caller))
    if isinstance(parsed, ServiceCommand):
        zone = reader_timezone(session, org, caller)
        return service_reply(session, org, parsed.service, now, zone)
    if isinstance(parsed, DeployCommand):
        key = parsed.deploy
        if parsed.service is not None:
            key = latest_deploy_key(session, parsed.service)
            if key is None:
                name = next(
                    (s.display_name for s in org.services if s.key == parsed.service),
                    parsed.service,
                )
                return NotFound.plain(
                    f"{mrkdwn(name)} has no deploys in the store yet; check its deploy "
                    "source with `riskbrief doctor`, or run `riskbrief sync`."
                )
        assert key is not None
        return deploy_reply(session, org, key, reader_timezone(session, org, caller))
    if isinstance(parsed, SubscribeCommand):
        return subscribe(session, org, caller.profile(), parsed)
    if isinstance(parsed, UnsubscribeCommand):
        return unsubscribe(session, caller.user_id)
    assert isinstance(parsed, SettingsCommand)
    return settings_reply(session, org, caller.user_id)
