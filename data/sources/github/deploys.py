"""Deploys from GitHub's REST API: deployments, releases and deploy workflow runs.

One source of each kind per repository; every GET is conditional (see
``data.sources.github.rest``), so a poll that finds nothing new costs no quota.

- **Deployments** (always on): a deployment whose environment matches
  ``production_environment`` is a production deploy once a status is terminal.
  The newest terminal status decides: ``success`` finishes it at that status's
  ``created_at`` (never the deployment's ``updated_at``); ``failure`` or
  ``error`` makes it a failed deploy finished at that status's time. Pending,
  queued and in-progress deployments are not deploys yet; ``inactive`` (GitHub
  marking an older deploy superseded) changes nothing. Statuses change after
  the fact, so deployments created in the last 7 days are re-checked on every
  sync (each a conditional GET: free when unchanged); older ones are not.
  Only the newest 100 statuses of a deployment are read.
- **Non-production environments are skipped** (not stored): riskbrief's
  linking ties an incident to the latest deploy of its service whatever the
  environment, so a staging deploy would take the blame for a production
  incident. A production deploy is stored with the environment ``production``
  whatever GitHub calls it, as the rest of riskbrief expects.
- **Releases** (when ``release_tags`` is set): a published, non-draft,
  non-prerelease release whose tag matches is a successful deploy finished at
  ``published_at``.
- **Workflow runs** (when ``deploy_workflow`` is set): completed runs of the
  workflows whose name matches; ``success`` is a deploy, ``failure``,
  ``timed_out`` and ``startup_failure`` a failed one, anything else (cancelled,
  skipped) is not a deploy. The run's ``updated_at`` is its finish.

A deploy's service follows ``GitHubSourceConfig``: the ``services`` entry for
its environment, workflow or tag name; a service whose key appears as words
in that name (split on ``-``, ``_``, ``/``, space and ``.``); the repository's
only service; otherwise it is skipped with a warning.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import structlog

from data.config import OrgConfig
from data.source_config import GitHubSourceConfig
from data.sources.github.client import GitHubClient
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    Fetched,
    as_list,
    get_int,
    get_str,
    get_time,
    rest_time,
)
from data.sources.records import DeployRecord
from data.sync import Cursor, Source, SyncRun
from data.tables import utcnow

__all__ = [
    "RECHECK_WINDOW",
    "Clock",
    "DeploymentsSource",
    "ReleasesSource",
    "WorkflowRunsSource",
    "deploy_sources",
    "first_sync_start",
    "github_repositories",
    "repository_services",
    "service_for_name",
]

log = structlog.get_logger(__name__)

# Deployments created this recently are re-checked on every sync: their statuses still change.
RECHECK_WINDOW = timedelta(days=7)

_PER_PAGE = 100
_BATCH = 50
_WORD_SPLIT = re.compile(r"[-_/ .]+")
_TERMINAL = frozenset({"success", "failure", "error"})
_RUN_CONCLUSIONS = {
    "success": "success",
    "failure": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
}
_SHA = re.compile(r"^[0-9a-f]{40}$")

# Where "now" comes from: a seam for tests.
Clock = Callable[[], datetime]


# -- shared rules -------------------------------------------------------------------


def github_repositories(org: OrgConfig, config: GitHubSourceConfig) -> tuple[str, ...]:
    """The repositories GitHub is read for: ``repositories``, else those without a local path."""
    if config.repositories:
        return config.repositories
    return tuple(r.name for r in org.repositories if r.path is None)


def repository_services(org: OrgConfig, repository: str) -> tuple[str, ...]:
    """Keys of the services declared with ``repository = "owner/repo"``."""
    return tuple(s.key for s in org.services if s.repository == repository)


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(name.lower()) if w]


def _contains(words: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(list(words[i : i + n]) == list(part) for i in range(len(words) - n + 1))


def service_for_name(
    org: OrgConfig, config: GitHubSourceConfig, repository: str, names: Iterable[str]
) -> str | None:
    """The service of a deploy named ``names`` (environment, workflow or tag), or ``None``.

    In order: the ``services`` map (exact, then ignoring case); a service of
    this repository (or of none) whose key appears as words in a name; the
    repository's only service.
    """
    candidates = [n for n in names if n]
    for name in candidates:
        if name in config.services:
            return config.services[name]
    folded = {k.casefold(): v for k, v in config.services.items()}
    for name in candidates:
        if name.casefold() in folded:
            return folded[name.casefold()]
    keys = [s.key for s in org.services if s.repository in (None, repository)]
    for name in candidates:
        words = _words(name)
        found = [k for k in keys if _contains(words, _words(k))]
        if found:
            return max(found, key=lambda k: len(_words(k)))
    only = repository_services(org, repository)
    return only[0] if len(only) == 1 else None


def first_sync_start(org: OrgConfig, config: GitHubSourceConfig, now: datetime) -> datetime:
    """How far back a first sync reads: ``since``, else ``first_sync_days`` before ``now``."""
    if config.since is not None:
        return datetime.combine(config.since, time(0), tzinfo=UTC)
    return now - timedelta(days=org.sources.first_sync_days)


def _fingerprint(config: GitHubSourceConfig, org: OrgConfig, repository: str) -> str:
    """What decides which records a page yields; when it changes, ETags are not trusted."""
    parts = {
        "production": config.production_environment,
        "workflow": config.deploy_workflow,
        "tags": config.release_tags,
        "map": sorted(config.services.items()),
        "services": sorted((s.key, s.repository or "") for s in org.services),
        "repository": repository,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _load_state(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        state = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}


def _skip(run: SyncRun, source: str, repository: str, reason: str, **where: Any) -> None:
    run.tally.skipped += 1
    log.warning(
        "github_record_skipped", source=source, repository=repository, reason=reason, **where
    )


def _is_production(config: GitHubSourceConfig, environment: str) -> bool:
    return re.search(config.production_environment, environment, re.IGNORECASE) is not None


@dataclass(frozen=True, slots=True)
class _Deployment:
    id: int
    environment: str
    created_at: datetime
    sha: str | None

    def to_json(self) -> list[Any]:
        return [self.id, self.environment, self.created_at.isoformat(), self.sha]

    @classmethod
    def from_json(cls, value: Any) -> _Deployment | None:
        try:
            ident, environment, created_at, sha = value
            return cls(int(ident), str(environment), rest_time(created_at), sha or None)
        except (TypeError, ValueError):
            return None

    @classmethod
    def from_api(cls, item: Any) -> _Deployment:
        sha = get_str(item, "sha", optional=True)
        return cls(
            get_int(item, "id"),
            get_str(item, "environment"),
            get_time(item, "created_at"),
            sha.lower() or None,
        )


def _outcome(statuses: list[Any]) -> tuple[str, datetime] | None:
    """``(status, finished_at)`` from a deployment's statuses; ``None`` while none is terminal."""
    terminal: list[tuple[datetime, str]] = []
    for item in statuses:
        try:
            state = get_str(item, "state").lower()
            if state in _TERMINAL:
                terminal.append((get_time(item, "created_at"), state))
        except BadItem:
            continue
    if not terminal:
        return None
    at, state = max(terminal, key=lambda t: t[0])
    return ("success" if state == "success" else "failure"), at


