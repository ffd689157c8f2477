"""Bitbucket Cloud's REST 2.0 as the sources read it: pull requests, CODEOWNERS, deploys.

- Pull requests: ``/repositories/{ws}/{repo}/pullrequests?state=MERGED&state=OPEN&
  state=DECLINED&sort=-updated_on&q=updated_on >= <floor>``, 50 a page. Cloud
  pages by number (``next``), and a pull request deleted during the sync
  shifts every later page up (one would go unread), so each next page asks
  again below the oldest update read (``updated_on <= T``; the sync skips the
  ids it read), following ``next`` only while a page is all one instant. Each pull request's
  details: itself (participants and their ``approved``, ``draft``,
  ``comment_count``), its ``diffstat`` (files, line counts), ``commits`` (agent
  signatures) and ``activity`` (approval times, the merge's time and user). A
  source branch deleted before its diff was read answers 404: the pull request
  is stored with its files unknown, not dropped.
- CODEOWNERS: ``/commits?path=.bitbucket/CODEOWNERS`` and ``/src/{sha}/{path}``.
- Deploys: Pipelines ``/deployments/`` to an environment of type Production (or
  named as ``production_environment`` says), from ``/environments/`` (one it lacks by
  ``/environments/{uuid}``); or tags
  (``/refs/tags?sort=-target.date``) matching ``deploy_tags``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import structlog

from data.config.sources.bitbucket import BitbucketCloudConfig
from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Handoff
from data.source_values import SourceChangeFile, SourceDeploy
from data.sources.bitbucket.client import BitbucketClient, BitbucketError
from data.sources.bitbucket.cloud_pull import cloud_commit, cloud_diffstat, cloud_listed, cloud_pull
from data.sources.bitbucket.codeowners import LOCATION, TEAMS_LOCATION
from data.sources.bitbucket.deploys import DeployReader
from data.sources.bitbucket.pull import Listed, MalformedPull, Pull, dig, page_values
from data.sources.deploy_names import service_from_names
from data.sources.times import TimeFormatError, parse_time

__all__ = [
    "CloudReader",
    "bbql_time",
    "cloud_deploys",
    "cloud_tags",
    "codeowners_commits",
    "codeowners_text",
    "teams_text",
]

log = structlog.get_logger(__name__)

# Cloud refuses a ``pagelen`` above a list's cap with ``400 Invalid pagelen`` instead of
# clamping it, so each list is asked for at most its cap. The pull request list and a pull
# request's activity cap at 50 (Bitbucket issues site/master#9659, BCLOUD-13229); for the others
# Atlassian documents only a global maximum of 100 that "individual APIs may" lower, so
# they are asked for 50 too, the lowest cap a Cloud list is known to have (docs/sources.md,
# Limits).
PULLS_PAGELEN = 50
ACTIVITY_PAGELEN = 50
PAGELEN = 50
_STATES = ("MERGED", "OPEN", "DECLINED")
_DEPLOY_STATUS = {"SUCCESSFUL": "success", "FAILED": "failure"}


def bbql_time(at: datetime) -> str:
    """A time as Bitbucket's query language takes it: ISO 8601 with microseconds and offset."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class CloudReader:
    """One Cloud repository's pull requests for ``PullsSource``."""

    client: BitbucketClient
    repository: str
    cursor_source: str = "bitbucket-pulls"

    @property
    def _path(self) -> str:
        return f"repositories/{self.repository}/pullrequests"

    def pages(self, floor: datetime) -> Iterator[list[Any]]:
        """Pages newest update first down to ``floor``, each asked below the last one's oldest."""
        since = f"updated_on >= {bbql_time(floor)}"
        params: dict[str, Any] = {
            "state": list(_STATES),
            "sort": "-updated_on",
            "pagelen": PULLS_PAGELEN,
            "q": since,
        }
        page = self.client.get(self._path, params)
        anchor: datetime | None = None
        while True:
            values = page_values(page.data)
            yield values
            nxt = page.data.get("next") if isinstance(page.data, dict) else None
            if not isinstance(nxt, str) or not nxt:
                return
            times = []
            for item in values:
                try:
                    times.append(cloud_listed(item).updated_at)
                except MalformedPull:
                    continue
            oldest = min(times, default=None)
            if oldest is None or oldest == anchor:
                # The page is all the instant it began with: page on by number.
                page = self.client.get(nxt)
                continue
            anchor = oldest
            page = self.client.get(
                self._path, {**params, "q": f"{since} AND updated_on <= {bbql_time(oldest)}"}
            )

    def listed(self, item: Any) -> Listed:
        """A list item, checked."""
        return cloud_listed(item)

    def _optional(self, path: str, what: str, number: int, pagelen: int) -> list[Any] | None:
        """Every value of a list, or ``None`` when Bitbucket has it no more (a deleted branch)."""
        try:
            return list(self.client.values(path, {"pagelen": pagelen}))
        except BitbucketError as exc:
            if exc.status != 404:
                raise
            log.info("bitbucket_pr_part_missing", pr=f"{self.repository}#{number}", part=what)
            return None

    def pull(self, listed: Listed) -> Pull:
        """The pull request with its diffstat, commits and activity."""
        base = f"{self._path}/{listed.number}"
        detail = self.client.get(base).data
        number = listed.number
        stats = self._optional(f"{base}/diffstat", "diffstat", number, PAGELEN)
        files: tuple[SourceChangeFile, ...] | None = None
        if stats is not None:
            files = tuple(f for f in (cloud_diffstat(s) for s in stats) if f is not None)
        commits = self._optional(f"{base}/commits", "commits", number, PAGELEN) or []
        activity = self._optional(f"{base}/activity", "activity", number, ACTIVITY_PAGELEN) or []
        return cloud_pull(
            listed,
            detail if isinstance(detail, dict) else {},
            self.repository,
            files,
            [cloud_commit(c) for c in commits],
            activity,
        )


