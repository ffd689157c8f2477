"""Release tags of the clone as deploys of the services changed since the previous tag."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from data.config import OrgConfig
from data.sources.gitlog import run_git
from data.sources.records import DeployRecord

__all__ = ["TagDeploy", "tag_deploys"]


@dataclass(frozen=True, slots=True)
class TagDeploy:
    """A release tag: its name, the commit it points at and when it was made."""

    name: str
    sha: str
    at: datetime


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


def tag_deploys(
    path: Path, repository: str, org: OrgConfig, pattern: str, after: datetime | None = None
) -> Iterator[DeployRecord]:
    """A deploy per service changed between consecutive matching tags (tags after ``after``)."""
    tags = _tags(path, pattern)
    previous: TagDeploy | None = None
    for tag in tags:
        if after is not None and tag.at <= after:
            previous = tag
            continue
        if previous is None:
            names = run_git(path, "ls-tree", "-r", "--name-only", "-z", tag.sha).stdout
        else:
            names = run_git(
                path, "diff", "--name-only", "-z", "--no-renames", previous.sha, tag.sha
            ).stdout
        services = {
            s
            for p in names.decode("utf-8", "replace").split("\0")
            if p and (s := org.service_for_path(repository, p))
        }
        for service in sorted(services):
            yield DeployRecord(
                key=f"git-tag:{repository}:{tag.name}:{service}",
                service=service,
                finished_at=tag.at,
                environment="production",
                sha=tag.sha,
                status="success",
                source="git-tag",
            )
        previous = tag