# -- sources ------------------------------------------------------------------------


@dataclass(slots=True)
class _RepoSource:
    client: GitHubClient
    repository: str
    config: GitHubSourceConfig
    now: Clock = field(default=utcnow)

    def _list_until(self, run: SyncRun, watermark: datetime | None, now: datetime) -> datetime:
        """Pages are read back to here: the first sync's start, else the re-check window."""
        if watermark is None:
            return first_sync_start(run.org, self.config, now)
        return min(watermark, now - RECHECK_WINDOW)

    def _pages(
        self,
        rest: ConditionalRest,
        url: str,
        *,
        conditional: bool,
        until: datetime,
        key: str | None = None,
    ) -> Iterable[Fetched]:
        """The 200 pages of a newest-first list back to ``until`` (by ``created_at``).

        A 304 ends the list: that page, and so the older ones, did not change.
        """
        fetched = rest.get(url, conditional=conditional)
        while not fetched.not_modified:
            yield fetched
            data = fetched.data
            items = data.get(key) if key is not None and isinstance(data, dict) else data
            times = []
            for item in items if isinstance(items, list) else ():
                try:
                    times.append(get_time(item, "created_at"))
                except BadItem:
                    continue
            if not fetched.next_url or (times and min(times) < until):
                return
            fetched = rest.get(fetched.next_url, conditional=conditional)


