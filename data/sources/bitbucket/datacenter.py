"""Bitbucket Data Center's REST 1.0 as the sources read it: pull requests, CODEOWNERS, tags.

- Pull requests: ``/projects/{P}/repos/{r}/pull-requests?state=ALL&order=NEWEST``,
  paged by ``start``/``isLastPage``/``nextPageStart``, newest update first.
  Data Center has no filter by time, so the walk stops below the floor. A pull
  request updated during the sync moves to the top and shifts later ones down
  (one is listed twice and skipped the second time); a deleted one shifts them
  up, so each next page starts a few before ``nextPageStart`` and the sync
  skips the ids it read. The list item carries the author, reviewers and
  participants with their ``status`` (``APPROVED``), ``draft``, the comment
  count and the merge commit; each pull request's ``changes`` (paths, kinds),
  ``diff`` (line counts, ``contextLines=0``), ``commits`` and ``activities``
  (approval times, the merge) are read beside it. A source branch deleted
  before its diff was read answers 404: files unknown, the pull request kept.
- CODEOWNERS: ``/commits?path=.bitbucket/CODEOWNERS`` and ``/raw/{path}?at={sha}``.
- Deploys: tags matching ``deploy_tags`` (``/tags?orderBy=MODIFICATION``), each
  at its commit's time; Data Center has no deployments of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

from data.config.sources.bitbucket import BitbucketDataCenterConfig
from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Handoff
from data.source_values import SourceChangeFile, SourceDeploy
from data.sources.bitbucket.client import BitbucketClient, BitbucketError
from data.sources.bitbucket.codeowners import LOCATION
from data.sources.bitbucket.dc_pull import dc_commit, dc_files, dc_listed, dc_pull
from data.sources.bitbucket.deploys import DeployReader
from data.sources.bitbucket.pull import Listed, Pull, page_values
from data.sources.deploy_names import service_from_names

__all__ = ["DataCenterReader", "codeowners_commits", "codeowners_text", "dc_tags", "repo_path"]

log = structlog.get_logger(__name__)

LIMIT = 100
# How far before ``nextPageStart`` the next page starts: a deleted pull request shifts
# later ones up, and without the overlap one of them would go unread.
OVERLAP = 3


def repo_path(repository: str) -> str:
    """``PROJECT/repo`` as the API's path: ``projects/PROJECT/repos/repo``."""
    project, repo = repository.split("/", 1)
    return f"projects/{project}/repos/{repo}"


@dataclass(frozen=True, slots=True)
class DataCenterReader:
    """One Data Center repository's pull requests for ``PullsSource``."""

    client: BitbucketClient
    repository: str
    base_url: str
    cursor_source: str = "bitbucket-dc-pulls"

    @property
    def _path(self) -> str:
        return f"{repo_path(self.repository)}/pull-requests"

    def pages(self, floor: datetime) -> Iterator[list[Any]]:
        """Pages newest update first; the sync stops once one reaches below ``floor``."""
        params: dict[str, Any] = {"state": "ALL", "order": "NEWEST", "limit": LIMIT}
        start = 0
        while True:
            page = self.client.get(self._path, {**params, "start": start})
            data = page.data if isinstance(page.data, dict) else {}
            yield page_values(data)
            nxt = data.get("nextPageStart")
            if data.get("isLastPage", True) or not isinstance(nxt, int):
                return
            start = max(nxt - OVERLAP, start + 1)

    def listed(self, item: Any) -> Listed:
        """A list item, checked."""
        return dc_listed(item)

    def _optional(self, path: str, what: str, number: int, **params: Any) -> list[Any] | None:
        try:
            return list(self.client.values(path, {"limit": 500, **params}))
        except BitbucketError as exc:
            if exc.status != 404:
                raise
            log.info("bitbucket_pr_part_missing", pr=f"{self.repository}#{number}", part=what)
            return None

    def pull(self, listed: Listed) -> Pull:
        """The pull request with its changes, diff, commits and activities."""
        base = f"{self._path}/{listed.number}"
        changes = self._optional(f"{base}/changes", "changes", listed.number)
        files: tuple[SourceChangeFile, ...] | None = None
        if changes is not None:
            try:
                diff = self.client.get(f"{base}/diff", {"contextLines": 0}).data
            except BitbucketError as exc:
                if exc.status != 404:
                    raise
                diff = None
            files = dc_files(changes, diff)
        commits = self._optional(f"{base}/commits", "commits", listed.number) or []
        activities = self._optional(f"{base}/activities", "activities", listed.number) or []
        return dc_pull(
            listed,
            self.base_url,
            self.repository,
            files,
            [dc_commit(c) for c in commits],
            activities,
        )


def _millis(value: Any) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return None


def codeowners_commits(client: BitbucketClient, repository: str) -> list[tuple[str, datetime]]:
    """The commits that touched ``.bitbucket/CODEOWNERS``, with their times."""
    out: list[tuple[str, datetime]] = []
    for item in client.values(f"{repo_path(repository)}/commits", {"path": LOCATION}):
        sha = item.get("id") if isinstance(item, dict) else None
        at = _millis(item.get("committerTimestamp")) if isinstance(item, dict) else None
        if isinstance(sha, str) and at is not None:
            out.append((sha, at))
    return out


def codeowners_text(client: BitbucketClient, repository: str, sha: str) -> str | None:
    """The file at ``sha``; ``None`` when that commit deleted it."""
    return client.get_text(f"{repo_path(repository)}/raw/{LOCATION}", {"at": sha})


def dc_tags(
    client: BitbucketClient, repository: str, config: BitbucketDataCenterConfig
) -> DeployReader:
    """The reader of release tags, most recently made first, each at its commit's time."""

    def read(run: Handoff, floor: datetime) -> list[SourceDeploy]:
        out: list[SourceDeploy] = []
        params = {"orderBy": "MODIFICATION", "limit": LIMIT}
        for page in client.pages(f"{repo_path(repository)}/tags", params):
            older = False
            for item in page_values(page.data):
                name = item.get("displayId") if isinstance(item, dict) else None
                sha = item.get("latestCommit") if isinstance(item, dict) else None
                if not isinstance(name, str) or not isinstance(sha, str):
                    continue
                if not re.search(config.deploy_tags, name, re.IGNORECASE):
                    continue
                commit = client.get(f"{repo_path(repository)}/commits/{sha}").data
                at = _millis(commit.get("committerTimestamp")) if isinstance(commit, dict) else None
                if at is None:
                    continue
                if at < floor:
                    older = True
                    break
                service = service_from_names(run.org, config.services, repository, [name])
                if service is None:
                    log.warning("bitbucket_tag_skipped", repository=repository, tag=name)
                    continue
                out.append(
                    SourceDeploy(
                        key=f"bitbucket-dc-tag:{repository}:{name}",
                        service=service,
                        finished_at=at,
                        sha=sha.lower(),
                        source="bitbucket-dc-tag",
                        found_by=FoundBy(DeployRule.TAG, name, config.deploy_tags),
                    )
                )
            if older:
                break
        return out

    return read
