"""``/risk`` text parsed into a typed command, or a usage message saying what to type.

Pure: no store, no Slack. Team and service names are checked against a
:class:`Catalog` so that a typo gets the closest names back. Every piece of the
user's own text that a message repeats is escaped for Slack mrkdwn here, so it
can never become a mention, a ``<!channel>`` or a link.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

from briefing.render.escape import mrkdwn, one_line, truncate
from data.sources.registry import read_change
from scoring.change_key import ChangeKey

__all__ = [
    "HELP",
    "USAGE",
    "BriefCommand",
    "Catalog",
    "ChangeReader",
    "Command",
    "DeployCommand",
    "HelpCommand",
    "PrCommand",
    "Scope",
    "ServiceCommand",
    "SettingsCommand",
    "SubscribeCommand",
    "UnsubscribeCommand",
    "Usage",
    "change_ref",
    "echo",
    "parse_command",
]

# Our own text, escaped all the same: `<url | …>` would otherwise be read as a link.
USAGE = mrkdwn(
    "Usage: `/risk brief [team|service]` · "
    "`/risk pr <url | owner/repo#123 | group/project!123 | sha>` · "
    "`/risk service <name>` · `/risk deploy <latest <service> | id>` · "
    "`/risk subscribe [team|service …] [email <address>] [tz <Area/City>]` · "
    "`/risk unsubscribe` · `/risk settings` · `/risk help`"
)

HELP = mrkdwn(
    "\n".join(
        [
            "*riskbrief* answers questions about delivery risk:",
            "• `/risk brief [team|service]`: this week so far, for your scope or the one named",
            "• `/risk pr <url | owner/repo#123 | group/project!123 | sha>`: a change's score, "
            "band, signals and gates (a commit's sha, short or full, for a change without a "
            "pull or merge request)",
            "• `/risk service <name>`: a service's last 8 weeks, riskiest changes, MTTR and CFR",
            "• `/risk deploy latest <service>` or `/risk deploy <id>`: a deploy's risk and "
            "what it shipped",
            "• `/risk subscribe [team|service …] [email <address>] [tz <Area/City>]`: "
            "get the weekly briefing (no names: the whole organisation; "
            "time zone: your Slack profile's)",
            "• `/risk unsubscribe` · `/risk settings`",
        ]
    )
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
# reader does not take without a group.
_PR_KEY = re.compile(r"^(?P<repo>(?:[\w.-]+/)?[\w.-]+)?(?P<mark>[#!])(?P<number>\d+)$")
# A commit: `owner/repo@sha`, `name@sha` (the keys of changes without a PR), or the sha
# alone; 7 hex digits at least, as git's short shas.
_SHA_KEY = re.compile(r"^(?:(?P<repo>(?:[\w.-]+/)?[\w.-]+)@)?(?P<sha>[0-9a-fA-F]{7,64})$")
_COMMIT_URL = re.compile(
    r"^<?https?://[^/\s|>]+/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/commits?/(?P<sha>[0-9a-fA-F]{7,64})"
    r"(?:[/?#][^\s|>]*)?(?:\|[^>]*)?>?$"
)
# Slack shows a pasted link as <url> or <url|text>.
_SLACK_LINK = re.compile(r"^<(?P<url>https?://[^|>\s]+)(?:\|[^>]*)?>$")
_EMAIL = re.compile(r"^[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+$")
# Slack shows a typed address as <mailto:a@b.c|a@b.c>.
_MAILTO = re.compile(r"^<mailto:(?P<address>[^|>]+)(?:\|[^>]*)?>$")


def echo(text: str) -> str:
    """The user's ``text`` made safe to repeat in mrkdwn: one line, escaped and cut short."""
    return mrkdwn(truncate(one_line(text), _ECHO_BUDGET))


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
class Scope:
    """Teams and services by key; empty is the whole organisation."""

    teams: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        """True for the whole organisation."""
        return not self.teams and not self.services


@dataclass(frozen=True, slots=True)
class HelpCommand:
    """``/risk`` or ``/risk help``."""


@dataclass(frozen=True, slots=True)
class BriefCommand:
    """``/risk brief [team|service]``: ``scope`` is ``None`` for the caller's own."""

    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class PrCommand:
    """``/risk pr …``: the change as :func:`change_ref` writes it, e.g. ``owner/repo#123``."""

    key: str


@dataclass(frozen=True, slots=True)
class ServiceCommand:
    """``/risk service <name>``, resolved to the service's key."""

    service: str


@dataclass(frozen=True, slots=True)
class DeployCommand:
    """``/risk deploy latest <service>`` (``service`` set) or ``/risk deploy <id>``."""

    service: str | None = None
    deploy: str | None = None


@dataclass(frozen=True, slots=True)
class SubscribeCommand:
    """``/risk subscribe``: ``scope``, ``email``, ``timezone`` are ``None`` when not given."""

    scope: Scope | None = None
    email: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class UnsubscribeCommand:
    """``/risk unsubscribe``."""


