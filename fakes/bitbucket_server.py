"""A fake Bitbucket, Cloud (REST 2.0) or Data Center (REST 1.0), on 127.0.0.1.

Written from Atlassian's documentation of the parts the Bitbucket sources use:

- Cloud: ``/2.0/repositories/{ws}/{repo}/...``; lists are ``{"values", "page",
  "pagelen", "size", "next"}``, ``next`` a full URL with ``page``; the pull
  request list filters by ``state`` (repeated), ``q`` (``updated_on >= T AND
  updated_on <= T``, Bitbucket's query language) and sorts by ``sort``
  (``-updated_on``). A ``pagelen`` above a list's cap is ``400 Invalid pagelen``, as
  Cloud answers it rather than clamping (``CLOUD_PAGELEN_CAPS``: 50 on the pull request
  list and a pull request's activity, else the documented global 100). Auth is
  ``Authorization: Bearer <access token>`` or Basic
  ``email:API token``; an unknown one is ``401``; a token without the scope a
  resource needs (``repository``, ``pullrequest``, ``pipeline``) is Cloud's
  ``403`` naming it in ``error.detail.required``. Answers carry ``X-OAuth-Scopes``.
- Data Center: ``{base}/rest/api/1.0/...`` under any context path; lists are
  ``{"values", "size", "limit", "start", "isLastPage", "nextPageStart"}``; the
  pull request list is ``state=ALL&order=NEWEST`` (last update first). Auth is
  ``Authorization: Bearer <HTTP access token>``; a token without repository
  read is ``403`` with an ``AuthorisationException``. Answers carry
  ``X-AUSERNAME``.
- Code Insights, as Atlassian documents it: Cloud's ``PUT /2.0/repositories/{ws}/
  {repo}/commit/{sha}/reports/{id}`` (``title``, ``details`` and ``report_type`` of
  SECURITY, COVERAGE, TEST, BUG required; ``result`` PASSED, FAILED or PENDING; ``data``
  items typed BOOLEAN, DATE, DURATION, LINK, NUMBER, PERCENTAGE or TEXT) and ``POST
  …/annotations`` (an array of at most 100, each with ``external_id``,
  ``annotation_type`` and ``summary``; at most 1000 per report), needing the
  ``repository:write`` scope; Data Center's ``PUT {base}/rest/insights/1.0/projects/
  {P}/repos/{r}/commits/{sha}/reports/{key}`` (``title`` required, at most 450
  characters; ``details`` at most 2000; ``result`` PASS or FAIL; at most 6 ``data``
  items), ``DELETE`` and ``POST …/annotations`` (``{"annotations": [...]}``, each with
  ``message`` and ``severity``; at most 1000 per report), needing repository read.
  What was put is in ``reports`` and ``annotations``, keyed by repository, commit and
  report; a refused one is 400 with the documented error shape.
- Either: a pull request whose source branch was deleted answers ``404`` to its
  diff and commits; a ``429`` with ``Retry-After`` is queued by a test through
  ``server.fail_next``; ``max_page`` caps every page (nested pagination).
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import unquote, urlencode

from data.sources.bitbucket.client import BitbucketClient
from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = [
    "CLOUD_PAGELEN_CAPS",
    "CLOUD_PAGELEN_MAX",
    "FakeBitbucket",
    "FakePR",
    "FakeRepo",
    "cloud_pagelen_cap",
    "iso",
    "millis",
]

Edition = Literal["cloud", "dc"]


def iso(at: datetime) -> str:
    """Cloud's timestamp format: ``2026-01-02T03:04:05.123456+00:00``."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def millis(at: datetime) -> int:
    """Data Center's timestamps: milliseconds since the epoch."""
    return int(at.timestamp() * 1000)


@dataclass(slots=True)
class FakePR:
    """A pull request; ``files`` are ``(path, added, deleted, kind)`` (kind: added, modified,
    removed, renamed); ``approvals`` ``(who, at, is a bot)``; ``commits`` ``(message, name,
    email)``; ``state`` is ``MERGED``, ``OPEN`` or ``DECLINED``."""

    id: int
    updated_at: datetime
    state: str = "MERGED"
    title: str = ""
    description: str = ""
    author: str = "dev"
    author_bot: bool = False
    created_at: datetime | None = None
    merged_at: datetime | None = None
    merged_by: str = "lead"
    files: tuple[tuple[str, int, int, str], ...] = ()
    commits: tuple[tuple[str, str, str], ...] = ()
    approvals: tuple[tuple[str, datetime, bool], ...] = ()
    comments: int = 0
    draft: bool = False
    source_branch: str = "feature"
    branch_deleted: bool = False
    merge_sha: str = "e" * 40
    # The source branch's head: Cloud's answers abbreviate it to 12 hex, as Cloud does.
    head: str = "d" * 40


