"""GitHub deployments as deploys: production once a status is terminal (see ``deploys``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Cursor, Handoff
from data.source_values import SourceDeploy
from data.sources.github.deploy_rules import (
    BATCH,
    PER_PAGE,
    RECHECK_WINDOW,
    TERMINAL,
    RepoSource,
    is_production,
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
    rest_time,
)

__all__ = ["Deployment", "DeploymentsSource", "deployment_outcome"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Deployment:
    id: int
    environment: str
    created_at: datetime
    sha: str | None

    def to_json(self) -> list[Any]:
        return [self.id, self.environment, self.created_at.isoformat(), self.sha]

    @classmethod
    def from_json(cls, value: Any) -> Deployment | None:
        try:
            ident, environment, created_at, sha = value
            return cls(int(ident), str(environment), rest_time(created_at), sha or None)
        except (TypeError, ValueError):
            return None

    @classmethod
    def from_api(cls, item: Any) -> Deployment:
        sha = get_str(item, "sha", optional=True)
        return cls(
            get_int(item, "id"),
            get_str(item, "environment"),
            get_time(item, "created_at"),
            sha.lower() or None,
        )


def deployment_outcome(statuses: list[Any]) -> tuple[str, datetime] | None:
    """``(status, finished_at)`` from a deployment's statuses; ``None`` while none is terminal."""
    terminal: list[tuple[datetime, str]] = []
    for item in statuses:
        try:
            state = get_str(item, "state").lower()
            if state in TERMINAL:
                terminal.append((get_time(item, "created_at"), state))
        except BadItem:
            continue
    if not terminal:
        return None
    at, state = max(terminal, key=lambda t: t[0])
    return ("success" if state == "success" else "failure"), at


@dataclass(slots=True)
class DeploymentsSource(RepoSource):
    """GitHub Deployments of one repository, with their statuses."""

    @property
    def name(self) -> str:
        """``github deployments owner/repo``."""
        return f"github deployments {self.repository}"

    def sync(self, run: Handoff) -> None:
        """List new deployments, re-check the recent ones' statuses, checkpoint the deploys."""
        rest = ConditionalRest(self.client, run)
        saved = run.cursor("github-deployments", self.repository)
        state = load_state(saved.cursor)
        fingerprint = source_fingerprint(self.config, run.org, self.repository)
        trusted = state.get("fingerprint") == fingerprint
        now = self.now()
        window_start = now - RECHECK_WINDOW
        until = self._list_until(run, saved.watermark, now)
        known: dict[int, Deployment] = {}
        aged: list[str] = []
        for value in state.get("recent", []):
            d = Deployment.from_json(value)
            if d is None:
                continue
            if d.created_at >= window_start:
                known[d.id] = d
            else:
                aged.append(self._statuses_url(rest, d.id))
        fresh: set[int] = set()
        newest = saved.watermark
        path = f"/repos/{self.repository}/deployments"
        url = rest.url(f"repos/{self.repository}/deployments", {"per_page": PER_PAGE})
        pages = list(self._pages(rest, url, conditional=trusted, until=until))
        for page in pages:
            for item in as_list(page.data, "deployments", path):
                try:
                    d = Deployment.from_api(item)
                except BadItem as exc:
                    skip_item(run, "deployment", self.repository, str(exc))
                    continue
                newest = max(newest or d.created_at, d.created_at)
                if d.created_at < until or not is_production(self.config, d.environment):
                    continue
                known[d.id] = d
                fresh.add(d.id)
        due = sorted(
            (d for d in known.values() if d.id in fresh or d.created_at >= window_start),
            key=lambda d: (d.created_at, d.id),
        )
        for start in range(0, len(due), BATCH):
            batch = due[start : start + BATCH]
            self._check(rest, run, batch, conditional=trusted, window_start=window_start)
        recent = [d.to_json() for d in due if d.created_at >= window_start]
        # The newest deployment listed (any environment); nothing yet: read from ``until`` on.
        watermark = newest or until
        run.checkpoint(
            "github-deployments",
            self.repository,
            cursor=Cursor(json.dumps({"fingerprint": fingerprint, "recent": recent}), watermark),
        )
        for page in pages:
            rest.remember(page)
        # Out of the re-check window: never asked again, so their ETags go.
        rest.forget(aged)

    def _statuses_url(self, rest: ConditionalRest, ident: int) -> str:
        return rest.url(
            f"repos/{self.repository}/deployments/{ident}/statuses", {"per_page": PER_PAGE}
        )

    def _check(
        self,
        rest: ConditionalRest,
        run: Handoff,
        batch: Sequence[Deployment],
        *,
        conditional: bool,
        window_start: datetime,
    ) -> None:
        """Read the statuses of ``batch``; checkpoint the deploys; then keep the ETags.

        Only deployments inside the re-check window keep an ETag: older ones
        (read once by a first sync) are not asked again.
        """
        records: list[SourceDeploy] = []
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
            outcome = deployment_outcome(statuses)
            if outcome is None:
                continue  # still in progress: not a deploy yet
            service = service_for_name(run.org, self.config, self.repository, [d.environment])
            if service is None:
                skip_item(
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
                SourceDeploy(
                    key=f"github-deployment:{self.repository}:{d.id}",
                    service=service,
                    finished_at=finished_at,
                    environment="production",
                    sha=d.sha,
                    started_at=d.created_at,
                    status=status,
                    source="github-deployment",
                    found_by=FoundBy(
                        DeployRule.GITHUB_DEPLOYMENT,
                        d.environment,
                        self.config.production_environment,
                    ),
                )
            )
        if records:
            run.checkpoint("github-deployments", self.repository, deploys=records)
        for fetched in answered:
            rest.remember(fetched)
        run.progress.advance(self.name, len(batch), "deployments")
