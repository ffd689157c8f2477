"""A fake of Codecov's API v2 (the parts riskbrief reads), over real HTTP on 127.0.0.1.

It answers, under ``/api/v2/<service>/<owner>/``: the owner detail; ``repos/<name>/``
(repository detail with ``active``); ``repos/<name>/commits/`` (newest first,
``branch`` filtered, ``page``/``page_size`` paging with absolute ``next`` links and
``count``/``total_pages``, each commit with ``commitid``, ``timestamp``,
``totals`` or ``null`` while processing, ``state`` and ``parent``);
``repos/<name>/pulls/`` (``state`` filtered, in no promised order) and
``repos/<name>/compare/?pullid=N`` (``base_commit``, ``head_commit``, ``totals``
with ``base``, ``head`` and ``patch``, and ``files`` with each file's ``name``
and base/head/patch ``totals``). Totals carry Codecov's fields (``files``,
``lines``, ``hits``, ``misses``, ``partials``, ``coverage``, ``branches``,
``methods``, ``sessions``, ``complexity``, ``complexity_total``, ``diff``). A
missing or wrong ``Authorization: bearer <token>`` is a 401 ``{"detail": …}`` as
Django REST framework answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeCodecov", "FakeCommit", "FakePull", "totals"]


def totals(lines: int, hits: int) -> dict[str, Any]:
    """A Codecov totals object of ``lines`` coverable lines, ``hits`` of them covered."""
    return {
        "files": 1,
        "lines": lines,
        "hits": hits,
        "misses": lines - hits,
        "partials": 0,
        "coverage": round(100.0 * hits / lines, 2) if lines else 0.0,
        "branches": 0,
        "methods": 0,
        "sessions": 1,
        "complexity": 0.0,
        "complexity_total": 0.0,
        "diff": 0,
    }


@dataclass
class FakeCommit:
    """A commit Codecov processed (``lines`` None: still processing, no totals yet)."""

    sha: str
    at: datetime
    lines: int | None
    hits: int = 0
    branch: str = "main"


@dataclass
class FakePull:
    """A pull request Codecov compared: patch, head and base counts, and per-file pairs."""

    number: int
    updated: datetime
    head_sha: str
    patch: tuple[int, int]
    head: tuple[int, int]
    base: tuple[int, int]
    files: dict[str, tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=dict)
    state: str = "merged"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeCodecov(FakeService):
    """Codecov's API for one owner's repositories; use it as a context manager."""

    def __init__(self, token: str = "codecov-test-token", service: str = "github") -> None:
        self.token = token
        self.service = service
        self.commits: dict[str, list[FakeCommit]] = {}
        self.pulls: dict[str, list[FakePull]] = {}
        self.inactive: set[str] = set()
        self.server = FakeServer()
        base = rf"/api/v2/{service}/(?P<owner>[^/]+)"
        repo = rf"{base}/repos/(?P<name>[^/]+)"
        self.server.add("GET", rf"{base}/", self._owner)
        self.server.add("GET", rf"{repo}/", self._repo)
        self.server.add("GET", rf"{repo}/commits/", self._commits)
        self.server.add("GET", rf"{repo}/pulls/", self._pulls)
        self.server.add("GET", rf"{repo}/compare/", self._compare)

    def _refused(self, request: Request) -> Answer | None:
        if request.headers.get("authorization", "").lower() != f"bearer {self.token}":
            return Answer(401, {"detail": "Invalid token."})
        return None

    def _known(self, match: re.Match[str]) -> str | None:
        name = f"{match['owner']}/{match['name']}"
        return name if name in self.commits or name in self.pulls else None

    def _owner(self, request: Request, match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        owners = {n.split("/")[0] for n in (*self.commits, *self.pulls)}
        if match["owner"] not in owners:
            return Answer(404, {"detail": "Not found."})
        return Answer(200, {"service": self.service, "username": match["owner"], "name": None})

    def _repo(self, request: Request, match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        name = self._known(match)
        if name is None:
            return Answer(404, {"detail": "Not found."})
        return Answer(
            200,
            {
                "name": match["name"],
                "private": True,
                "branch": "main",
                "active": name not in self.inactive,
                "activated": True,
                "language": "python",
            },
        )

    def _page(
        self, request: Request, results: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        size = int(request.query.get("page_size", "20"))
        page = int(request.query.get("page", "1"))
        chunk = results[(page - 1) * size : page * size]
        pages = max(1, -(-len(results) // size))
        query = "&".join(f"{k}={v}" for k, v in request.query.items() if k != "page")
        nxt = f"{self.url}{request.path}?{query}&page={page + 1}" if page < pages else None
        prev = f"{self.url}{request.path}?{query}&page={page - 1}" if page > 1 else None
        return chunk, {
            "count": len(results),
            "next": nxt,
            "previous": prev,
            "total_pages": pages,
        }

    def _commits(self, request: Request, match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        name = self._known(match)
        if name is None:
            return Answer(404, {"detail": "Not found."})
        branch = request.query.get("branch")
        commits = sorted(
            (c for c in self.commits.get(name, []) if branch is None or c.branch == branch),
            key=lambda c: c.at,
            reverse=True,
        )
        results = [
            {
                "commitid": c.sha,
                "message": f"Commit {c.sha[:7]}",
                "timestamp": _stamp(c.at),
                "ci_passed": True,
                "author": {"service": self.service, "username": "ada", "name": "Ada"},
                "branch": c.branch,
                "totals": None if c.lines is None else totals(c.lines, c.hits),
                "state": "pending" if c.lines is None else "complete",
                "parent": None,
            }
            for c in commits
        ]
        chunk, paging = self._page(request, results)
        return Answer(200, {**paging, "results": chunk})

    def _pulls(self, request: Request, match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        name = self._known(match)
        if name is None:
            return Answer(404, {"detail": "Not found."})
        state = request.query.get("state")
        # Codecov promises no order: the fake lists by number, not by update.
        pulls = sorted(
            (p for p in self.pulls.get(name, []) if state is None or p.state == state),
            key=lambda p: p.number,
        )
        results = [
            {
                "pullid": p.number,
                "title": f"Pull {p.number}",
                "base_totals": totals(*p.base),
                "head_totals": totals(*p.head),
                "updatestamp": _stamp(p.updated),
                "state": p.state,
                "ceremonial": False,
                "author": {"service": self.service, "username": "ada", "name": "Ada"},
            }
            for p in pulls
        ]
        chunk, paging = self._page(request, results)
        return Answer(200, {**paging, "results": chunk})

    def _compare(self, request: Request, match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        name = self._known(match)
        number = request.query.get("pullid", "")
        pull = next((p for p in self.pulls.get(name or "", []) if str(p.number) == number), None)
        if pull is None:
            return Answer(404, {"detail": "Not found."})
        return Answer(
            200,
            {
                "base_commit": "b" * 40,
                "head_commit": pull.head_sha,
                "totals": {
                    "base": totals(*pull.base),
                    "head": totals(*pull.head),
                    "patch": totals(*pull.patch),
                },
                "commit_uploads": [],
                "diff": {"git_commits": []},
                "files": [
                    {
                        "name": {"base": path, "head": path},
                        "totals": {"base": totals(*b), "head": totals(*h), "patch": None},
                        "has_diff": True,
                        "stats": {"added": 1, "removed": 0},
                        "change_summary": {},
                        "lines": [],
                    }
                    for path, (b, h) in pull.files.items()
                ],
                "untracked": [],
                "has_unmerged_base_commits": False,
            },
        )
