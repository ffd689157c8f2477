"""A fake Linear GraphQL API (``POST /graphql``) on 127.0.0.1.

It answers the three operations the Linear source and doctor send, told apart
by their operation names, as Linear's schema shapes them:

- ``RiskbriefViewer``: ``viewer { id name email }``;
- ``RiskbriefTeam``: ``teams(filter: {key: {eq}})``;
- ``RiskbriefIssues``: ``issues(first, after, filter: {updatedAt: {gte}, team:
  {key: {in}}}, orderBy: updatedAt)`` with ``nodes`` and ``pageInfo {
  hasNextPage endCursor }``, most recently updated first (as Linear orders
  ``updatedAt``), paged by an opaque cursor.

A personal API key is checked in ``Authorization`` (no ``Bearer``); a wrong
one is Linear's ``AUTHENTICATION_ERROR``. A test queues a ``RATELIMITED``
answer (``ratelimited()``) or a ``429`` through ``server.fail_next``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeLinear", "FakeLinearIssue", "linear_time", "ratelimited"]


def linear_time(at: datetime) -> str:
    """Linear's timestamp format: ``2026-01-02T03:04:05.000Z``."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ratelimited(reset_ms: int) -> Answer:
    """Linear's answer to a spent quota: a ``RATELIMITED`` error and the reset time."""
    return Answer(
        400,
        {"errors": [{"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]},
        headers={"X-RateLimit-Requests-Reset": str(reset_ms)},
    )


@dataclass(slots=True)
class FakeLinearIssue:
    """An issue; ``attachments`` are URLs; ``history`` is ``(at, from state, to state)``."""

    identifier: str
    updated: datetime
    title: str = ""
    created: datetime | None = None
    labels: tuple[str, ...] = ()
    state: str = "Todo"
    state_type: str = "unstarted"
    priority: int = 0
    completed: datetime | None = None
    canceled: datetime | None = None
    attachments: tuple[str, ...] = ()
    history: tuple[tuple[datetime, str, str], ...] = ()

    @property
    def team(self) -> str:
        """The identifier's team key."""
        return self.identifier.rsplit("-", 1)[0]

    def node(self) -> dict[str, Any]:
        """The issue as the issues query returns it."""
        return {
            "id": f"uuid-{self.identifier}",
            "identifier": self.identifier,
            "title": self.title,
            "url": f"https://linear.app/acme/issue/{self.identifier.lower()}",
            "createdAt": linear_time(self.created or self.updated),
            "updatedAt": linear_time(self.updated),
            "completedAt": linear_time(self.completed) if self.completed else None,
            "canceledAt": linear_time(self.canceled) if self.canceled else None,
            "priority": self.priority,
            "state": {"name": self.state, "type": self.state_type},
            "team": {"key": self.team},
            "labels": {"nodes": [{"name": n} for n in self.labels]},
            "attachments": {
                "nodes": [{"url": u, "sourceType": "github"} for u in self.attachments]
            },
            "history": {
                "nodes": [
                    {
                        "createdAt": linear_time(at),
                        "fromState": {"name": old} if old else None,
                        "toState": {"name": new},
                    }
                    for at, old, new in self.history
                ]
            },
        }


_OPERATION = re.compile(r"^\s*query\s+(\w+)")


class FakeLinear(FakeService):
    """A Linear workspace behind ``/graphql``; a context manager."""

    def __init__(self, api_key: str = "lin_api_test", teams: tuple[str, ...] = ("ENG",)) -> None:
        self.api_key = api_key
        self.teams = {t: f"{t.title()} team" for t in teams}
        self.issues: dict[str, FakeLinearIssue] = {}
        self.server = FakeServer()
        self.server.add("POST", "/graphql", self._graphql)

    @property
    def api_url(self) -> str:
        """The GraphQL endpoint."""
        return f"{self.server.url}/graphql"

    def add_issue(self, issue: FakeLinearIssue) -> None:
        """Add or replace an issue."""
        self.issues[issue.identifier] = issue

    def _graphql(self, request: Request, match: re.Match[str]) -> Answer:
        if request.headers.get("authorization") != self.api_key:
            return Answer(
                400,
                {
                    "errors": [
                        {
                            "message": "Authentication required, not authenticated",
                            "extensions": {
                                "type": "authentication error",
                                "code": "AUTHENTICATION_ERROR",
                            },
                        }
                    ]
                },
            )
        body = request.json()
        found = _OPERATION.match(str(body.get("query", "")))
        operation = found.group(1) if found else ""
        variables = body.get("variables") or {}
        if operation == "RiskbriefViewer":
            return Answer(
                200,
                {"data": {"viewer": {"id": "u1", "name": "Risk Bot", "email": "bot@acme.test"}}},
            )
        if operation == "RiskbriefTeam":
            key = variables.get("key")
            nodes = (
                [{"id": f"t-{key}", "key": key, "name": self.teams[key]}]
                if key in self.teams
                else []
            )
            return Answer(200, {"data": {"teams": {"nodes": nodes}}})
        if operation == "RiskbriefIssues":
            return self._issues(variables)
        return Answer(400, {"errors": [{"message": f"Unknown operation {operation!r}"}]})

    def _issues(self, variables: dict[str, Any]) -> Answer:
        wanted = variables.get("filter") or {}
        gte = ((wanted.get("updatedAt") or {}).get("gte")) if isinstance(wanted, dict) else None
        teams = set((((wanted.get("team") or {}).get("key") or {}).get("in")) or self.teams)
        since = datetime.fromisoformat(gte.replace("Z", "+00:00")) if gte else None
        found = sorted(
            (
                i
                for i in self.issues.values()
                if i.team in teams and (since is None or i.updated >= since)
            ),
            key=lambda i: (i.updated, i.identifier),
            reverse=True,
        )
        after = variables.get("after")
        start = int(base64.b64decode(after).decode()) if after else 0
        first = int(variables.get("first") or 50)
        page = found[start : start + first]
        more = start + first < len(found)
        end = base64.b64encode(str(start + len(page)).encode()).decode() if page else None
        return Answer(
            200,
            {
                "data": {
                    "issues": {
                        "nodes": [i.node() for i in page],
                        "pageInfo": {"hasNextPage": more, "endCursor": end},
                    }
                }
            },
        )