@dataclass(slots=True)
class DeploymentsSource(_RepoSource):
    """GitHub Deployments of one repository, with their statuses."""

    @property
    def name(self) -> str:
        """``github deployments owner/repo``."""
        return f"github deployments {self.repository}"

    def sync(self, run: SyncRun) -> None:
        """List new deployments, re-check the recent ones' statuses, checkpoint the deploys."""
        rest = ConditionalRest(self.client, run)
        saved = run.cursor("github-deployments", self.repository)
        state = _load_state(saved.cursor)
        fingerprint = _fingerprint(self.config, run.org, self.repository)
        trusted = state.get("fingerprint") == fingerprint
        now = self.now()
        window_start = now - RECHECK_WINDOW
        until = self._list_until(run, saved.watermark, now)
        known: dict[int, _Deployment] = {}
        aged: list[str] = []
        for value in state.get("recent", []):
            d = _Deployment.from_json(value)
            if d is None:
                continue
            if d.created_at >= window_start:
                known[d.id] = d
            else:
                aged.append(self._statuses_url(rest, d.id))
        fresh: set[int] = set()
        newest = saved.watermark
        path = f"/repos/{self.repository}/deployments"
        url = rest.url(f"repos/{self.repository}/deployments", {"per_page": _PER_PAGE})
        pages = list(self._pages(rest, url, conditional=trusted, until=until))
        for page in pages:
            for item in as_list(page.data, "deployments", path):
                try:
                    d = _Deployment.from_api(item)
                except BadItem as exc:
                    _skip(run, "deployment", self.repository, str(exc))
                    continue
                newest = max(newest or d.created_at, d.created_at)
                if d.created_at < until or not _is_production(self.config, d.environment):
                    continue
                known[d.id] = d
                fresh.add(d.id)
        due = sorted(
            (d for d in known.values() if d.id in fresh or d.created_at >= window_start),
            key=lambda d: (d.created_at, d.id),
        )
        for start in range(0, len(due), _BATCH):
            batch = due[start : start + _BATCH]
            self._check(rest, run, batch, conditional=trusted, window_start=window_start)
        recent = [d.to_json() for d in due if d.created_at >= window_start]
        # The newest deployment listed (any environment); nothing yet: read from ``until`` on.
        watermark = newest or until
        run.save_cursor(
            "github-deployments",
            self.repository,
            Cursor(json.dumps({"fingerprint": fingerprint, "recent": recent}), watermark),
        )
        for page in pages:
            rest.remember(page)
        # Out of the re-check window: never asked again, so their ETags go.
        rest.forget(aged)

    def _statuses_url(self, rest: ConditionalRest, ident: int) -> str:
        return rest.url(
            f"repos/{self.repository}/deployments/{ident}/statuses", {"per_page": _PER_PAGE}
        )

    def _check(
        self,
        rest: ConditionalRest,
        run: SyncRun,
        batch: Sequence[_Deployment],
        *,
        conditional: bool,
        window_start: datetime,
    ) -> None:
        """Read the statuses of ``batch``; checkpoint the deploys; then keep the ETags.

        Only deployments inside the re-check window keep an ETag: older ones
        (read once by a first sync) are not asked again.
        """
        records: list[DeployRecord] = []
        answered: list[Fetched] = []
        for d in batch:
            fetched = rest.get(self._statuses_url(rest, d.id), conditional=conditional)
            if fetched.not_modified:
                continue
            if d.created_at >= window_start:
                answered.append(fetched)
            statuses = as_list(
                fetched.data, "deployment statuses", f"/repos/{self.repository}/deployments"
            )
            outcome = _outcome(statuses)
            if outcome is None:
                continue  # still in progress: not a deploy yet
            service = service_for_name(run.org, self.config, self.repository, [d.environment])
            if service is None:
                _skip(
                    run,
                    "deployment",
                    self.repository,
                    "no service matches the environment; map it in [sources.github.services]",
                    environment=d.environment,
                    deployment=d.id,
                )
                continue
            status, finished_at = outcome
            records.append(
                DeployRecord(
                    key=f"github-deployment:{self.repository}:{d.id}",
                    service=service,
                    finished_at=finished_at,
                    environment="production",
                    sha=d.sha,
                    started_at=d.created_at,
                    status=status,
                    source="github-deployment",
                )
            )
        if records:
            run.checkpoint("github-deployments", self.repository, deploys=records)
        for fetched in answered:
            rest.remember(fetched)
        run.progress.advance(self.name, len(batch), "deployments")


