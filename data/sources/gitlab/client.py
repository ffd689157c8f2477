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

from collections.abc import Mapping
from typing import Any, Unpack
from urllib.parse import quote

import httpx

from data.http.rest import USER_AGENT, ApiError, RestClient, RestResponse, Transport, short
from data.http.retry import Retryable, retry_after

__all__ = ["GitLabClient", "GitLabError", "RestResponse", "project_id"]


class GitLabError(ApiError):
    """GitLab refused or failed a request; ``status`` is its HTTP status (``None``: no answer)."""


def project_id(project: str) -> str:
    """A project's full path as the REST API takes it in a URL: ``group%2Fsub%2Fproject``."""
    return quote(project, safe="")


class GitLabClient(RestClient):
    """GitLab's REST (``/api/v4``) and GraphQL (``/api/graphql``) APIs over one ``httpx.Client``.

    ``base_url`` is GitLab's web address (``https://gitlab.com``, or
    ``https://git.example.com/gitlab`` under a path). ``sleep`` and ``clock``
    are seams for tests; ``max_wait`` is the most one request waits in all (the
    retry policy's budget). Safe to share between threads: a page's merge
    requests are read a few at a time.
    """

    error = GitLabError

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        token_env: str = "RISKBRIEF_GITLAB_TOKEN",
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        super().__init__(
            "GitLab",
            base,
            f"{base}/api/v4",
            token,
            where="base_url in [sources.gitlab]",
            token_env=token_env,
            **transport,
        )
        self.graphql_url = f"{self.base_url}/api/graphql"
        self._resume_at = 0.0

    def __repr__(self) -> str:
        return f"GitLabClient({self.base_url!r}, token=***)"

    # -- limits -------------------------------------------------------------------

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
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }

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
                f"GitLab refused {short(url)} (403); give the token's user (or bot) at least "
                "the Reporter role on the project.",
                403,
            )
        if status == 404:
            return GitLabError(
                f"GitLab has no {short(url)} (404) or the token cannot see it; check the "
                "project's full path in [sources.gitlab] projects and the token's access.",
                404,
            )
        message = body.get("message") if isinstance(body, dict) else None
        return GitLabError(
            f"GitLab refused {short(url)} ({status}: {str(message or error)[:120]}); see the log.",
            status,
        )

    def _not_json(self, url: str) -> str:
        return (
            f"GitLab's answer from {short(url)} is not JSON; check base_url in "
            "[sources.gitlab] is GitLab's address."
        )

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> list[RestResponse]:
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
        response = self._send("POST", self.graphql_url, body=body)
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
