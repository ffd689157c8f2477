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

from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources import GitHubSourceConfig
from data.handoff import Source
from data.sources.github.client import GitHubClient
from data.sources.github.deploy_rules import (
    RECHECK_WINDOW,
    Clock,
    first_sync_start,
    github_repositories,
    repository_services,
    service_for_name,
)
from data.sources.github.deployments import DeploymentsSource
from data.sources.github.releases import ReleasesSource
from data.sources.github.workflow_runs import WorkflowRunsSource

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
