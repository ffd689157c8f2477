"""The scope and week a tool call or a page asks about, checked against what the caller may see.

A team or service the caller may not see is answered in the same words as one that
does not exist; the names offered instead are only the caller's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.lookups import catalog_of
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
    "scope_refusal",
]


def _names(org: OrgConfig, access: Access) -> str:
    visible = set(access.visible(org))
    keys = [t.key for t in org.teams if access.whole or set(t.services) <= visible]
    keys += list(access.visible(org))
    return ", ".join(keys) or "none"


def narrowed(org: OrgConfig, access: Access, names: Sequence[str] | None) -> Access:
    """``access`` narrowed to the teams and services ``names`` (none: ``access`` itself)."""
    if not names:
        return access
    catalog = catalog_of(org)
    teams: list[str] = []
    services: list[str] = []
    for name in names:
        found = catalog.resolve(name)
        inside = found is not None and (
            access.whole or set(org.scope_services(*_pair(found))) <= (access.services or set())
        )
        if found is None or not inside:
            raise NotFoundError(
                f"No team or service by that name is in this scope; use one of: "
                f"{_names(org, access)}."
            )
        bucket = teams if found[0] == "team" else services
        bucket.append(found[1])
    return Access.of(org, Scope.of(teams, services), access.timezone, access.subscriber)


def scope_refusal(org: OrgConfig, access: Access, scope: Scope) -> str | None:
    """The sentence refusing ``scope`` (already resolved to keys) when it reaches past
    ``access``, in the words a name that does not exist gets; ``None`` when it is inside."""
    if access.whole or set(scope.covered(org)) <= (access.services or set()):
        return None
    if scope.services and not scope.teams:
        return (
            "No service by that name is in your scope; use one of: "
            f"{', '.join(access.visible(org)) or 'none'}."
        )
    return f"No team or service by that name is in your scope; use one of: {_names(org, access)}."


def _pair(found: tuple[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    kind, key = found
    return ((key,), ()) if kind == "team" else ((), (key,))


def asked_service(org: OrgConfig, access: Access, name: str) -> str:
    """The key of the service ``name`` names, if the caller may see it."""
    found = catalog_of(org).resolve(name)
    if found is None or found[0] != "service" or not access.sees([found[1]]):
        raise NotFoundError(
            f"No service by that name is in this scope; use one of: "
            f"{', '.join(access.visible(org)) or 'none'}."
        )
    return found[1]


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
