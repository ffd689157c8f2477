"""``.bitbucket/CODEOWNERS`` as each Bitbucket edition reads it, and its history, as of each merge.

Both editions read one file, ``.bitbucket/CODEOWNERS``, a pattern and its owners
a line, patterns as gitignore's (``data.codeowners``'s compiled patterns are
reused: ``*`` within a folder, ``**`` across, a bare name at any depth). They
differ in which rules a path takes:

- Cloud adds the owners of *every* matching rule (Atlassian: "for each matching
  rule, the users associated with it are added"); owners are e-mail addresses,
  ``@user``, ``@workspace/group`` or a team of ``.bitbucket/teams.yaml``
  (``@team``). A group or team with a selector (``@ws/group:random(2)``,
  ``:least_busy(1)``) asks for one (or N) *of* its members: the group itself is
  the owner, so the selector is dropped and the group kept.
- Data Center takes the *last* matching rule (its docs: later rules win), with
  owners ``@user``, e-mail addresses and ``@@ReviewerGroup`` (also with
  ``:random(N)``), kept the same way.

Lines with a ``!`` pattern (neither edition negates) or no owner are skipped
into ``errors``. ``load_history`` reads the file's commits and its text at each
(cached in the sync state), so ``owners_of(path, when)`` answers with the file
in force at the merge: an empty tuple is "not covered", ``None`` "no file then".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import structlog

from data.codeowners import OwnersHistory, compile_pattern, split_line, versions_of
from data.sync import Cursor, SyncRun

__all__ = [
    "LOCATION",
    "BitbucketCodeowners",
    "BitbucketRule",
    "load_history",
    "parse_bitbucket_codeowners",
]

log = structlog.get_logger(__name__)

LOCATION = ".bitbucket/CODEOWNERS"
_SELECTOR = re.compile(r":(?:random|least_busy)\(\d+\)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BitbucketRule:
    """One rule: its pattern, owners (selectors dropped) and line."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class BitbucketCodeowners:
    """A parsed file and how its edition combines rules: Cloud every match, DC the last."""

    rules: tuple[BitbucketRule, ...] = ()
    every_match: bool = True
    errors: tuple[str, ...] = ()

    def owners(self, path: str) -> tuple[str, ...]:
        """The owners of ``path``, each once; empty when no rule covers it."""
        clean = path.strip().lstrip("/")
        matching = [r for r in self.rules if r.regex.match(clean)]
        if not matching:
            return ()
        chosen = matching if self.every_match else matching[-1:]
        seen: dict[str, None] = {}
        for rule in chosen:
            for owner in rule.owners:
                seen.setdefault(owner, None)
        return tuple(seen)


def _owner(token: str) -> str:
    """An owner as stored: a group's selector dropped, as the group owns the path."""
    return _SELECTOR.sub("", token)


def parse_bitbucket_codeowners(
    text: str, edition: Literal["cloud", "dc"] = "cloud"
) -> BitbucketCodeowners:
    """Parse ``.bitbucket/CODEOWNERS`` by ``edition``'s rules; skipped lines go to ``errors``."""
    rules: list[BitbucketRule] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = split_line(raw.strip())
        if not tokens:
            continue
        pattern, owners = tokens[0], tuple(_owner(t) for t in tokens[1:])
        if pattern.startswith("!"):
            errors.append(f"line {number}: negated patterns ('!') are not read; skipped")
            continue
        if not owners:
            errors.append(f"line {number}: a pattern without owners; skipped")
            continue
        try:
            regex = compile_pattern(pattern)
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        rules.append(BitbucketRule(pattern, owners, number, regex))
    return BitbucketCodeowners(tuple(rules), edition == "cloud", tuple(errors))


@dataclass(frozen=True, slots=True)
class BitbucketCodeownersHistory(OwnersHistory[BitbucketCodeowners]):
    """``.bitbucket/CODEOWNERS`` as of each time."""


def load_history(
    run: SyncRun,
    repository: str,
    edition: Literal["cloud", "dc"],
    commits: Callable[[], Iterable[tuple[str, datetime]]],
    text_at: Callable[[str], str | None],
) -> BitbucketCodeownersHistory:
    """The file's history: each commit touching it (``commits``: sha and time) and its text
    then (``text_at(sha)``, ``None`` when that commit deleted it), texts cached in the
    sync state so a sync whose file did not change costs one list request."""
    source = f"bitbucket-{edition}-codeowners"
    cached = _load_cache(run, repository, source)
    versions: list[list[Any]] = []
    for sha, at in commits():
        if sha in cached:
            versions.append(cached[sha])
            continue
        versions.append([at.isoformat(), sha, text_at(sha)])
    fresh = {v[1]: v for v in versions}
    if fresh != cached:
        run.save_cursor(source, repository, Cursor(json.dumps(fresh, sort_keys=True)))
    texts = {LOCATION: [(datetime.fromisoformat(at), sha, text) for at, sha, text in versions]}

    def parse(text: str) -> BitbucketCodeowners:
        return parse_bitbucket_codeowners(text, edition)

    return BitbucketCodeownersHistory(versions_of(texts, parse), (LOCATION,))


def _load_cache(run: SyncRun, repository: str, source: str) -> dict[str, list[Any]]:
    raw = run.cursor(source, repository).cursor
    try:
        cached = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}
    return cached if isinstance(cached, dict) else {}
