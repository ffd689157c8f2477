"""CODEOWNERS: GitHub's pattern rules, the three standard locations, and owners as of a time.

Pure (no I/O): the GitHub source feeds it texts read through the API
(``data.sources.github.codeowners``) and a local clone the blobs of its
history (``data.sources.local_git``), so both sources judge ownership alike.

GitHub's rules, which are gitignore's as git documents them (pathspec's ``gitignore``
patterns match each pattern; the GitLab and Bitbucket sources reuse ``compile_pattern``)
but for what this module adds:

- A line is a pattern followed by owners (``@user``, ``@org/team``, an email).
  ``#`` starts a comment, also after the owners; ``\\#`` is a literal ``#`` and
  ``\\ `` a literal space in a pattern.
- ``*`` and ``?`` never cross ``/``; a pattern with no slash but a trailing one
  matches at any depth (``*.js``, ``apps/``), any other is anchored at the root
  (``docs/*``, ``/build/``); ``**`` matches any number of directories (inside a part,
  ``a**b``, it is a lone ``*``).
- A pattern naming a directory covers everything below it (``/apps/github``),
  but a last segment that is a lone ``*`` matches only direct children:
  ``docs/*`` owns ``docs/a.md``, not ``docs/sub/b.md``.
- The last matching rule wins; a rule without owners un-owns what it matches.
- ``!`` negation is not supported: such a line (like any line GitHub would
  reject, e.g. an owner that is neither a user, a team nor an email) is
  skipped and reported in ``CodeOwners.errors``. ``[`` and ``]`` are literal.
- Of ``.github/CODEOWNERS``, ``CODEOWNERS`` and ``docs/CODEOWNERS``, the
  first that exists is the one GitHub uses.

``CodeownersHistory.owners_of(path, when)`` answers with the file in force at
``when``, so coverage is judged as of the change: an empty tuple is "not
covered", ``None`` "no CODEOWNERS known then".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Generic, Protocol, TypeAlias, TypeVar

from pathspec import RegexPattern, lookup_pattern

from data.emails import email_address

__all__ = [
    "CODEOWNERS_LOCATIONS",
    "CodeOwners",
    "CodeownersHistory",
    "CodeownersVersion",
    "Owners",
    "OwnersHistory",
    "OwnersOf",
    "Rule",
    "compile_pattern",
    "parse_codeowners",
    "split_line",
    "versions_of",
]

# GitHub's search order: the first of these that exists is the CODEOWNERS in force.
CODEOWNERS_LOCATIONS: tuple[str, ...] = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

# The seam the PR sync takes: the owners of a path under the CODEOWNERS in force at a time.
OwnersOf: TypeAlias = Callable[[str, datetime], tuple[str, ...] | None]

_TEAM = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9\-]*)/[A-Za-z0-9_.\-]+$")
_USER = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9\-_]*)(?:\[bot\])?$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One CODEOWNERS line: its pattern as written, its owners and its line number."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str] = field(compare=False, repr=False)

    def matches(self, path: str) -> bool:
        """True when the rule's pattern matches the repository-relative ``path``."""
        return self.regex.search(path) is not None


@dataclass(frozen=True, slots=True)
class CodeOwners:
    """A parsed CODEOWNERS file: its rules in file order and the lines GitHub would skip."""

    rules: tuple[Rule, ...] = ()
    errors: tuple[str, ...] = ()

    def rule_for(self, path: str) -> Rule | None:
        """The last rule matching ``path`` (the one GitHub applies), or ``None``."""
        clean = _clean_path(path)
        for rule in reversed(self.rules):
            if rule.matches(clean):
                return rule
        return None

    def owners(self, path: str) -> tuple[str, ...]:
        """The owners of ``path``; empty when no rule covers it or the last match un-owns it."""
        rule = self.rule_for(path)
        return rule.owners if rule else ()


def _clean_path(path: str) -> str:
    clean = path.strip()
    while clean.startswith("./"):
        clean = clean[2:]
    return clean.lstrip("/")


def split_line(line: str) -> list[str]:
    """The whitespace-separated tokens of a line up to an unescaped ``#``; escapes are kept."""
    tokens: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            buf.append(line[i : i + 2])
            i += 2
            continue
        if ch == "#":
            break
        if ch in " \t":
            if buf:
                tokens.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
        i += 1
    if buf:
        tokens.append("".join(buf))
    return tokens


# GitHub reads ``[`` and ``]`` as themselves, where gitignore opens a character class; an
# escape (``\\*``, ``\\ ``) is passed on whole.
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]")


_GITIGNORE = lookup_pattern("gitignore")


