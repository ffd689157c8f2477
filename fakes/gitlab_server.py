"""A fake GitLab (REST ``/api/v4`` and ``/api/graphql``) on 127.0.0.1, under any base path.

It speaks the parts of GitLab's documented protocol the GitLab source relies on:

- ``PRIVATE-TOKEN`` is checked: an unknown token gets ``401 {"message": "401
  Unauthorized"}``; a token without ``read_api`` or ``api`` gets GitLab's
  ``403 {"error": "insufficient_scope", ...}`` with its ``WWW-Authenticate``
  header, except on ``/personal_access_tokens/self``, which the fake lets any
  known token read (an assumption: the doctor reads both answers alike);
- projects are addressed by their URL-encoded full path (``group%2Fsub%2Fproject``,
  any depth of subgroups) or numeric id;
- lists are paged by offset with ``page``/``per_page``, a ``Link: rel="next"``
  header and ``X-Next-Page``/``X-Page``/``X-Per-Page``; ``updated_after`` is
  inclusive and ``order_by=updated_at&sort=asc`` orders by update then id;
- ``GET /projects`` also pages by keyset, as GitLab documents for it:
  ``pagination=keyset&order_by=id`` answers a ``Link: rel="next"`` whose URL
  carries the cursor (``id_after``, or ``id_before`` when ``sort=desc``) and no
  page headers; another ``order_by`` is GitLab's ``405``. (None of the lists
  the GitLab source reads offers keyset; this is where the client's following
  of a keyset link is tested.);
- every answer carries ``RateLimit-Limit``/``-Remaining``/``-Reset``; a test
  queues a ``429`` with ``Retry-After`` through ``server.fail_next``;
- the REST approvals API can be made Premium-only (``403``), and GraphQL's
  ``approvedBy`` unavailable (an ``errors`` answer, as an older GitLab gives);
- ``GET /projects/:id/merge_requests/:iid`` answers one merge request with its head
  ``sha``; ``POST /projects/:id/statuses/:sha`` records a commit status (``statuses``)
  and needs the ``api`` scope (``read_api`` gets ``403 insufficient_scope``); GitLab
  keeps one status per name and commit, and refuses a post in the state it already
  has with ``400 Cannot transition status via :<event> from :<state>``.

Tests add data with ``project``, ``add_mr``, ``commit_file``, ``add_deployment``,
``add_pipeline``, ``add_tag`` and ``add_issue``.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from data.sources.gitlab.client import GitLabClient
from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeCommit", "FakeGitLab", "FakeMR", "FakeProject", "ts"]

_SCOPED = frozenset({"read_api", "api"})


def ts(at: datetime) -> str:
    """GitLab's timestamp format: ``2026-01-02T03:04:05.000Z``."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class FakeCommit:
    """A commit of a merge request."""

    message: str
    author_name: str = "Dev"
    author_email: str = "dev@example.com"


@dataclass(slots=True)
class FakeMR:
    """A merge request; ``files`` are ``(path, added, deleted, kind)`` (kind: ``new``, …)."""

    iid: int
    updated_at: datetime
    state: str = "merged"
    title: str = ""
    description: str = ""
    author: str = "dev"
    author_bot: bool = False
    merged_by: str | None = "lead"
    created_at: datetime | None = None
    merged_at: datetime | None = None
    labels: tuple[str, ...] = ()
    files: tuple[tuple[str, int, int, str], ...] = ()
    commits: tuple[FakeCommit, ...] = ()
    # (username, approved at, is a bot)
    approvals: tuple[tuple[str, datetime, bool], ...] = ()
    user_notes_count: int = 0
    source_branch: str = "feature"
    target_branch: str = "main"
    draft: bool = False
    merge_commit_sha: str | None = None
    id: int = 0
    # The head commit of the source branch, as GitLab's ``sha``.
    sha: str = "d" * 40


@dataclass(slots=True)
class FakeProject:
    """A project and everything in it."""

    id: int
    path: str
    mrs: dict[int, FakeMR] = field(default_factory=dict)
    # location -> [(sha, committed at, text or None when that commit deleted it)]
    files: dict[str, list[tuple[str, datetime, str | None]]] = field(default_factory=dict)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    pipelines: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    severities: dict[int, str] = field(default_factory=dict)


