"""GitHub issues with a bug label, as tracker issues: a change referencing one fixes a bug.

The setting is ``bug_labels`` in ``[sources.github]``: which labels make a bug
(any one of them is enough). It is empty by default, and then no issue is read;
``bot/composition/sources.py`` passes the labels, with the repositories ``[sources.github]``
reads, to this module as a ``GitHubBugsConfig``.
Each label is read with ``GET /repos/{repo}/issues?labels=<label>&state=all
&since=<watermark>&sort=updated&direction=asc``, page by page, each page a
checkpoint; pull requests, which the issues API also lists, are skipped. A
change whose title or body names one of these issues (``Fixes #12``,
``acme/api#12``, its URL) is a fix (``data.store.tracker.tracker_bugs``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field

from data.clock import utcnow
from data.config import OrgConfig
from data.handoff import Cursor, Handoff, Source
from data.sources.github.client import GitHubClient
from data.sources.times import parse_time
from data.sources.tracker.checkpoint import checkpoint_issues
from data.tracker_issue import TrackerIssueRecord

__all__ = ["GitHubBugsConfig", "GitHubBugsSource", "github_bug_sources"]

log = structlog.get_logger(__name__)

_CURSOR = "github-bug-issues"
_PER_PAGE = 100


class GitHubBugsConfig(BaseModel):
    """Which GitHub issue labels mark a bug, and in which repositories."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bug_labels: tuple[str, ...] = Field(default=("bug",), min_length=1)
    # Empty: every repository of riskbrief.toml whose name is owner/repo.
    repositories: tuple[str, ...] = ()
    since: datetime | None = None


def _labels(item: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for label in item.get("labels") or ():
        if isinstance(label, str):
            out.append(label)
        elif isinstance(label, dict) and isinstance(label.get("name"), str):
            out.append(label["name"])
    return tuple(out)


class GitHubBugsSource:
    """Bug-labelled issues of one repository."""

    def __init__(
        self,
        client: GitHubClient,
        repository: str,
        config: GitHubBugsConfig,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.repository = repository
        self.config = config
        self._clock = clock

    @property
    def name(self) -> str:
        """``github bug issues owner/repo``."""
        return f"github bug issues {self.repository}"

    def _record(self, item: dict[str, Any]) -> TrackerIssueRecord:
        number = item.get("number")
        if not isinstance(number, int):
            raise ValueError("an issue without a number")
        closed = item.get("closed_at") if item.get("state") == "closed" else None
        title = item.get("title")
        return TrackerIssueRecord(
            source="github",
            key=f"{self.repository}#{number}",
            opened_at=parse_time(item.get("created_at"), "created_at"),
            updated_at=parse_time(item.get("updated_at"), "updated_at"),
            title=title if isinstance(title, str) else "",
            url=item.get("html_url") if isinstance(item.get("html_url"), str) else None,
            issue_type="issue",
            labels=_labels(item),
            status=str(item.get("state") or "") or None,
            is_bug=True,
            resolved_at=parse_time(closed, "closed_at") if closed else None,
            resolution=str(item.get("state_reason") or "") or None,
        )

    def sync(self, run: Handoff) -> None:
        """Read each bug label's issues updated since its watermark, a page per checkpoint."""
        for label in self.config.bug_labels:
            scope = f"{self.repository} {label}"
            saved = run.cursor(_CURSOR, scope)
            if saved.watermark is not None:
                since = saved.watermark
            elif self.config.since is not None:
                since = self.config.since
            else:
                start = self._clock() - timedelta(days=run.org.sources.first_sync_days)
                since = datetime.combine(start.date(), time(0), tzinfo=UTC)
            newest = since
            page = self.client.get(
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
            while True:
                records = []
                for item in page.data if isinstance(page.data, list) else ():
                    if not isinstance(item, dict) or "pull_request" in item:
                        continue
                    try:
                        record = self._record(item)
                    except ValueError as exc:  # TimeFormatError too
                        run.tally.skipped += 1
                        log.warning("github_bug_issue_skipped", reason=str(exc))
                        continue
                    records.append(record)
                    newest = max(newest, record.updated_at)
                checkpoint_issues(run, _CURSOR, scope, cursor=Cursor(None, newest), issues=records)
                run.progress.advance(self.name, len(records), "issues")
                if not page.next_url:
                    break
                page = self.client.get(page.next_url)


def github_bug_sources(
    client: GitHubClient,
    org: OrgConfig,
    config: GitHubBugsConfig,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> list[Source]:
    """A bug-issue source per repository (``repositories``, else each ``owner/repo``)."""
    names = config.repositories or tuple(r.name for r in org.repositories if r.name.count("/") == 1)
    return [GitHubBugsSource(client, name, config, clock=clock) for name in names]
