"""Deploys of a GitLab project: its deployments, or finished pipelines on a ref, or tags.

``deploys_from`` in ``[sources.gitlab]`` says which the organisation uses:

- ``deployments`` (default): a deployment to an environment matching
  ``production_environment`` is a deploy once its status is ``success`` or
  ``failed`` (``failure`` to riskbrief); ``created``, ``running``, ``blocked``,
  ``canceled`` and ``skipped`` ones are not. It finished at its job's
  ``finished_at`` (else its ``updated_at``) and shipped ``sha``: the store links
  the changes merged since the previous deploy of the service. Read by
  ``updated_after``, so a deployment that finishes later is read again then.
  Non-production environments are never stored: linking ties an incident to
  the latest deploy of its service whatever the environment. A deployment whose
  job is allowed to fail (``allow_failure: true``), or whose job was skipped,
  cancelled or is manual, is never a deploy, whatever the deployment's status.
- ``pipelines``: a pipeline on a ref matching ``pipeline_ref`` that ended
  ``success`` or ``failed`` is a deploy, finished at its ``updated_at``.
- ``tags``: a tag matching ``deploy_tags`` is a successful deploy at the tag's
  ``created_at`` (annotated tags), else its commit's time.

A deploy's service is the ``services`` entry of its environment, ref or tag
name, a service whose key is a word of that name, else the project's only one;
otherwise it is skipped with a log line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from data.clock import utcnow
from data.config.sources.gitlab import DeploySource, GitLabSourceConfig
from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Cursor, Handoff
from data.source_values import SourceDeploy
from data.sources.gitlab.client import GitLabClient, project_id
from data.sources.gitlab.updated_lists import (
    BadItem,
    Record,
    UpdatedList,
    UpdatedListSource,
    item_time,
    service_for_names,
    start_of,
)

__all__ = ["DeploymentsSource", "PipelinesSource", "TagsSource", "deploy_source"]

_DEPLOYMENT_STATUS = {"success": "success", "failed": "failure"}
_PIPELINE_STATUS = {"success": "success", "failed": "failure"}
# Tags are listed newest first with no ``updated_after``: the last week is read again.
_TAG_RECHECK = timedelta(days=7)


# A deployment's job in one of these states never ran to an end: no deploy, whatever the
# deployment's own status says.
_JOB_NOT_RUN = frozenset({"skipped", "canceled", "manual", "created", "pending"})


def _job_counts(job: Any) -> bool:
    """Whether a deployment's job (its ``deployable``) can make it a deploy: not one allowed
    to fail (``allow_failure: true``, a try whose failure the pipeline ignores), nor one
    skipped, cancelled or waiting for a hand to start it."""
    if not isinstance(job, dict):
        return True
    return job.get("allow_failure") is not True and job.get("status") not in _JOB_NOT_RUN


def _job_name(job: Any) -> str:
    """The name of a deployment's job (its ``deployable``), else empty."""
    name = job.get("name") if isinstance(job, dict) else None
    return name if isinstance(name, str) else ""


def _sha(item: Any) -> str | None:
    sha = item.get("sha") if isinstance(item, dict) else None
    return sha.lower() if isinstance(sha, str) and sha else None


@dataclass(slots=True)
class DeploymentsSource(UpdatedListSource):
    """Deployments of one project to production environments; finished ones are deploys."""

    noun = "deployments"
    path = "deployments"

    def _read(self, run: Handoff, items: Sequence[Any], listed: UpdatedList) -> list[Record]:
        out: list[Record] = []
        for item in items:
            try:
                record = self._record(run, item)
            except BadItem as exc:
                listed.skip(run, str(exc))
                continue
            if record is None:
                continue
            if isinstance(record, str):
                listed.skip(run, record, deployment=item.get("id"))
                continue
            out.append(record)
        return out

    def _record(self, run: Handoff, item: Any) -> SourceDeploy | str | None:
        status = _DEPLOYMENT_STATUS.get(str(item.get("status")))
        env = item.get("environment")
        environment = env.get("name") if isinstance(env, dict) else None
        ident = item.get("id")
        if not isinstance(environment, str) or not isinstance(ident, int):
            raise BadItem("a deployment without an id or an environment name")
        if status is None or not self.config.is_production(environment):
            return None
        job = item.get("deployable")
        if not _job_counts(job):
            return None
        service = service_for_names(run.org, self.config, self.project, [environment])
        if service is None:
            return "no service matches the environment; map it in [sources.gitlab.services]"
        finished = item_time(item, "updated_at")
        if isinstance(job, dict) and job.get("finished_at"):
            finished = item_time(job, "finished_at")
        elif item.get("finished_at"):
            finished = item_time(item, "finished_at")
        return SourceDeploy(
            key=f"gitlab-deployment:{self.project}:{ident}",
            service=service,
            finished_at=finished,
            environment="production",
            sha=_sha(item),
            started_at=item_time(item, "created_at") if item.get("created_at") else None,
            status=status,
            source="gitlab-deployment",
            found_by=FoundBy(
                DeployRule.GITLAB_DEPLOYMENT,
                environment,
                self.config.production_environment,
                job=_job_name(job),
            ),
        )


