"""Who a reader acts for: the whole organisation, or one subscriber's teams and services.

The MCP tools and the web view ask with an ``Access``. Over MCP's stdio the
process's owner chose the scope (``riskbrief mcp [--subscriber KEY]``);
over HTTP a bearer token names it. A token is limited to a subscriber's scope the
way that subscriber's briefing is (``OrgConfig.scope_services``): its teams' services
and its own services. What lies outside is answered exactly as what does not exist.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from data.config import OrgConfig
from data.scope import Scope
from data.store.engine import session_scope
from data.store.reads.subscribers import stored_subscribers
from scoring.errors import ConfigError

__all__ = [
    "MIN_TOKEN_CHARS",
    "WHOLE_ORGANISATION",
    "Access",
    "Grant",
    "TokenTable",
    "configured_tokens",
    "parse_grants",
]

# A token shorter than this is guessable; refused when the tokens are read.
MIN_TOKEN_CHARS = 16
# The scope a token entry names for the whole organisation.
WHOLE_ORGANISATION = "*"

_ENTRY = re.compile(r"^(?P<scope>[^:\s]+):(?P<token>\S+)$")


@dataclass(frozen=True, slots=True)
class Access:
    """What a caller may see: a ``Scope`` (a subscriber's, or one a call named), in a time zone.

    ``services`` (``None``: every service) and ``label`` are the scope resolved against the
    organisation once, by :meth:`of`, so each check is a set lookup; ``subscriber`` is whose
    scope it is, if anyone's.
    """

    scope: Scope
    timezone: str
    services: frozenset[str] | None
    label: str
    subscriber: str | None = None

    @property
    def whole(self) -> bool:
        """True when the caller sees the whole organisation."""
        return self.services is None

    def sees(self, services: Iterable[str | None]) -> bool:
        """Whether any of ``services`` (a change's, a deploy's) is in scope.

        A thing of no service is visible only to the whole organisation.
        """
        if self.services is None:
            return True
        return any(s in self.services for s in services if s is not None)

    def visible(self, org: OrgConfig) -> tuple[str, ...]:
        """The organisation's services in scope, in the order riskbrief.toml declares them."""
        return tuple(s.key for s in org.services if self.services is None or s.key in self.services)

    @staticmethod
    def organisation(org: OrgConfig) -> Access:
        """The whole organisation, in its own time zone."""
        return Access.of(org, Scope(), org.organisation.timezone)

    @staticmethod
    def of(org: OrgConfig, scope: Scope, timezone: str, subscriber: str | None = None) -> Access:
        """``scope`` resolved against ``org``."""
        services = None if scope.whole else frozenset(scope.covered(org))
        return Access(scope, timezone, services, scope.label(org), subscriber)


@dataclass(frozen=True, slots=True)
class Grant:
    """One configured token and the scope it is limited to (``None``: the whole organisation)."""

    token: str
    subscriber: str | None

    def __repr__(self) -> str:
        # Never the token itself: a repr may end up in a log line or a traceback.
        return f"Grant(subscriber={self.subscriber!r})"


def parse_grants(text: str, source: str) -> list[Grant]:
    """The ``scope:token`` entries of ``text`` (commas, spaces or lines apart; ``#`` comments).

    ``scope`` is ``*`` for the whole organisation or a subscriber's key. A malformed
    entry or a short token is a ``ConfigError`` naming ``source`` and the entry's
    position, never its text, which holds a secret.
    """
    grants: list[Grant] = []
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    entries = [e for line in lines for e in re.split(r"[,\s]+", line) if e]
    for n, entry in enumerate(entries, start=1):
        match = _ENTRY.match(entry)
        if match is None:
            raise ConfigError(
                f"entry {n} of {source} is not `scope:token`; write `*:<token>` for the whole "
                "organisation or `<subscriber key>:<token>` for a subscriber's scope"
            )
        if len(match["token"]) < MIN_TOKEN_CHARS:
            raise ConfigError(
                f"the token of entry {n} of {source} is shorter than {MIN_TOKEN_CHARS} "
                "characters; use a long random one, e.g. from `openssl rand -hex 32`"
            )
        scope = match["scope"]
        grants.append(Grant(match["token"], None if scope == WHOLE_ORGANISATION else scope))
    return grants


class TokenTable:
    """The configured tokens, each to its scope; a presented token is compared in constant time."""

    def __init__(self, grants: Sequence[Grant], scopes: dict[str | None, Access]) -> None:
        self._grants = [(g.token.encode(), scopes[g.subscriber]) for g in grants]

    def __len__(self) -> int:
        return len(self._grants)

    def access(self, presented: str) -> Access | None:
        """The scope of ``presented``, else ``None``.

        Every configured token is compared, whatever matched, so the time taken says
        nothing about which token (or how much of one) was right.
        """
        candidate = presented.encode()
        found: Access | None = None
        for token, scope in self._grants:
            if hmac.compare_digest(token, candidate):
                found = scope
        return found

    @staticmethod
    def load(
        org: OrgConfig,
        subscribers: dict[str, tuple[Scope, str]],
        inline: str | None,
        file: Path | None,
    ) -> TokenTable:
        """The tokens of ``inline`` (RISKBRIEF_MCP_TOKENS) and ``file`` (RISKBRIEF_MCP_TOKENS_FILE).

        ``subscribers`` gives each subscriber's scope and time zone by key; a
        token naming another key is a ``ConfigError``.
        """
        grants: list[Grant] = []
        if inline is not None:
            grants += parse_grants(inline, "RISKBRIEF_MCP_TOKENS")
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(
                    f"cannot read {file} ({exc.strerror or exc}); set RISKBRIEF_MCP_TOKENS_FILE "
                    "to a readable file of `scope:token` lines"
                ) from None
            grants += parse_grants(text, str(file))
        scopes: dict[str | None, Access] = {None: Access.organisation(org)}
        for grant in grants:
            key = grant.subscriber
            if key is None or key in scopes:
                continue
            if key not in subscribers:
                known = ", ".join(sorted(subscribers)) or "none configured"
                raise ConfigError(
                    f"an MCP token names the subscriber {key!r}, which riskbrief.toml does not "
                    f"have; use `*` or one of: {known}"
                )
            scope, timezone = subscribers[key]
            scopes[key] = Access.of(org, scope, timezone, key)
        return TokenTable(grants, scopes)


def configured_tokens(
    engine: Engine, org: OrgConfig, inline: str | None, file: Path | None
) -> TokenTable | None:
    """The bearer tokens of RISKBRIEF_MCP_TOKENS(_FILE), each to its scope; ``None`` without any.

    The MCP server and the web view's scripts take the same tokens.
    """
    if inline is None and file is None:
        return None
    with session_scope(engine) as session:
        subscribers = {
            s.key: (Scope.of(s.teams, s.services), s.timezone)
            for s in stored_subscribers(session)
            if s.active
        }
    tokens = TokenTable.load(org, subscribers, inline, file)
    return tokens if len(tokens) else None
