"""A fake of GitHub's REST API for deploys, CODEOWNERS, issues and App tokens, on 127.0.0.1.

It speaks the parts of the real protocol the sources rely on:

- ``Authorization: Bearer <token>`` is checked (401 ``Bad credentials`` otherwise);
- lists are paginated with ``page``/``per_page`` and a ``Link: rel="next"`` header;
- every answer has an ``ETag``; a request whose ``If-None-Match`` matches gets
  ``304`` with no body and, as on GitHub, costs no quota: ``remaining`` (and
  ``x-ratelimit-remaining``) goes down on every other answer only;
- ``POST /app/installations/{id}/access_tokens`` verifies the App's JWT
  signature with the App's public key and mints an installation token that
  expires ``token_ttl`` seconds later by the fake's ``clock``;
- ``GET /rate_limit`` reports the primary quota and, as on GitHub, costs none;
- check runs (``POST /repos/{repo}/check-runs``, ``PATCH …/check-runs/{id}``,
  ``GET …/commits/{sha}/check-runs?check_name=``) take an App's installation
  token only (a personal token gets GitHub's 403 "You must authenticate via a
  GitHub App."), and refuse with 422 what GitHub refuses (a missing name or
  head_sha, an unknown conclusion, output over GitHub's sizes); commit statuses
  (``POST /repos/{repo}/statuses/{sha}``) take any token and check state and
  description length.

Tests add data with ``add_deployment``, ``add_status``, ``add_release``,
``add_workflow``, ``add_run``, ``add_issue`` and ``commit_file``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from data.sources.github.auth import Auth, TokenAuth
from data.sources.github.client import GitHubClient
from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeApp", "FakeGitHubRest", "iso"]

_REPO = r"/repos/(?P<repo>[^/]+/[^/]+)"


def iso(at: datetime) -> str:
    """GitHub's timestamp format: ``2026-01-02T03:04:05Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class FakeApp:
    """A GitHub App the fake knows: its id, public key and installation."""

    app_id: str
    installation_id: str
    public_key: RSAPublicKey
    token_ttl: float = 3600.0
    # The claims of every JWT the fake accepted, in order.
    jwts: list[dict[str, Any]] = field(default_factory=list)
    minted: list[str] = field(default_factory=list)


