"""The Linear source: issues of the configured teams, incrementally by ``updatedAt``.

One pass asks for the issues updated at or after the watermark (less
``lag_minutes``), ordered by ``updatedAt``, page by page with Linear's
``after`` cursor. Each page is a checkpoint holding the pass's start, the page
cursor and the newest ``updatedAt`` read, so an interrupted pass resumes at its
next page; the watermark moves only when a pass ends, so it is right whichever
way Linear orders the pages. A bug's attachments that are pull or merge
requests (Linear's GitHub and GitLab integrations keep them there) become its
linked changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources.linear import LinearSourceConfig
from data.handoff import Cursor, Handoff, Source
from data.source_values import SourceIncident
from data.sources.first_sync import first_sync_start
from data.sources.linear.client import LinearClient, as_dict
from data.sources.times import TimeFormatError, parse_time
from data.sources.tracker.checkpoint import checkpoint_issues
from data.sources.tracker.issue_pages import BadIssue, TrackerSource, issue_time, read_issues
from data.sources.tracker.links import change_keys_of_urls
from data.tracker_issue import StatusChange, TrackerIssueRecord
from scoring.errors import ConfigError

__all__ = ["ISSUES_QUERY", "LinearIssuesSource", "linear_key", "linear_sources"]

log = structlog.get_logger(__name__)

_CURSOR = "linear-issues"

ISSUES_QUERY = """
query RiskbriefIssues($first: Int!, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) {
    nodes {
      id identifier title url createdAt updatedAt completedAt canceledAt priority
      state { name type }
      team { key }
      labels { nodes { name } }
      attachments { nodes { url sourceType } }
      history(first: 50) { nodes { createdAt fromState { name } toState { name } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
""".strip()


def linear_key(config: LinearSourceConfig, environ: Mapping[str, str] | None = None) -> str:
    """The API key from the variable ``token_env`` names; a ``ConfigError`` when unset."""
    value = (os.environ if environ is None else environ).get(config.token_env, "").strip()
    if not value:
        raise ConfigError(
            f"riskbrief.toml has [sources.linear] but {config.token_env} is not set; set it to "
            "a personal API key (Linear, Settings, Security & access)."
        )
    return value


def _names(value: Any) -> tuple[str, ...]:
    nodes = value.get("nodes") if isinstance(value, dict) else None
    return tuple(
        str(n["name"])
        for n in nodes or ()
        if isinstance(n, dict) and isinstance(n.get("name"), str)
    )


def _history(node: dict[str, Any]) -> tuple[StatusChange, ...]:
    out = []
    history = node.get("history")
    for entry in history.get("nodes") or () if isinstance(history, dict) else ():
        if not isinstance(entry, dict) or not entry.get("toState"):
            continue
        try:
            at = parse_time(entry.get("createdAt"), "createdAt")
        except TimeFormatError:
            continue
        old, new = entry.get("fromState") or {}, entry.get("toState") or {}
        out.append(StatusChange(at, str(old.get("name") or ""), str(new.get("name") or "")))
    return tuple(sorted(out, key=lambda s: s.at))


class LinearIssuesSource(TrackerSource[LinearClient, LinearSourceConfig]):
    """Issues of the configured teams of one Linear workspace."""

    @property
    def name(self) -> str:
        """``linear ENG, OPS``."""
        return f"linear {', '.join(self.config.teams)}"

    @property
    def scope(self) -> str:
        """The cursor's scope: the teams (another list starts afresh)."""
        return ",".join(sorted(self.config.teams))

    def record(self, node: Any) -> TrackerIssueRecord:
        """One issue node as a record; ``ValueError`` when it lacks an identifier or times."""
        if not isinstance(node, dict) or not isinstance(node.get("identifier"), str):
            raise BadIssue("an issue without an identifier")
        labels = _names(node.get("labels"))
        state = as_dict(node.get("state"))
        is_bug = self.config.has_label(labels, self.config.bug_labels)
        is_incident = self.config.has_label(labels, self.config.incident_labels)
        priority = node.get("priority")
        level = int(priority) if isinstance(priority, int | float) else 0
        completed = issue_time(node, "completedAt", optional=True)
        canceled = issue_time(node, "canceledAt", optional=True)
        attachments = node.get("attachments")
        urls = [
            str(a["url"])
            for a in (attachments.get("nodes") or () if isinstance(attachments, dict) else ())
            if isinstance(a, dict) and isinstance(a.get("url"), str)
        ]
        opened = issue_time(node, "createdAt")
        updated = issue_time(node, "updatedAt")
        assert opened is not None
        assert updated is not None
        title = node.get("title")
        url = node.get("url")
        return TrackerIssueRecord(
            source="linear",
            key=str(node["identifier"]).upper(),
            opened_at=opened,
            updated_at=updated,
            title=title if isinstance(title, str) else "",
            url=url if isinstance(url, str) else None,
            issue_type=str(state.get("type")) if state.get("type") else None,
            labels=labels,
            status=str(state.get("name")) if state.get("name") else None,
            priority=str(level) if level else None,
            severity=self.config.severities.get(level) if is_incident else None,
            is_bug=is_bug,
            is_incident=is_incident,
            resolved_at=completed or canceled,
            resolution="completed" if completed else "canceled" if canceled else None,
            linked_changes=change_keys_of_urls(urls),
            status_changes=_history(node),
        )

    def _incident(self, record: TrackerIssueRecord) -> SourceIncident | None:
        services = {s.key.casefold(): s.key for s in self.org.services}
        service = next(
            (services[x.casefold()] for x in record.labels if x.casefold() in services), None
        )
        service = service or self.config.services.get(record.key.rsplit("-", 1)[0])
        if service is None:
            return None
        return SourceIncident(
            key=f"linear-incident:{record.key}",
            service=service,
            opened_at=record.opened_at,
            title=record.title,
            resolved_at=record.resolved_at,
            severity=record.severity,
            source="linear",
        )

    def _start(self, run: Handoff) -> tuple[datetime, str | None, datetime]:
        """The pass's start, the page cursor to resume after, and the newest time read."""
        saved = run.cursor(_CURSOR, self.scope)
        state: dict[str, Any] = {}
        if saved.cursor:
            try:
                loaded = json.loads(saved.cursor)
                state = loaded if isinstance(loaded, dict) else {}
            except json.JSONDecodeError:
                state = {}
        if state.get("after") and state.get("since"):
            try:
                since = parse_time(state["since"], "since")
                newest = parse_time(state.get("newest") or state["since"], "newest")
            except TimeFormatError:
                pass
            else:
                return since, str(state["after"]), newest
        if saved.watermark is not None:
            return (
                saved.watermark - timedelta(minutes=self.config.lag_minutes),
                None,
                saved.watermark,
            )
        start = first_sync_start(self.org, self.config.since, self._clock())
        return start, None, start

    def sync(self, run: Handoff) -> None:
        """Read the issues updated since the watermark, a page per checkpoint."""
        if not self.config.teams:
            raise ConfigError('[sources.linear] lists no teams; add teams = ["ENG"].')
        since, after, newest = self._start(run)
        start = since
        iso = since.astimezone(UTC).isoformat().replace("+00:00", "Z")
        issue_filter = {"updatedAt": {"gte": iso}, "team": {"key": {"in": list(self.config.teams)}}}
        while True:
            data = self.client.query(
                ISSUES_QUERY,
                {"first": self.config.page_size, "after": after, "filter": issue_filter},
            )
            issues = as_dict(data.get("issues"))
            records, incidents = read_issues(
                run,
                issues.get("nodes") or (),
                "linear",
                self.record,
                lambda record, _node: self._incident(record),
                "no label names a service and [sources.linear] services does not map its team",
            )
            if records:
                newest = max(newest, max(r.updated_at for r in records))
            page = as_dict(issues.get("pageInfo"))
            more = bool(page.get("hasNextPage")) and isinstance(page.get("endCursor"), str)
            if more:
                state = {
                    "since": start.isoformat(),
                    "after": page["endCursor"],
                    "newest": newest.isoformat(),
                }
                # The watermark stays where the last whole pass left it until this one ends.
                cursor = Cursor(json.dumps(state), run.cursor(_CURSOR, self.scope).watermark)
            else:
                cursor = Cursor(None, newest)
            checkpoint_issues(
                run, _CURSOR, self.scope, cursor=cursor, issues=records, incidents=incidents
            )
            run.progress.advance(self.name, len(records), "issues")
            if not more:
                return
            after = str(page["endCursor"])


def linear_sources(
    config: LinearSourceConfig,
    org: OrgConfig,
    environ: Mapping[str, str] | None = None,
    *,
    client: LinearClient | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> list[Source]:
    """The Linear source of ``[sources.linear]``; its API key is read from the environment."""
    if client is None:
        client = LinearClient(
            config.api_url, linear_key(config, environ), token_env=config.token_env
        )
    return [LinearIssuesSource(client, config, org, clock=clock)]
