"""Who is looking at a page, and so what they may see: an ``Access`` from a link, a sign-in, a
bearer token, or the open demo.

A link's token or a sign-in names a subscriber; their scope is read from the store now, so
a subscriber taken out of riskbrief.toml (or made inactive) opens nothing. A signed-in
email that ``RISKBRIEF_WEB_ADMINS`` lists sees the whole organisation; another email
sees the scope of the subscriber with that email, and nothing without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlmodel import Session

from bot.answers.access import Access, TokenTable
from data.config import OrgConfig
from data.scope import Scope
from data.store.reads.subscribers import subscriber_by_key

__all__ = ["Via", "Viewer", "subscriber_access", "token_viewer"]


class Via(Enum):
    """How the viewer was recognised."""

    OPEN = "open"
    LINK = "link"
    SESSION = "session"
    TOKEN = "token"


@dataclass(frozen=True, slots=True)
class Viewer:
    """A recognised viewer: what they may see, who they are in the page's footer, and for a
    signed-in browser, its session's id (what signing out revokes)."""

    access: Access
    via: Via
    name: str
    sid: str | None = None


def subscriber_access(session: Session, org: OrgConfig, key: str) -> Access | None:
    """The scope of the active subscriber ``key``, in their time zone; ``None`` without one."""
    row = subscriber_by_key(session, key)
    if row is None or not row.active:
        return None
    return Access.of(org, Scope.of(row.teams, row.services), row.timezone, row.key)


def token_viewer(tokens: TokenTable, presented: str) -> Viewer | None:
    """A script presenting an MCP bearer token: that token's scope."""
    access = tokens.access(presented)
    if access is None:
        return None
    return Viewer(access, Via.TOKEN, access.subscriber or "a token for the whole organisation")