@dataclass(slots=True)
class ReleasesSource(_RepoSource):
    """Releases of one repository whose tag matches ``release_tags``, as deploys."""

    @property
    def name(self) -> str:
        """``github releases owner/repo``."""
        return f"github releases {self.repository}"

    def sync(self, run: SyncRun) -> None:
        """Read releases back to the re-check window (first sync: to its start)."""
        pattern = self.config.release_tags
        if pattern is None:
            return
        rest = ConditionalRest(self.client, run)
        saved = run.cursor("github-releases", self.repository)
        fingerprint = _fingerprint(self.config, run.org, self.repository)
        trusted = _load_state(saved.cursor).get("fingerprint") == fingerprint
        now = self.now()
        until = self._list_until(run, saved.watermark, now)
        newest = saved.watermark
        url = rest.url(f"repos/{self.repository}/releases", {"per_page": _PER_PAGE})
        pages = list(self._pages(rest, url, conditional=trusted, until=until))
        for page in pages:
            records = []
            for item in as_list(page.data, "releases", f"/repos/{self.repository}/releases"):
                try:
                    record = self._record(run, item, pattern, until)
                except BadItem as exc:
                    _skip(run, "release", self.repository, str(exc))
                    continue
                if record is not None:
                    records.append(record)
                    newest = max(newest or record.finished_at, record.finished_at)
            if records:
                run.checkpoint("github-releases", self.repository, deploys=records)
            run.progress.advance(self.name, len(records), "releases")
        state = json.dumps({"fingerprint": fingerprint})
        run.save_cursor("github-releases", self.repository, Cursor(state, newest or until))
        for page in pages:
            rest.remember(page)

    def _record(
        self, run: SyncRun, item: Any, pattern: str, until: datetime
    ) -> DeployRecord | None:
        if not isinstance(item, dict):
            raise BadItem("a release is not an object")
        if item.get("draft") or item.get("prerelease") or not item.get("published_at"):
            return None
        tag = get_str(item, "tag_name")
        if re.search(pattern, tag, re.IGNORECASE) is None:
            return None
        published = get_time(item, "published_at")
        if published < until:
            return None
        ident = get_int(item, "id")
        title = get_str(item, "name", optional=True)
        service = service_for_name(run.org, self.config, self.repository, [tag, title])
        if service is None:
            _skip(
                run,
                "release",
                self.repository,
                "no service matches the tag; map it in [sources.github.services]",
                tag=tag,
            )
            return None
        target = get_str(item, "target_commitish", optional=True).lower()
        return DeployRecord(
            key=f"github-release:{self.repository}:{ident}",
            service=service,
            finished_at=published,
            environment="production",
            sha=target if _SHA.match(target) else None,
            started_at=None,
            status="success",
            source="github-release",
        )


