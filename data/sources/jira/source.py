"""The Jira source: issues of the configured projects, incrementally by ``updated``.

Each sync asks ``project in (...) AND updated >= "yyyy/MM/dd HH:mm" ORDER BY
updated ASC`` from the saved watermark less ``lag_minutes``: JQL compares
times to the minute and in the Jira user's own time zone (``/myself``'s
``timeZone``), so the watermark is written in that zone and the overlap is
read again, harmlessly. Cloud pages ``/rest/api/3/search/jql`` with
``nextPageToken``; Data Center/Server pages ``/rest/api/2/search`` with
``startAt``. Every page is one checkpoint: its issues (``tracker_issue``), the
incidents among them, and the newest ``updated`` read as the watermark.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog

from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources.jira import JiraDeployment, JiraSourceConfig
from data.handoff import Cursor, Handoff, Source
from data.sources.first_sync import first_sync_start
from data.sources.jira.client import JiraClient, JiraError
from data.sources.jira.records import SEARCH_FIELDS, incident_of, issue_record
from data.sources.tracker.checkpoint import checkpoint_issues
from data.sources.tracker.issue_pages import TrackerSource, read_issues
from data.sources.tracker.links import change_keys_of_urls
from data.tracker_issue import TrackerIssueRecord
from scoring.errors import ConfigError

__all__ = ["JiraIssuesSource", "jira_client", "jira_credentials", "jira_sources", "jql"]

log = structlog.get_logger(__name__)

_CURSOR = "jira-issues"


def jira_credentials(
    config: JiraSourceConfig, environ: Mapping[str, str] | None = None
) -> tuple[str, str | None]:
    """The token (and on Cloud the email) from the environment; a ``ConfigError`` when unset."""
    env = os.environ if environ is None else environ
    token = env.get(config.token_env, "").strip()
    if config.deployment is JiraDeployment.CLOUD:
        email = env.get(config.email_env, "").strip()
        if not token or not email:
            raise ConfigError(
                f"riskbrief.toml has [sources.jira] for Jira Cloud but {config.email_env} and "
                f"{config.token_env} are not both set; set them to the account's email and an "
                "API token (id.atlassian.com, Security, API tokens)."
            )
        return token, email
    if not token:
        raise ConfigError(
            f"riskbrief.toml has [sources.jira] but {config.token_env} is not set; set it to a "
            "personal access token of a Jira user who can browse the projects."
        )
    return token, None


def jira_client(config: JiraSourceConfig, token: str, email: str | None = None) -> JiraClient:
    """The client the Jira source of ``config`` uses."""
    return JiraClient(config, token, email)


def jql(projects: tuple[str, ...], since: datetime, zone: ZoneInfo) -> str:
    """The search: the projects' issues updated since ``since`` (to the minute, in ``zone``)."""
    shown = since.astimezone(zone).strftime("%Y/%m/%d %H:%M")
    names = ", ".join(f'"{p}"' for p in projects)
    return f'project in ({names}) AND updated >= "{shown}" ORDER BY updated ASC'


class JiraIssuesSource(TrackerSource[JiraClient, JiraSourceConfig]):
    """Issues of the configured projects of one Jira site."""

    @property
    def name(self) -> str:
        """``jira PROJ, OPS``."""
        return f"jira {', '.join(self.config.projects)}"

    @property
    def scope(self) -> str:
        """The cursor's scope: the site and its projects (another list starts afresh)."""
        return f"{self.config.base_url} {','.join(sorted(self.config.projects))}"

    def _zone(self) -> ZoneInfo:
        """The Jira user's time zone, in which JQL reads the times it is given."""
        me = self.client.json("myself")
        name = me.get("timeZone") if isinstance(me, dict) else None
        try:
            return ZoneInfo(name) if isinstance(name, str) and name else ZoneInfo("UTC")
        except (ZoneInfoNotFoundError, ValueError):
            log.info("jira_time_zone_unknown", zone=name)
            return ZoneInfo("UTC")

    def _since(self, run: Handoff) -> tuple[datetime, datetime]:
        """Where the search starts, and the watermark to keep when it finds nothing newer."""
        saved = run.cursor(_CURSOR, self.scope)
        if saved.watermark is not None:
            return saved.watermark - timedelta(minutes=self.config.lag_minutes), saved.watermark
        start = first_sync_start(self.org, self.config.since, self._clock())
        return start, start

    def _pages(self, query: str) -> Iterator[list[Any]]:
        """Every page of the search's issues, paged as the deployment pages."""
        params: dict[str, Any] = {
            "jql": query,
            "maxResults": self.config.page_size,
            "fields": SEARCH_FIELDS,
            "expand": "changelog",
        }
        if self.config.deployment is JiraDeployment.CLOUD:
            while True:
                page = self.client.json("search/jql", params)
                issues = page.get("issues") if isinstance(page, dict) else None
                yield issues if isinstance(issues, list) else []
                token = page.get("nextPageToken") if isinstance(page, dict) else None
                if not isinstance(token, str) or not token or page.get("isLast") is True:
                    return
                params["nextPageToken"] = token
        start = 0
        while True:
            page = self.client.json("search", {**params, "startAt": start})
            issues = page.get("issues") if isinstance(page, dict) else None
            found = issues if isinstance(issues, list) else []
            yield found
            total = page.get("total") if isinstance(page, dict) else None
            start += len(found)
            if not found or not isinstance(total, int) or start >= total:
                return

    def _links(self, key: str) -> tuple[str, ...]:
        """The change keys of the pull and merge requests a bug's remote links name."""
        try:
            links = self.client.json(f"issue/{key}/remotelink")
        except JiraError as exc:
            if exc.status in (403, 404):
                return ()
            raise
        urls = []
        for link in links if isinstance(links, list) else ():
            target = link.get("object") if isinstance(link, dict) else None
            if isinstance(target, dict) and isinstance(target.get("url"), str):
                urls.append(target["url"])
        return change_keys_of_urls(urls)

    def _record(self, issue: Any) -> TrackerIssueRecord:
        """One issue's record, with the changes its remote links name when it is a bug."""
        record = issue_record(issue, self.config)
        if record.is_bug and self.config.remote_links:
            record = replace(record, linked_changes=self._links(record.key))
        return record

    def sync(self, run: Handoff) -> None:
        """Read the issues updated since the watermark, a page per checkpoint."""
        if not self.config.projects:
            raise ConfigError('[sources.jira] lists no projects; add projects = ["PROJ"].')
        since, newest = self._since(run)
        for issues in self._pages(jql(self.config.projects, since, self._zone())):
            records, incidents = read_issues(
                run,
                issues,
                "jira",
                self._record,
                lambda record, issue: incident_of(record, issue, self.org, self.config),
                "no component or label names a service, and [sources.jira] services does not "
                "map its project",
            )
            if records:
                newest = max(newest, max(r.updated_at for r in records))
            checkpoint_issues(
                run,
                _CURSOR,
                self.scope,
                cursor=Cursor(None, newest),
                issues=records,
                incidents=incidents,
            )
            run.progress.advance(self.name, len(records), "issues")


def jira_sources(
    config: JiraSourceConfig,
    org: OrgConfig,
    environ: Mapping[str, str] | None = None,
    *,
    client: JiraClient | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> list[Source]:
    """The Jira source of ``[sources.jira]``; its credentials are read from the environment."""
    if client is None:
        token, email = jira_credentials(config, environ)
        client = jira_client(config, token, email)
    return [JiraIssuesSource(client, config, org, clock=clock)]