def _literal(found: re.Match[str]) -> str:
    return found[0] if found[0].startswith("\\") else f"\\{found[0]}"


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regex of a CODEOWNERS pattern; ``ValueError`` when GitHub would reject it.

    pathspec's ``gitignore`` patterns (git's documented rules) match as GitHub's
    CODEOWNERS does: a lone ``*`` last part takes only direct children, a name with no
    inner slash matches at any depth. Only GitHub's refusals and its literal brackets are
    added here. Search it (pathspec's ``*`` is an unanchored ``.``)."""
    if pattern.startswith("!"):
        raise ValueError("negation with '!' is not supported in CODEOWNERS")
    if "***" in pattern:
        raise ValueError("three asterisks in a row are not a valid pattern")
    if pattern == "/":
        raise ValueError("'/' alone matches nothing")
    if "//" in pattern:
        raise ValueError("a pattern cannot contain an empty path segment ('//')")
    # The kind ``PathSpec.from_lines("gitignore", …)`` reads .gitattributes with, too.
    compiled = _GITIGNORE(_BRACKET_OR_ESCAPE.sub(_literal, pattern))
    if not isinstance(compiled, RegexPattern) or compiled.regex is None:
        raise ValueError(f"{pattern!r} is not a pattern")  # pathspec's comment or blank
    return compiled.regex


def _valid_owner(owner: str) -> bool:
    return bool(_USER.match(owner) or _TEAM.match(owner) or email_address(owner))


def parse_codeowners(text: str) -> CodeOwners:
    """Parse a CODEOWNERS file by GitHub's rules; lines GitHub would skip go to ``errors``."""
    rules: list[Rule] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = split_line(line)
        if not tokens:
            continue
        pattern, owners = tokens[0], tuple(tokens[1:])
        bad = next((o for o in owners if not _valid_owner(o)), None)
        if bad is not None:
            errors.append(f"line {number}: {bad!r} is not a user, team or email")
            continue
        try:
            regex = compile_pattern(pattern)
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        rules.append(Rule(pattern, owners, number, regex))
    return CodeOwners(tuple(rules), tuple(errors))


class Owners(Protocol):
    """A parsed CODEOWNERS file, in GitHub's syntax or GitLab's: who owns a path."""

    def owners(self, path: str) -> tuple[str, ...]: ...


_O = TypeVar("_O", bound=Owners)


@dataclass(frozen=True, slots=True)
class CodeownersVersion(Generic[_O]):
    """The file at one location from ``since`` on: parsed, or ``None`` when it was deleted."""

    since: datetime
    sha: str
    owners: _O | None


def versions_of(
    texts: Mapping[str, Sequence[tuple[datetime, str, str | None]]], parse: Callable[[str], _O]
) -> dict[str, tuple[CodeownersVersion[_O], ...]]:
    """Each location's versions in time order, from ``location -> [(time, sha, text or None
    when deleted), ...]`` in any order, each text read by ``parse``."""
    return {
        location: tuple(
            CodeownersVersion(at, sha, parse(text) if text is not None else None)
            for at, sha, text in sorted(items, key=lambda v: v[0])
        )
        for location, items in texts.items()
    }


@dataclass(frozen=True, slots=True)
class OwnersHistory(Generic[_O]):
    """Each location's versions in time order; answers owners as of a time, the first of
    ``locations`` holding a file then being the one in force (GitHub's and GitLab's orders
    differ, hence the field)."""

    versions: Mapping[str, tuple[CodeownersVersion[_O], ...]]
    locations: tuple[str, ...]

    def in_force(self, when: datetime) -> _O | None:
        """The CODEOWNERS the host would have used at ``when`` (naive is UTC), by precedence."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        for location in self.locations:
            history = self.versions.get(location, ())
            i = bisect_right([v.since for v in history], when)
            if i and history[i - 1].owners is not None:
                return history[i - 1].owners
        return None

    def owners_of(self, path: str, when: datetime) -> tuple[str, ...] | None:
        """Owners of ``path`` at ``when``: empty when not covered, ``None`` when no file then."""
        owners = self.in_force(when)
        return owners.owners(path) if owners is not None else None


@dataclass(frozen=True, slots=True)
class CodeownersHistory(OwnersHistory[CodeOwners]):
    """GitHub's CODEOWNERS at its three locations, as of each time."""

    @classmethod
    def from_texts(
        cls, texts: Mapping[str, Sequence[tuple[datetime, str, str | None]]]
    ) -> CodeownersHistory:
        """From ``location -> [(time, sha, text or None when deleted), ...]`` in any order."""
        return cls(versions_of(texts, parse_codeowners), CODEOWNERS_LOCATIONS)
