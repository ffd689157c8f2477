"""CODEOWNERS as GitLab reads it, and its history in a project, as of each merge.

GitLab's rules (docs.gitlab.com, "Code Owners" and "Code Owners syntax"):

- The file is the first of ``CODEOWNERS``, ``docs/CODEOWNERS`` and
  ``.gitlab/CODEOWNERS`` that exists (GitLab's order; GitHub's differs).
- ``[Section]`` starts a section; ``^[Section]`` an optional one (its approval
  is not required); ``[Section][2]`` asks for two approvals; owners after the
  header (``[Section] @owner @group/sub``) are the section's default owners,
  used by its entries that name none. Section names are case-insensitive and a
  name used twice is one section. Entries before any header are in a section
  of their own.
- Within a section the last matching entry wins; a path's owners are the
  union of every section's winner (each section is judged on its own).
- Patterns match as GitHub's do (``data.codeowners``'s compiled patterns are
  reused): ``*`` stays within a directory, ``**`` crosses them, a pattern
  without a slash matches at any depth, ``/dir/`` everything below it.
- Owners are ``@user``, ``@group``, ``@group/subgroup/...``, ``@@role``
  (``@@developer``, ``@@maintainer``, ``@@owner``) or an e-mail address. A
  ``!pattern`` exclusion and a line GitLab would reject are skipped and
  reported in ``errors``.

``GitLabCodeownersHistory.owners_of(path, when)`` answers with the file in
force at ``when``: an empty tuple is "not covered", ``None`` "no CODEOWNERS
then".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import structlog

from data.codeowners import OwnersHistory, compile_pattern, split_line, versions_of
from data.emails import email_address
from data.handoff import Cursor, Handoff
from data.sources.gitlab.client import GitLabClient, project_id
from data.sources.gitlab.mr_records import MalformedMergeRequest, gitlab_time

__all__ = [
    "GITLAB_CODEOWNERS_LOCATIONS",
    "GitLabCodeowners",
    "GitLabCodeownersHistory",
    "Section",
    "SectionRule",
    "load_gitlab_codeowners_history",
    "parse_gitlab_codeowners",
]

log = structlog.get_logger(__name__)

# GitLab's search order: the first of these that exists is the CODEOWNERS in force.
GITLAB_CODEOWNERS_LOCATIONS: tuple[str, ...] = (
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
)

_HEADER = re.compile(
    r"^(?P<optional>\^)?\[(?P<name>[^\]]+)\](?:\[(?P<approvals>\d+)\])?(?P<owners>(?:\s+\S+)*)\s*$"
)
_USER_OR_GROUP = re.compile(r"^@[A-Za-z0-9_.][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.\-]*)*$")
_ROLE = re.compile(r"^@@(?:developer|developers|maintainer|maintainers|owner|owners)$", re.I)
_DEFAULT_SECTION = "codeowners"


@dataclass(frozen=True, slots=True)
class SectionRule:
    """One entry: its pattern, its owners (the section's defaults when it names none), its line."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        """True when the pattern matches the repository-relative ``path``."""
        return self.regex.search(path) is not None


@dataclass(frozen=True, slots=True)
class Section:
    """A section: its name, whether it is optional, the approvals it asks for, and its rules."""

    name: str
    optional: bool = False
    approvals: int = 1
    default_owners: tuple[str, ...] = ()
    rules: tuple[SectionRule, ...] = ()

    def owners(self, path: str) -> tuple[str, ...] | None:
        """The owners of the last rule matching ``path``, or ``None`` when none matches."""
        for rule in reversed(self.rules):
            if rule.matches(path):
                return rule.owners
        return None


@dataclass(frozen=True, slots=True)
class GitLabCodeowners:
    """A parsed GitLab CODEOWNERS file: its sections in order and the lines GitLab would skip."""

    sections: tuple[Section, ...] = ()
    errors: tuple[str, ...] = ()

    def owners(self, path: str) -> tuple[str, ...]:
        """Every section's owners of ``path``, in file order, each once; empty when uncovered."""
        clean = path.strip().lstrip("/")
        seen: dict[str, None] = {}
        for section in self.sections:
            for owner in section.owners(clean) or ():
                seen.setdefault(owner, None)
        return tuple(seen)


def _valid_owner(owner: str) -> bool:
    return bool(_ROLE.match(owner) or _USER_OR_GROUP.match(owner) or email_address(owner))


def parse_gitlab_codeowners(text: str) -> GitLabCodeowners:
    """Parse a CODEOWNERS file by GitLab's rules; lines GitLab would skip go to ``errors``."""
    order: list[str] = []
    sections: dict[str, Section] = {}
    rules: dict[str, list[SectionRule]] = {}
    errors: list[str] = []
    current = _DEFAULT_SECTION
    order.append(current)
    sections[current] = Section("", rules=())
    rules[current] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line.split(" #", 1)[0].rstrip())
        if header is not None and not line.startswith("\\["):
            name = header["name"].strip()
            owners = tuple(header["owners"].split())
            bad = next((o for o in owners if not _valid_owner(o)), None)
            if bad is not None:
                errors.append(f"line {number}: {bad!r} is not a user, group, role or email")
                owners = tuple(o for o in owners if _valid_owner(o))
            current = name.casefold()
            if current not in sections:
                order.append(current)
                rules[current] = []
                sections[current] = Section(
                    name,
                    optional=bool(header["optional"]),
                    approvals=int(header["approvals"] or 1),
                    default_owners=owners,
                )
            elif owners and not sections[current].default_owners:
                # A section named again: GitLab merges it; later defaults fill a gap only.
                old = sections[current]
                sections[current] = Section(old.name, old.optional, old.approvals, owners)
            continue
        tokens = split_line(line)
        if not tokens:
            continue
        pattern, owners = tokens[0], tuple(tokens[1:])
        if pattern.startswith("!"):
            errors.append(f"line {number}: exclusions ('!') are not read; the line is skipped")
            continue
        bad = next((o for o in owners if not _valid_owner(o)), None)
        if bad is not None:
            errors.append(f"line {number}: {bad!r} is not a user, group, role or email")
            continue
        try:
            regex = compile_pattern(pattern)
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        rules[current].append(SectionRule(pattern, owners, number, regex))
    out = []
    for key in order:
        section = sections[key]
        resolved = tuple(
            SectionRule(r.pattern, r.owners or section.default_owners, r.line, r.regex)
            for r in rules[key]
        )
        if resolved:
            out.append(
                Section(
                    section.name,
                    section.optional,
                    section.approvals,
                    section.default_owners,
                    resolved,
                )
            )
    return GitLabCodeowners(tuple(out), tuple(errors))


