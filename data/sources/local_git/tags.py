"""Release tags of the clone as deploys: each ships exactly the commits git says it ships.

A tag ``T`` ships the commits it reaches that no earlier release of its line
reached: ``git rev-list T --not E1 E2 …`` over the line's earlier tags. A line
is the tag's name without its version (``v1.2.3`` and ``1.2.3`` are one line,
``plugin-legacy@5.0.0`` another, ``parent-4.12.0`` a third), so a monorepo's
packages are released apart; reachability keeps the branches apart, so a tag
cut on a maintenance branch (flask's ``3.1.3`` on ``stable``) ships neither the
main line's work nor what an earlier release already shipped, even when an
older maintenance branch was merged forward into it (flask merges ``2.2.x``
into ``2.3.x``: ``2.3.3`` does not ship again what ``2.3.2`` shipped). The
first tag of a line ships everything it reaches.

Each tag is a deploy of every service its commits touch (only of the
package's service when the line names one; never, for a plain version tag, of
a service that has a line of its own), carrying the commits that touched it:
the linking then ships exactly the changes those commits landed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from data.config import OrgConfig
from data.sources.gitlog import run_git
from data.sources.records import DeployRecord
from scoring.errors import SourceError

__all__ = [
    "TagDeploy",
    "deploy_tag_notes",
    "release_line",
    "tag_deploys",
    "tag_names",
    "unmatched_tags_note",
]

# Where the version starts in a tag's name: its first digit run followed by a dot or the end.
_VERSION = re.compile(r"v?\d+(?:[.\d]|$)")


@dataclass(frozen=True, slots=True)
class TagDeploy:
    """A release tag: its name, the commit it points at and when it was made."""

    name: str
    sha: str
    at: datetime


def release_line(name: str) -> str:
    """The release line of a tag: its name before the version (``plugin-legacy@``, ``parent-``),
    ``""`` for plain versions; ``v1.2`` and ``1.2`` are one line."""
    match = _VERSION.search(name)
    return name if match is None else name[: match.start()]


def tag_names(path: Path) -> list[str]:
    """Every tag of the clone, newest first."""
    done = run_git(
        path, "for-each-ref", "--sort=-creatordate", "refs/tags", "--format=%(refname:strip=2)"
    )
    return done.stdout.decode("utf-8", "replace").split()


def unmatched_tags_note(path: Path, pattern: str, repository: str) -> str | None:
    """One sentence when ``pattern`` matches none of the clone's tags, else ``None``
    (a clone without tags has nothing to match: no sentence)."""
    names = tag_names(path)
    regex = re.compile(pattern, re.IGNORECASE)
    if not names or any(regex.search(n) for n in names):
        return None
    return (
        f"{repository}: deploy_tags {pattern!r} in [sources.git] matches none of the clone's "
        f"tags; its newest tag is {names[0]!r}, so no deploy is read; change the pattern to "
        "match its release tags"
    )


def deploy_tag_notes(org: OrgConfig) -> list[str]:
    """A sentence for each configured clone whose ``deploy_tags`` pattern matches no tag."""
    pattern = org.sources.git.deploy_tags
    notes: list[str] = []
    if not pattern:
        return notes
    for repo in org.repositories:
        path = Path(repo.path).expanduser() if repo.path else None
        if path is None or not path.is_dir():
            continue
        try:
            note = unmatched_tags_note(path, pattern, repo.name)
        except SourceError:
            continue
        if note is not None:
            notes.append(note)
    return notes


def _tags(path: Path, pattern: str) -> list[TagDeploy]:
    """Tags matching ``pattern``, oldest first (annotated tags by tagger date)."""
    done = run_git(
        path,
        "for-each-ref",
        "refs/tags",
        "--format=%(refname:strip=2)%00%(*objectname)%00%(objectname)%00"
        "%(taggerdate:unix)%00%(committerdate:unix)%00%(*committerdate:unix)",
    )
    regex = re.compile(pattern, re.IGNORECASE)
    out: list[TagDeploy] = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        name, peeled, obj, tagged, committed, peeled_committed = (line.split("\0") + [""] * 6)[:6]
        if not regex.search(name):
            continue
        stamp = tagged or committed or peeled_committed
        if not stamp.isdigit():
            continue
        out.append(TagDeploy(name, peeled or obj, datetime.fromtimestamp(int(stamp), tz=UTC)))
    out.sort(key=lambda t: (t.at, t.name))
    return out


def _commits(
    path: Path, tag: TagDeploy, earlier: Sequence[TagDeploy]
) -> list[tuple[str, list[str]]]:
    """The commits ``tag`` reaches and none of ``earlier`` does, with the files each changed
    against its first parent."""
    # Every earlier tag is excluded, not only the newest ancestor: with maintenance branches
    # merged forward, the newest ancestor by date can be an older line's release, and the
    # range from it would ship again what this line's previous release already shipped.
    # A tag on a commit an earlier tag already released (a re-tag) excludes itself: it ships
    # nothing.
    excluded = sorted({t.sha for t in earlier})
    span = [tag.sha, *(["--not", *excluded] if excluded else [])]
    done = run_git(
        path,
        "log",
        "--format=%x1e%H",
        "--name-only",
        "-z",
        "--no-renames",
        "--diff-merges=first-parent",
        *span,
    )
    out: list[tuple[str, list[str]]] = []
    for entry in done.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        sha, _, rest = entry.partition("\n")
        out.append((sha.strip("\0\n"), [p.strip("\n") for p in rest.split("\0") if p.strip()]))
    return out


def _line_service(line: str, services: Sequence[str]) -> str | None:
    """The service a package's tag line names (``@vitejs/plugin-legacy@`` → ``plugin-legacy``)."""
    name = line.rstrip("@-_/v").rsplit("/", 1)[-1].lower()
    return name if name and name in services else None


def tag_deploys(
    path: Path, repository: str, org: OrgConfig, pattern: str, after: datetime | None = None
) -> Iterator[DeployRecord]:
    """A deploy per service the commits of each matching tag touch (tags after ``after``)."""
    lines: dict[str, list[TagDeploy]] = defaultdict(list)
    for tag in _tags(path, pattern):
        lines[release_line(tag.name)].append(tag)
    keys = [s.key for s in org.services if s.repository in (None, repository)]
    # A service with a release line of its own (vite's ``create-vite@``) is deployed by that
    # line alone: the repository's plain tags (``v8.2.2``) release the other packages.
    released_apart = {s for line in lines if (s := _line_service(line, keys)) is not None}
    deploys: list[DeployRecord] = []
    for line, tags in lines.items():
        only = _line_service(line, keys)
        for i, tag in enumerate(tags):
            if after is not None and tag.at <= after:
                continue
            shipped: dict[str, list[str]] = defaultdict(list)
            for sha, files in _commits(path, tag, tags[:i]):
                for service in {org.service_for_path(repository, p) for p in files}:
                    if service is None or service != (only or service):
                        continue
                    if only is None and service in released_apart:
                        continue
                    shipped[service].append(sha)
            deploys.extend(
                DeployRecord(
                    key=f"git-tag:{repository}:{tag.name}:{service}",
                    service=service,
                    finished_at=tag.at,
                    environment="production",
                    sha=tag.sha,
                    status="success",
                    source="git-tag",
                    shipped=tuple(shas),
                )
                for service, shas in sorted(shipped.items())
            )
    deploys.sort(key=lambda d: (d.finished_at, d.key))
    yield from deploys