class FakeGitHubRest(FakeService):
    """GitHub's REST API over real HTTP at ``url``, the base URL to give ``GitHubClient``."""

    def __init__(
        self,
        *,
        tokens: tuple[str, ...] = ("test-token",),
        remaining: int = 5000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.server = FakeServer()
        self.tokens: set[str] = set(tokens)
        self.limit = remaining
        self.remaining = remaining
        self.clock = clock
        self.app: FakeApp | None = None
        self.lock = threading.RLock()
        self.deployments: dict[str, list[dict[str, Any]]] = {}
        self.statuses: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.releases: dict[str, list[dict[str, Any]]] = {}
        self.workflows: dict[str, list[dict[str, Any]]] = {}
        self.runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
        # The jobs of each run by (repo, run id), as ``…/actions/runs/{id}/jobs`` lists them.
        self.jobs: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.issues: dict[str, list[dict[str, Any]]] = {}
        # (repo, path) -> [(sha, time, text or None when the commit deleted it)]
        self.files: dict[tuple[str, str], list[tuple[str, datetime, str | None]]] = {}
        self._status_ids = 0
        # Check runs by id, and commit statuses by (repo, sha), as tests read them back.
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.commit_statuses: dict[tuple[str, str], list[dict[str, Any]]] = {}
        add = self.server.add
        add("POST", _REPO + r"/check-runs", self._authed(self._create_check))
        add("PATCH", _REPO + r"/check-runs/(?P<id>\d+)", self._authed(self._update_check))
        add(
            "GET",
            _REPO + r"/commits/(?P<sha>[0-9a-f]{40})/check-runs",
            self._authed(self._commit_checks),
        )
        add("POST", _REPO + r"/statuses/(?P<sha>[0-9a-f]{40})", self._authed(self._add_status))
        add("GET", _REPO + r"/deployments", self._list(self._deployments))
        add("GET", _REPO + r"/deployments/(?P<id>\d+)/statuses", self._list(self._statuses))
        add("GET", _REPO + r"/releases", self._list(self._releases))
        add("GET", _REPO + r"/actions/workflows", self._list(self._workflows, "workflows"))
        add(
            "GET",
            _REPO + r"/actions/workflows/(?P<id>\d+)/runs",
            self._list(self._runs, "workflow_runs"),
        )
        add(
            "GET",
            _REPO + r"/actions/runs/(?P<id>\d+)/jobs",
            self._list(self._jobs, "jobs"),
        )
        add("GET", _REPO + r"/issues", self._list(self._issues))
        add("GET", _REPO + r"/commits", self._list(self._commits))
        add("GET", _REPO + r"/contents/(?P<path>.+)", self._authed(self._contents))
        add("POST", r"/app/installations/(?P<id>\d+)/access_tokens", self._access_token)
        add("GET", r"/rate_limit", self._rate_limit)

    # -- lifecycle -------------------------------------------------------------------

    def requests_to(self, pattern: str) -> list[Request]:
        """Recorded requests whose path matches ``pattern``."""
        return self.server.requests_to(pattern)

    def client(self, auth: Auth | None = None) -> GitHubClient:
        """riskbrief's real client pointed at the fake (``test-token`` unless ``auth``)."""
        return GitHubClient(self.url, auth or TokenAuth("test-token"), sleep=lambda _: None)

    @property
    def used(self) -> int:
        """Primary quota spent so far."""
        return self.limit - self.remaining

    # -- data ------------------------------------------------------------------------

    def add_deployment(
        self,
        repo: str,
        ident: int,
        environment: str,
        created_at: datetime,
        *,
        sha: str = "a" * 40,
        statuses: tuple[tuple[str, datetime], ...] = (),
    ) -> None:
        """A deployment, with statuses given oldest first as ``(state, created_at)``."""
        with self.lock:
            self.deployments.setdefault(repo, []).append(
                {
                    "id": ident,
                    "sha": sha,
                    "ref": "main",
                    "task": "deploy",
                    "environment": environment,
                    "created_at": iso(created_at),
                    "updated_at": iso(created_at),
                }
            )
        for state, at in statuses:
            self.add_status(repo, ident, state, at)

    def add_status(self, repo: str, ident: int, state: str, at: datetime) -> None:
        """A new status of a deployment; like GitHub, it bumps the deployment's ``updated_at``."""
        with self.lock:
            self._status_ids += 1
            self.statuses.setdefault((repo, ident), []).append(
                {
                    "id": self._status_ids,
                    "state": state,
                    "created_at": iso(at),
                    "updated_at": iso(at),
                }
            )
            for d in self.deployments.get(repo, []):
                if d["id"] == ident:
                    d["updated_at"] = iso(at)

    def add_release(
        self,
        repo: str,
        ident: int,
        tag: str,
        published_at: datetime | None,
        *,
        draft: bool = False,
        prerelease: bool = False,
        target: str = "main",
    ) -> None:
        """A release; ``published_at`` is ``None`` for a draft."""
        with self.lock:
            self.releases.setdefault(repo, []).append(
                {
                    "id": ident,
                    "tag_name": tag,
                    "name": tag,
                    "draft": draft,
                    "prerelease": prerelease,
                    "target_commitish": target,
                    "created_at": iso(published_at or datetime.now(UTC)),
                    "published_at": iso(published_at) if published_at else None,
                }
            )

    def add_workflow(self, repo: str, ident: int, name: str) -> None:
        """A workflow of the repository."""
        with self.lock:
            self.workflows.setdefault(repo, []).append(
                {"id": ident, "name": name, "path": f".github/workflows/{ident}.yml"}
            )

    def add_run(
        self,
        repo: str,
        workflow: int,
        ident: int,
        conclusion: str | None,
        created_at: datetime,
        updated_at: datetime,
        *,
        head_sha: str = "b" * 40,
        jobs: tuple[tuple[str, str | None], ...] = (),
    ) -> None:
        """A run of a workflow; ``conclusion`` ``None`` is a run still in progress. ``jobs`` are
        its jobs as ``(name, conclusion)``, each completed at the run's ``updated_at``; a job
        allowed to fail (``continue-on-error``) that failed is ``failure`` in a run that is a
        ``success``, as GitHub reports it."""
        name = next(w["name"] for w in self.workflows[repo] if w["id"] == workflow)
        with self.lock:
            self.jobs[(repo, ident)] = [
                {
                    "id": ident * 100 + n,
                    "run_id": ident,
                    "workflow_name": name,
                    "head_sha": head_sha,
                    "name": job,
                    "status": "completed" if outcome else "in_progress",
                    "conclusion": outcome,
                    "started_at": iso(created_at),
                    "completed_at": iso(updated_at) if outcome else None,
                }
                for n, (job, outcome) in enumerate(jobs)
            ]
            self.runs.setdefault((repo, workflow), []).append(
                {
                    "id": ident,
                    "name": name,
                    "workflow_id": workflow,
                    "head_sha": head_sha,
                    "status": "completed" if conclusion else "in_progress",
                    "conclusion": conclusion,
                    "created_at": iso(created_at),
                    "run_started_at": iso(created_at),
                    "updated_at": iso(updated_at),
                }
            )

    def add_issue(
        self,
        repo: str,
        number: int,
        title: str,
        labels: tuple[str, ...],
        created_at: datetime,
        *,
        closed_at: datetime | None = None,
        updated_at: datetime | None = None,
        pull_request: bool = False,
    ) -> None:
        """An issue (or, with ``pull_request``, a PR as the issues API lists it)."""
        item: dict[str, Any] = {
            "number": number,
            "title": title,
            "labels": [{"name": label} for label in labels],
            "state": "closed" if closed_at else "open",
            "created_at": iso(created_at),
            "closed_at": iso(closed_at) if closed_at else None,
            "updated_at": iso(updated_at or closed_at or created_at),
        }
        if pull_request:
            item["pull_request"] = {"url": f"{self.url}/repos/{repo}/pulls/{number}"}
        with self.lock:
            items = self.issues.setdefault(repo, [])
            items[:] = [i for i in items if i["number"] != number] + [item]

    def commit_file(self, repo: str, path: str, sha: str, at: datetime, text: str | None) -> None:
        """A commit on the default branch that wrote ``path`` (``text``) or deleted it (None)."""
        with self.lock:
            self.files.setdefault((repo, path), []).append((sha, at, text))

    def enable_app(self, app: FakeApp) -> None:
        """Accept JWTs of ``app`` and mint installation tokens for it."""
        self.app = app

    # -- protocol --------------------------------------------------------------------

    def _limit_headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(self.limit - self.remaining),
            "x-ratelimit-reset": str(int(self.clock()) + 3600),
            "x-ratelimit-resource": "core",
        }

    def _authorised(self, request: Request) -> bool:
        value = request.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return scheme.lower() in ("bearer", "token") and token in self.tokens

    def _authed(
        self, build: Callable[[Request, re.Match[str]], Answer]
    ) -> Callable[[Request, re.Match[str]], Answer]:
        def handler(request: Request, match: re.Match[str]) -> Answer:
            with self.lock:
                if not self._authorised(request):
                    return Answer(401, {"message": "Bad credentials"})
                answer = build(request, match)
                if answer.status == 200:
                    etag = 'W/"' + hashlib.sha1(answer.encoded()).hexdigest() + '"'
                    if request.headers.get("if-none-match") == etag:
                        return Answer(304, None, {"etag": etag, **self._limit_headers()})
                    headers = {**answer.headers, "etag": etag}
                else:
                    headers = dict(answer.headers)
                self.remaining -= 1
                return Answer(answer.status, answer.body, {**headers, **self._limit_headers()})

        return handler

    def _list(
        self,
        items_of: Callable[[Request, re.Match[str]], list[dict[str, Any]]],
        wrap: str | None = None,
    ) -> Callable[[Request, re.Match[str]], Answer]:
        def build(request: Request, match: re.Match[str]) -> Answer:
            items = items_of(request, match)
            per_page = min(int(request.query.get("per_page", "30")), 100)
            page = int(request.query.get("page", "1"))
            chunk = items[(page - 1) * per_page : page * per_page]
            headers: dict[str, str] = {}
            if page * per_page < len(items):
                query = {**request.query, "page": str(page + 1)}
                headers["link"] = f'<{self.url}{request.path}?{urlencode(query)}>; rel="next"'
            body: Any = {"total_count": len(items), wrap: chunk} if wrap else chunk
            return Answer(200, body, headers)

        return self._authed(build)

    def _deployments(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        items = self.deployments.get(match["repo"], [])
        return sorted(items, key=lambda d: (d["created_at"], d["id"]), reverse=True)

    def _statuses(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        items = self.statuses.get((match["repo"], int(match["id"])), [])
        return sorted(items, key=lambda s: (s["created_at"], s["id"]), reverse=True)

    def _releases(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        items = self.releases.get(match["repo"], [])
        return sorted(items, key=lambda r: (r["created_at"], r["id"]), reverse=True)

    def _workflows(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        return list(self.workflows.get(match["repo"], []))

    def _runs(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        items = self.runs.get((match["repo"], int(match["id"])), [])
        wanted = request.query.get("status")
        if wanted:
            items = [r for r in items if r["status"] == wanted]
        return sorted(items, key=lambda r: (r["created_at"], r["id"]), reverse=True)

    def _jobs(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        return list(self.jobs.get((match["repo"], int(match["id"])), []))

    def _issues(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        items = list(self.issues.get(match["repo"], []))
        labels = [x for x in request.query.get("labels", "").split(",") if x]
        items = [i for i in items if all(x in {lab["name"] for lab in i["labels"]} for x in labels)]
        state = request.query.get("state", "open")
        if state != "all":
            items = [i for i in items if i["state"] == state]
        since = request.query.get("since")
        if since:
            items = [i for i in items if i["updated_at"] >= since]
        key = "updated_at" if request.query.get("sort") == "updated" else "created_at"
        reverse = request.query.get("direction", "desc") == "desc"
        return sorted(items, key=lambda i: (i[key], i["number"]), reverse=reverse)

    def _commits(self, request: Request, match: re.Match[str]) -> list[dict[str, Any]]:
        path = request.query.get("path", "")
        history = self.files.get((match["repo"], path), [])
        return [
            {
                "sha": sha,
                "commit": {"author": {"date": iso(at)}, "committer": {"date": iso(at)}},
            }
            for sha, at, _ in sorted(history, key=lambda h: h[1], reverse=True)
        ]

    def _contents(self, request: Request, match: re.Match[str]) -> Answer:
        ref = request.query.get("ref")
        for sha, _, text in self.files.get((match["repo"], match["path"]), []):
            if sha == ref and text is not None:
                encoded = base64.encodebytes(text.encode()).decode()
                return Answer(
                    200,
                    {
                        "type": "file",
                        "encoding": "base64",
                        "path": match["path"],
                        "sha": hashlib.sha1(text.encode()).hexdigest(),
                        "content": encoded,
                    },
                )
        return Answer(404, {"message": "Not Found"})

    # -- checks and statuses -------------------------------------------------------

    def _app_only(self, request: Request) -> Answer | None:
        _, _, token = request.headers.get("authorization", "").partition(" ")
        if self.app is None or token not in self.app.minted:
            return Answer(
                403,
                {
                    "message": "You must authenticate via a GitHub App.",
                    "documentation_url": "https://docs.github.com/rest/checks/runs",
                },
            )
        return None

    def _check_problem(self, body: Any, *, creating: bool) -> str | None:
        if not isinstance(body, dict):
            return "Invalid request."
        if creating and (not isinstance(body.get("name"), str) or not body["name"]):
            return "name wasn't supplied."
        if creating and not re.fullmatch(r"[0-9a-f]{40}", str(body.get("head_sha", ""))):
            return "head_sha wasn't supplied."
        conclusions = {
            "action_required", "cancelled", "failure", "neutral", "success", "skipped",
            "stale", "timed_out",
        }  # fmt: skip
        if body.get("status") == "completed" and body.get("conclusion") not in conclusions:
            return "conclusion is not included in the list"
        if body.get("conclusion") == "action_required" and not body.get("details_url"):
            return "details_url must be provided when conclusion is action_required"
        output = body.get("output")
        if output is not None:
            if not isinstance(output, dict) or not output.get("title") or "summary" not in output:
                return "output needs a title and a summary"
            if len(str(output["title"])) > 255 or len(str(output["summary"])) > 65535:
                return "Only 65535 characters are allowed in the summary"
        return None

    def _create_check(self, request: Request, match: re.Match[str]) -> Answer:
        refused = self._app_only(request)
        if refused is not None:
            return refused
        body = request.json()
        problem = self._check_problem(body, creating=True)
        if problem is not None:
            return Answer(422, {"message": problem})
        ident = len(self.check_runs) + 1
        run = {**body, "id": ident, "repository": match["repo"], "updates": 0}
        self.check_runs[ident] = run
        return Answer(201, run)

    def _update_check(self, request: Request, match: re.Match[str]) -> Answer:
        refused = self._app_only(request)
        if refused is not None:
            return refused
        run = self.check_runs.get(int(match["id"]))
        if run is None or run["repository"] != match["repo"]:
            return Answer(404, {"message": "Not Found"})
        body = request.json()
        problem = self._check_problem(body, creating=False)
        if problem is not None:
            return Answer(422, {"message": problem})
        run.update({k: v for k, v in body.items() if k != "head_sha"})
        run["updates"] += 1
        return Answer(200, run)

    def _commit_checks(self, request: Request, match: re.Match[str]) -> Answer:
        wanted = request.query.get("check_name")
        runs = [
            r
            for r in self.check_runs.values()
            if r["repository"] == match["repo"]
            and r["head_sha"] == match["sha"]
            and (wanted is None or r["name"] == wanted)
        ]
        return Answer(200, {"total_count": len(runs), "check_runs": runs})

    def _add_status(self, request: Request, match: re.Match[str]) -> Answer:
        body = request.json()
        if not isinstance(body, dict) or body.get("state") not in (
            "error",
            "failure",
            "pending",
            "success",
        ):
            return Answer(422, {"message": "Validation Failed"})
        if len(str(body.get("description") or "")) > 140:
            return Answer(422, {"message": "description is too long (maximum is 140 characters)"})
        kept = self.commit_statuses.setdefault((match["repo"], match["sha"]), [])
        status = {**body, "id": len(kept) + 1}
        kept.append(status)
        return Answer(201, status)

    def _rate_limit(self, request: Request, match: re.Match[str]) -> Answer:
        # As on GitHub, asking for the rate limit costs no quota.
        with self.lock:
            if not self._authorised(request):
                return Answer(401, {"message": "Bad credentials"})
            headers = self._limit_headers()
            core = {
                "limit": self.limit,
                "remaining": self.remaining,
                "used": self.limit - self.remaining,
                "reset": int(headers["x-ratelimit-reset"]),
            }
        return Answer(200, {"resources": {"core": core}, "rate": core}, headers)

    def _access_token(self, request: Request, match: re.Match[str]) -> Answer:
        app = self.app
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if app is None or scheme.lower() != "bearer" or match["id"] != app.installation_id:
            return Answer(404, {"message": "Not Found"})
        claims = _rs256_claims(token, app.public_key)
        if claims is None:
            return Answer(401, {"message": "A JSON web token could not be decoded"})
        now = self.clock()
        if (
            str(claims.get("iss")) != app.app_id
            or not isinstance(claims.get("iat"), int)
            or not isinstance(claims.get("exp"), int)
            or not claims["iat"] <= now < claims["exp"]
            or claims["exp"] - claims["iat"] > 600
        ):
            return Answer(401, {"message": "'Expiration time' claim ('exp') is too far"})
        with self.lock:
            app.jwts.append(dict(claims))
            minted = f"ghs_fake{len(app.minted) + 1}"
            app.minted.append(minted)
            self.tokens.add(minted)
        expires = datetime.fromtimestamp(now + app.token_ttl, UTC)
        return Answer(201, {"token": minted, "expires_at": iso(expires)})


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _rs256_claims(token: str, key: RSAPublicKey) -> Mapping[str, Any] | None:
    """The claims of ``token`` when it is an RS256 JWS that ``key`` verifies, else ``None``.

    By hand with ``cryptography`` (RFC 7515, 5.2), not with the JOSE library riskbrief signs
    with, so a flaw shared by both sides cannot hide itself.
    """
    try:
        head, body, signature = token.split(".")
        header = json.loads(_b64decode(head))
        if header.get("alg") != "RS256":
            return None
        signing_input = f"{head}.{body}".encode("ascii")
        key.verify(_b64decode(signature), signing_input, padding.PKCS1v15(), hashes.SHA256())
        claims = json.loads(_b64decode(body))
    except (InvalidSignature, ValueError, AttributeError):
        return None
    return claims if isinstance(claims, dict) else None
