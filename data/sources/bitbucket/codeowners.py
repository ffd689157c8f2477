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
  the owner, so the selector is dropped and the group kept. A team of
  ``.bitbucket/teams.yaml`` (as of the same commit) is expanded to its members,
  with or without a selector: any member may be the "one of" it picks.
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import structlog
import yaml

from data.codeowners import CodeownersVersion, OwnersHistory, compile_pattern, split_line
from data.handoff import Cursor, Handoff
from data.sources.bitbucket.client import BitbucketError

__all__ = [
    "LOCATION",
    "TEAMS_LOCATION",
    "BitbucketCodeowners",
    "BitbucketRule",
    "load_history",
    "parse_bitbucket_codeowners",
    "parse_teams",
]

log = structlog.get_logger(__name__)

LOCATION = ".bitbucket/CODEOWNERS"
TEAMS_LOCATION = ".bitbucket/teams.yaml"
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
        matching = [r for r in self.rules if r.regex.search(clean)]
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


def parse_teams(text: str) -> dict[str, tuple[str, ...]]:
    """``.bitbucket/teams.yaml``'s teams and their members, read with PyYAML's ``safe_load``.

    A team is ``name:`` with a list of members (``name: [a, b]`` or ``- member`` lines),
    or with lists under its own keys (``contributors:``), whose members it takes in
    order. Anything else raises ``ValueError`` in one sentence."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not YAML"
        raise ValueError(f"not YAML{where}: {problem}") from None
    if not isinstance(loaded, dict) or not loaded:
        raise ValueError("no teams: the file is not a map of team names to members")
    teams: dict[str, tuple[str, ...]] = {}
    for name, value in loaded.items():
        lists = list(value.values()) if isinstance(value, dict) else [value]
        members: list[str] = []
        for listed in lists:
            # ``name:`` with nothing under it is a team without members, as YAML reads it.
            if listed is None:
                continue
            if not isinstance(listed, list):
                raise ValueError(f"team {name!r}: its members must be a list")
            members += [_member(name, m) for m in listed]
        teams[str(name)] = tuple(members)
    return teams


def _member(team: object, value: object) -> str:
    # A number is a member's name as YAML typed it; a list or a map is not a member.
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise ValueError(f"team {team!r}: {value!r} is not a plain member")
    return str(value).strip()


def _team_name(owner: str, teams: Mapping[str, tuple[str, ...]]) -> str | None:
    """The team ``owner`` names: ``@teams/name``, or ``@name`` when teams.yaml defines it."""
    name = owner[1:] if owner.startswith("@") else ""
    if name.startswith("teams/"):
        name = name[len("teams/") :]
    return name if name in teams else None


def _expand(owner: str, teams: Mapping[str, tuple[str, ...]], seen: frozenset[str]) -> list[str]:
    """``owner``, or the members of the team it names (nested teams too, a cycle cut)."""
    name = _team_name(owner, teams)
    if name is None:
        return [owner]
    if name in seen:
        return []
    out: list[str] = []
    for member in teams[name]:
        out.extend(_expand(_owner(member), teams, seen | {name}))
    return out


def parse_bitbucket_codeowners(
    text: str,
    edition: Literal["cloud", "dc"] = "cloud",
    teams: Mapping[str, tuple[str, ...]] | None = None,
) -> BitbucketCodeowners:
    """Parse ``.bitbucket/CODEOWNERS`` by ``edition``'s rules; skipped lines go to ``errors``."""
    rules: list[BitbucketRule] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = split_line(raw.strip())
        if not tokens:
            continue
        pattern = tokens[0]
        owners = tuple(_owner(t) for t in tokens[1:])
        if teams:
            expanded = [m for o in owners for m in _expand(o, teams, frozenset())]
            owners = tuple(dict.fromkeys(expanded))
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
    run: Handoff,
    repository: str,
    edition: Literal["cloud", "dc"],
    commits: Callable[[], Iterable[tuple[str, datetime]]],
    text_at: Callable[[str], str | None],
    teams_at: Callable[[str], str | None] | None = None,
) -> BitbucketCodeownersHistory:
    """The file's history: each commit touching it (``commits``: sha and time) and its text
    then (``text_at(sha)``, ``None`` when that commit deleted it), texts cached in the
    sync state so a sync whose file did not change costs one list request. With
    ``teams_at`` (Cloud), ``.bitbucket/teams.yaml`` at the same commit expands teams;
    one missing, unreadable or malformed leaves each team an owner by its name."""
    source = f"bitbucket-{edition}-codeowners"
    cached = _load_cache(run, repository, source)
    versions: list[list[Any]] = []
    for sha, at in commits():
        entry = cached.get(sha)
        if not isinstance(entry, list) or len(entry) < 3:
            entry = [at.isoformat(), sha, text_at(sha)]
        if teams_at is not None and len(entry) < 4:
            entry = [*entry[:3], _teams_text(teams_at, repository, sha)]
        versions.append(entry)
    fresh = {v[1]: v for v in versions}
    if fresh != cached:
        run.save_cursor(source, repository, Cursor(json.dumps(fresh, sort_keys=True)))
    ordered = sorted(versions, key=lambda v: datetime.fromisoformat(v[0]))
    history = tuple(
        CodeownersVersion(
            datetime.fromisoformat(v[0]),
            v[1],
            None
            if v[2] is None
            else parse_bitbucket_codeowners(v[2], edition, _teams(repository, v[1], v[3:])),
        )
        for v in ordered
    )
    return BitbucketCodeownersHistory({LOCATION: history}, (LOCATION,))


def _teams_text(teams_at: Callable[[str], str | None], repository: str, sha: str) -> str | None:
    try:
        return teams_at(sha)
    except BitbucketError as exc:
        # A teams.yaml Bitbucket will not serve must not end the sync: its teams stay owners
        # by name. A refused token or a spent request budget is the sync's to report.
        if exc.status is None or exc.status in (401, 429) or exc.status >= 500:
            raise
        log.info("bitbucket.teams_unreadable", repository=repository, sha=sha, error=str(exc))
        return None


def _teams(repository: str, sha: str, rest: list[Any]) -> dict[str, tuple[str, ...]] | None:
    text = rest[0] if rest else None
    if not isinstance(text, str):
        return None
    try:
        return parse_teams(text)
    except ValueError as exc:
        log.info("bitbucket.teams_malformed", repository=repository, sha=sha, error=str(exc))
        return None


def _load_cache(run: Handoff, repository: str, source: str) -> dict[str, list[Any]]:
    raw = run.cursor(source, repository).cursor
    try:
        cached = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}
    return cached if isinstance(cached, dict) else {}
