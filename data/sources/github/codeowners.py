"""CODEOWNERS: GitHub's pattern rules, the three standard locations, and the file's history.

The parser is pure (``parse_codeowners(text)``), so a local clone can use it
on ``git show <sha>:CODEOWNERS`` as well as the GitHub source on the API.

GitHub's rules, which differ from ``.gitignore`` in places:

- A line is a pattern followed by owners (``@user``, ``@org/team``, an email).
  ``#`` starts a comment, also after the owners; ``\\#`` is a literal ``#`` and
  ``\\ `` a literal space in a pattern.
- ``*`` and ``?`` never cross ``/``; a pattern with no slash but a trailing one
  matches at any depth (``*.js``, ``apps/``), any other is anchored at the root
  (``docs/*``, ``/build/``); ``**`` matches any number of directories.
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
``when`` (the default branch's commits that touched it, by committer date), so
coverage is judged as of the change: an empty tuple is "not covered", ``None``
"no CODEOWNERS known then".
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeAlias

import structlog

from data.sources.github.client import GitHubClient
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    as_list,
    get_str,
    is_not_found,
    parse_time,
)
from data.sync import Cursor, SyncRun
from scoring.errors import SourceError

__all__ = [
    "CODEOWNERS_LOCATIONS",
    "CodeOwners",
    "CodeownersHistory",
    "CodeownersVersion",
    "OwnersOf",
    "Rule",
    "load_codeowners_history",
    "parse_codeowners",
]

log = structlog.get_logger(__name__)

# GitHub's search order: the first of these that exists is the CODEOWNERS in force.
CODEOWNERS_LOCATIONS: tuple[str, ...] = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

# The seam the PR sync takes: the owners of a path under the CODEOWNERS in force at a time.
OwnersOf: TypeAlias = Callable[[str, datetime], tuple[str, ...] | None]

_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
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
        return self.regex.match(path) is not None


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


def _split_line(line: str) -> list[str]:
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


def _segment_regex(segment: str) -> str:
    """One path segment with ``*``, ``?`` and escapes, as a regex that never crosses ``/``."""
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "\\" and i + 1 < len(segment):
            out.append(re.escape(segment[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    """The regex of a CODEOWNERS pattern; ``ValueError`` when GitHub would reject it."""
    if pattern.startswith("!"):
        raise ValueError("negation with '!' is not supported in CODEOWNERS")
    if "***" in pattern:
        raise ValueError("three asterisks in a row are not a valid pattern")
    if pattern == "/":
        raise ValueError("'/' alone matches nothing")
    anchored = pattern.startswith("/")
    body = pattern[1:] if anchored else pattern
    directory = body.endswith("/")
    if directory:
        body = body[:-1]
    segments = body.split("/")
    if any(s == "" for s in segments):
        raise ValueError("a pattern cannot contain an empty path segment ('//')")
    if not anchored and len(segments) == 1 and segments[0] != "**":
        # No slash but a trailing one: matches at any depth.
        segments = ["**", *segments]
    if directory:
        # A trailing slash matches only directories: something must follow.
        segments.append("**")
    out = ["^"]
    need_slash = False
    last = len(segments) - 1
    for i, seg in enumerate(segments):
        if seg == "**":
            if i == 0 and i == last:
                out.append(".+")
            elif i == 0:
                out.append("(?:.+/)?")
                need_slash = False
            elif i == last:
                out.append("/.+")
            else:
                out.append("(?:/.+)?")
                need_slash = True
            continue
        if need_slash:
            out.append("/")
        if seg == "*":
            # A lone '*' as the last segment matches direct children only.
            out.append("[^/]+")
        else:
            out.append(_segment_regex(seg))
            if i == last:
                # A file, or a directory and everything below it.
                out.append("(?:/.*)?")
        need_slash = True
    out.append("$")
    return re.compile("".join(out))


def _valid_owner(owner: str) -> bool:
    return bool(_USER.match(owner) or _TEAM.match(owner) or _EMAIL.match(owner))


def parse_codeowners(text: str) -> CodeOwners:
    """Parse a CODEOWNERS file by GitHub's rules; lines GitHub would skip go to ``errors``."""
    rules: list[Rule] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = _split_line(line)
        if not tokens:
            continue
        pattern, owners = tokens[0], tuple(tokens[1:])
        bad = next((o for o in owners if not _valid_owner(o)), None)
        if bad is not None:
            errors.append(f"line {number}: {bad!r} is not a user, team or email")
            continue
        try:
            regex = _compile(pattern)
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        rules.append(Rule(pattern, owners, number, regex))
    return CodeOwners(tuple(rules), tuple(errors))


@dataclass(frozen=True, slots=True)
class CodeownersVersion:
    """The file at one location from ``since`` on: parsed, or ``None`` when it was deleted."""

    since: datetime
    sha: str
    owners: CodeOwners | None