def codeowners_commits(client: BitbucketClient, repository: str) -> list[tuple[str, datetime]]:
    """The commits that touched ``.bitbucket/CODEOWNERS``, with their times."""
    out: list[tuple[str, datetime]] = []
    params = {"path": LOCATION, "pagelen": PAGELEN}
    for item in client.values(f"repositories/{repository}/commits", params):
        sha = item.get("hash") if isinstance(item, dict) else None
        try:
            at = parse_time(item.get("date"), "date") if isinstance(sha, str) else None
        except TimeFormatError:
            at = None
        if isinstance(sha, str) and at is not None:
            out.append((sha, at))
    return out


def codeowners_text(client: BitbucketClient, repository: str, sha: str) -> str | None:
    """The file at ``sha``; ``None`` when that commit deleted it."""
    return client.get_text(f"repositories/{repository}/src/{sha}/{LOCATION}")


def teams_text(client: BitbucketClient, repository: str, sha: str) -> str | None:
    """``.bitbucket/teams.yaml`` at ``sha``; ``None`` when there is none then."""
    return client.get_text(f"repositories/{repository}/src/{sha}/{TEAMS_LOCATION}")


def _time(value: Any) -> datetime | None:
    try:
        return parse_time(value, "time")
    except TimeFormatError:
        return None


def _uuid(value: Any) -> str | None:
    """A Bitbucket UUID as one key: ``{ABC-1}`` and ``abc-1`` are the same environment."""
    if not isinstance(value, str):
        return None
    return value.strip().strip("{}").lower() or None


@dataclass(slots=True)
class _Environments:
    """A repository's environments by UUID: listed once, one not listed asked for by UUID.

    A deployment names its environment by UUID alone (Atlassian's schema: the
    environment's default field is ``uuid``), so its name and type are the
    environment's own, from ``/environments/`` or ``/environments/{uuid}``.
    """

    client: BitbucketClient
    repository: str
    known: dict[str, dict[str, Any] | None] = field(default_factory=dict)

    def list(self) -> None:
        path = f"repositories/{self.repository}/environments/"
        for env in self.client.values(path, {"pagelen": PAGELEN}):
            uuid = _uuid(env.get("uuid")) if isinstance(env, dict) else None
            if uuid is not None:
                self.known[uuid] = env

    def of(self, reference: Any) -> dict[str, Any] | None:
        """The environment a deployment references (``None``: Bitbucket has none by it)."""
        uuid = _uuid(dig(reference, "uuid"))
        if uuid is None:
            return None
        if uuid not in self.known:
            path = f"repositories/{self.repository}/environments/{quote('{' + uuid + '}', safe='')}"
            try:
                found = self.client.get(path).data
            except BitbucketError as exc:
                if exc.status != 404:
                    raise
                found = None
            self.known[uuid] = found if isinstance(found, dict) else None
        env = self.known[uuid]
        if env is None:
            return None
        # What the deployment itself says (a name, a type) fills in what the listing lacks.
        return {**reference, **env} if isinstance(reference, dict) else env