class FakeGitLab(FakeService):
    """GitLab over real HTTP; ``base_path`` is a self-managed GitLab's path (``/gitlab``)."""

    def __init__(
        self,
        *,
        tokens: dict[str, tuple[str, ...]] | None = None,
        base_path: str = "",
        premium_approvals: bool = True,
        graphql_approvals: bool = True,
        version: str = "17.5.1-ee",
    ) -> None:
        self.server = FakeServer()
        self.tokens = dict(tokens or {"glpat-test": ("read_api",)})
        self.base_path = base_path.rstrip("/")
        self.premium_approvals = premium_approvals
        self.graphql_approvals = graphql_approvals
        self.version = version
        # True: ``/personal_access_tokens/self`` needs read_api like every other request.
        self.self_needs_read_api = False
        self.projects: dict[str, FakeProject] = {}
        self.lock = threading.RLock()
        self.ratelimit_limit = 2000
        self.ratelimit_remaining = 2000
        self.reset_at = 1_900_000_000
        self._ids = itertools.count(1000)
        # Called with each list request before it is answered: a test changes data between pages.
        self.before_list: Callable[[Request], None] | None = None
        # Called with each read of one merge request before it is answered: a test pushes.
        self.before_mr: Callable[[FakeMR], None] | None = None
        # Commit statuses posted, in order: each the request's JSON with ``sha``/``project``.
        self.statuses: list[dict[str, Any]] = []
        api = re.escape(self.base_path) + "/api/v4"
        project = api + r"/projects/(?P<project>[^/]+)"
        mr = project + r"/merge_requests/(?P<iid>\d+)"
        add = self.server.add
        add("GET", api + r"/version", self._authed(self._version))
        add("GET", api + r"/personal_access_tokens/self", self._token_self)
        add("GET", project, self._authed(self._project))
        add("GET", api + r"/projects", self._authed(self._projects))
        add(
            "GET",
            project + r"/merge_requests",
            self._authed(self._list(self._mrs, self._render_mr)),
        )
        add("GET", mr, self._authed(self._one_mr))
        add(
            "POST",
            project + r"/statuses/(?P<sha>[0-9a-f]+)",
            self._authed(self._post_status, write=True),
        )
        add("GET", mr + r"/diffs", self._authed(self._list(self._diffs)))
        add("GET", mr + r"/commits", self._authed(self._list(self._commits)))
        add("GET", mr + r"/notes", self._authed(self._list(self._notes)))
        add("GET", mr + r"/approvals", self._authed(self._approvals))
        add("GET", project + r"/repository/commits", self._authed(self._list(self._file_commits)))
        add("GET", project + r"/repository/files/(?P<file>[^/]+)/raw", self._authed(self._raw))
        add(
            "GET", project + r"/deployments", self._authed(self._list(self._updated("deployments")))
        )
        add("GET", project + r"/pipelines", self._authed(self._list(self._updated("pipelines"))))
        add("GET", project + r"/issues", self._authed(self._list(self._issues)))
        add("GET", project + r"/repository/tags", self._authed(self._list(self._tags)))
        add("POST", re.escape(self.base_path) + r"/api/graphql", self._authed(self._graphql))

    # -- lifecycle -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """GitLab's web address: ``http://127.0.0.1:<port>`` plus the base path."""
        return self.server.url + self.base_path

    def client(self, token: str = "glpat-test", **kwargs: Any) -> GitLabClient:
        """riskbrief's real client pointed at the fake; waits are recorded, not slept."""
        kwargs.setdefault("sleep", lambda _: None)
        return GitLabClient(self.base_url, token, **kwargs)

    def requests_to(self, pattern: str) -> list[Request]:
        """Recorded requests whose path (below the base path) matches ``pattern``."""
        return self.server.requests_to(re.escape(self.base_path) + pattern)

    # -- data ------------------------------------------------------------------------

    def project(self, path: str) -> FakeProject:
        """The project at ``path``, made on first use."""
        with self.lock:
            if path not in self.projects:
                self.projects[path] = FakeProject(next(self._ids), path)
            return self.projects[path]

    def add_mr(self, path: str, mr: FakeMR) -> FakeMR:
        """Add (or replace) a merge request of the project at ``path``."""
        with self.lock:
            project = self.project(path)
            old = project.mrs.get(mr.iid)
            mr.id = old.id if old is not None else next(self._ids)
            project.mrs[mr.iid] = mr
            return mr

    def commit_file(
        self, path: str, location: str, sha: str, at: datetime, text: str | None
    ) -> None:
        """A commit that wrote ``text`` at ``location`` (``None``: deleted it)."""
        with self.lock:
            self.project(path).files.setdefault(location, []).append((sha, at, text))

    def add_deployment(
        self,
        path: str,
        ident: int,
        environment: str,
        status: str,
        updated_at: datetime,
        *,
        sha: str = "a" * 40,
        finished_at: datetime | None = None,
        job: str = "deploy",
        job_status: str | None = None,
        allow_failure: bool = False,
    ) -> None:
        """A deployment as ``GET /projects/:id/deployments`` lists it; its ``deployable`` is
        the job that made it (``job``, in ``job_status``, else the deployment's status), with
        the job's ``allow_failure`` as the Jobs API gives it."""
        with self.lock:
            items = self.project(path).deployments
            items[:] = [d for d in items if d["id"] != ident]
            items.append(
                {
                    "id": ident,
                    "iid": ident,
                    "ref": "main",
                    "sha": sha,
                    "status": status,
                    "created_at": ts(updated_at),
                    "updated_at": ts(updated_at),
                    "environment": {"id": 1, "name": environment},
                    "deployable": {
                        "id": ident * 10,
                        "name": job,
                        "stage": "deploy",
                        "status": job_status or status,
                        "allow_failure": allow_failure,
                        "finished_at": ts(finished_at) if finished_at else None,
                    },
                }
            )

    def add_pipeline(
        self, path: str, ident: int, ref: str, status: str, updated_at: datetime
    ) -> None:
        """A pipeline as ``GET /projects/:id/pipelines`` lists it."""
        with self.lock:
            self.project(path).pipelines.append(
                {
                    "id": ident,
                    "iid": ident,
                    "sha": "b" * 40,
                    "ref": ref,
                    "status": status,
                    "source": "push",
                    "created_at": ts(updated_at),
                    "updated_at": ts(updated_at),
                }
            )

    def add_tag(self, path: str, name: str, at: datetime, sha: str = "c" * 40) -> None:
        """An annotated tag."""
        with self.lock:
            self.project(path).tags.append(
                {
                    "name": name,
                    "message": "",
                    "target": sha,
                    "created_at": ts(at),
                    "commit": {"id": sha, "committed_date": ts(at)},
                }
            )

    def add_issue(
        self,
        path: str,
        iid: int,
        opened_at: datetime,
        *,
        title: str = "",
        closed_at: datetime | None = None,
        labels: tuple[str, ...] = (),
        incident: bool = True,
        severity: str = "UNKNOWN",
        updated_at: datetime | None = None,
    ) -> None:
        """An issue; an incident unless ``incident`` is false. ``severity`` is GraphQL's."""
        with self.lock:
            project = self.project(path)
            project.issues.append(
                {
                    "id": next(self._ids),
                    "iid": iid,
                    "title": title,
                    "state": "closed" if closed_at else "opened",
                    "created_at": ts(opened_at),
                    "closed_at": ts(closed_at) if closed_at else None,
                    "updated_at": ts(updated_at or closed_at or opened_at),
                    "labels": list(labels),
                    "issue_type": "incident" if incident else "issue",
                }
            )
            project.severities[iid] = severity

    # -- plumbing --------------------------------------------------------------------

    def _limit_headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.ratelimit_limit),
            "RateLimit-Remaining": str(max(self.ratelimit_remaining, 0)),
            "RateLimit-Reset": str(self.reset_at),
        }

    def _authed(
        self, build: Callable[[Request, re.Match[str]], Answer], *, write: bool = False
    ) -> Callable[[Request, re.Match[str]], Answer]:
        # ``write``: GitLab asks for ``api`` (``read_api`` reads only).
        needed = frozenset({"api"}) if write else _SCOPED

        def handler(request: Request, match: re.Match[str]) -> Answer:
            token = request.headers.get("private-token", "")
            scopes = self.tokens.get(token)
            if scopes is None:
                return Answer(401, {"message": "401 Unauthorized"})
            if not needed & set(scopes):
                return Answer(
                    403,
                    {
                        "error": "insufficient_scope",
                        "error_description": "The request requires higher privileges than "
                        "provided by the access token.",
                        "scope": "api read_api",
                    },
                    {
                        "WWW-Authenticate": 'Bearer realm="", error="insufficient_scope", '
                        'error_description="The request requires higher privileges than '
                        'provided by the access token.", scope="api read_api"'
                    },
                )
            with self.lock:
                self.ratelimit_remaining -= 1
                answer = build(request, match)
                headers = {**self._limit_headers(), **answer.headers}
            return Answer(answer.status, answer.body, headers, answer.raw)

        return handler

    def _project_of(self, match: re.Match[str]) -> FakeProject | None:
        key = unquote(match["project"])
        with self.lock:
            if key.isdigit():
                return next((p for p in self.projects.values() if p.id == int(key)), None)
            return self.projects.get(key)

    def _list(
        self,
        items_of: Callable[[Request, FakeProject | None, re.Match[str]], list[Any] | None],
        render: Callable[[FakeProject | None, Any], Any] | None = None,
    ) -> Callable[[Request, re.Match[str]], Answer]:
        def build(request: Request, match: re.Match[str]) -> Answer:
            if self.before_list is not None:
                self.before_list(request)
            project = self._project_of(match) if "project" in match.groupdict() else None
            if "project" in match.groupdict() and project is None:
                return Answer(404, {"message": "404 Project Not Found"})
            items = items_of(request, project, match)
            if items is None:
                return Answer(404, {"message": "404 Not found"})
            per_page = min(int(request.query.get("per_page", "20")), 100)
            page = int(request.query.get("page", "1"))
            chunk = items[(page - 1) * per_page : page * per_page]
            if render is not None:
                # Only the page asked for is rendered: a list of 10,000 MRs stays cheap.
                chunk = [render(project, item) for item in chunk]
            headers = {"X-Page": str(page), "X-Per-Page": str(per_page)}
            if page * per_page < len(items):
                query = urlencode({**request.query, "page": str(page + 1)})
                next_url = f"{self.server.url}{request.path}?{query}"
                headers["Link"] = f'<{next_url}>; rel="next"'
                headers["X-Next-Page"] = str(page + 1)
            return Answer(200, chunk, headers)

        return build

    # -- REST ------------------------------------------------------------------------

    def _version(self, request: Request, match: re.Match[str]) -> Answer:
        return Answer(200, {"version": self.version, "revision": "0123abcd"})

    def _token_self(self, request: Request, match: re.Match[str]) -> Answer:
        if self.self_needs_read_api:
            return self._authed(self._token_info)(request, match)
        return self._token_info(request, match)

    def _token_info(self, request: Request, match: re.Match[str]) -> Answer:
        token = request.headers.get("private-token", "")
        scopes = self.tokens.get(token)
        if scopes is None:
            return Answer(401, {"message": "401 Unauthorized"})
        return Answer(
            200,
            {
                "id": 42,
                "name": "riskbrief",
                "revoked": False,
                "created_at": "2026-01-01T00:00:00.000Z",
                "scopes": list(scopes),
                "user_id": 7,
                "active": True,
                "expires_at": "2027-01-01",
            },
        )

    def _project(self, request: Request, match: re.Match[str]) -> Answer:
        project = self._project_of(match)
        if project is None:
            return Answer(404, {"message": "404 Project Not Found"})
        return Answer(
            200,
            {
                "id": project.id,
                "path_with_namespace": project.path,
                "web_url": f"{self.base_url}/{project.path}",
                "default_branch": "main",
            },
        )

    def _projects(self, request: Request, match: re.Match[str]) -> Answer:
        """``GET /projects``: by offset, or by keyset on ``order_by=id`` as GitLab pages it."""
        with self.lock:
            rows: list[dict[str, Any]] = [
                {"id": p.id, "path_with_namespace": p.path} for p in self.projects.values()
            ]
        q = request.query
        descending = q.get("sort", "desc") == "desc"
        rows.sort(key=lambda r: r["id"], reverse=descending)
        if q.get("pagination") != "keyset":
            return self._list(lambda *_: rows)(request, match)
        if q.get("order_by", "id") != "id":
            return Answer(
                405, {"error": "Keyset pagination is not yet available for this type of request"}
            )
        if "id_after" in q:
            rows = [r for r in rows if r["id"] > int(q["id_after"])]
        if "id_before" in q:
            rows = [r for r in rows if r["id"] < int(q["id_before"])]
        per_page = min(int(q.get("per_page", "20")), 100)
        chunk = rows[:per_page]
        headers: dict[str, str] = {}
        if len(rows) > per_page:
            cursor = "id_before" if descending else "id_after"
            rest = {k: v for k, v in q.items() if k not in ("id_after", "id_before")}
            query = urlencode({**rest, cursor: str(chunk[-1]["id"])})
            headers["Link"] = f'<{self.server.url}{request.path}?{query}>; rel="next"'
        return Answer(200, chunk, headers)

    def _mr_json(self, project: FakeProject, mr: FakeMR) -> dict[str, Any]:
        merger = {"id": 2, "username": mr.merged_by, "name": mr.merged_by} if mr.merged_by else None
        return {
            "id": mr.id,
            "iid": mr.iid,
            "project_id": project.id,
            "title": mr.title or f"Change {mr.iid}",
            "description": mr.description,
            "state": mr.state,
            "created_at": ts(mr.created_at or mr.updated_at),
            "updated_at": ts(mr.updated_at),
            "merged_at": ts(mr.merged_at or mr.updated_at) if mr.state == "merged" else None,
            "merge_user": merger if mr.state == "merged" else None,
            "merged_by": merger if mr.state == "merged" else None,
            "closed_at": None,
            "target_branch": mr.target_branch,
            "source_branch": mr.source_branch,
            "user_notes_count": mr.user_notes_count,
            "author": {"id": 1, "username": mr.author, "name": mr.author, "state": "active"},
            "labels": list(mr.labels),
            "draft": mr.draft,
            "work_in_progress": mr.draft,
            "sha": mr.sha,
            "merge_commit_sha": mr.merge_commit_sha if mr.state == "merged" else None,
            "squash_commit_sha": None,
            "web_url": f"{self.base_url}/{project.path}/-/merge_requests/{mr.iid}",
            "references": {
                "short": f"!{mr.iid}",
                "relative": f"!{mr.iid}",
                "full": f"{project.path}!{mr.iid}",
            },
        }

    def _one_mr(self, request: Request, match: re.Match[str]) -> Answer:
        project = self._project_of(match)
        mr = self._mr(project, match)
        if project is None or mr is None:
            return Answer(404, {"message": "404 Not found"})
        if self.before_mr is not None:
            self.before_mr(mr)
        return Answer(200, self._mr_json(project, mr))

    def _post_status(self, request: Request, match: re.Match[str]) -> Answer:
        project = self._project_of(match)
        if project is None:
            return Answer(404, {"message": "404 Project Not Found"})
        body = request.json() or {}
        state = body.get("state")
        if state not in ("pending", "running", "success", "failed", "canceled", "skipped"):
            return Answer(400, {"error": "state does not have a valid value"})
        name = body.get("name") or body.get("context") or "default"
        sha = match["sha"]
        previous = next(
            (
                s
                for s in reversed(self.statuses)
                if s["project"] == project.path and s["sha"] == sha and s["name"] == name
            ),
            None,
        )
        if previous is not None and previous["state"] == state:
            event = {"success": "succeed", "failed": "drop"}.get(state, state)
            return Answer(
                400,
                {
                    "message": f"Cannot transition status via :{event} from :{state} "
                    f'(Reason(s): Status cannot transition via "{event}")'
                },
            )
        row = {**body, "name": name, "sha": sha, "project": project.path}
        self.statuses.append(row)
        return Answer(
            201,
            {
                "id": len(self.statuses),
                "sha": sha,
                "status": state,
                "name": name,
                "description": body.get("description"),
                "target_url": body.get("target_url"),
            },
        )

    def _mrs(self, request: Request, project: FakeProject | None, _: re.Match[str]) -> list[Any]:
        assert project is not None
        q = request.query
        mrs = list(project.mrs.values())
        state = q.get("state", "all")
        if state != "all":
            mrs = [m for m in mrs if m.state == state]
        after = q.get("updated_after")
        if after:
            since = datetime.fromisoformat(after)
            mrs = [m for m in mrs if m.updated_at >= since]
        key = (
            (lambda m: (m.updated_at, m.id))
            if q.get("order_by") == "updated_at"
            else (lambda m: (m.created_at or m.updated_at, m.id))
        )
        mrs.sort(key=key, reverse=q.get("sort", "desc") == "desc")
        return mrs

    def _render_mr(self, project: FakeProject | None, mr: FakeMR) -> dict[str, Any]:
        assert project is not None
        return self._mr_json(project, mr)

    def _mr(self, project: FakeProject | None, match: re.Match[str]) -> FakeMR | None:
        return project.mrs.get(int(match["iid"])) if project is not None else None

    def _diffs(self, request: Request, project: FakeProject | None, m: re.Match[str]) -> Any:
        mr = self._mr(project, m)
        if mr is None:
            return None
        out = []
        for path, added, deleted, kind in mr.files:
            diff = f"@@ -1,{deleted} +1,{added} @@\n"
            diff += "".join(f"-old {i}\n" for i in range(deleted))
            diff += "".join(f"+new {i}\n" for i in range(added))
            out.append(
                {
                    "old_path": path,
                    "new_path": path,
                    "a_mode": "100644",
                    "b_mode": "100644",
                    "new_file": kind == "new",
                    "renamed_file": kind == "renamed",
                    "deleted_file": kind == "deleted",
                    "generated_file": False,
                    "diff": diff,
                }
            )
        return out

    def _commits(self, request: Request, project: FakeProject | None, m: re.Match[str]) -> Any:
        mr = self._mr(project, m)
        if mr is None:
            return None
        return [
            {
                "id": f"{mr.iid:08x}{i:032x}",
                "short_id": f"{mr.iid:08x}",
                "title": c.message.splitlines()[0] if c.message else "",
                "message": c.message,
                "author_name": c.author_name,
                "author_email": c.author_email,
                "created_at": ts(mr.updated_at),
            }
            for i, c in enumerate(mr.commits)
        ]

    def _notes(self, request: Request, project: FakeProject | None, m: re.Match[str]) -> Any:
        mr = self._mr(project, m)
        if mr is None:
            return None
        notes = [
            {
                "id": i + 1,
                "body": "approved this merge request",
                "author": {"id": 9, "username": who},
                "created_at": ts(at),
                "system": True,
                "noteable_iid": mr.iid,
            }
            for i, (who, at, _) in enumerate(mr.approvals)
        ]
        notes.extend(
            {
                "id": 1000 + i,
                "body": f"comment {i}",
                "author": {"id": 3, "username": "reviewer"},
                "created_at": ts(mr.updated_at),
                "system": False,
                "noteable_iid": mr.iid,
            }
            for i in range(mr.user_notes_count)
        )
        return sorted(notes, key=lambda n: n["created_at"])

    def _approvals(self, request: Request, match: re.Match[str]) -> Answer:
        if not self.premium_approvals:
            return Answer(403, {"message": "403 Forbidden"})
        mr = self._mr(self._project_of(match), match)
        if mr is None:
            return Answer(404, {"message": "404 Not found"})
        return Answer(
            200,
            {
                "iid": mr.iid,
                "approved": bool(mr.approvals),
                "approved_by": [
                    {"user": {"id": 9, "username": who, "name": who}} for who, _, _ in mr.approvals
                ],
            },
        )

    def _file_commits(self, request: Request, project: FakeProject | None, _: Any) -> Any:
        assert project is not None
        versions = project.files.get(request.query.get("path", ""), [])
        return [
            {"id": sha, "short_id": sha[:8], "committed_date": ts(at), "created_at": ts(at)}
            for sha, at, _ in sorted(versions, key=lambda v: v[1], reverse=True)
        ]

    def _raw(self, request: Request, match: re.Match[str]) -> Answer:
        project = self._project_of(match)
        location = unquote(match["file"])
        ref = request.query.get("ref", "")
        versions = project.files.get(location, []) if project is not None else []
        found = next((v for v in versions if v[0] == ref), None)
        if found is None or found[2] is None:
            return Answer(404, {"message": "404 File Not Found"})
        return Answer(200, raw=found[2].encode(), headers={"Content-Type": "text/plain"})

    def _updated(
        self, kind: str
    ) -> Callable[[Request, FakeProject | None, re.Match[str]], list[Any]]:
        def items(request: Request, project: FakeProject | None, _: re.Match[str]) -> list[Any]:
            assert project is not None
            return _by_update(request, getattr(project, kind))

        return items

    def _issues(self, request: Request, project: FakeProject | None, _: re.Match[str]) -> Any:
        assert project is not None
        issues = project.issues
        if request.query.get("issue_type"):
            issues = [i for i in issues if i["issue_type"] == request.query["issue_type"]]
        if request.query.get("labels"):
            wanted = set(request.query["labels"].split(","))
            issues = [i for i in issues if wanted <= set(i["labels"])]
        return _by_update(request, issues)

    def _tags(self, request: Request, project: FakeProject | None, _: re.Match[str]) -> Any:
        assert project is not None
        return sorted(project.tags, key=lambda t: t["created_at"], reverse=True)

    # -- GraphQL ---------------------------------------------------------------------

    def _graphql(self, request: Request, match: re.Match[str]) -> Answer:
        body = request.json()
        query = body.get("query", "")
        variables = body.get("variables") or {}
        project = self.projects.get(variables.get("project", ""))
        iids = [int(i) for i in variables.get("iids") or []]
        if "approvedBy" in query:
            if not self.graphql_approvals:
                return Answer(
                    200,
                    {
                        "errors": [
                            {
                                "message": "Field 'approvedBy' doesn't exist on type "
                                "'MergeRequest'",
                                "locations": [{"line": 7, "column": 9}],
                            }
                        ]
                    },
                )
            if project is None:
                return Answer(200, {"data": {"project": None}})
            nodes = [
                {
                    "iid": str(mr.iid),
                    "approved": bool(mr.approvals),
                    "approvedBy": {
                        "nodes": [{"username": who, "bot": bot} for who, _, bot in mr.approvals]
                    },
                    "author": {"username": mr.author, "bot": mr.author_bot},
                }
                for mr in (project.mrs.get(i) for i in iids)
                if mr is not None
            ]
            return Answer(200, {"data": {"project": {"mergeRequests": {"nodes": nodes}}}})
        if "severity" in query:
            if project is None:
                return Answer(200, {"data": {"project": None}})
            nodes = [
                {"iid": str(i), "severity": project.severities.get(i, "UNKNOWN")}
                for i in iids
                if i in project.severities
            ]
            return Answer(200, {"data": {"project": {"issues": {"nodes": nodes}}}})
        return Answer(200, {"errors": [{"message": "This fake does not know that query"}]})


def _by_update(request: Request, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = list(items)
    after = request.query.get("updated_after")
    if after:
        since = datetime.fromisoformat(after)
        out = [i for i in out if datetime.fromisoformat(i["updated_at"]) >= since]
    out.sort(
        key=lambda i: (i["updated_at"], i["id"]),
        reverse=request.query.get("sort", "desc") == "desc",
    )
    return out