@dataclass(slots=True)
class FakeRepo:
    """A repository and what is in it."""

    name: str
    prs: dict[int, FakePR] = field(default_factory=dict)
    # CODEOWNERS versions: (sha, committed at, text or None when that commit deleted it)
    codeowners: list[tuple[str, datetime, str | None]] = field(default_factory=list)
    # Cloud's .bitbucket/teams.yaml by commit sha (served at that sha; 404 when absent)
    teams: dict[str, str] = field(default_factory=dict)
    # Cloud: (uuid, name, type) of each environment; deployments as Cloud lists them.
    environments: list[tuple[str, str, str]] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    # (name, sha, at)
    tags: list[tuple[str, str, datetime]] = field(default_factory=list)


class FakeBitbucket(FakeService):
    """Bitbucket over real HTTP: ``edition`` is ``cloud`` or ``dc`` (under ``base_path``)."""

    def __init__(
        self,
        edition: Edition = "cloud",
        *,
        tokens: dict[str, tuple[str, ...]] | None = None,
        emails: dict[str, str] | None = None,
        base_path: str = "",
        max_page: int = 100,
        version: str = "9.4.2",
    ) -> None:
        self.edition = edition
        self.server = FakeServer()
        default = (
            ("repository", "repository:write", "pullrequest", "pipeline")
            if edition == "cloud"
            else ("REPO_READ",)
        )
        self.tokens = dict(tokens or {"tok": default})
        # API tokens sent as Basic: e-mail -> token.
        self.emails = dict(emails or {})
        self.base_path = base_path.rstrip("/")
        self.max_page = max_page
        self.version = version
        self.repos: dict[str, FakeRepo] = {}
        # Cloud: fields of the account a name in the data stands for, over the defaults
        # (nickname the name, account id ``acc-<name>``); ``None`` leaves a field out.
        self.accounts: dict[str, dict[str, Any]] = {}
        # Code Insights: (repository, commit, report key) -> the report / its annotations.
        self.reports: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.annotations: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        self.lock = threading.RLock()
        # Called with each pull request list request: a test changes data between pages.
        self.before_list: Callable[[Request], None] | None = None
        # Called with the pull request before each GET of one: a test pushes in between.
        self.before_pr: Callable[[FakePR], None] | None = None
        if edition == "cloud":
            self._cloud_routes()
        else:
            self._dc_routes()

    # -- lifecycle -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Cloud: the API's address (``/2.0`` below it); DC: the server's web address."""
        return self.server.url + self.base_path

    def client(self, token: str = "tok", **kwargs: Any) -> BitbucketClient:
        """riskbrief's real client pointed at the fake; waits are recorded, not slept."""
        kwargs.setdefault("sleep", lambda _: None)
        return BitbucketClient(self.edition, self.base_url, token, **kwargs)

    def requests_to(self, pattern: str) -> list[Request]:
        """Recorded requests whose path (below the base path) matches ``pattern``."""
        return self.server.requests_to(re.escape(self.base_path) + pattern)

    # -- data ------------------------------------------------------------------------

    def repo(self, name: str) -> FakeRepo:
        """The repository ``workspace/repo`` or ``PROJECT/repo``, made on first use."""
        with self.lock:
            return self.repos.setdefault(name, FakeRepo(name))

    def add_pr(self, repo: str, pr: FakePR) -> FakePR:
        """Add (or replace) a pull request."""
        with self.lock:
            self.repo(repo).prs[pr.id] = pr
            return pr

    # -- plumbing --------------------------------------------------------------------

    def _scopes(self, request: Request) -> tuple[str | None, tuple[str, ...] | None]:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            token = auth[len("Bearer ") :]
            if token in self.emails.values():
                # An Atlassian API token goes with its account's e-mail, as Basic only.
                return None, None
            return token, self.tokens.get(token)
        if auth.startswith("Basic ") and self.edition == "cloud":
            try:
                email, token = base64.b64decode(auth[6:]).decode().split(":", 1)
            except ValueError:
                return None, None
            if self.emails.get(email) == token:
                return token, self.tokens.get(token)
        return None, None

    def _authed(
        self, scope: str, build: Callable[[Request, re.Match[str]], Answer]
    ) -> Callable[[Request, re.Match[str]], Answer]:
        def handler(request: Request, match: re.Match[str]) -> Answer:
            _, scopes = self._scopes(request)
            if scopes is None:
                if self.edition == "cloud":
                    message = "Token is invalid, expired, or not supported for this endpoint."
                    return Answer(401, {"type": "error", "error": {"message": message}})
                return Answer(401, _dc_error("Authentication failed. Please check your token."))
            if scope not in scopes:
                return self._forbidden(scope, scopes)
            with self.lock:
                answer = build(request, match)
            headers = dict(answer.headers)
            if self.edition == "cloud":
                headers["X-OAuth-Scopes"] = ", ".join(scopes)
            else:
                headers["X-AUSERNAME"] = "riskbrief-bot"
            return Answer(answer.status, answer.body, headers, answer.raw)

        return handler

    def _forbidden(self, scope: str, scopes: tuple[str, ...]) -> Answer:
        if self.edition == "cloud":
            return Answer(
                403,
                {
                    "type": "error",
                    "error": {
                        "message": "Your credentials lack one or more required privilege scopes.",
                        "detail": {"granted": list(scopes), "required": [scope]},
                    },
                },
            )
        return Answer(
            403,
            _dc_error(
                "You are not permitted to access this resource",
                "com.atlassian.bitbucket.AuthorisationException",
            ),
        )

    def _repo_of(self, match: re.Match[str]) -> FakeRepo | None:
        return self.repos.get(f"{match['owner']}/{match['repo']}")

    def _page(self, request: Request, items: list[Any]) -> Answer:
        if self.edition == "cloud":
            asked = request.query.get("pagelen", "10")
            cap = cloud_pagelen_cap(request.path)
            if not asked.isdigit() or int(asked) > cap:
                # Cloud refuses a page length above the endpoint's cap; it does not clamp it.
                return Answer(400, {"type": "error", "error": {"message": "Invalid pagelen"}})
            pagelen = min(int(asked), self.max_page)
            page = int(request.query.get("page", "1"))
            chunk = items[(page - 1) * pagelen : page * pagelen]
            body: dict[str, Any] = {
                "size": len(items),
                "page": page,
                "pagelen": pagelen,
                "values": chunk,
            }
            if page * pagelen < len(items):
                query = [(k, v) for k, vs in request.query_lists.items() for v in vs if k != "page"]
                query.append(("page", str(page + 1)))
                body["next"] = f"{self.server.url}{request.path}?{urlencode(query)}"
            return Answer(200, body)
        limit = min(int(request.query.get("limit", "25")), self.max_page)
        start = int(request.query.get("start", "0"))
        chunk = items[start : start + limit]
        last = start + limit >= len(items)
        body = {
            "size": len(chunk),
            "limit": limit,
            "start": start,
            "isLastPage": last,
            "values": chunk,
        }
        if not last:
            body["nextPageStart"] = start + limit
        return Answer(200, body)

    def _list(
        self, items_of: Callable[[Request, FakeRepo, re.Match[str]], list[Any] | None]
    ) -> Callable[[Request, re.Match[str]], Answer]:
        def build(request: Request, match: re.Match[str]) -> Answer:
            repo = self._repo_of(match)
            if repo is None:
                return _not_found(self.edition)
            items = items_of(request, repo, match)
            if items is None:
                return _not_found(self.edition)
            return self._page(request, items)

        return build

    def _pr(self, repo: FakeRepo, match: re.Match[str]) -> FakePR | None:
        return repo.prs.get(int(match["id"]))

    # -- Code Insights (both editions) -----------------------------------------------

    def _insight_key(self, match: re.Match[str]) -> tuple[str, str, str] | None:
        name = f"{match['owner']}/{match['repo']}"
        if name not in self.repos:
            return None
        return (name, match["sha"], match["report"])

    def _bad(self, problem: str) -> Answer:
        if self.edition == "cloud":
            return Answer(400, {"type": "error", "error": {"message": problem}})
        return Answer(400, _dc_error(problem, "com.atlassian.bitbucket.validation.ArgumentError"))

    def _put_report(self, request: Request, match: re.Match[str]) -> Answer:
        key = self._insight_key(match)
        if key is None:
            return _not_found(self.edition)
        body = request.json()
        problem = _report_problem(self.edition, body)
        if problem is not None:
            return self._bad(problem)
        self.reports[key] = body
        if self.edition == "dc":
            # Data Center replaces a report with the same key, its annotations with it.
            self.annotations.pop(key, None)
        return Answer(200, {**body, "key": key[2]})

    def _post_notes(self, request: Request, match: re.Match[str]) -> Answer:
        key = self._insight_key(match)
        if key is None or key not in self.reports:
            return _not_found(self.edition)
        body = request.json()
        if self.edition == "cloud":
            notes = body if isinstance(body, list) else None
            if notes is None or len(notes) > 100:
                return self._bad("the body is an array of at most 100 annotations")
        else:
            notes = body.get("annotations") if isinstance(body, dict) else None
            if not isinstance(notes, list):
                return self._bad("the body needs an annotations array")
        for note in notes:
            problem = _note_problem(self.edition, note)
            if problem is not None:
                return self._bad(problem)
        kept = self.annotations.setdefault(key, [])
        ident = "external_id" if self.edition == "cloud" else "externalId"
        for note in notes:
            # Cloud's bulk upload updates an annotation of the same external id in place.
            kept[:] = [n for n in kept if not note.get(ident) or n.get(ident) != note.get(ident)]
            kept.append(note)
        if len(kept) > _MAX_NOTES:
            return self._bad("a report takes at most 1000 annotations")
        return Answer(200, notes) if self.edition == "cloud" else Answer(204, None)

    def _delete_notes(self, request: Request, match: re.Match[str]) -> Answer:
        key = self._insight_key(match)
        if key is None:
            return _not_found(self.edition)
        self.annotations.pop(key, None)
        return Answer(204, None)

    def set_head(self, repo: str, number: int, head: str) -> None:
        """Push ``head`` to pull request ``number``'s source branch."""
        with self.lock:
            self.repos[repo].prs[number].head = head

    # -- Cloud -----------------------------------------------------------------------

    def _cloud_routes(self) -> None:
        repo = re.escape(self.base_path) + r"/2\.0/repositories/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
        pr = repo + r"/pullrequests/(?P<id>\d+)"
        add = self.server.add
        add("GET", repo, self._authed("repository", self._cloud_repo))
        add("GET", repo + r"/pullrequests", self._authed("pullrequest", self._cloud_prs))
        add("GET", pr, self._authed("pullrequest", self._cloud_pr))
        add("GET", pr + r"/diffstat", self._authed("pullrequest", self._list(self._diffstat)))
        add("GET", pr + r"/commits", self._authed("pullrequest", self._list(self._cloud_commits)))
        add("GET", pr + r"/activity", self._authed("pullrequest", self._list(self._activity)))
        add("GET", repo + r"/commits", self._authed("repository", self._list(self._file_commits)))
        add(
            "GET",
            repo + r"/src/(?P<sha>[0-9a-f]+)/\.bitbucket/CODEOWNERS",
            self._authed("repository", self._raw),
        )
        add(
            "GET",
            repo + r"/src/(?P<sha>[0-9a-f]+)/\.bitbucket/teams\.yaml",
            self._authed("repository", self._teams),
        )
        add("GET", repo + r"/environments/?", self._authed("pipeline", self._list(self._envs)))
        add("GET", repo + r"/environments/(?P<env>[^/]+)/?", self._authed("pipeline", self._env))
        report = repo + r"/commit/(?P<sha>[0-9a-f]{7,64})/reports/(?P<report>[A-Za-z0-9_.\-]+)"
        add("PUT", report, self._authed("repository:write", self._put_report))
        add("POST", report + r"/annotations", self._authed("repository:write", self._post_notes))
        add("GET", repo + r"/deployments/?", self._authed("pipeline", self._list(self._deploys)))
        add("GET", repo + r"/refs/tags", self._authed("repository", self._list(self._cloud_tags)))

    def _user(self, name: str, bot: bool = False) -> dict[str, Any]:
        if self.edition == "dc":
            return {
                "name": name,
                "slug": name,
                "displayName": name.title(),
                "emailAddress": f"{name}@example.com",
                "type": "SERVICE" if bot else "NORMAL",
            }
        default = {
            "type": "app_user" if bot else "user",
            "display_name": name.title(),
            "nickname": name,
            "account_id": f"acc-{name}",
            "uuid": "{" + name + "}",
        }
        # A test's own account for ``name``: another's nickname, no account id, and the like.
        account = {**default, **self.accounts.get(name, {})}
        return {k: v for k, v in account.items() if v is not None}

    def _cloud_repo(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        if repo is None:
            return _not_found("cloud")
        return Answer(200, {"full_name": repo.name, "mainbranch": {"name": "main"}})

    def _cloud_json(self, repo: FakeRepo, pr: FakePR, full: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "pullrequest",
            "id": pr.id,
            "title": pr.title or f"Change {pr.id}",
            "description": pr.description,
            "state": pr.state,
            "author": self._user(pr.author, pr.author_bot),
            "created_on": iso(pr.created_at or pr.updated_at),
            "updated_on": iso(pr.updated_at),
            "comment_count": pr.comments,
            "task_count": 0,
            "source": {
                "branch": {"name": pr.source_branch},
                "commit": {"hash": pr.head[:12]},
            },
            "destination": {"branch": {"name": "main"}, "commit": {"hash": "f" * 12}},
            "merge_commit": {"hash": pr.merge_sha} if pr.state == "MERGED" else None,
            "closed_by": self._user(pr.merged_by) if pr.state != "OPEN" else None,
            "links": {"html": {"href": f"https://bitbucket.org/{repo.name}/pull-requests/{pr.id}"}},
            "draft": pr.draft,
        }
        if full:
            # Only GET of one pull request lists its participants, as Cloud does.
            out["participants"] = [
                {
                    "type": "participant",
                    "user": self._user(who, bot),
                    "role": "REVIEWER",
                    "approved": True,
                    "state": "approved",
                    "participated_on": iso(at),
                }
                for who, at, bot in pr.approvals
            ]
        return out

    def _cloud_prs(self, request: Request, match: re.Match[str]) -> Answer:
        if self.before_list is not None:
            self.before_list(request)
        repo = self._repo_of(match)
        if repo is None:
            return _not_found("cloud")
        states = set(request.query_lists.get("state", ["OPEN"]))
        prs = [p for p in repo.prs.values() if p.state in states]
        for op, value in re.findall(
            r"updated_on\s*(>=|<=|>|<)\s*(\S+)", request.query.get("q", "")
        ):
            at = datetime.fromisoformat(value)
            tests = {
                ">=": lambda p, at=at: p.updated_at >= at,
                "<=": lambda p, at=at: p.updated_at <= at,
                ">": lambda p, at=at: p.updated_at > at,
                "<": lambda p, at=at: p.updated_at < at,
            }
            prs = [p for p in prs if tests[op](p)]
        descending = request.query.get("sort", "-updated_on").startswith("-")
        prs.sort(key=lambda p: (p.updated_at, p.id), reverse=descending)
        return self._page(request, [self._cloud_json(repo, p, False) for p in prs])

    def _cloud_pr(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        pr = self._pr(repo, match) if repo is not None else None
        if repo is None or pr is None:
            return _not_found("cloud")
        if self.before_pr is not None:
            self.before_pr(pr)
        return Answer(200, self._cloud_json(repo, pr, True))

    def _diffstat(self, request: Request, repo: FakeRepo, m: re.Match[str]) -> Any:
        pr = self._pr(repo, m)
        if pr is None or pr.branch_deleted:
            return None
        return [
            {
                "type": "diffstat",
                "status": kind,
                "lines_added": added,
                "lines_removed": deleted,
                "old": None if kind == "added" else {"path": path},
                "new": None if kind == "removed" else {"path": path},
            }
            for path, added, deleted, kind in pr.files
        ]

    def _cloud_commits(self, request: Request, repo: FakeRepo, m: re.Match[str]) -> Any:
        pr = self._pr(repo, m)
        if pr is None or pr.branch_deleted:
            return None
        return [
            {
                "hash": f"{pr.id:08x}{i:032x}",
                "message": message,
                "author": {"raw": f"{name} <{email}>"},
                "date": iso(pr.updated_at),
            }
            for i, (message, name, email) in enumerate(pr.commits)
        ]

    def _activity(self, request: Request, repo: FakeRepo, m: re.Match[str]) -> Any:
        pr = self._pr(repo, m)
        if pr is None:
            return None
        out: list[dict[str, Any]] = [
            {"approval": {"date": iso(at), "user": self._user(who, bot)}}
            for who, at, bot in pr.approvals
        ]
        if pr.state == "MERGED":
            out.append(
                {
                    "update": {
                        "state": "MERGED",
                        "date": iso(pr.merged_at or pr.updated_at),
                        "author": self._user(pr.merged_by),
                    }
                }
            )
        return out

    def _file_commits(self, request: Request, repo: FakeRepo, _: re.Match[str]) -> Any:
        if request.query.get("path") != ".bitbucket/CODEOWNERS":
            return []
        versions = sorted(repo.codeowners, key=lambda v: v[1], reverse=True)
        if self.edition == "cloud":
            return [{"hash": sha, "date": iso(at)} for sha, at, _ in versions]
        return [{"id": sha, "committerTimestamp": millis(at)} for sha, at, _ in versions]

    def _raw(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        sha = match["sha"] if self.edition == "cloud" else request.query.get("at", "")
        found = next((v for v in repo.codeowners if v[0] == sha), None) if repo else None
        if found is None or found[2] is None:
            return _not_found(self.edition)
        return Answer(200, raw=found[2].encode(), headers={"Content-Type": "text/plain"})

    def _teams(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        text = repo.teams.get(match["sha"]) if repo else None
        if text is None:
            return _not_found(self.edition)
        return Answer(200, raw=text.encode(), headers={"Content-Type": "text/plain"})

    def _envs(self, request: Request, repo: FakeRepo, _: re.Match[str]) -> Any:
        return [_environment(uuid, name, kind) for uuid, name, kind in repo.environments]

    def _env(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        wanted = unquote(match["env"]).strip("{}").lower()
        for uuid, name, kind in repo.environments if repo else ():
            if uuid.strip("{}").lower() == wanted:
                return Answer(200, _environment(uuid, name, kind))
        return _not_found("cloud")

    def _deploys(self, request: Request, repo: FakeRepo, _: re.Match[str]) -> Any:
        return list(reversed(repo.deployments))

    def _cloud_tags(self, request: Request, repo: FakeRepo, _: re.Match[str]) -> Any:
        tags = sorted(repo.tags, key=lambda t: t[2], reverse=True)
        return [{"name": n, "target": {"hash": sha, "date": iso(at)}} for n, sha, at in tags]

    def add_deployment(
        self,
        repo: str,
        uuid: str,
        env_uuid: str,
        status: str,
        finished: datetime,
        sha: str,
        *,
        state: str = "COMPLETED",
    ) -> None:
        """A Pipelines deployment as ``/deployments/`` lists it, in the shape of Atlassian's
        schema: its environment by UUID alone; ``state`` COMPLETED (with ``status``
        SUCCESSFUL, FAILED or STOPPED, ``start_date`` and ``completion_date``), IN_PROGRESS
        or UNDEPLOYED; the release's commit."""
        started = finished - timedelta(minutes=3)
        body: dict[str, Any] = {"type": f"deployment_state_{state.lower()}", "name": state}
        if state == "COMPLETED":
            body |= {
                "status": {
                    "type": f"deployment_state_completed_status_{status.lower()}",
                    "name": status,
                },
                "start_date": iso(started),
                "completion_date": iso(finished),
                "url": f"https://bitbucket.org/{repo}/pipelines/results/1",
            }
        elif state == "IN_PROGRESS":
            body["start_date"] = iso(started)
        commit = {"type": "commit", "hash": sha}
        with self.lock:
            self.repo(repo).deployments.append(
                {
                    "type": "deployment",
                    "uuid": uuid,
                    "environment": {"type": "deployment_environment", "uuid": env_uuid},
                    "state": body,
                    "release": {
                        "type": "deployment_release",
                        "uuid": "{" + f"release-{uuid.strip('{}')}" + "}",
                        "name": "#1",
                        "commit": commit,
                        "created_on": iso(started),
                    },
                    "deployable": {"type": "deployment_deployable", "commit": commit},
                }
            )

    # -- Data Center -----------------------------------------------------------------

    def _dc_routes(self) -> None:
        api = re.escape(self.base_path) + r"/rest/api/1\.0"
        repo = api + r"/projects/(?P<owner>[^/]+)/repos/(?P<repo>[^/]+)"
        pr = repo + r"/pull-requests/(?P<id>\d+)"
        add = self.server.add
        add("GET", api + r"/application-properties", self._app_properties)
        add("GET", repo, self._authed("REPO_READ", self._dc_repo))
        add("GET", repo + r"/pull-requests", self._authed("REPO_READ", self._dc_prs))
        add("GET", pr, self._authed("REPO_READ", self._dc_pr))
        add("GET", pr + r"/changes", self._authed("REPO_READ", self._list(self._changes)))
        add("GET", pr + r"/diff", self._authed("REPO_READ", self._diff))
        add("GET", pr + r"/commits", self._authed("REPO_READ", self._list(self._dc_commits)))
        add("GET", pr + r"/activities", self._authed("REPO_READ", self._list(self._activities)))
        add("GET", repo + r"/commits", self._authed("REPO_READ", self._list(self._file_commits)))
        add("GET", repo + r"/commits/(?P<sha>[0-9a-f]+)", self._authed("REPO_READ", self._commit))
        add("GET", repo + r"/raw/\.bitbucket/CODEOWNERS", self._authed("REPO_READ", self._raw))
        add("GET", repo + r"/tags", self._authed("REPO_READ", self._list(self._dc_tags)))
        insights = re.escape(self.base_path) + r"/rest/insights/1\.0"
        report = (
            insights + r"/projects/(?P<owner>[^/]+)/repos/(?P<repo>[^/]+)"
            r"/commits/(?P<sha>[0-9a-f]{7,64})/reports/(?P<report>[A-Za-z0-9_.\-]+)"
        )
        add("PUT", report, self._authed("REPO_READ", self._put_report))
        add("POST", report + r"/annotations", self._authed("REPO_READ", self._post_notes))
        add("DELETE", report + r"/annotations", self._authed("REPO_READ", self._delete_notes))

    def _app_properties(self, request: Request, match: re.Match[str]) -> Answer:
        token, scopes = self._scopes(request)
        if request.headers.get("authorization") and scopes is None:
            return Answer(401, _dc_error("Authentication failed. Please check your token."))
        body = {"version": self.version, "buildNumber": "9004002", "displayName": "Bitbucket"}
        headers = {"X-AUSERNAME": "riskbrief-bot"} if token else {}
        return Answer(200, body, headers)

    def _dc_repo(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        if repo is None:
            return _not_found("dc")
        return Answer(200, {"slug": match["repo"], "project": {"key": match["owner"]}})

    def _dc_json(self, repo: FakeRepo, pr: FakePR) -> dict[str, Any]:
        project, slug = repo.name.split("/", 1)
        return {
            "id": pr.id,
            "version": 1,
            "title": pr.title or f"Change {pr.id}",
            "description": pr.description,
            "state": pr.state,
            "open": pr.state == "OPEN",
            "closed": pr.state != "OPEN",
            "draft": pr.draft,
            "createdDate": millis(pr.created_at or pr.updated_at),
            "updatedDate": millis(pr.updated_at),
            **({"closedDate": millis(pr.merged_at or pr.updated_at)} if pr.state != "OPEN" else {}),
            "fromRef": {
                "id": f"refs/heads/{pr.source_branch}",
                "displayId": pr.source_branch,
                "latestCommit": pr.head,
            },
            "toRef": {"id": "refs/heads/main", "displayId": "main", "latestCommit": "f" * 40},
            "author": {"user": self._user(pr.author, pr.author_bot), "role": "AUTHOR"},
            "reviewers": [
                {
                    "user": self._user(who, bot),
                    "role": "REVIEWER",
                    "approved": True,
                    "status": "APPROVED",
                }
                for who, _, bot in pr.approvals
            ],
            "participants": [],
            "properties": {
                "commentCount": pr.comments,
                **({"mergeCommit": {"id": pr.merge_sha}} if pr.state == "MERGED" else {}),
            },
            "links": {
                "self": [
                    {
                        "href": f"{self.base_url}/projects/{project}/repos/{slug}"
                        f"/pull-requests/{pr.id}"
                    }
                ]
            },
        }

    def _dc_pr(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        pr = self._pr(repo, match) if repo is not None else None
        if repo is None or pr is None:
            return _not_found("dc")
        if self.before_pr is not None:
            self.before_pr(pr)
        return Answer(200, self._dc_json(repo, pr))

    def _dc_prs(self, request: Request, match: re.Match[str]) -> Answer:
        if self.before_list is not None:
            self.before_list(request)
        repo = self._repo_of(match)
        if repo is None:
            return _not_found("dc")
        state = request.query.get("state", "OPEN")
        prs = [p for p in repo.prs.values() if state == "ALL" or p.state == state]
        newest = request.query.get("order", "NEWEST") == "NEWEST"
        prs.sort(key=lambda p: (p.updated_at, p.id), reverse=newest)
        return self._page(request, [self._dc_json(repo, p) for p in prs])

    def _changes(self, request: Request, repo: FakeRepo, m: re.Match[str]) -> Any:
        pr = self._pr(repo, m)
        if pr is None or pr.branch_deleted:
            return None
        kinds = {"added": "ADD", "removed": "DELETE", "modified": "MODIFY", "renamed": "MOVE"}
        return [
            {"path": {"toString": path}, "type": kinds.get(kind, "MODIFY")}
            for path, _, _, kind in pr.files
        ]

    def _diff(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        pr = self._pr(repo, match) if repo is not None else None
        if pr is None or pr.branch_deleted:
            return _not_found("dc")
        diffs = []
        for path, added, deleted, kind in pr.files:
            segments = []
            if deleted:
                segments.append({"type": "REMOVED", "lines": [{"line": "x"}] * deleted})
            if added:
                segments.append({"type": "ADDED", "lines": [{"line": "y"}] * added})
            diffs.append(
                {
                    "source": None if kind == "added" else {"toString": path},
                    "destination": None if kind == "removed" else {"toString": path},
                    "hunks": [{"segments": segments}],
                }
            )
        return Answer(200, {"fromHash": "a", "toHash": "b", "contextLines": 0, "diffs": diffs})

    def _dc_commits(self, request: Request, repo: FakeRepo, m: re.Match[str]) -> Any:
        pr = self._pr(repo, m)
        if pr is None or pr.branch_deleted:
            return None
        return [
            {
                "id": f"{pr.id:08x}{i:032x}",
                "message": message,
                "author": {"name": name, "emailAddress": email},
                "authorTimestamp": millis(pr.updated_at),
            }
            for i, (message, name, email) in enumerate(pr.commits)
        ]

    def _activities(self, request: Request, repo: FakeRepo, m: re.Match[str]) -> Any:
        pr = self._pr(repo, m)
        if pr is None:
            return None
        out: list[dict[str, Any]] = [
            {"id": i, "createdDate": millis(at), "user": self._user(who, bot), "action": "APPROVED"}
            for i, (who, at, bot) in enumerate(pr.approvals)
        ]
        if pr.state == "MERGED":
            at = pr.merged_at or pr.updated_at
            out.append(
                {
                    "id": 999,
                    "createdDate": millis(at),
                    "user": self._user(pr.merged_by),
                    "action": "MERGED",
                }
            )
        # Newest first, as Data Center lists activities.
        return sorted(out, key=lambda a: a["createdDate"], reverse=True)

    def _commit(self, request: Request, match: re.Match[str]) -> Answer:
        repo = self._repo_of(match)
        for _, sha, at in repo.tags if repo else ():
            if sha == match["sha"]:
                return Answer(200, {"id": sha, "committerTimestamp": millis(at)})
        return _not_found("dc")

    def _dc_tags(self, request: Request, repo: FakeRepo, _: re.Match[str]) -> Any:
        tags = sorted(repo.tags, key=lambda t: t[2], reverse=True)
        return [{"id": f"refs/tags/{n}", "displayId": n, "latestCommit": sha} for n, sha, _ in tags]


# Cloud's page-length caps. Atlassian documents 100 as the global maximum, "individual
# APIs may enforce different values", and does not list them; the pull request list and a
# pull request's activity answer ``400 Invalid pagelen`` above 50 (Bitbucket's issues
# site/master#9659 and BCLOUD-13229, and clients that met it). Every other list takes the
# global 100.
CLOUD_PAGELEN_CAPS: tuple[tuple[str, int], ...] = (
    (r".*/pullrequests/?", 50),
    (r".*/pullrequests/\d+/activity/?", 50),
)
CLOUD_PAGELEN_MAX = 100


def cloud_pagelen_cap(path: str) -> int:
    """The largest ``pagelen`` Cloud takes on ``path`` (a list's path below ``/2.0``)."""
    for pattern, cap in CLOUD_PAGELEN_CAPS:
        if re.fullmatch(pattern, path):
            return cap
    return CLOUD_PAGELEN_MAX


_CLOUD_REPORT_TYPES = frozenset({"SECURITY", "COVERAGE", "TEST", "BUG"})
_DATA_TYPES = frozenset({"BOOLEAN", "DATE", "DURATION", "LINK", "NUMBER", "PERCENTAGE", "TEXT"})
_RESULTS = {"cloud": frozenset({"PASSED", "FAILED", "PENDING"}), "dc": frozenset({"PASS", "FAIL"})}
_SEVERITIES = {
    "cloud": frozenset({"LOW", "MEDIUM", "HIGH", "CRITICAL"}),
    "dc": frozenset({"LOW", "MEDIUM", "HIGH"}),
}
_NOTE_TYPES = frozenset({"VULNERABILITY", "CODE_SMELL", "BUG"})
_MAX_NOTES = 1000


def _report_problem(edition: Edition, body: Any) -> str | None:
    """What is wrong with a report's body, as documented, or ``None``."""
    if not isinstance(body, dict):
        return "the body is not a report object"
    title = body.get("title")
    if not isinstance(title, str) or not title or len(title) > 450:
        return "title is required and at most 450 characters"
    details = body.get("details")
    if edition == "cloud":
        if not isinstance(details, str):
            return "details is required"
        if body.get("report_type") not in _CLOUD_REPORT_TYPES:
            return "report_type must be one of SECURITY, COVERAGE, TEST, BUG"
    if details is not None and (not isinstance(details, str) or len(details) > 2000):
        return "details is at most 2000 characters"
    if "result" in body and body["result"] not in _RESULTS[edition]:
        return f"result must be one of {', '.join(sorted(_RESULTS[edition]))}"
    data = body.get("data", [])
    if not isinstance(data, list) or (edition == "dc" and len(data) > 6):
        return "data is a list of at most 6 items"
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            return "each data item needs a title"
        if "type" in item and item["type"] not in _DATA_TYPES:
            return "a data item's type is not one of the documented types"
        if item.get("type") == "NUMBER" and not isinstance(item.get("value"), int | float):
            return "a NUMBER data item's value must be a number"
        if item.get("type") == "TEXT" and not isinstance(item.get("value"), str):
            return "a TEXT data item's value must be text"
    return None


def _note_problem(edition: Edition, note: Any) -> str | None:
    if not isinstance(note, dict):
        return "an annotation is not an object"
    if edition == "cloud":
        if not isinstance(note.get("external_id"), str) or not note["external_id"]:
            return "each annotation needs an external_id"
        if note.get("annotation_type") not in _NOTE_TYPES:
            return "annotation_type must be one of VULNERABILITY, CODE_SMELL, BUG"
        if not isinstance(note.get("summary"), str) or not note["summary"]:
            return "each annotation needs a summary"
    else:
        message = note.get("message")
        if not isinstance(message, str) or not message or len(message) > 2000:
            return "each annotation needs a message of at most 2000 characters"
        if "type" in note and note["type"] not in _NOTE_TYPES:
            return "type must be one of VULNERABILITY, CODE_SMELL, BUG"
    if note.get("severity") not in _SEVERITIES[edition]:
        return "severity is not one of the documented severities"
    return None


def _environment(uuid: str, name: str, kind: str) -> dict[str, Any]:
    """A Pipelines environment as Cloud answers it: its UUID, name and type."""
    return {
        "type": "deployment_environment",
        "uuid": uuid,
        "name": name,
        "slug": name.lower(),
        "environment_type": {"type": "deployment_environment_type", "name": kind},
    }


def _dc_error(
    message: str, exception: str = "com.atlassian.bitbucket.AuthenticationException"
) -> Any:
    return {"errors": [{"context": None, "message": message, "exceptionName": exception}]}


def _not_found(edition: Edition) -> Answer:
    if edition == "cloud":
        return Answer(404, {"type": "error", "error": {"message": "Resource not found"}})
    return Answer(404, _dc_error("Not found", "com.atlassian.bitbucket.NoSuchEntityException"))
