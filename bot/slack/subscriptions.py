"""``/risk subscribe``, ``/risk unsubscribe`` and ``/risk settings``: the caller's Subscriber row.

Which wins between ``riskbrief.toml`` and Slack: the config. A subscriber
declared in ``riskbrief.toml`` (``origin`` ``config``) is owned by the file;
``riskbrief`` re-applies the file on every run (``data.store.org.sync_org``), so a
Slack command changing that row would be silently undone. Such a caller is told
that the file manages their briefing and nothing is changed. Subscribers made
from Slack (``origin`` ``slack``, key ``slack-<user id>``) are owned by Slack:
config sync never touches them, and only these commands change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.slack.answers import settings_text, subscriber_of
from bot.slack.commands import Scope, SubscribeCommand
from bot.slack.reply import Reply
from briefing.build import scope_label
from briefing.render.escape import mrkdwn
from data.config import OrgConfig
from data.store.tables import Subscriber, SubscriberOrigin

__all__ = ["SlackProfile", "settings_reply", "subscribe", "unsubscribe"]


@dataclass(frozen=True, slots=True)
class SlackProfile:
    """What ``users.info`` says about the caller; ``timezone`` is ``None`` when unknown."""

    user_id: str
    name: str
    timezone: str | None = None


def _managed(subscriber: Subscriber) -> Reply:
    return Reply.plain(
        f"Your briefing (`{mrkdwn(subscriber.key)}`) is managed in riskbrief.toml, which "
        "wins over Slack; ask whoever maintains that file to change it."
    )


def subscribe(
    session: Session, org: OrgConfig, profile: SlackProfile, command: SubscribeCommand
) -> Reply:
    """Create or change the caller's Slack subscription; a config one is left to the config."""
    row = subscriber_of(session, profile.user_id)
    if row is not None and row.origin == SubscriberOrigin.CONFIG:
        return _managed(row)
    if row is None:
        row = Subscriber(
            key=f"slack-{profile.user_id.lower()}",
            name=profile.name or profile.user_id,
            slack_user_id=profile.user_id,
            origin=SubscriberOrigin.SLACK,
        )
        scope = command.scope or Scope()
        row.timezone = command.timezone or profile.timezone or "UTC"
        verb = "Subscribed"
    else:
        # Only what the command names changes; `/risk subscribe tz …` keeps the scope.
        scope = command.scope or Scope(tuple(row.teams), tuple(row.services))
        row.timezone = command.timezone or row.timezone
        verb = "Subscribed" if not row.active else "Updated your subscription"
    row.teams = list(scope.teams)
    row.services = list(scope.services)
    if command.email is not None:
        row.email = command.email
    row.active = True
    session.add(row)
    session.flush()
    label = scope_label(org, row.teams, row.services)
    return Reply.plain(
        f"{verb}: {mrkdwn(label)}, every {org.delivery.day.capitalize()} at "
        f"{org.delivery.time} {mrkdwn(row.timezone)}"
        + (f", also by email to {mrkdwn(row.email)}" if row.email else "")
        + ". `/risk unsubscribe` stops it."
    )


def unsubscribe(session: Session, user_id: str) -> Reply:
    """Stop the caller's Slack subscription (kept, inactive, so its history stays)."""
    row = subscriber_of(session, user_id)
    if row is None or not row.active:
        return Reply.plain("You are not subscribed; `/risk subscribe` starts the weekly briefing.")
    if row.origin == SubscriberOrigin.CONFIG:
        return _managed(row)
    row.active = False
    session.add(row)
    session.flush()
    return Reply.plain(
        "Unsubscribed: no more weekly briefings. `/risk subscribe` starts them again."
    )


def settings_reply(session: Session, org: OrgConfig, user_id: str) -> Reply:
    """The caller's subscription: scope, day and time, time zone, email and who manages it."""
    return Reply.plain(settings_text(org, subscriber_of(session, user_id)))
