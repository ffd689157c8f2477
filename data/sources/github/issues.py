"""GitHub issues carrying the ``incident_label`` as incidents.

An issue opened is an incident opened; closing it resolves it (a reopened
issue is open again). Its service is named by a label (``checkout``, or
``service:checkout``), else it is the repository's only service; otherwise the
issue is skipped with a warning. A ``sev1``/``SEV-2``/``P1`` style label is kept
as the severity. Pull requests, which the issues API also lists, are skipped.

Reading is incremental on ``updated_at`` (``since``, oldest first). While what
changed since ``since`` fits one page, ``since`` stays put and that page's
ETag is kept with the cursor, so a poll that finds nothing new is a ``304`` and
costs no quota; when it spans more pages, ``since`` moves to the newest
``updated_at`` read, checkpointed page by page. An issue that loses the
label is no longer listed, and its incident stays as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import structlog

from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources import GitHubSourceConfig
from data.handoff import Cursor, Handoff, Source
from data.source_values import SourceIncident
from data.sources.github.client import GitHubClient
from data.sources.github.deploy_rules import (
    Clock,
    first_sync_start,
    github_repositories,
    repository_services,
)
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    as_list,
    get_int,
    get_str,
    get_time,
)

__all__ = ["IssuesSource", "incident_sources", "service_from_labels"]

log = structlog.get_logger(__name__)

_CURSOR = "github-issues"
_PER_PAGE = 100
_SERVICE_PREFIX = re.compile(r"^(?:service|svc)\s*[:/=]\s*", re.IGNORECASE)
_SEVERITY = re.compile(r"^(?:sev(?:erity)?[\s:_-]*[0-9]|p[0-9])$", re.IGNORECASE)


def service_from_labels(org: OrgConfig, repository: str, labels: Iterable[str]) -> str | None:
    """The service a label names (``checkout``, ``service:checkout``), else the only one."""
    keys = {s.key.casefold(): s.key for s in org.services}
    for label in labels:
        name = _SERVICE_PREFIX.sub("", label.strip()).casefold()
        if name in keys:
            return keys[name]
    only = repository_services(org, repository)
    return only[0] if len(only) == 1 else None


def _labels(item: dict[str, Any]) -> list[str]:
    out = []
    for label in item.get("labels") or []:
        if isinstance(label, str):
            out.append(label)
        elif isinstance(label, dict) and isinstance(label.get("name"), str):
            out.append(label["name"])
    return out


@dataclass(slots=True)
class IssuesSource:
    """Issues of one repository labelled ``incident_label``, as incidents."""

    client: GitHubClient
    repository: str
    config: GitHubSourceConfig
    now: Clock = field(default=utcnow)

    @property
    def name(self) -> str:
        """``github incidents owner/repo``."""
        return f"github incidents {self.repository}"

    def sync(self, run: Handoff) -> None:
        """Read labelled issues updated since the watermark, a page per checkpoint."""
        label = self.config.incident_label
        if not label:
            return
        rest = ConditionalRest(self.client, run)
        saved = run.cursor(_CURSOR, self.repository)
        since = saved.watermark or first_sync_start(run.org, self.config.since, self.now())
        url = rest.url(
            f"repos/{self.repository}/issues",
            {
                "labels": label,
                "state": "all",
                "since": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "sort": "updated",
                "direction": "asc",
                "per_page": _PER_PAGE,
            },
        )
        state = _state(saved.cursor)
        etag = state.get("etag") if state.get("url") == url else None
        fetched = rest.get(url, etag=etag, conditional=bool(etag))
        if fetched.not_modified:
            return
        single = not fetched.next_url
        newest = since
        path = f"/repos/{self.repository}/issues"
        while True:
            records = []
            for item in as_list(fetched.data, "issues", path):
                if isinstance(item, dict) and "pull_request" in item:
                    continue
                try:
                    updated = get_time(item, "updated_at")
                    record = self._record(run, item)
                except BadItem as exc:
                    run.tally.skipped += 1
                    log.warning(
                        "github_record_skipped",
                        source="issue",
                        repository=self.repository,
                        reason=str(exc),
                    )
                    continue
                newest = max(newest, updated)
                if record is not None:
                    records.append(record)
            if single:
                # One page: keep ``since`` so the next poll asks the same URL with this ETag.
                cursor = Cursor(json.dumps({"url": url, "etag": fetched.etag}), since)
            else:
                cursor = Cursor(None, newest)
            run.checkpoint(_CURSOR, self.repository, cursor=cursor, incidents=records)
            run.progress.advance(self.name, len(records), "incidents")
            if not fetched.next_url:
                return
            fetched = rest.get(fetched.next_url, conditional=False)

    def _record(self, run: Handoff, item: Any) -> SourceIncident | None:
        number = get_int(item, "number")
        labels = _labels(item)
        service = service_from_labels(run.org, self.repository, labels)
        if service is None:
            run.tally.skipped += 1
            log.warning(
                "github_record_skipped",
                source="issue",
                repository=self.repository,
                issue=number,
                reason="no label names a service and the repository has not exactly one",
            )
            return None
        closed = item.get("state") == "closed" and item.get("closed_at")
        return SourceIncident(
            key=f"github-issue:{self.repository}#{number}",
            service=service,
            opened_at=get_time(item, "created_at"),
            title=get_str(item, "title", optional=True),
            resolved_at=get_time(item, "closed_at") if closed else None,
            severity=next((lab for lab in labels if _SEVERITY.match(lab.strip())), None),
            source="github-issue",
        )


def _state(raw: str | None) -> dict[str, Any]:
    try:
        state = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}


def incident_sources(
    client: GitHubClient,
    org: OrgConfig,
    config: GitHubSourceConfig | None = None,
    *,
    now: Clock = utcnow,
) -> list[Source]:
    """An issues source per GitHub repository when ``incident_label`` is set; none otherwise."""
    cfg = config or org.sources.github or GitHubSourceConfig()
    if not cfg.incident_label:
        return []
    return [IssuesSource(client, repo, cfg, now) for repo in github_repositories(org, cfg)]
