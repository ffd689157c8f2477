"""Deploy workflow runs as deploys, where CI deploys (see ``deploys``).

A completed run of a deploy workflow is judged by its conclusion: ``success`` a deploy,
``failure``, ``timed_out`` or ``startup_failure`` a failed attempt (which ships nothing),
anything else (``cancelled``, ``skipped``, ``neutral``…) no deploy. A run's conclusion
hides a job allowed to fail (``continue-on-error``): its failure leaves the run a
success. With ``deploy_job`` set, the run is judged by its jobs whose name matches
instead (one more request a run): a matching job's ``success`` is the deploy, finished
when that job completed; a matching job that failed in a run that succeeded was allowed
to fail and makes no deploy; one that failed in a failed run is a failed attempt; a run
whose matching jobs were all skipped or cancelled, or that has none, is no deploy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import structlog

from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Handoff
from data.source_values import SourceDeploy
from data.sources.github.deploy_rules import (
    PER_PAGE,
    RUN_CONCLUSIONS,
    DeployList,
    DeployPass,
    RepoSource,
    service_for_name,
    skip_item,
)
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    Fetched,
    as_list,
    get_int,
    get_str,
    get_time,
)

__all__ = ["WorkflowRunsSource"]

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class WorkflowRunsSource(RepoSource):
    """Completed runs of the deploy workflows (``deploy_workflow``) of one repository."""

    cursor_source: ClassVar[str] = "github-workflow-runs"
    item: ClassVar[str] = "workflow run"
    unit: ClassVar[str] = "workflow runs"

    def _pattern(self) -> str | None:
        return self.config.deploy_workflow

    def _lists(self, at: DeployPass) -> tuple[list[DeployList], dict[str, Any]]:
        # The deploy workflows first, then a list of completed runs for each.
        workflows = self._workflows(at.rest, at.pattern, at.state, at.trusted, at.pages)
        lists = [self._runs(at.run, at.rest, ident, name) for ident, name in workflows]
        # The workflows found are kept, to be asked again only when their list changed.
        return lists, {"workflows": workflows}

    def _runs(self, run: Handoff, rest: ConditionalRest, ident: int, name: str) -> DeployList:
        """The completed runs of one deploy workflow."""
        path = f"/repos/{self.repository}/actions/workflows/{ident}/runs"
        url = rest.url(path.lstrip("/"), {"per_page": PER_PAGE, "status": "completed"})

        def read(item: Any, until: datetime) -> SourceDeploy | None:
            return self._record(run, rest, item, name, until)

        return DeployList(url, "workflow runs", path, "workflow_runs", read)

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
        url = rest.url(f"repos/{self.repository}/actions/workflows", {"per_page": PER_PAGE})
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

    def _job(
        self, rest: ConditionalRest, ident: int, run_status: str
    ) -> tuple[str, str, datetime] | None:
        """The deploy job of run ``ident`` that decides it, as ``(status, name, completed
        at)``; ``None`` when no job matching ``deploy_job`` ran to an end that makes a deploy."""
        pattern = self.config.deploy_job
        assert pattern is not None
        path = f"/repos/{self.repository}/actions/runs/{ident}/jobs"
        fetched = rest.get(rest.url(path.lstrip("/"), {"per_page": PER_PAGE}), conditional=False)
        failed: tuple[str, str, datetime] | None = None
        while True:
            for job in as_list(fetched.data, "jobs", path, key="jobs"):
                name = get_str(job, "name")
                if re.search(pattern, name, re.IGNORECASE) is None:
                    continue
                outcome = RUN_CONCLUSIONS.get(str(job.get("conclusion") or "").lower())
                if outcome == "success":
                    return ("success", name, get_time(job, "completed_at"))
                if outcome == "failure" and failed is None:
                    failed = ("failure", name, get_time(job, "completed_at"))
            if not fetched.next_url:
                break
            fetched = rest.get(fetched.next_url, conditional=False)
        # A deploy job that failed while its run succeeded was allowed to fail
        # (continue-on-error): the pipeline went on as if it had not run.
        return failed if run_status == "failure" else None

    def _record(
        self, run: Handoff, rest: ConditionalRest, item: Any, workflow_name: str, until: datetime
    ) -> SourceDeploy | None:
        if not isinstance(item, dict):
            raise BadItem("a workflow run is not an object")
        status = RUN_CONCLUSIONS.get(str(item.get("conclusion") or "").lower())
        if status is None or item.get("status") not in (None, "completed"):
            return None  # cancelled, skipped, neutral…: not a deploy
        ident = get_int(item, "id")
        finished = get_time(item, "updated_at")
        if get_time(item, "created_at") < until:
            return None
        job = ""
        if self.config.deploy_job is not None:
            decided = self._job(rest, ident, status)
            if decided is None:
                return None
            status, job, finished = decided
        started = get_time(item, "run_started_at") if item.get("run_started_at") else None
        service = service_for_name(run.org, self.config, self.repository, [workflow_name])
        if service is None:
            skip_item(
                run,
                "workflow run",
                self.repository,
                "no service matches the workflow; map it in [sources.github.services]",
                workflow=workflow_name,
            )
            return None
        sha = get_str(item, "head_sha", optional=True).lower()
        return SourceDeploy(
            key=f"github-workflow-run:{self.repository}:{ident}",
            service=service,
            finished_at=finished,
            environment="production",
            sha=sha or None,
            started_at=started,
            status=status,
            source="github-actions",
            found_by=FoundBy(
                DeployRule.GITHUB_WORKFLOW, workflow_name, self.config.deploy_workflow or "", job
            ),
        )