def cloud_deploys(
    client: BitbucketClient, repository: str, config: BitbucketCloudConfig
) -> DeployReader:
    """The reader of Pipelines deployments to production, for ``DeploysSource``.

    A deployment is read as Atlassian's schema has it: ``state.name`` ``COMPLETED``,
    ``state.status.name`` ``SUCCESSFUL`` or ``FAILED``, ``state.completion_date``,
    ``release.commit.hash``, and its environment by UUID. Each completed deployment
    since the floor that is not stored is logged with why.
    """

    def skipped(item: dict[str, Any], reason: str, *, warn: bool = False, **fields: Any) -> None:
        (log.warning if warn else log.info)(
            "bitbucket_deployment_skipped",
            repository=repository,
            deployment=item.get("uuid"),
            reason=reason,
            **fields,
        )

    def read(run: Handoff, floor: datetime) -> list[SourceDeploy]:
        environments = _Environments(client, repository)
        environments.list()
        out: list[SourceDeploy] = []
        for item in client.values(f"repositories/{repository}/deployments/", {"pagelen": PAGELEN}):
            if not isinstance(item, dict):
                continue
            state = dig(item, "state", "name")
            if state != "COMPLETED":
                # Not finished (or an environment's placeholder): read again next sync.
                log.debug("bitbucket_deployment_unfinished", deployment=item.get("uuid"))
                continue
            finished = _time(dig(item, "state", "completion_date")) or _time(
                dig(item, "state", "completed_on")
            )
            if finished is None:
                skipped(item, "no completion_date")
                continue
            if finished < floor:
                continue
            result = str(dig(item, "state", "status", "name"))
            status = _DEPLOY_STATUS.get(result)
            if status is None:
                skipped(item, f"status {result}, neither SUCCESSFUL nor FAILED")
                continue
            env = environments.of(item.get("environment"))
            if env is None:
                skipped(item, "its environment is not found")
                continue
            name = str(env.get("name") or "")
            kind = dig(env, "environment_type", "name")
            if kind != "Production" and not config.is_production(name):
                skipped(item, "not a production environment", environment=name, type=kind)
                continue
            service = service_from_names(run.org, config.services, repository, [name])
            if service is None:
                skipped(item, "no service named by its environment", warn=True, environment=name)
                continue
            sha = dig(item, "release", "commit", "hash") or dig(
                item, "deployable", "commit", "hash"
            )
            out.append(
                SourceDeploy(
                    key=f"bitbucket-deployment:{repository}:{item.get('uuid')}",
                    service=service,
                    finished_at=finished,
                    sha=sha.lower() if isinstance(sha, str) else None,
                    started_at=_time(dig(item, "state", "start_date"))
                    or _time(dig(item, "state", "started_on")),
                    status=status,
                    source="bitbucket-deployment",
                    # A Production-typed environment is one whatever its name.
                    found_by=FoundBy(
                        DeployRule.BITBUCKET_DEPLOYMENT,
                        name,
                        "" if kind == "Production" else config.production_environment,
                    ),
                )
            )
        return out

    return read


def cloud_tags(
    client: BitbucketClient, repository: str, config: BitbucketCloudConfig
) -> DeployReader:
    """The reader of release tags (newest first, down to the floor), for ``DeploysSource``."""

    def read(run: Handoff, floor: datetime) -> list[SourceDeploy]:
        out: list[SourceDeploy] = []
        params = {"sort": "-target.date", "pagelen": PAGELEN}
        for page in client.pages(f"repositories/{repository}/refs/tags", params):
            older = False
            for item in page_values(page.data):
                name = item.get("name") if isinstance(item, dict) else None
                target = item.get("target") if isinstance(item, dict) else None
                at = _time(item.get("date") or (target or {}).get("date")) if name else None
                if at is None or not isinstance(name, str):
                    continue
                if at < floor:
                    older = True
                    continue
                if not re.search(config.deploy_tags, name, re.IGNORECASE):
                    continue
                service = service_from_names(run.org, config.services, repository, [name])
                if service is None:
                    continue
                sha = (target or {}).get("hash")
                out.append(
                    SourceDeploy(
                        key=f"bitbucket-tag:{repository}:{name}",
                        service=service,
                        finished_at=at,
                        sha=sha.lower() if isinstance(sha, str) else None,
                        source="bitbucket-tag",
                        found_by=FoundBy(DeployRule.TAG, name, config.deploy_tags),
                    )
                )
            if older:
                break
        return out

    return read
