"""The MCP server over stdio, for a coding agent that starts ``riskbrief mcp`` itself."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.answers.access import Access
from bot.mcp.server import build_server
from data.config import OrgConfig
from data.scope import Scope
from data.store.engine import session_scope
from data.store.history import HistoryCache
from data.store.reads.subscribers import active_subscriber_keys, subscriber_by_key
from scoring.errors import NotFoundError

__all__ = ["run_stdio", "subscriber_access"]


def subscriber_access(engine: Engine, org: OrgConfig, key: str | None) -> Access:
    """The scope of subscriber ``key`` (its teams and services), or the whole organisation."""
    if key is None:
        return Access.organisation(org)
    with session_scope(engine) as session:
        row = subscriber_by_key(session, key)
        if row is None or not row.active:
            keys = active_subscriber_keys(session)
            raise NotFoundError(
                f"no active subscriber {key!r}; use one of: {', '.join(keys) or 'none configured'}"
            )
        return Access.of(org, Scope.of(row.teams, row.services), row.timezone, row.key)


def run_stdio(engine: Engine, org: OrgConfig, access: Access) -> None:
    """Serve MCP on stdin and stdout until the client closes them."""
    history = HistoryCache.of(engine)
    history.warm(engine, org)
    server = build_server(engine, org, lambda _ctx: access, history)
    server.run("stdio")