@dataclass(frozen=True, slots=True)
class SettingsCommand:
    """``/risk settings``."""


@dataclass(frozen=True, slots=True)
class Usage:
    """Text that did not parse: ``message`` (safe mrkdwn) says what to type instead."""

    message: str


Command = (
    HelpCommand
    | BriefCommand
    | PrCommand
    | ServiceCommand
    | DeployCommand
    | SubscribeCommand
    | UnsubscribeCommand
    | SettingsCommand
)


def _unknown(catalog: Catalog, name: str, kinds: tuple[str, ...]) -> Usage:
    what = " or ".join(kinds)
    close = catalog.closest(name, kinds)
    if close:
        hint = "did you mean " + ", ".join(f"`{mrkdwn(c)}`" for c in close) + "?"
    else:
        known = [f"`{mrkdwn(n)}`" for kind in kinds for n in catalog.names(kind)]
        hint = "use one of: " + ", ".join(known)
    return Usage(f"There is no {what} called “{echo(name)}”; {hint}")


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


def change_ref(argument: str, reader: ChangeReader = read_change) -> str | None:
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


def _pr(argument: str, reader: ChangeReader) -> PrCommand | Usage:
    ref = change_ref(argument, reader)
    if ref is None:
        return Usage(
            f"“{echo(argument)}” is not a pull request, merge request or commit; use its URL "
            "(https://github.com/owner/repo/pull/123), `owner/repo#123`, "
            "`group/project!123`, or a commit's sha "
            "(7 or more hex digits, `owner/repo@sha` or `name@sha`)"
        )
    return PrCommand(ref)


@cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in zoneinfo.available_timezones()}


def _timezone(text: str) -> str | Usage:
    zones = _zones()
    if text.lower() in zones:
        return zones[text.lower()]
    close = difflib.get_close_matches(text.lower(), list(zones), n=3, cutoff=0.6)
    hint = (
        "did you mean " + ", ".join(f"`{mrkdwn(zones[c])}`" for c in close) + "?"
        if close
        else "use an IANA name such as `Europe/Berlin`"
    )
    return Usage(f"“{echo(text)}” is not a time zone; {hint}")


def _email(text: str) -> str | Usage:
    mailto = _MAILTO.match(text)
    address = mailto["address"] if mailto else text
    if not _EMAIL.match(address):
        return Usage(f"“{echo(text)}” is not an email address; use the form `name@example.com`")
    return address


def _subscribe(catalog: Catalog, words: list[str]) -> SubscribeCommand | Usage:
    names: list[str] = []
    email: str | None = None
    timezone: str | None = None
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word.lower() in ("email", "tz"):
            if not rest:
                return Usage(f"`{word.lower()}` needs a value. {USAGE}")
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
    return SubscribeCommand(scope=scope, email=email, timezone=timezone)


def parse_command(text: str, catalog: Catalog) -> Command | Usage:
    """Parse what followed ``/risk``; anything malformed is a :class:`Usage`."""
    words = one_line(text).split(" ") if text.strip() else []
    # Text pasted from Slack keeps its `/risk` (or `risk`): the command follows it.
    if words and words[0].lower() in ("/risk", "risk"):
        words = words[1:]
        text = " ".join(words)
    if not words:
        return HelpCommand()
    verb, args = words[0].lower(), words[1:]
    rest = " ".join(args)
    if verb == "help" and not args:
        return HelpCommand()
    if verb == "brief":
        if not args:
            return BriefCommand()
        scope = _scope(catalog, [rest])
        return scope if isinstance(scope, Usage) else BriefCommand(scope)
    if verb == "pr" and len(args) == 1:
        return _pr(args[0], catalog.read_change)
    if verb == "service" and args:
        found = catalog.resolve(rest)
        if found is None or found[0] != "service":
            return _unknown(catalog, rest, ("service",))
        return ServiceCommand(found[1])
    if verb == "deploy" and args:
        if args[0].lower() == "latest":
            if len(args) < 2:
                # Escaped: a bare `<service>` is read by Slack as a link.
                hint = mrkdwn("Name the service: `/risk deploy latest <service>`.")
                return Usage(f"{hint} {USAGE}")
            name = " ".join(args[1:])
            found = catalog.resolve(name)
            if found is None or found[0] != "service":
                return _unknown(catalog, name, ("service",))
            return DeployCommand(service=found[1])
        if len(args) == 1 and _unquoted(args[0]):
            return DeployCommand(deploy=_unquoted(args[0]))
    if verb == "subscribe":
        return _subscribe(catalog, args)
    if verb == "unsubscribe" and not args:
        return UnsubscribeCommand()
    if verb == "settings" and not args:
        return SettingsCommand()
    return Usage(f"I did not understand “{echo(text)}”. {USAGE}")
