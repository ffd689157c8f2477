"""Deploy workflow runs as deploys, where CI deploys (see ``deploys``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from data.sources.github.deploy_rules import (
    PER_PAGE,
    RUN_CONCLUSIONS,
    RepoSource,
    load_state,
    service_for_name,
    skip_item,
    source_fingerprint,
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
from data.sources.records import DeployRecord
from data.sync import Cursor, SyncRun

__all__ = ["WorkflowRunsSource"]

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class WorkflowRunsSource(RepoSource):
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
        state = load_state(saved.cursor)
        fingerprint = source_fingerprint(self.config, run.org, self.repository)
        trusted = state.get("fingerprint") == fingerprint
        now = self.now()
        until = self._list_until(run, saved.watermark, now)
        pages: list[Fetched] = []
        workflows = self._workflows(rest, pattern, state, trusted, pages)
        newest = saved.watermark
        for workflow_id, workflow_name in workflows:
            url = rest.url(
                f"repos/{self.repository}/actions/workflows/{workflow_id}/runs",
                {"per_page": PER_PAGE, "status": "completed"},
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
                        skip_item(run, "workflow run", self.repository, str(exc))
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

    def _record(
        self, run: SyncRun, item: Any, workflow_name: str, until: datetime
    ) -> DeployRecord | None:
        if not isinstance(item, dict):
            raise BadItem("a workflow run is not an object")
        status = RUN_CONCLUSIONS.get(str(item.get("conclusion") or "").lower())
        if status is None or item.get("status") not in (None, "completed"):
            return None  # cancelled, skipped, neutral…: not a deploy
        ident = get_int(item, "id")
        finished = get_time(item, "updated_at")
        if get_time(item, "created_at") < until:
            return None
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
