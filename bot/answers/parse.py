"""``/risk`` text and ``riskbrief ask`` arguments parsed into a typed query, or a usage answer.

Pure: no store, no reader. Team and service names are checked against a
:class:`Catalog` so that a typo gets the closest names back. A user's own text
that a usage message repeats is cut to one short line here and escaped by each
reader's renderer, so in Slack it can never become a mention, a ``<!channel>``
or a link.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from bot.answers.answer import Code, Line, Span, Strong
from bot.answers.queries import (
    BriefQuery,
    ChangeQuery,
    DeployQuery,
    HelpQuery,
    Query,
    ServiceQuery,
    SettingsQuery,
    SubscribeQuery,
    UnsubscribeQuery,
)
from briefing.render.escape import one_line, truncate
from data.scope import Scope
from data.sources.registry import read_change
from scoring.change_key import ChangeKey

__all__ = [
    "HELP",
    "USAGE",
    "Catalog",
    "ChangeReader",
    "Usage",
    "change_lookup",
    "change_query",
    "parse_args",
    "parse_query",
    "said",
]

USAGE: Line = (
    "Usage: `/risk brief [team|service]` · "
    "`/risk pr <url | owner/repo#123 | group/project!123 | sha>` · "
    "`/risk service <name>` · `/risk deploy <latest <service> | id>` · "
    "`/risk subscribe [team|service …] [email <address>] [tz <Area/City>]` · "
    "`/risk unsubscribe` · `/risk settings` · `/risk help`",
)

HELP: tuple[Line, ...] = (
    (Strong(("riskbrief",)), " answers questions about delivery risk:"),
    ("• `/risk brief [team|service]`: this week so far, for your scope or the one named",),
    (
        "• `/risk pr <url | owner/repo#123 | group/project!123 | sha>`: a change's score, "
        "band, signals and gates (a commit's sha, short or full, for a change without a "
        "pull or merge request)",
    ),
    ("• `/risk service <name>`: a service's last 8 weeks, riskiest changes, MTTR and CFR",),
    (
        "• `/risk deploy latest <service>` or `/risk deploy <id>`: a deploy's risk and "
        "what it shipped",
    ),
    (
        "• `/risk subscribe [team|service …] [email <address>] [tz <Area/City>]`: "
        "get the weekly briefing (no names: the whole organisation; "
        "time zone: your Slack profile's)",
    ),
    ("• `/risk unsubscribe` · `/risk settings`",),
)

# Long enough for any real name or URL; anything longer is cut before it is echoed.
_ECHO_BUDGET = 120
_PR_URL = re.compile(
    r"^<?https?://[^/\s|>]+/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/pulls?/(?P<number>\d+)"
    r"(?:[/?#][^\s|>]*)?(?:\|[^>]*)?>?$"
)
# `owner/repo#123`, or a clone's own `name#123` (quickstart names a repository after its
# origin remote, else its folder), or `#123` alone when one repository has it; the same
# with GitLab's `!` for a merge request (`shop!3`, `!3`), which a registered source's
# reader does not take without a group. A name is any run of characters a folder or a
# code host's name may hold (`owner+name`, `~user`), up to a `/`, a mark or a space.
_NAME = r"[^\s/#!@<>|`'\"]+"
_PR_KEY = re.compile(rf"^(?P<repo>(?:{_NAME}/)?{_NAME})?(?P<mark>[#!])(?P<number>\d+)$")
# A commit: `owner/repo@sha`, `name@sha` (the keys of changes without a PR), or the sha
# alone; 7 hex digits at least, as git's short shas.
_SHA_KEY = re.compile(rf"^(?:(?P<repo>(?:{_NAME}/)?{_NAME})@)?(?P<sha>[0-9a-fA-F]{{7,64}})$")
_COMMIT_URL = re.compile(
    r"^<?https?://[^/\s|>]+/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/commits?/(?P<sha>[0-9a-fA-F]{7,64})"
    r"(?:[/?#][^\s|>]*)?(?:\|[^>]*)?>?$"
)
# Slack shows a pasted link as <url> or <url|text>.
_SLACK_LINK = re.compile(r"^<(?P<url>https?://[^|>\s]+)(?:\|[^>]*)?>$")
_EMAIL = re.compile(r"^[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+$")
# Slack shows a typed address as <mailto:a@b.c|a@b.c>.
_MAILTO = re.compile(r"^<mailto:(?P<address>[^|>]+)(?:\|[^>]*)?>$")


def said(text: str) -> str:
    """The user's ``text`` as a message repeats it: one line, cut short (a renderer escapes it)."""
    return truncate(one_line(text), _ECHO_BUDGET)


