"""The arguments of ``/risk`` commands read into keys, or a usage answer: names of teams and
services, a change, a time zone, an email address. Which commands take them is
``bot.answers.grammar``'s declaration.

Pure: no store, no reader. Team and service names are checked against a
:class:`Catalog` so that a typo gets the closest names back. A user's own text
that a usage message repeats is cut to one short line here and escaped by each
reader's renderer, so in Slack it can never become a mention, a ``<!channel>``
or a link.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from bot.answers.answer import Code, Line, Span
from bot.answers.queries import ChangeQuery
from briefing.render.escape import one_line, truncate
from data.emails import email_address
from data.scope import Scope
from data.sources.registry import read_change
from scoring.change_key import ChangeKey

__all__ = [
    "Catalog",
    "ChangeReader",
    "Usage",
    "change_lookup",
    "change_query",
    "email_of",
    "folded",
    "said",
    "scope_of",
    "timezone_of",
    "unknown_name",
    "unquoted",
]

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
# Slack shows a typed address as <mailto:a@b.c|a@b.c>. Kept as a regex: it takes the address
# out of Slack's markup, and ``data.emails`` then says whether it is one.
_MAILTO = re.compile(r"^<mailto:(?P<address>[^|>]+)(?:\|[^>]*)?>$")


def said(text: str) -> str:
    """The user's ``text`` as a message repeats it: one line, cut short (a renderer escapes it)."""
    return truncate(one_line(text), _ECHO_BUDGET)


def folded(name: str) -> str:
    """``name`` as names are compared: NFKC-folded (full-width `Ｃ` is `C`), without invisible
    characters (Unicode's format and control characters: zero-width, bidi controls, the soft
    hyphen), whitespace collapsed and case folded.

    A look-alike from another script (Cyrillic `е`) stays itself: it is no name's spelling.
    """
    text = unicodedata.normalize("NFKC", name)
    visible = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c.isspace())
    return " ".join(visible.split()).casefold()


# What a registered source (data.sources.registry) recognises as one of its changes.
ChangeReader = Callable[[str], ChangeKey | None]


@dataclass(frozen=True, slots=True)
class Catalog:
    """The organisation's teams and services, key → display name, for resolving names, and
    how its registered sources read a change's key or URL (their settings applied)."""

    teams: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)
    read_change: ChangeReader = read_change

    def within(self, teams: Collection[str], services: Collection[str]) -> Catalog:
        """The catalog of only ``teams`` and ``services`` (keys): what one caller may name, so
        that nothing outside is resolved, suggested or listed."""
        return Catalog(
            {k: v for k, v in self.teams.items() if k in teams},
            {k: v for k, v in self.services.items() if k in services},
            self.read_change,
        )

    def _lookup(self) -> dict[str, tuple[str, str]]:
        """Every accepted spelling (key or display name, ``folded``) → (kind, key)."""
        out: dict[str, tuple[str, str]] = {}
        # Services after teams: a name that is both means the team, as a scope is wider.
        for kind, names in (("service", self.services), ("team", self.teams)):
            for key, name in names.items():
                out[folded(key)] = (kind, key)
                out[folded(name)] = (kind, key)
        return out

    def resolve(self, name: str) -> tuple[str, str] | None:
        """``("team" | "service", key)`` for a team or service name, else ``None``."""
        return self._lookup().get(folded(name))

    def closest(self, name: str, kinds: tuple[str, ...] = ("team", "service")) -> list[str]:
        """Up to three known teams or services of ``kinds`` that look like ``name``.

        Either spelling (key or display name) may match; each is offered once, by its
        display name, so that a list never names one service twice.
        """
        spelt: dict[str, str] = {}
        for kind in kinds:
            names = self.teams if kind == "team" else self.services
            for key, shown in names.items():
                spelt.setdefault(folded(key), shown)
                spelt.setdefault(folded(shown), shown)
        found = difflib.get_close_matches(folded(name), list(spelt), n=6, cutoff=0.5)
        return list(dict.fromkeys(spelt[f] for f in found))[:3]

    def names(self, kind: str) -> list[str]:
        """Every team or service of ``kind`` ("team" or "service") once, by display name."""
        names = self.teams if kind == "team" else self.services
        return sorted(set(names.values()), key=str.lower)


@dataclass(frozen=True, slots=True)
class Usage:
    """Text that did not parse: ``message`` says what to type instead. ``unknown_name``: it
    names a team or service the catalog it was read with does not have, so a reader that
    parsed with more names than the caller may see asks again with the caller's own."""

    message: Line
    unknown_name: bool = False


def _listed(names: Sequence[str]) -> list[Span]:
    """``names`` as code, comma-separated."""
    spans: list[Span] = []
    for name in names:
        spans += [", ", Code(name)] if spans else [Code(name)]
    return spans


def unknown_name(catalog: Catalog, name: str, kinds: tuple[str, ...]) -> Usage:
    """No team or service of ``kinds`` is called ``name``: the closest names, else every one.

    The one refusal of a name in every reader: given the caller's own catalog
    (``Catalog.within``), a name outside their scope gets the very words of one that exists
    nowhere, and only their own names are suggested or listed.
    """
    what = " or ".join(kinds)
    close = catalog.closest(name, kinds)
    if close:
        hint: list[Span] = ["did you mean ", *_listed(close), "?"]
    else:
        names = [n for kind in kinds for n in catalog.names(kind)]
        hint = ["use one of: ", *_listed(names)] if names else ["you may name none"]
    return Usage((f"There is no {what} called “", said(name), "”; ", *hint), unknown_name=True)


def scope_of(catalog: Catalog, names: Sequence[str]) -> Scope | Usage:
    """The teams and services ``names`` name, or a usage naming the first unknown one."""
    teams: list[str] = []
    services: list[str] = []
    for name in names:
        found = catalog.resolve(name)
        if found is None:
            return unknown_name(catalog, name, ("team", "service"))
        kind, key = found
        bucket = teams if kind == "team" else services
        if key not in bucket:
            bucket.append(key)
    return Scope(tuple(teams), tuple(services))


def unquoted(argument: str) -> str:
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
    text = unquoted(argument)
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


def timezone_of(text: str) -> str | Usage:
    """The IANA zone ``text`` names in any case, or a usage offering the closest."""
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


def email_of(text: str) -> str | Usage:
    """The address ``text`` is (Slack's ``<mailto:…>`` too), or a usage showing the form."""
    mailto = _MAILTO.match(text)
    address = email_address(mailto["address"] if mailto else text)
    if address is None:
        return Usage(
            ("“", said(text), "” is not an email address; use the form `name@example.com`")
        )
    return address
