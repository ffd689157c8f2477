"""The one HTTP client of the Jira source: auth for Cloud and Server, limits, one-sentence refusals.

Why httpx and not a Jira library: the ``jira`` package (pycontribs) is kept,
but it pages searches through the old ``/search`` endpoint Jira Cloud is
retiring in favour of ``/search/jql`` with ``nextPageToken``, hides the
``Retry-After`` of a 429 inside its own retry loop (with sleeps a test cannot
replace), and brings requests, requests-oauthlib and defusedxml for the few
GETs a sync needs. The GitHub and GitLab clients are httpx with seams for
``sleep``; this one keeps their shape and is tested the same way, against a
fake Jira on 127.0.0.1.

Cloud takes ``email:API token`` as HTTP Basic; Data Center/Server a personal
access token as ``Authorization: Bearer``. ``429`` waits ``Retry-After``
seconds (else until ``X-RateLimit-Reset``, an ISO 8601 time) and asks again;
5xx answers (a 503 may carry ``Retry-After`` too), timeouts and refused
connections are retried with backoff: the one policy of ``data.http.retry``.
``401``/``403``/``404`` and a refused JQL (``400`` with Jira's
``errorMessages``) end in one ``JiraError`` sentence.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import structlog

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from data.sources.jira.settings import JiraDeployment, JiraSourceConfig
from data.sources.times import TimeFormatError, parse_time
from scoring.errors import SourceError

__all__ = ["JiraClient", "JiraError"]

log = structlog.get_logger(__name__)


class JiraError(SourceError):
    """Jira refused or failed a request; ``status`` is its HTTP status (``None``: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _limit_wait(headers: httpx.Headers, now: float) -> float | None:
    """A 429's wait: ``Retry-After`` seconds, else until ``X-RateLimit-Reset`` (ISO 8601)."""
    after = retry_after(headers.get("retry-after"), now)
    if after is not None:
        return after
    try:
        reset = parse_time(headers.get("x-ratelimit-reset"), "X-RateLimit-Reset")
    except TimeFormatError:
        return None
    return max(1.0, reset.timestamp() - now)


def _messages(response: httpx.Response) -> str:
    """Jira's own words from an error body (``errorMessages`` and ``errors``), shortened."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    said = [str(m) for m in body.get("errorMessages") or () if m]
    errors = body.get("errors")
    if isinstance(errors, dict):
        said.extend(str(v) for v in errors.values() if v)
    return "; ".join(said)[:200]


class JiraClient:
    """Jira's REST API (v3 on Cloud, v2 on Server) over one ``httpx.Client``.

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` is the most one
    request waits in all (the retry policy's budget).
    """

    def __init__(
        self,
        config: JiraSourceConfig,
        token: str,
        email: str | None = None,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
    ) -> None:
        self.config = config
        self.api_url = config.api_url
        if config.deployment is JiraDeployment.CLOUD:
            pair = f"{email or ''}:{token}".encode()
            self._auth = f"Basic {base64.b64encode(pair).decode()}"
        else:
            self._auth = f"Bearer {token}"
        self._http = http or http_client(timeout=timeout, follow_redirects=True)
        self._clock = clock
        self.requests = 0
        self.waits: list[float] = []
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait, on_wait=self._waited)

    def __repr__(self) -> str:
        return f"JiraClient({self.config.base_url!r}, token=***)"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _fix(self) -> str:
        if self.config.deployment is JiraDeployment.CLOUD:
            return (
                f"set {self.config.email_env} to the Atlassian account's email and "
                f"{self.config.token_env} to an API token of that account"
            )
        return f"set {self.config.token_env} to a personal access token of a Jira user"

    def _waited(self, seconds: float, why: Retryable) -> None:
        # The tests count the waits for limits, not the backoffs after a 5xx.
        if why.limited:
            self.waits.append(seconds)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON of a GET of ``path`` (relative to the REST API's root)."""
        url = path if "://" in path else f"{self.api_url}/{path.lstrip('/')}"
        try:
            response = self._retry.run(url, lambda: self._try(url, path, params))
        except Retryable as exc:
            raise JiraError(exc.sentence, exc.status) from None
        try:
            return response.json()
        except ValueError:
            raise JiraError(
                f"Jira's answer to {path} is not JSON; check base_url in [sources.jira] "
                "is the site's address.",
                response.status_code,
            ) from None

    def _try(self, url: str, path: str, params: Mapping[str, Any] | None) -> httpx.Response:
        headers = {"Authorization": self._auth, "Accept": "application/json"}
        self.requests += 1
        try:
            response = self._http.get(url, params=dict(params or {}), headers=headers)
        except httpx.TimeoutException:
            raise Retryable(
                f"Jira did not answer in time to {path}; the next sync retries."
            ) from None
        except httpx.TransportError as exc:
            raise Retryable(
                f"Jira at {self.config.base_url} cannot be reached ({type(exc).__name__}); "
                "check base_url in [sources.jira] and the network."
            ) from None
        status = response.status_code
        if status == 429:
            raise Retryable(
                "Jira kept answering 429 Too Many Requests; the next sync resumes "
                "from the last checkpoint.",
                limited=True,
                wait=_limit_wait(response.headers, self._clock()),
                status=429,
            )
        if status >= 500:
            raise Retryable(
                f"Jira answered {status} to {path}; the next sync retries.",
                wait=retry_after(response.headers.get("retry-after"), self._clock()),
                status=status,
            )
        if status >= 400:
            raise self._refusal(response, path)
        return response

    def _refusal(self, response: httpx.Response, path: str) -> JiraError:
        status = response.status_code
        said = _messages(response)
        if status == 401:
            return JiraError(
                f"Jira at {self.config.base_url} refused the credentials (401); {self._fix()}.", 401
            )
        if status == 403:
            return JiraError(
                f"Jira refused {path} (403); give the token's user the Browse projects "
                "permission on the configured projects.",
                403,
            )
        if status == 404:
            return JiraError(
                f"Jira has no {path} (404) or the user cannot see it; check base_url and "
                "deployment (cloud or server) in [sources.jira].",
                404,
            )
        if status == 400:
            return JiraError(
                f"Jira refused the search ({said or 'bad request'}); check projects in "
                "[sources.jira] are keys the user can browse.",
                400,
            )
        return JiraError(f"Jira refused {path} ({status}: {said}); see the log.", status)
