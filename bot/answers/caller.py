"""Who asked, and the context a question is answered in: the store, the organisation, the time.

The caller is a chat member (a Slack user id, whose profile is asked of Slack only
when an answer needs it) or a subscriber named in the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.asked import own_catalog, scope_refusal
from bot.answers.lookups import catalog_of
from bot.answers.parse import Catalog
from data.config import OrgConfig
from data.scope import Scope
from data.store.reads.lookups import subscriber_of
from data.store.reads.subscribers import subscriber_by_key
from data.store.tables import Subscriber, SubscriberOrigin

__all__ = [
    "Asked",
    "Caller",
    "Profile",
    "caller_access",
    "caller_catalogs",
    "member_access",
    "reader_timezone",
    "scope_refused",
    "subscription_view",
]


@dataclass(frozen=True, slots=True)
class Profile:
    """What the chat says about the caller; ``timezone`` is ``None`` when unknown."""

    user_id: str
    name: str
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asked: a chat member id, and how to learn their profile if an answer needs it."""

    user_id: str
    profile: Callable[[], Profile]
    # In the terminal a subscriber is named by key: one reached by email has no member id.
    subscriber_key: str | None = None


@dataclass(frozen=True, slots=True)
class Asked:
    """A question's context: the store's session, the organisation, the caller and the time."""

    session: Session
    org: OrgConfig
    caller: Caller
    now: datetime

    def subscriber(self) -> Subscriber | None:
        """The caller's subscriber row, by key in the terminal, else by chat member id."""
        if self.caller.subscriber_key is not None:
            return subscriber_by_key(self.session, self.caller.subscriber_key)
        return subscriber_of(self.session, self.caller.user_id)


def member_access(org: OrgConfig, subscriber: Subscriber | None) -> Access:
    """What a member may see: their active subscription's scope (in its zone), else the
    organisation."""
    if subscriber is not None and subscriber.active:
        scope = Scope.of(subscriber.teams, subscriber.services)
        return Access.of(org, scope, subscriber.timezone, subscriber.key)
    return Access.organisation(org)


def caller_access(asked: Asked) -> Access:
    """What the caller may see (``member_access``): every `/risk` answer about one change,
    deploy or incident is told within it, and what lies outside is refused as not found."""
    return member_access(asked.org, asked.subscriber())


def caller_catalogs(asked: Asked) -> tuple[Catalog, Catalog]:
    """The names the caller may ask about (their scope's own, ``own_catalog``), and those they
    may subscribe to: any, unless riskbrief.toml fixes their scope (then their own too)."""
    subscriber = asked.subscriber()
    own = own_catalog(asked.org, member_access(asked.org, subscriber))
    if subscriber is not None and subscriber.origin == SubscriberOrigin.CONFIG:
        return own, own
    return own, catalog_of(asked.org)


def reader_timezone(asked: Asked) -> str:
    """The zone an answer's times are shown in: the caller's subscriber's, else the org's."""
    subscriber = asked.subscriber()
    if subscriber is not None and subscriber.active:
        return subscriber.timezone
    return asked.org.organisation.timezone


def subscription_view(asked: Asked, scope: Scope | None) -> tuple[Scope, str]:
    """What an answer about a week covers and the zone its times are in: ``scope`` if named,
    else the caller's active subscription's, else everything; the subscription's zone, else
    the caller's chat profile's, else UTC."""
    timezone = None
    subscriber = asked.subscriber()
    if subscriber is not None and subscriber.active:
        timezone = subscriber.timezone
        if scope is None:
            scope = Scope.of(subscriber.teams, subscriber.services)
    return scope or Scope(), timezone or asked.caller.profile().timezone or "UTC"


def scope_refused(asked: Asked, scope: Scope | None) -> str | None:
    """The sentence refusing a team or service the caller named but may not see (a member with
    an active subscription sees its scope, as `/risk pr` does), else ``None``."""
    if scope is None:
        return None
    return scope_refusal(asked.org, caller_access(asked), scope)
