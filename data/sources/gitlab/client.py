"""The one HTTP client every GitLab source uses: token, REST pages, GraphQL, rate limits.

Why httpx and not python-gitlab: the GitHub source's client is httpx, and this
one keeps its shape (one ``httpx.Client``, seams for ``sleep`` and ``clock``,
one sentence per refusal), so both are tested the same way against fakes on
127.0.0.1. python-gitlab retries 429s only when asked, hides the
``RateLimit-*`` headers and the ``Link`` header behind its own list objects,
and its GraphQL client is a separate class over a different HTTP library
(gql); a sync needs the headers (to slow down before GitLab says 429, and to
follow ``rel="next"``) and one GraphQL call per page of merge requests for
their approvals. What it would save is a few URL templates.

``pages`` follows ``Link: rel="next"`` as GitLab writes it, so a keyset list
(``pagination=keyset``, whose link carries the cursor, e.g. ``id_after``) is
followed as an offset one is. None of the lists the source reads offers keyset
(merge requests, their diffs, commits and notes, deployments, pipelines,
issues, repository commits and tags are offset-only in GitLab's docs), so none
asks for it; the merge request and updated-since lists page by key themselves
(``updated_after``), which keeps their offsets shallow.

Limits, honoured here so no source has to think about them:

- ``429 Too Many Requests`` waits ``Retry-After`` (else until ``RateLimit-Reset``)
  and asks again; 5xx answers, timeouts and refused connections are retried
  with backoff: the one policy of ``data.http.retry``, whose budget ends a wait
  too long in one sentence.
- An answer whose ``RateLimit-Remaining`` is 0 waits until ``RateLimit-Reset``
  before the next request, so a sync slows down instead of being refused.

``401`` and ``403`` end in one ``GitLabError`` sentence saying what to do: a
token GitLab does not know, one without ``read_api`` (GitLab's
``insufficient_scope``), or one whose user cannot see the project.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import structlog

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from scoring.errors import SourceError

__all__ = ["GitLabClient", "GitLabError", "RestPage", "project_id"]

log = structlog.get_logger(__name__)

_USER_AGENT = "riskbrief"


class GitLabError(SourceError):
    """GitLab refused or failed a request; ``status`` is its HTTP status (``None``: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class RestPage:
    """One REST answer: its decoded JSON, the ``rel="next"`` link, and the headers."""

    status: int
    data: Any
    next_url: str | None
    headers: Mapping[str, str]


def project_id(project: str) -> str:
    """A project's full path as the REST API takes it in a URL: ``group%2Fsub%2Fproject``."""
    return quote(project, safe="")


def _short(url: str) -> str:
    return httpx.URL(url).path


class GitLabClient:
    """GitLab's REST (``/api/v4``) and GraphQL (``/api/graphql``) APIs over one ``httpx.Client``.

    ``base_url`` is GitLab's web address (``https://gitlab.com``, or
    ``https://git.example.com/gitlab`` under a path). ``sleep`` and ``clock``
    are seams for tests; ``max_wait`` is the most one request waits in all (the
    retry policy's budget). Safe to share between threads: a page's merge
    requests are read a few at a time.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
        token_env: str = "RISKBRIEF_GITLAB_TOKEN",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_url = f"{self.base_url}/api/v4"
        self.graphql_url = f"{self.base_url}/api/graphql"
        self._token = token
        self._token_env = token_env
        self._http = http or http_client(
            timeout=timeout,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        )
        self._clock = clock
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait, on_wait=self._waited)
        self._lock = threading.Lock()
        self._resume_at = 0.0
        # Requests sent and waits taken, for the bench, the tests and the sync log.
        self.requests = 0
        self.waits: list[float] = []

    def __repr__(self) -> str:
        return f"GitLabClient({self.base_url!r}, token=***)"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- limits -------------------------------------------------------------------

    def _waited(self, seconds: float, why: Retryable) -> None:
        # The bench and the tests count the waits for limits, not the backoffs after a 5xx.
        if why.limited:
            with self._lock:
                self.waits.append(seconds)

    def _limit_wait(self, response: httpx.Response) -> float | None:
        """How long a 429 asks to wait: ``Retry-After``, else until ``RateLimit-Reset``."""
        after = retry_after(response.headers.get("retry-after"), self._clock())
        if after is not None:
            return after
        reset = response.headers.get("ratelimit-reset", "").strip()
        return max(1.0, int(reset) - self._clock() + 1) if reset.isdigit() else None

    def _note(self, response: httpx.Response) -> None:
        """Pause before the next request when this answer spent the last of the quota."""
        remaining = response.headers.get("ratelimit-remaining", "").strip()
        reset = response.headers.get("ratelimit-reset", "").strip()
        if remaining == "0" and reset.isdigit():
            with self._lock:
                self._resume_at = max(self._resume_at, float(reset) + 1)

    def _pause(self, url: str) -> None:
        with self._lock:
            due = self._resume_at - self._clock()
            if due > 0:
                self._resume_at = 0.0
        spent = Retryable("GitLab's quota is spent.", limited=True, status=200)
        self._retry.pause(url, due, spent)

    # -- requests -----------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {
            "PRIVATE-TOKEN": self._token,
            "User-Agent": _USER_AGENT,
            "Accept": "application/json",
        }

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request: limits waited out, 5xx and no answer retried, refusals one sentence."""
        try:
            self._pause(url)
            return self._retry.run(url, lambda: self._try(method, url, **kwargs))
        except Retryable as exc:
            raise GitLabError(exc.sentence, exc.status) from None

    def _try(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        with self._lock:
            self.requests += 1
        try:
            response = self._http.request(method, url, headers=self._headers(), **kwargs)
        except httpx.TimeoutException:
            raise Retryable(
                f"GitLab did not answer {_short(url)} in time; the next sync retries."
            ) from None
        except httpx.TransportError as exc:
            raise Retryable(
                f"GitLab at {self.base_url} cannot be reached ({type(exc).__name__}); "
                "check base_url in [sources.gitlab] and the network."
            ) from None
        status = response.status_code
        if status == 429:
            raise Retryable(
                "GitLab kept answering 429 Too Many Requests; the next sync resumes "
                "from the last checkpoint.",
                limited=True,
                wait=self._limit_wait(response),
                status=429,
            )
        if status >= 500:
            raise Retryable(
                f"GitLab answered {status} to {_short(url)}; the next sync retries.",
                wait=retry_after(response.headers.get("retry-after"), self._clock()),
                status=status,
            )
        self._note(response)
        if status >= 400:
            raise self._refusal(response, url)
        return response

    def _refusal(self, response: httpx.Response, url: str) -> GitLabError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = str(body.get("error", "")) if isinstance(body, dict) else ""
        auth = response.headers.get("www-authenticate", "")
        if status == 401:
            return GitLabError(
                f"GitLab at {self.base_url} refused the token (401); set {self._token_env} to a "
                "personal, group or project access token with the read_api scope that has "
                "not expired.",
                401,
            )
        if status == 403 and ("insufficient_scope" in error or "insufficient_scope" in auth):
            return GitLabError(
                f"the token in {self._token_env} lacks the read_api scope (GitLab answered "
                "insufficient_scope); create one with read_api (read_repository alone is "
                "not enough).",
                403,
            )
        if status == 403:
            return GitLabError(
                f"GitLab refused {_short(url)} (403); give the token's user (or bot) at least "
                "the Reporter role on the project.",
                403,
            )
        if status == 404:
            return GitLabError(
                f"GitLab has no {_short(url)} (404) or the token cannot see it; check the "
                "project's full path in [sources.gitlab] projects and the token's access.",
                404,
            )
        message = body.get("message") if isinstance(body, dict) else None
        return GitLabError(
            f"GitLab refused {_short(url)} ({status}: {str(message or error)[:120]}); see the log.",
            status,
        )

    def url(self, path: str) -> str:
        """The absolute REST URL of ``path`` (relative to ``/api/v4``), or ``path`` if absolute."""
        return path if "://" in path else f"{self.api_url}/{path.lstrip('/')}"

    def get(self, path_or_url: str, params: Mapping[str, Any] | None = None) -> RestPage:
        """A REST GET and its JSON; ``next_url`` is the ``Link`` header's ``rel="next"``."""
        url = self.url(path_or_url)
        response = self._send("GET", url, params=dict(params) if params else None)
        try:
            data = response.json() if response.content else None
        except ValueError:
            raise GitLabError(
                f"GitLab's answer from {_short(url)} is not JSON; check base_url in "
                "[sources.gitlab] is GitLab's address.",
                response.status_code,
            ) from None
        next_url = response.links.get("next", {}).get("url")
        return RestPage(response.status_code, data, next_url, response.headers)

    def post(self, path: str, body: Mapping[str, Any]) -> RestPage:
        """A REST POST of ``body`` as JSON (a commit status), and GitLab's JSON answer."""
        url = self.url(path)
        response = self._send("POST", url, json=dict(body))
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        return RestPage(response.status_code, data, None, response.headers)

    def get_text(self, path: str, params: Mapping[str, Any] | None = None) -> str | None:
        """A REST GET of raw text (a file at a commit); ``None`` when GitLab has none (404)."""
        try:
            response = self._send("GET", self.url(path), params=dict(params) if params else None)
        except GitLabError as exc:
            if exc.status == 404:
                return None
            raise
        return response.content.decode("utf-8", errors="replace")

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> list[RestPage]:
        """Every page of a list, following ``rel="next"`` (offset or keyset, as GitLab links)."""
        page = self.get(path, params)
        out = [page]
        while page.next_url:
            page = self.get(page.next_url)
            out.append(page)
        return out

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of one GraphQL query; an answer with ``errors`` is a ``GitLabError``."""
        body = {"query": query, "variables": dict(variables or {})}
        response = self._send("POST", self.graphql_url, json=body)
        try:
            payload = response.json()
        except ValueError:
            raise GitLabError(
                "GitLab's GraphQL answer is not JSON; check base_url in [sources.gitlab].",
                response.status_code,
            ) from None
        errors = payload.get("errors") if isinstance(payload, dict) else None
        data = payload.get("data") if isinstance(payload, dict) else None
        if errors or not isinstance(data, dict):
            first = errors[0] if isinstance(errors, list) and errors else {}
            message = first.get("message", "") if isinstance(first, dict) else ""
            raise GitLabError(f"GitLab's GraphQL API answered: {str(message)[:160]}", 200)
        return data
