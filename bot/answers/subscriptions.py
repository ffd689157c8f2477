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

from sqlmodel import Session

from bot.answers.answer import Answer, Line, Strong, paragraph
from bot.answers.caller import Asked, Profile
from bot.answers.queries import SettingsQuery, SubscribeQuery, UnsubscribeQuery
from data.config import OrgConfig
from data.scope import Scope
from data.store.reads.lookups import subscriber_of
from data.store.tables import Subscriber, SubscriberOrigin

__all__ = [
    "answer_settings",
    "answer_subscribe",
    "answer_unsubscribe",
    "settings_answer",
    "settings_line",
    "subscribe",
    "unsubscribe",
]


def _managed(subscriber: Subscriber) -> Answer:
    return paragraph(
        (
            f"Your briefing (`{subscriber.key}`) is managed in riskbrief.toml, which "
            "wins over Slack; ask whoever maintains that file to change it.",
        )
    )


def subscribe(session: Session, org: OrgConfig, profile: Profile, query: SubscribeQuery) -> Answer:
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
        scope = query.scope or Scope()
        row.timezone = query.timezone or profile.timezone or "UTC"
        verb = "Subscribed"
    else:
        # Only what the command names changes; `/risk subscribe tz …` keeps the scope.
        scope = query.scope or Scope.of(row.teams, row.services)
        row.timezone = query.timezone or row.timezone
        verb = "Subscribed" if not row.active else "Updated your subscription"
    row.teams = list(scope.teams)
    row.services = list(scope.services)
    if query.email is not None:
        row.email = query.email
    row.active = True
    session.add(row)
    session.flush()
    label = scope.label(org)
    return paragraph(
        (
            f"{verb}: {label}, every {org.delivery.day.capitalize()} at "
            f"{org.delivery.time} {row.timezone}"
            + (f", also by email to {row.email}" if row.email else "")
            + ". `/risk unsubscribe` stops it.",
        )
    )


def unsubscribe(session: Session, user_id: str) -> Answer:
    """Stop the caller's Slack subscription (kept, inactive, so its history stays)."""
    row = subscriber_of(session, user_id)
    if row is None or not row.active:
        return paragraph(("You are not subscribed; `/risk subscribe` starts the weekly briefing.",))
    if row.origin == SubscriberOrigin.CONFIG:
        return _managed(row)
    row.active = False
    session.add(row)
    session.flush()
    return paragraph(
        ("Unsubscribed: no more weekly briefings. `/risk subscribe` starts them again.",)
    )


def settings_line(org: OrgConfig, subscriber: Subscriber | None) -> Line:
    """The caller's subscription in one line: scope, day and time, time zone, email, owner."""
    if subscriber is None or not subscriber.active:
        return (
            Strong(("Your briefing",)),
            ": not subscribed. "
            "`/risk subscribe [team|service …]` sends it to you every "
            f"{org.delivery.day.capitalize()} at {org.delivery.time}.",
        )
    scope = Scope.of(subscriber.teams, subscriber.services).label(org)
    owner = (
        "managed in riskbrief.toml"
        if subscriber.origin == SubscriberOrigin.CONFIG
        else "made in Slack; `/risk subscribe` or `/risk unsubscribe` changes it"
    )
    email = subscriber.email or "none"
    return (
        Strong(("Your briefing",)),
        f": {scope} · every {org.delivery.day.capitalize()} at "
        f"{org.delivery.time} {subscriber.timezone} · email {email} · {owner}",
    )


def settings_answer(session: Session, org: OrgConfig, user_id: str) -> Answer:
    """The caller's subscription: scope, day and time, time zone, email and who manages it."""
    return paragraph(settings_line(org, subscriber_of(session, user_id)))


def answer_subscribe(asked: Asked, query: SubscribeQuery) -> Answer:
    """``/risk subscribe``, as the caller's chat profile names and places them."""
    return subscribe(asked.session, asked.org, asked.caller.profile(), query)


def answer_unsubscribe(asked: Asked, _query: UnsubscribeQuery) -> Answer:
    """``/risk unsubscribe``."""
    return unsubscribe(asked.session, asked.caller.user_id)


def answer_settings(asked: Asked, _query: SettingsQuery) -> Answer:
    """``/risk settings``."""
    return settings_answer(asked.session, asked.org, asked.caller.user_id)
