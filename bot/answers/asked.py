"""The scope and week a tool call or a page asks about, checked against what the caller may see.

A team or service the caller may not see is answered in the very words of one that
does not exist (``refused_name``); the names offered instead are only the caller's own
(``own_catalog``), and names are compared folded (``parse.folded``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.answer import Line
from bot.answers.lookups import catalog_of
from bot.answers.parse import Catalog, unknown_name
from bot.answers.text import line_text
from briefing.default_week import DefaultWeek, default_week
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scope import Scope
from scoring.errors import NotFoundError, RiskbriefError

__all__ = [
    "asked_service",
    "asked_week",
    "chosen_week",
    "default_of",
    "narrowed",
    "own_catalog",
    "refused_line",
    "refused_name",
    "scope_refusal",
]


def own_catalog(org: OrgConfig, access: Access) -> Catalog:
    """The teams and services ``access`` may name: the organisation's, or a scope's own (its
    teams, and teams whose every service it sees, and the services it sees)."""
    catalog = catalog_of(org)
    if access.whole:
        return catalog
    visible = set(access.visible(org))
    teams = [
        t.key
        for t in org.teams
        if t.key in access.scope.teams or (t.services and set(t.services) <= visible)
    ]
    return catalog.within(teams, visible)


def refused_line(org: OrgConfig, access: Access, name: str, kinds: tuple[str, ...]) -> Line:
    """The one sentence refusing ``name`` for ``access``: the words of a name that exists
    nowhere, offering only the caller's own names (``parse.unknown_name``)."""
    return unknown_name(own_catalog(org, access), name, kinds).message


def refused_name(org: OrgConfig, access: Access, name: str, kinds: tuple[str, ...]) -> str:
    """``refused_line`` as plain text, for an error's message."""
    return line_text(refused_line(org, access, name, kinds))


def _resolved(org: OrgConfig, access: Access, name: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    """``(kind, key)`` of the team or service ``name`` names among the caller's own, else a
    ``NotFoundError`` in the words of one that does not exist."""
    found = own_catalog(org, access).resolve(name)
    if found is None or found[0] not in kinds:
        raise NotFoundError(refused_name(org, access, name, kinds))
    return found


def narrowed(org: OrgConfig, access: Access, names: Sequence[str] | None) -> Access:
    """``access`` narrowed to the teams and services ``names`` (none: ``access`` itself)."""
    if not names:
        return access
    teams: list[str] = []
    services: list[str] = []
    for name in names:
        kind, key = _resolved(org, access, name, ("team", "service"))
        (teams if kind == "team" else services).append(key)
    return Access.of(org, Scope.of(teams, services), access.timezone, access.subscriber)


def scope_refusal(org: OrgConfig, access: Access, scope: Scope) -> str | None:
    """The sentence refusing ``scope`` (already resolved to keys) when it reaches past
    ``access``, in the words a name that does not exist gets; ``None`` when it is inside.

    Readers parse with the caller's own catalog, so this only guards a scope read elsewhere.
    """
    if access.whole or set(scope.covered(org)) <= (access.services or set()):
        return None
    kinds = ("service",) if scope.services and not scope.teams else ("team", "service")
    return refused_name(org, access, (scope.teams or scope.services)[0], kinds)


def asked_service(org: OrgConfig, access: Access, name: str) -> str:
    """The key of the service ``name`` names, if the caller may see it."""
    return _resolved(org, access, name, ("service",))[1]


def asked_week(text: str | None, access: Access, now: datetime, current: bool) -> IsoWeek:
    """The ISO week ``text`` names; none: this week so far (``current``) or the last complete."""
    if text is None or not text.strip():
        if current:
            return IsoWeek.last_complete(now, access.timezone).next()
        return IsoWeek.last_complete(now, access.timezone)
    try:
        return IsoWeek.parse(text.strip())
    except RiskbriefError:
        raise NotFoundError("That is not an ISO week; write it as 2026-W47.") from None


def default_of(
    session: Session, org: OrgConfig, access: Access, now: datetime, *, current: bool = False
) -> DefaultWeek:
    """The week ``access`` briefs by default as of ``now`` in its time zone (``current``: a
    reader of this week so far) and where its data ends: ``briefing.default_week``'s one rule."""
    services = None if access.whole else access.visible(org)
    return default_week(session, services, access.timezone, now, current=current)


def chosen_week(
    session: Session,
    org: OrgConfig,
    text: str | None,
    access: Access,
    now: datetime,
    *,
    current: bool = False,
) -> tuple[IsoWeek, DefaultWeek]:
    """The week ``text`` names, else the default week, with the default (where the data ends);
    a malformed week is refused before the store is read."""
    asked = None if text is None or not text.strip() else asked_week(text, access, now, current)
    default = default_of(session, org, access, now, current=current)
    return asked or default.week, default
