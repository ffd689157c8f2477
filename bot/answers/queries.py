"""The questions riskbrief answers, one typed query each (a scope is ``data.scope.Scope``).

A reader makes a query from what it was given (``/risk`` text and ``riskbrief ask``
arguments through ``bot.answers.grammar``; an MCP tool from its arguments) and
``bot.answers.registry.answer_query`` answers it. Values are keys, already resolved and
checked: a query never holds text a user typed that was not understood.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from briefing.week import IsoWeek
from data.scope import Scope

__all__ = [
    "AGENT_WEEKS",
    "AgentsQuery",
    "BriefQuery",
    "ChangeQuery",
    "DeployQuery",
    "HelpQuery",
    "IncidentQuery",
    "PlanQuery",
    "Query",
    "ServiceQuery",
    "SettingsQuery",
    "SubscribeQuery",
    "UnsubscribeQuery",
]


@dataclass(frozen=True, slots=True)
class HelpQuery:
    """``/risk`` or ``/risk help``: what can be asked."""


@dataclass(frozen=True, slots=True)
class BriefQuery:
    """``/risk brief [team|service]``: this week so far; ``scope`` ``None`` is the caller's own."""

    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class ChangeQuery:
    """``/risk pr …``: the change as ``parse.change_lookup`` writes it, e.g. ``owner/repo#123``."""

    key: str


@dataclass(frozen=True, slots=True)
class ServiceQuery:
    """``/risk service <name>``, resolved to the service's key."""

    service: str


@dataclass(frozen=True, slots=True)
class DeployQuery:
    """``/risk deploy latest <service>`` (``service`` set) or ``/risk deploy <id>``."""

    service: str | None = None
    deploy: str | None = None


@dataclass(frozen=True, slots=True)
class IncidentQuery:
    """``/risk incident <id>``: an incident's likeliest culprits, by its key as typed."""

    key: str


@dataclass(frozen=True, slots=True)
class PlanQuery:
    """``/risk plan [team|service] [week]``: the changes to review first; ``scope`` ``None`` is
    the caller's own; ``week`` (``2026-W47``) the plan that week's briefing lists, ``None``
    the plan as of now."""

    scope: Scope | None = None
    week: IsoWeek | None = None


# The weeks ``/risk agents`` counts by default, and the fewest and most it takes: outcomes lag
# a merge by weeks, and the web view keeps a year.
AGENT_WEEKS = (12, 4, 52)


@dataclass(frozen=True, slots=True)
class AgentsQuery:
    """``/risk agents [team|service] [weeks <n>]``: what became of AI agents' changes by kind of
    work over ``weeks`` weeks; ``scope`` ``None`` is the caller's own."""

    scope: Scope | None = None
    weeks: int = AGENT_WEEKS[0]


@dataclass(frozen=True, slots=True)
class SubscribeQuery:
    """``/risk subscribe``: ``scope``, ``email``, ``timezone`` are ``None`` when not given."""

    scope: Scope | None = None
    email: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class UnsubscribeQuery:
    """``/risk unsubscribe``."""


@dataclass(frozen=True, slots=True)
class SettingsQuery:
    """``/risk settings``."""


Query: TypeAlias = (
    HelpQuery
    | BriefQuery
    | ChangeQuery
    | ServiceQuery
    | DeployQuery
    | IncidentQuery
    | PlanQuery
    | AgentsQuery
    | SubscribeQuery
    | UnsubscribeQuery
    | SettingsQuery
)