@dataclass(slots=True)
class WorkflowRunsSource(_RepoSource):
    """Completed runs of the deploy workflows (``deploy_workflow``) of one repository."""

    @property
    def name(self) -> str:
        """``github workflow runs owner/repo``."""
        return f"github workflow runs {self.repository}"

    def sync(self, run: SyncRun) -> None:
        """Find the deploy workflows, then read their completed runs back to the window."""
        pattern = self.config.deploy_workflow
        if pattern is None:
            return
        rest = ConditionalRest(self.client, run)
        saved = run.cursor("github-workflow-runs", self.repository)
        state = _load_state(saved.cursor)
        fingerprint = _fingerprint(self.config, run.org, self.repository)
        trusted = state.get("fingerprint") == fingerprint
        now = self.now()
        until = self._list_until(run, saved.watermark, now)
        pages: list[Fetched] = []
        workflows = self._workflows(rest, pattern, state, trusted, pages)
        newest = saved.watermark
        for workflow_id, workflow_name in workflows:
            url = rest.url(
                f"repos/{self.repository}/actions/workflows/{workflow_id}/runs",
                {"per_page": _PER_PAGE, "status": "completed"},
            )
            runs = self._pages(rest, url, conditional=trusted, until=until, key="workflow_runs")
            for page in runs:
                pages.append(page)
                records = []
                path = f"/repos/{self.repository}/actions/workflows/{workflow_id}/runs"
                for item in as_list(page.data, "workflow runs", path, key="workflow_runs"):
                    try:
                        record = self._record(run, item, workflow_name, until)
                    except BadItem as exc:
                        _skip(run, "workflow run", self.repository, str(exc))
                        continue
                    if record is not None:
                        records.append(record)
                        newest = max(newest or record.finished_at, record.finished_at)
                if records:
                    run.checkpoint("github-workflow-runs", self.repository, deploys=records)
                run.progress.advance(self.name, len(records), "workflow runs")
        cursor = json.dumps({"fingerprint": fingerprint, "workflows": workflows})
        run.save_cursor("github-workflow-runs", self.repository, Cursor(cursor, newest or until))
        for page in pages:
            rest.remember(page)

    def _workflows(
        self,
        rest: ConditionalRest,
        pattern: str,
        state: dict[str, Any],
        trusted: bool,
        pages: list[Fetched],
    ) -> list[tuple[int, str]]:
        """``(id, name)`` of the workflows whose name matches; the cached list on 304."""
        cached = [
            (int(w[0]), str(w[1]))
            for w in state.get("workflows", [])
            if isinstance(w, list) and len(w) == 2
        ]
        url = rest.url(f"repos/{self.repository}/actions/workflows", {"per_page": _PER_PAGE})
        fetched = rest.get(url, conditional=trusted and "workflows" in state)
        if fetched.not_modified:
            return cached
        found: list[tuple[int, str]] = []
        path = f"/repos/{self.repository}/actions/workflows"
        while True:
            pages.append(fetched)
            for item in as_list(fetched.data, "workflows", path, key="workflows"):
                try:
                    ident, name = get_int(item, "id"), get_str(item, "name")
                except BadItem as exc:
                    log.warning(
                        "github_workflow_skipped", repository=self.repository, reason=str(exc)
                    )
                    continue
                if re.search(pattern, name, re.IGNORECASE):
                    found.append((ident, name))
            if not fetched.next_url:
                return found
            fetched = rest.get(fetched.next_url, conditional=False)

    def _record(
        self, run: SyncRun, item: Any, workflow_name: str, until: datetime
    ) -> DeployRecord | None:
        if not isinstance(item, dict):
            raise BadItem("a workflow run is not an object")
        status = _RUN_CONCLUSIONS.get(str(item.get("conclusion") or "").lower())
        if status is None or item.get("status") not in (None, "completed"):
            return None  # cancelled, skipped, neutral…: not a deploy
        ident = get_int(item, "id")
        finished = get_time(item, "updated_at")
        if get_time(item, "created_at") < until:
            return None
        started = get_time(item, "run_started_at") if item.get("run_started_at") else None
        service = service_for_name(run.org, self.config, self.repository, [workflow_name])
        if service is None:
            _skip(
                run,
                "workflow run",
                self.repository,
                "no service matches the workflow; map it in [sources.github.services]",
                workflow=workflow_name,
            )
            return None
        sha = get_str(item, "head_sha", optional=True).lower()
        return DeployRecord(
            key=f"github-workflow-run:{self.repository}:{ident}",
            service=service,
            finished_at=finished,
            environment="production",
            sha=sha or None,
            started_at=started,
            status=status,
            source="github-actions",
        )


def deploy_sources(
    client: GitHubClient,
    org: OrgConfig,
    config: GitHubSourceConfig | None = None,
    *,
    now: Clock = utcnow,
) -> list[Source]:
    """The deploy sources of every GitHub repository: deployments, releases, workflow runs.

    Releases and workflow runs are only read when ``release_tags`` and
    ``deploy_workflow`` are set.
    """
    cfg = config or org.sources.github or GitHubSourceConfig()
    out: list[Source] = []
    for repository in github_repositories(org, cfg):
        out.append(DeploymentsSource(client, repository, cfg, now))
        if cfg.release_tags is not None:
            out.append(ReleasesSource(client, repository, cfg, now))
        if cfg.deploy_workflow is not None:
            out.append(WorkflowRunsSource(client, repository, cfg, now))
    return out