@dataclass(slots=True)
class PipelinesSource(UpdatedListSource):
    """Pipelines of one project; finished ones on a ref matching ``pipeline_ref`` are deploys."""

    noun = "pipelines"
    path = "pipelines"

    def _read(self, run: Handoff, items: Sequence[Any], listed: UpdatedList) -> list[Record]:
        out: list[Record] = []
        for item in items:
            status = _PIPELINE_STATUS.get(str(item.get("status")))
            ref = item.get("ref")
            ident = item.get("id")
            if not isinstance(ref, str) or not isinstance(ident, int):
                listed.skip(run, "a pipeline without an id or a ref")
                continue
            if status is None or not re.search(self.config.pipeline_ref, ref, re.IGNORECASE):
                continue
            service = service_for_names(run.org, self.config, self.project, [ref])
            if service is None:
                listed.skip(run, "no service for the pipeline's ref", pipeline=ident)
                continue
            out.append(
                SourceDeploy(
                    key=f"gitlab-pipeline:{self.project}:{ident}",
                    service=service,
                    finished_at=item_time(item, "updated_at"),
                    sha=_sha(item),
                    started_at=item_time(item, "created_at") if item.get("created_at") else None,
                    status=status,
                    source="gitlab-pipeline",
                    found_by=FoundBy(DeployRule.GITLAB_PIPELINE, ref, self.config.pipeline_ref),
                )
            )
        return out


@dataclass(slots=True)
class TagsSource:
    """Tags of one project matching ``deploy_tags``, each a successful deploy."""

    client: GitLabClient
    project: str
    config: GitLabSourceConfig
    now: Callable[[], datetime] = field(default=utcnow)

    @property
    def name(self) -> str:
        """``gitlab tags group/project``."""
        return f"gitlab tags {self.project}"

    def sync(self, run: Handoff) -> None:
        """Read tags newest first back to the watermark less a week; checkpoint each page."""
        saved = run.cursor("gitlab-tags", self.project)
        now = self.now()
        if saved.watermark is not None:
            until = min(saved.watermark, now - _TAG_RECHECK)
        else:
            until = start_of(self.config, run.org, None, now)
        newest = saved.watermark
        page = self.client.get(
            f"projects/{project_id(self.project)}/repository/tags",
            {"order_by": "updated", "sort": "desc", "per_page": 100},
        )
        while True:
            records: list[SourceDeploy] = []
            oldest: datetime | None = None
            for item in page.data if isinstance(page.data, list) else ():
                record = self._record(run, item)
                if record is None:
                    continue
                oldest = record.finished_at if oldest is None else min(oldest, record.finished_at)
                if record.finished_at < until:
                    continue
                newest = record.finished_at if newest is None else max(newest, record.finished_at)
                records.append(record)
            run.checkpoint("gitlab-tags", self.project, deploys=records)
            run.progress.advance(self.name, len(records), "tags")
            if not page.next_url or (oldest is not None and oldest < until):
                break
            page = self.client.get(page.next_url)
        run.checkpoint("gitlab-tags", self.project, cursor=Cursor(None, newest or until))

    def _record(self, run: Handoff, item: Any) -> SourceDeploy | None:
        name = item.get("name") if isinstance(item, dict) else None
        commit = item.get("commit") if isinstance(item, dict) else None
        if not isinstance(name, str) or not re.search(self.config.deploy_tags, name, re.I):
            return None
        try:
            if item.get("created_at"):
                at = item_time(item, "created_at")
            elif isinstance(commit, dict):
                at = item_time(commit, "committed_date")
            else:
                return None
        except BadItem:
            return None
        service = service_for_names(run.org, self.config, self.project, [name])
        if service is None:
            return None
        sha = commit.get("id") if isinstance(commit, dict) else None
        return SourceDeploy(
            key=f"gitlab-tag:{self.project}:{name}",
            service=service,
            finished_at=at,
            sha=sha.lower() if isinstance(sha, str) else None,
            status="success",
            source="gitlab-tag",
            found_by=FoundBy(DeployRule.TAG, name, self.config.deploy_tags),
        )


def deploy_source(
    client: GitLabClient,
    project: str,
    config: GitLabSourceConfig,
    now: Callable[[], datetime] = utcnow,
) -> DeploymentsSource | PipelinesSource | TagsSource:
    """The deploy source ``deploys_from`` names for ``project``."""
    if config.deploys_from is DeploySource.PIPELINES:
        return PipelinesSource(client, project, config, now)
    if config.deploys_from is DeploySource.TAGS:
        return TagsSource(client, project, config, now)
    return DeploymentsSource(client, project, config, now)
