"""GitHub releases as deploys, where a team releases to deploy (see ``deploys``)."""

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
    SHA,
    DeployList,
    DeployPass,
    RepoSource,
    service_for_name,
    skip_item,
)
from data.sources.github.rest import BadItem, get_int, get_str, get_time

__all__ = ["ReleasesSource"]

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class ReleasesSource(RepoSource):
    """Releases of one repository whose tag matches ``release_tags``, as deploys."""

    cursor_source: ClassVar[str] = "github-releases"
    item: ClassVar[str] = "release"
    unit: ClassVar[str] = "releases"

    def _pattern(self) -> str | None:
        return self.config.release_tags

    def _lists(self, at: DeployPass) -> tuple[list[DeployList], dict[str, Any]]:
        url = at.rest.url(f"repos/{self.repository}/releases", {"per_page": PER_PAGE})
        path = f"/repos/{self.repository}/releases"

        def read(item: Any, until: datetime) -> SourceDeploy | None:
            return self._record(at.run, item, at.pattern, until)

        return [DeployList(url, "releases", path, None, read)], {}

    def _record(
        self, run: Handoff, item: Any, pattern: str, until: datetime
    ) -> SourceDeploy | None:
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
            skip_item(
                run,
                "release",
                self.repository,
                "no service matches the tag; map it in [sources.github.services]",
                tag=tag,
            )
            return None
        target = get_str(item, "target_commitish", optional=True).lower()
        return SourceDeploy(
            key=f"github-release:{self.repository}:{ident}",
            service=service,
            finished_at=published,
            environment="production",
            sha=target if SHA.match(target) else None,
            started_at=None,
            status="success",
            source="github-release",
            found_by=FoundBy(DeployRule.GITHUB_RELEASE, tag, pattern),
        )