# What a registered source (data.sources.registry) recognises as one of its changes.
ChangeReader = Callable[[str], ChangeKey | None]


@dataclass(frozen=True, slots=True)
class Catalog:
    """The organisation's teams and services, key → display name, for resolving names, and
    how its registered sources read a change's key or URL (their settings applied)."""

    teams: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)
    read_change: ChangeReader = read_change

    def _lookup(self) -> dict[str, tuple[str, str]]:
        """Every accepted spelling (key or display name, any case) → (kind, key)."""
        out: dict[str, tuple[str, str]] = {}
        # Services after teams: a name that is both means the team, as a scope is wider.
        for kind, names in (("service", self.services), ("team", self.teams)):
            for key, name in names.items():
                out[key.lower()] = (kind, key)
                out[name.lower()] = (kind, key)
        return out

    def resolve(self, name: str) -> tuple[str, str] | None:
        """``("team" | "service", key)`` for a team or service name, else ``None``."""
        return self._lookup().get(name.strip().lower())

    def closest(self, name: str, kinds: tuple[str, ...] = ("team", "service")) -> list[str]:
        """Up to three known teams or services of ``kinds`` that look like ``name``.

        Either spelling (key or display name) may match; each is offered once, by its
        display name, so that a list never names one service twice.
        """
        spelt: dict[str, str] = {}
        for kind in kinds:
            names = self.teams if kind == "team" else self.services
            for key, shown in names.items():
                spelt.setdefault(key.lower(), shown)
                spelt.setdefault(shown.lower(), shown)
        found = difflib.get_close_matches(name.strip().lower(), list(spelt), n=6, cutoff=0.5)
        return list(dict.fromkeys(spelt[f] for f in found))[:3]

    def names(self, kind: str) -> list[str]:
        """Every team or service of ``kind`` ("team" or "service") once, by display name."""
        names = self.teams if kind == "team" else self.services
        return sorted(set(names.values()), key=str.lower)


@dataclass(frozen=True, slots=True)
class Usage:
    """Text that did not parse: ``message`` says what to type instead."""

    message: Line


def _listed(names: Sequence[str]) -> list[Span]:
    """``names`` as code, comma-separated."""
    spans: list[Span] = []
    for name in names:
        spans += [", ", Code(name)] if spans else [Code(name)]
    return spans


def _unknown(catalog: Catalog, name: str, kinds: tuple[str, ...]) -> Usage:
    what = " or ".join(kinds)
    close = catalog.closest(name, kinds)
    if close:
        hint: list[Span] = ["did you mean ", *_listed(close), "?"]
    else:
        hint = ["use one of: ", *_listed([n for kind in kinds for n in catalog.names(kind)])]
    return Usage((f"There is no {what} called “", said(name), "”; ", *hint))


def _scope(catalog: Catalog, names: list[str]) -> Scope | Usage:
    teams: list[str] = []
    services: list[str] = []
    for name in names:
        found = catalog.resolve(name)
        if found is None:
            return _unknown(catalog, name, ("team", "service"))
        kind, key = found
        bucket = teams if kind == "team" else services
        if key not in bucket:
            bucket.append(key)
    return Scope(tuple(teams), tuple(services))


def _unquoted(argument: str) -> str:
    """An id copied with the backticks or quotes it was shown in, without them."""
    return argument.strip().strip("`'\"“”‘’").strip()


def change_lookup(argument: str, reader: ChangeReader = read_change) -> str | None:
    """What a user typed for a change, as the one form the store's lookup reads, else ``None``.

    A key or URL a registered source recognises (``reader``: ``group/sub/project!123``
    or a GitLab merge request's URL); ``owner/repo#123``, ``name#123`` or ``#123`` for
    a pull request (from its URL too), ``name!123`` or ``!123`` for a merge request;
    ``owner/repo@sha``, ``name@sha`` or a bare sha of 7 or more hex digits for a commit
    (from a commit URL too). Numbers lose leading zeros, shas are lower case.
    """
    text = _unquoted(argument)
    link = _SLACK_LINK.match(text)
    registered = reader(link["url"] if link else text)
    if registered is not None:
        return str(registered)
    url = _PR_URL.match(text)
    if url is not None:
        return str(ChangeKey.pull(f"{url['owner']}/{url['repo']}", int(url["number"])))
    commit = _COMMIT_URL.match(text)
    if commit is not None:
        return f"{commit['owner']}/{commit['repo']}@{commit['sha'].lower()}"
    pr = _PR_KEY.match(text)
    if pr is not None:
        return str(ChangeKey(pr["repo"] or "", number=int(pr["number"]), mark=pr["mark"]))
    sha = _SHA_KEY.match(text)
    if sha is not None:
        prefix = f"{sha['repo']}@" if sha["repo"] else ""
        return prefix + sha["sha"].lower()
    return None


