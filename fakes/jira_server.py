"""A fake Jira (Cloud REST v3 or Data Center/Server REST v2) on 127.0.0.1.

It speaks the parts of Jira's documented protocol the Jira source relies on:

- Cloud checks HTTP Basic ``email:API token``; Server checks ``Authorization:
  Bearer <personal access token>``; anything else is ``401`` with Jira's
  ``errorMessages`` body;
- ``GET /rest/api/{3,2}/myself`` (with the user's ``timeZone``),
  ``/project/{key}`` and ``/issue/{key}/remotelink``;
- Cloud searches with ``GET /rest/api/3/search/jql`` (``jql``, ``maxResults``,
  ``nextPageToken``; answers ``issues``, ``nextPageToken`` and ``isLast``),
  Server with ``GET /rest/api/2/search`` (``startAt``, ``maxResults``;
  answers ``startAt``, ``maxResults``, ``total`` and ``issues``);
- the JQL the source sends is read: ``project in ("A", "B") AND updated >=
  "yyyy/MM/dd HH:mm" ORDER BY updated ASC``, the time in the user's time zone
  and compared to the minute, as Jira does; a project the fake does not have
  is Jira's ``400`` ("The value 'X' does not exist for the field 'project'.");
- ``expand=changelog`` adds ``changelog.histories`` with status items;
- a test queues a ``429`` with ``Retry-After`` through ``server.fail_next``.

Tests add data with ``add_project`` and ``add_issue``; the bench serves 50,000.
"""

from __future__ import annotations

import base64
import bisect
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeJira", "FakeJiraIssue", "jira_time"]

_JQL = re.compile(
    r'^project in \((?P<projects>[^)]*)\) AND updated >= "(?P<since>\d{4}/\d\d/\d\d \d\d:\d\d)"'
    r" ORDER BY updated ASC$"
)


def jira_time(at: datetime) -> str:
    """Jira's timestamp format: ``2026-01-02T03:04:05.000+0000``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


@dataclass(slots=True)
class FakeJiraIssue:
    """An issue; ``status_changes`` are ``(at, from, to)``; ``links`` remote link URLs."""

    key: str
    updated: datetime
    issue_type: str = "Task"
    summary: str = ""
    created: datetime | None = None
    labels: tuple[str, ...] = ()
    priority: str | None = "Medium"
    status: str = "Open"
    resolution: str | None = None
    resolved: datetime | None = None
    components: tuple[str, ...] = ()
    status_changes: tuple[tuple[datetime, str, str], ...] = ()
    links: tuple[str, ...] = ()
    id: int = 0

    @property
    def project(self) -> str:
        """The key's project part."""
        return self.key.rsplit("-", 1)[0]

    def json(self, changelog: bool) -> dict[str, Any]:
        def named(value: str | None) -> dict[str, str] | None:
            return {"name": value} if value else None

        """The issue as a search answer lists it."""
        fields: dict[str, Any] = {
            "summary": self.summary,
            "issuetype": {"name": self.issue_type},
            "labels": list(self.labels),
            "priority": named(self.priority),
            "status": {"name": self.status},
            "components": [{"name": c} for c in self.components],
            "created": jira_time(self.created or self.updated),
            "updated": jira_time(self.updated),
            "resolutiondate": jira_time(self.resolved) if self.resolved else None,
            "resolution": named(self.resolution),
        }
        out: dict[str, Any] = {"id": str(self.id), "key": self.key, "fields": fields}
        if changelog:
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(self.status_changes),
                "total": len(self.status_changes),
                "histories": [
                    {
                        "id": str(i),
                        "created": jira_time(at),
                        "items": [{"field": "status", "fromString": old, "toString": new}],
                    }
                    for i, (at, old, new) in enumerate(self.status_changes)
                ],
            }
        return out


@dataclass(slots=True)
class _Search:
    version: int
    found: list[FakeJiraIssue] = field(default_factory=list)