@dataclass(frozen=True, slots=True)
class CodeownersHistory:
    """Each location's versions in time order; answers owners as of a time."""

    versions: Mapping[str, tuple[CodeownersVersion, ...]]

    @classmethod
    def from_texts(
        cls, texts: Mapping[str, Sequence[tuple[datetime, str, str | None]]]
    ) -> CodeownersHistory:
        """From ``location -> [(time, sha, text or None when deleted), ...]`` in any order."""
        versions: dict[str, tuple[CodeownersVersion, ...]] = {}
        for location, items in texts.items():
            ordered = sorted(items, key=lambda v: v[0])
            versions[location] = tuple(
                CodeownersVersion(at, sha, parse_codeowners(text) if text is not None else None)
                for at, sha, text in ordered
            )
        return cls(versions)

    def in_force(self, when: datetime) -> CodeOwners | None:
        """The CODEOWNERS GitHub would have used at ``when`` (naive is UTC), by precedence."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        for location in CODEOWNERS_LOCATIONS:
            history = self.versions.get(location, ())
            i = bisect_right([v.since for v in history], when)
            if i and history[i - 1].owners is not None:
                return history[i - 1].owners
        return None

    def owners_of(self, path: str, when: datetime) -> tuple[str, ...] | None:
        """Owners of ``path`` at ``when``: empty when not covered, ``None`` when no file then."""
        owners = self.in_force(when)
        return owners.owners(path) if owners is not None else None


# -- reading the history from GitHub -----------------------------------------------

_CACHE_SOURCE = "github-codeowners"


def _decode_contents(data: Any) -> str:
    if not isinstance(data, dict) or data.get("type", "file") != "file":
        raise BadItem("the CODEOWNERS path is not a file")
    content = get_str(data, "content")
    if data.get("encoding", "base64") != "base64":
        raise BadItem(f"unexpected encoding {data.get('encoding')!r}")
    try:
        return base64.b64decode(content, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        raise BadItem("the content is not valid base64") from None


def _commit_time(item: Any) -> datetime:
    commit = item.get("commit") if isinstance(item, dict) else None
    for who in ("committer", "author"):
        person = commit.get(who) if isinstance(commit, dict) else None
        if isinstance(person, dict) and person.get("date"):
            return parse_time(person["date"])
    raise BadItem("the commit has no date")


def _load_cache(run: SyncRun, repository: str) -> dict[str, list[list[Any]]]:
    raw = run.cursor(_CACHE_SOURCE, repository).cursor
    if not raw:
        return {}
    try:
        cached = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return cached if isinstance(cached, dict) else {}


def _location_versions(
    rest: ConditionalRest,
    repository: str,
    location: str,
    cached: list[list[Any]] | None,
) -> tuple[list[list[Any]], list[Any]]:
    """``[[iso time, sha, text or None], ...]`` of one location, and the list pages read.

    When the commit list answers 304 the cached versions stand; otherwise the
    text of each commit not yet cached is read at that commit.
    """
    known = {v[1]: v for v in cached or [] if isinstance(v, list) and len(v) == 3}
    url = rest.url(f"repos/{repository}/commits", {"path": location, "per_page": 100})
    pages = []
    fetched = rest.get(url, conditional=cached is not None)
    if fetched.not_modified:
        return list(known.values()), []
    out: list[list[Any]] = []
    while True:
        pages.append(fetched)
        for item in as_list(fetched.data, "commits", f"/repos/{repository}/commits"):
            try:
                sha = get_str(item, "sha")
                at = _commit_time(item)
            except BadItem as exc:
                log.warning("codeowners_commit_skipped", repository=repository, reason=str(exc))
                continue
            if sha in known:
                out.append(known[sha])
                continue
            out.append([at.isoformat(), sha, _text_at(rest, repository, location, sha)])
        if not fetched.next_url:
            break
        fetched = rest.get(fetched.next_url, conditional=cached is not None)
        if fetched.not_modified:
            # The older pages did not change: keep the cached versions they hold.
            seen = {v[1] for v in out}
            out.extend(v for sha, v in known.items() if sha not in seen)
            break
    return out, pages


def _text_at(rest: ConditionalRest, repository: str, location: str, sha: str) -> str | None:
    url = rest.url(f"repos/{repository}/contents/{location}", {"ref": sha})
    try:
        fetched = rest.get(url, conditional=False)
    except SourceError as exc:
        if is_not_found(exc):
            return None  # deleted (or moved away) by this commit
        raise
    try:
        return _decode_contents(fetched.data)
    except BadItem as exc:
        log.warning(
            "codeowners_content_skipped",
            repository=repository,
            location=location,
            sha=sha,
            reason=str(exc),
        )
        return None


def load_codeowners_history(
    client: GitHubClient, run: SyncRun, repository: str
) -> CodeownersHistory:
    """The CODEOWNERS history of ``repository`` (``owner/repo``), read with conditional GETs.

    The texts read are cached in the sync state, so a repository whose
    CODEOWNERS did not change costs three ``304``s and no quota.
    """
    rest = ConditionalRest(client, run)
    cache = _load_cache(run, repository)
    fresh: dict[str, list[list[Any]]] = {}
    pages = []
    for location in CODEOWNERS_LOCATIONS:
        versions, read = _location_versions(rest, repository, location, cache.get(location))
        fresh[location] = versions
        pages.extend(read)
    if pages or fresh != cache:
        run.save_cursor(_CACHE_SOURCE, repository, Cursor(json.dumps(fresh, sort_keys=True)))
    for page in pages:
        rest.remember(page)
    texts = {
        location: [(parse_time(at), sha, text) for at, sha, text in versions]
        for location, versions in fresh.items()
    }
    return CodeownersHistory.from_texts(texts)