def change_query(argument: str, reader: ChangeReader = read_change) -> ChangeQuery | Usage:
    """The question about the change ``argument`` names (``/risk pr``'s argument, an MCP tool's
    ``change``), or a :class:`Usage` listing the forms a change is named in."""
    ref = change_lookup(argument, reader)
    if ref is None:
        return Usage(
            (
                "“",
                said(argument),
                "” is not a pull request, merge request or commit; use its URL "
                "(https://github.com/owner/repo/pull/123), `owner/repo#123` (or `#123`), "
                "`group/project!123` (or `!123`), or a commit's sha "
                "(7 or more hex digits, `owner/repo@sha` or `name@sha`)",
            )
        )
    return ChangeQuery(ref)


@cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in zoneinfo.available_timezones()}


def _timezone(text: str) -> str | Usage:
    zones = _zones()
    if text.lower() in zones:
        return zones[text.lower()]
    close = difflib.get_close_matches(text.lower(), list(zones), n=3, cutoff=0.6)
    hint: list[Span] = (
        ["did you mean ", *_listed([zones[c] for c in close]), "?"]
        if close
        else ["use an IANA name such as `Europe/Berlin`"]
    )
    return Usage(("“", said(text), "” is not a time zone; ", *hint))


def _email(text: str) -> str | Usage:
    mailto = _MAILTO.match(text)
    address = mailto["address"] if mailto else text
    if not _EMAIL.match(address):
        return Usage(
            ("“", said(text), "” is not an email address; use the form `name@example.com`")
        )
    return address


def _subscribe(catalog: Catalog, words: list[str]) -> SubscribeQuery | Usage:
    names: list[str] = []
    email: str | None = None
    timezone: str | None = None
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word.lower() in ("email", "tz"):
            if not rest:
                return Usage((Code(word.lower()), " needs a value. ", *USAGE))
            value = rest.pop(0)
            if word.lower() == "email":
                checked = _email(value)
                if isinstance(checked, Usage):
                    return checked
                email = checked
            else:
                zone = _timezone(value)
                if isinstance(zone, Usage):
                    return zone
                timezone = zone
        else:
            names.append(word)
    scope = _scope(catalog, names) if names else None
    if isinstance(scope, Usage):
        return scope
    return SubscribeQuery(scope=scope, email=email, timezone=timezone)


def _deploy(catalog: Catalog, args: list[str]) -> DeployQuery | Usage | None:
    if args[0].lower() == "latest":
        if len(args) < 2:
            return Usage(("Name the service: `/risk deploy latest <service>`. ", *USAGE))
        name = " ".join(args[1:])
        found = catalog.resolve(name)
        if found is None or found[0] != "service":
            return _unknown(catalog, name, ("service",))
        return DeployQuery(service=found[1])
    if len(args) == 1 and _unquoted(args[0]):
        return DeployQuery(deploy=_unquoted(args[0]))
    return None


def parse_query(text: str, catalog: Catalog) -> Query | Usage:
    """Parse what followed ``/risk``; anything malformed is a :class:`Usage`."""
    words = one_line(text).split(" ") if text.strip() else []
    # Text pasted from Slack keeps its `/risk` (or `risk`): the command follows it.
    if words and words[0].lower() in ("/risk", "risk"):
        words = words[1:]
        text = " ".join(words)
    if not words:
        return HelpQuery()
    verb, args = words[0].lower(), words[1:]
    rest = " ".join(args)
    if verb == "help" and not args:
        return HelpQuery()
    if verb == "brief":
        if not args:
            return BriefQuery()
        scope = _scope(catalog, [rest])
        return scope if isinstance(scope, Usage) else BriefQuery(scope)
    if verb == "pr" and len(args) == 1:
        return change_query(args[0], catalog.read_change)
    if verb == "service" and args:
        found = catalog.resolve(rest)
        if found is None or found[0] != "service":
            return _unknown(catalog, rest, ("service",))
        return ServiceQuery(found[1])
    if verb == "deploy" and args:
        deploy = _deploy(catalog, args)
        if deploy is not None:
            return deploy
    if verb == "subscribe":
        return _subscribe(catalog, args)
    if verb == "unsubscribe" and not args:
        return UnsubscribeQuery()
    if verb == "settings" and not args:
        return SettingsQuery()
    return Usage(("I did not understand “", said(text), "”. ", *USAGE))


def parse_args(args: Sequence[str], catalog: Catalog) -> Query | Usage:
    """Parse a command line's words (``riskbrief ask pr owner/repo#1``) as ``/risk`` text."""
    return parse_query(" ".join(args), catalog)