class FakeJira(FakeService):
    """A Jira site: ``cloud`` (v3, Basic) or ``server`` (v2, Bearer); a context manager."""

    def __init__(
        self,
        deployment: str = "cloud",
        *,
        email: str = "bot@example.com",
        token: str = "jira-token",
        time_zone: str = "UTC",
        max_results: int = 100,
    ) -> None:
        self.deployment = deployment
        self.email = email
        self.token = token
        self.time_zone = time_zone
        self.max_results = max_results
        self.projects: dict[str, str] = {}
        self._issues: dict[str, FakeJiraIssue] = {}
        self._order: list[tuple[datetime, str]] = []
        self._version = 0
        self._searches: dict[str, _Search] = {}
        self._lock = threading.Lock()
        self.server = FakeServer()
        v = 3 if deployment == "cloud" else 2
        base = f"/rest/api/{v}"
        self.server.add("GET", f"{base}/myself", self._guard(self._myself))
        self.server.add("GET", f"{base}/project/(?P<key>[^/]+)", self._guard(self._project))
        self.server.add(
            "GET", f"{base}/issue/(?P<key>[^/]+)/remotelink", self._guard(self._remote_links)
        )
        if deployment == "cloud":
            self.server.add("GET", f"{base}/search/jql", self._guard(self._search_cloud))
        else:
            self.server.add("GET", f"{base}/search", self._guard(self._search_server))

    @property
    def base_url(self) -> str:
        """The site's address."""
        return self.server.url

    # -- data -------------------------------------------------------------------------

    def add_project(self, key: str, name: str | None = None) -> None:
        """A project the user can browse."""
        self.projects[key] = name or key.title()

    def add_issue(self, issue: FakeJiraIssue) -> None:
        """Add or replace an issue (its project is added when new)."""
        with self._lock:
            self.projects.setdefault(issue.project, issue.project.title())
            old = self._issues.get(issue.key)
            if old is not None:
                self._order.remove((old.updated, old.key))
            if not issue.id:
                issue.id = 10000 + len(self._issues)
            self._issues[issue.key] = issue
            bisect.insort(self._order, (issue.updated, issue.key))
            self._version += 1

    def add_issues(self, issues: list[FakeJiraIssue]) -> None:
        """Add many issues at once (sorted once, for the bench)."""
        with self._lock:
            for n, issue in enumerate(issues):
                self.projects.setdefault(issue.project, issue.project.title())
                issue.id = issue.id or 10000 + len(self._issues) + n
                self._issues[issue.key] = issue
            self._order = sorted((i.updated, i.key) for i in self._issues.values())
            self._version += 1

    # -- protocol ---------------------------------------------------------------------

    def _guard(self, handler: Any) -> Any:
        def guarded(request: Request, match: re.Match[str]) -> Answer:
            auth = request.headers.get("authorization", "")
            if self.deployment == "cloud":
                pair = f"{self.email}:{self.token}".encode()
                wanted = f"Basic {base64.b64encode(pair).decode()}"
            else:
                wanted = f"Bearer {self.token}"
            if auth != wanted:
                return Answer(
                    401,
                    {"errorMessages": ["You are not authenticated. Authentication required."]},
                    headers={"WWW-Authenticate": 'Basic realm="protected-area"'},
                )
            answer: Answer = handler(request, match)
            return answer

        return guarded

    def _myself(self, request: Request, match: re.Match[str]) -> Answer:
        return Answer(
            200,
            {
                "accountId": "5b10a2844c20165700ede21g",
                "displayName": "Risk Bot",
                "emailAddress": self.email,
                "timeZone": self.time_zone,
                "active": True,
            },
        )

    def _project(self, request: Request, match: re.Match[str]) -> Answer:
        key = match["key"]
        if key not in self.projects:
            return Answer(404, {"errorMessages": [f"No project could be found with key '{key}'."]})
        return Answer(200, {"id": "10000", "key": key, "name": self.projects[key]})

    def _remote_links(self, request: Request, match: re.Match[str]) -> Answer:
        issue = self._issues.get(match["key"])
        if issue is None:
            return Answer(
                404,
                {
                    "errorMessages": [
                        "Issue does not exist or you do not have permission to see it."
                    ]
                },
            )
        return Answer(
            200,
            [
                {"id": n, "object": {"url": url, "title": url.rsplit("/", 1)[-1]}}
                for n, url in enumerate(issue.links, 1)
            ],
        )

    def _found(self, jql: str) -> list[FakeJiraIssue] | Answer:
        parsed = _JQL.match(jql)
        if parsed is None:
            return Answer(
                400, {"errorMessages": [f"Error in the JQL Query: {jql[:80]}"], "errors": {}}
            )
        projects = [p.strip().strip('"') for p in parsed["projects"].split(",") if p.strip()]
        for project in projects:
            if project not in self.projects:
                return Answer(
                    400,
                    {
                        "errorMessages": [
                            f"The value '{project}' does not exist for the field 'project'."
                        ]
                    },
                )
        since = datetime.strptime(parsed["since"], "%Y/%m/%d %H:%M").replace(
            tzinfo=ZoneInfo(self.time_zone)
        )
        with self._lock:
            cached = self._searches.get(jql)
            if cached is not None and cached.version == self._version:
                return cached.found
            wanted = set(projects)
            start = bisect.bisect_left(self._order, (since.astimezone(UTC), ""))
            found = [
                self._issues[key]
                for _, key in self._order[start:]
                if key.rsplit("-", 1)[0] in wanted
            ]
            self._searches[jql] = _Search(self._version, found)
            return found

    def _page_size(self, request: Request) -> int:
        asked = request.query.get("maxResults", "50")
        return max(1, min(int(asked) if asked.isdigit() else 50, self.max_results))

    def _search_cloud(self, request: Request, match: re.Match[str]) -> Answer:
        found = self._found(request.query.get("jql", ""))
        if isinstance(found, Answer):
            return found
        token = request.query.get("nextPageToken")
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        size = self._page_size(request)
        changelog = "changelog" in request.query.get("expand", "")
        page = found[start : start + size]
        last = start + size >= len(found)
        body: dict[str, Any] = {"issues": [i.json(changelog) for i in page], "isLast": last}
        if not last:
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return Answer(200, body)

    def _search_server(self, request: Request, match: re.Match[str]) -> Answer:
        found = self._found(request.query.get("jql", ""))
        if isinstance(found, Answer):
            return found
        asked = request.query.get("startAt", "0")
        start = int(asked) if asked.isdigit() else 0
        size = self._page_size(request)
        changelog = "changelog" in request.query.get("expand", "")
        return Answer(
            200,
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": size,
                "total": len(found),
                "issues": [i.json(changelog) for i in found[start : start + size]],
            },
        )
