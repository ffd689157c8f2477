"""GitHub releases as deploys, where a team releases to deploy (see ``deploys``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from data.sources.github.deploy_rules import (
    PER_PAGE,
    SHA,
    RepoSource,
    load_state,
    service_for_name,
    skip_item,
    source_fingerprint,
)
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    as_list,
    get_int,
    get_str,
    get_time,
)
from data.sources.records import DeployRecord
from data.sync import Cursor, SyncRun

__all__ = ["ReleasesSource"]

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class ReleasesSource(RepoSource):
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
        fingerprint = source_fingerprint(self.config, run.org, self.repository)
        trusted = load_state(saved.cursor).get("fingerprint") == fingerprint
        now = self.now()
        until = self._list_until(run, saved.watermark, now)
        newest = saved.watermark
        url = rest.url(f"repos/{self.repository}/releases", {"per_page": PER_PAGE})
        pages = list(self._pages(rest, url, conditional=trusted, until=until))
        for page in pages:
            records = []
            for item in as_list(page.data, "releases", f"/repos/{self.repository}/releases"):
                try:
                    record = self._record(run, item, pattern, until)
                except BadItem as exc:
                    skip_item(run, "release", self.repository, str(exc))
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
            skip_item(
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
            sha=target if SHA.match(target) else None,
            started_at=None,
            status="success",
            source="github-release",
        )