@dataclass(frozen=True, slots=True)
class GitLabCodeownersHistory(OwnersHistory[GitLabCodeowners]):
    """GitLab's CODEOWNERS at its three locations, in GitLab's order, as of each time."""

    @classmethod
    def from_texts(
        cls, texts: Mapping[str, Sequence[tuple[datetime, str, str | None]]]
    ) -> GitLabCodeownersHistory:
        """From ``location -> [(time, sha, text or None when deleted), ...]`` in any order."""
        return cls(versions_of(texts, parse_gitlab_codeowners), GITLAB_CODEOWNERS_LOCATIONS)


_CACHE_SOURCE = "gitlab-codeowners"


def load_gitlab_codeowners_history(
    client: GitLabClient, run: Handoff, project: str
) -> GitLabCodeownersHistory:
    """The CODEOWNERS history of ``project``: each location's commits and its text at each.

    ``GET /projects/:id/repository/commits?path=<location>`` lists the commits
    that touched a location; the text at each is
    ``GET /projects/:id/repository/files/<location>/raw?ref=<sha>`` (404: the
    commit deleted it). Texts already read are cached in the sync state, so a
    sync whose CODEOWNERS did not change costs one list request per location.
    """
    cached = _load_cache(run, project)
    fresh: dict[str, list[list[Any]]] = {}
    base = f"projects/{project_id(project)}/repository"
    for location in GITLAB_CODEOWNERS_LOCATIONS:
        known = {v[1]: v for v in cached.get(location, []) if isinstance(v, list) and len(v) == 3}
        versions: list[list[Any]] = []
        for page in client.pages(f"{base}/commits", {"path": location, "per_page": 100}):
            for item in page.data if isinstance(page.data, list) else ():
                sha = item.get("id") if isinstance(item, dict) else None
                if not isinstance(sha, str):
                    continue
                if sha in known:
                    versions.append(known[sha])
                    continue
                try:
                    at = gitlab_time(item.get("committed_date") or item.get("created_at"), "date")
                except MalformedMergeRequest:
                    log.warning("gitlab_codeowners_commit_skipped", project=project, sha=sha)
                    continue
                text = client.get_text(f"{base}/files/{quote(location, safe='')}/raw", {"ref": sha})
                versions.append([at.isoformat(), sha, text])
        fresh[location] = versions
    if fresh != cached:
        run.save_cursor(_CACHE_SOURCE, project, Cursor(json.dumps(fresh, sort_keys=True)))
    return GitLabCodeownersHistory.from_texts(
        {
            location: [(datetime.fromisoformat(at), sha, text) for at, sha, text in versions]
            for location, versions in fresh.items()
        }
    )


def _load_cache(run: Handoff, project: str) -> dict[str, list[list[Any]]]:
    raw = run.cursor(_CACHE_SOURCE, project).cursor
    try:
        cached = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}
    return cached if isinstance(cached, dict) else {}
