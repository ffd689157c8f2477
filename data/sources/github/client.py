"""The one HTTP client every GitHub source uses: auth, GraphQL, conditional REST GETs, limits.

GitHub's limits are honoured here so that no source has to think about them:

- Primary and secondary rate limits are waited out (``data.sources.github.limits``);
  a GraphQL 200 whose errors say ``RATE_LIMITED`` (or mention a secondary rate
  limit) is treated as a secondary limit.
- 5xx, timeouts and refused connections: REST GETs are retried with backoff;
  GraphQL raises ``GitHubUnavailable`` at once so the caller can halve its page
  size, and a write is sent once. A
  GraphQL answer cut short (invalid JSON) or whose error says GitHub timed out
  counts as unavailable too: a smaller query is the cure for both.
- GraphQL answers carrying ``data`` and errors that each point at a ``path``
  (one pull request GitHub failed to resolve) are returned when the caller
  asks for ``partial`` answers, so one broken item does not stop a sync.

The waits are the one retry policy's (``data.http.retry``), so a limit asking
for more than its budget ends in one sentence. Every other refusal is one
``SourceError`` sentence naming what to fix (``data.sources.github.responses``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx
import structlog

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy
from data.sources.github.auth import Auth
from data.sources.github.limits import LimitHit, RateLimits
from data.sources.github.responses import (
    GitHubUnavailable,
    graphql_error,
    graphql_json,
    graphql_refusal,
    json_of,
    not_found,
    rate_limited,
    refusal,
    short,
    usable_partial,
)
from scoring.errors import SourceError

__all__ = ["GitHubClient", "GitHubUnavailable", "RestPage", "graphql_url"]

log = structlog.get_logger(__name__)

_USER_AGENT = "riskbrief"
_LIMITED = (
    "GitHub kept answering that the rate limit is exceeded; the next sync resumes from the "
    "last checkpoint."
)
_GRAPHQL_LIMITED = (
    "GitHub's GraphQL API kept answering that it is rate limited; the next sync resumes from "
    "the last checkpoint."
)


class _Limited(Retryable):
    """A rate limit GitHub reported, with its kind (primary or secondary) for the waits' log."""

    def __init__(self, sentence: str, hit: LimitHit, status: int) -> None:
        super().__init__(sentence, limited=True, wait=hit.seconds, status=status)
        self.kind = hit.kind


def _error(exc: Retryable) -> SourceError:
    # A limit waited past its count or budget is a sentence to act on; no answer is retryable.
    return SourceError(exc.sentence) if exc.limited else GitHubUnavailable(exc.sentence)


@dataclass(frozen=True, slots=True)
class RestPage:
    """One REST answer: ``data`` is ``None`` on 304 Not Modified."""

    status: int
    data: Any
    etag: str | None
    next_url: str | None
    headers: Mapping[str, str]


def graphql_url(base_url: str) -> str:
    """The GraphQL endpoint: ``/graphql`` on github.com, ``/api/graphql`` on GHES."""
    base = base_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


class GitHubClient:
    """GitHub's REST and GraphQL APIs over one ``httpx.Client``.

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` is the most one
    request waits in all (the retry policy's budget: by default a reset an hour
    away is waited in full).
    """

    def __init__(
        self,
        base_url: str,
        auth: Auth,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self._http = http or http_client(timeout=timeout, follow_redirects=True)
        self.limits = RateLimits(clock)
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait, on_wait=self._waited)
        # A GraphQL query or a write that gets no answer is not repeated as it is.
        self._once = replace(self._retry, attempts=1)

    @property
    def waits(self) -> list[tuple[str, float]]:
        """Waits taken for limits, for tests and the sync log."""
        return self.limits.waits

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Authorization": self._auth.authorization(self._http, self.base_url),
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": _USER_AGENT,
        }
        headers.update(extra or {})
        return headers

    def _waited(self, seconds: float, why: Retryable) -> None:
        if isinstance(why, _Limited):
            log.info("github_rate_limited", kind=why.kind, wait_seconds=round(seconds, 1))
            self.limits.waits.append((why.kind, seconds))

    def _try(
        self, method: str, url: str, *, settle: bool, server_errors: bool, **kwargs: Any
    ) -> httpx.Response:
        """One request; a rate limit, no answer, and (with ``server_errors``) a 5xx are retryable.

        ``settle`` ends a streak of secondary limits on any answer below 400;
        GraphQL settles itself, since its 200 may still say ``RATE_LIMITED``.
        """
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise Retryable(
                f"GitHub did not answer {short(url)} in time; the next sync retries."
            ) from None
        except httpx.TransportError as exc:
            raise Retryable(
                f"GitHub at {self.base_url} cannot be reached ({type(exc).__name__}); "
                "check GITHUB_API_URL and the network."
            ) from None
        hit = self.limits.hit_of(response)
        if hit is not None:
            raise _Limited(_LIMITED, hit, response.status_code)
        if server_errors and response.status_code >= 500:
            raise Retryable(str(refusal(response, url)), status=response.status_code)
        if settle and response.status_code < 400:
            self.limits.settle()
        return response

    def graphql(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        partial: bool = False,
    ) -> dict[str, Any]:
        """The ``data`` of one GraphQL query; rate-limit errors are waited out and retried.

        With ``partial``, an answer whose errors each name a ``path`` into its
        ``data`` is returned (errors logged); the caller skips what is missing.
        """
        url = graphql_url(self.base_url)
        body = {"query": query, "variables": dict(variables or {})}

        def once() -> tuple[httpx.Response, dict[str, Any]]:
            response = self._try(
                "POST", url, settle=False, server_errors=False, json=body, headers=self._headers()
            )
            if response.status_code >= 400:
                raise graphql_refusal(response, url)
            payload = graphql_json(response, url)
            errors = payload.get("errors") or []
            if errors and rate_limited(errors if isinstance(errors, list) else [errors]):
                hit = self.limits.secondary(response.headers.get("retry-after"))
                raise _Limited(_GRAPHQL_LIMITED, hit, response.status_code)
            return response, payload

        try:
            _, payload = self._once.run(url, once)
        except Retryable as exc:
            raise _error(exc) from None
        errors = payload.get("errors") or []
        if not isinstance(errors, list):
            errors = [errors]
        data = payload.get("data")
        usable = partial and isinstance(data, dict) and usable_partial(errors)
        if errors and (not usable or not_found(errors)):
            raise graphql_error(errors)
        if not isinstance(data, dict):
            raise SourceError(f"GitHub's answer from {short(url)} has no data; see the log.")
        if errors:
            log.warning(
                "github_graphql_partial",
                errors=[str(e.get("message", ""))[:200] for e in errors],
                paths=[e.get("path") for e in errors],
            )
        self.limits.settle()
        spent = self.limits.note(data.get("rateLimit"))
        if spent is not None:
            try:
                self._retry.pause(url, spent.seconds, _Limited(_GRAPHQL_LIMITED, spent, 200))
            except Retryable as exc:
                raise _error(exc) from None
        return data

    def send(self, method: str, path: str, body: Mapping[str, Any]) -> Any:
        """One REST write (``POST``, ``PATCH``) of a JSON ``body``, answered as JSON.

        Sent once: a write that fails is the caller's to repeat (a webhook's redelivery).
        """
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self._once.run(
                url,
                lambda: self._try(
                    method,
                    url,
                    settle=True,
                    server_errors=False,
                    json=dict(body),
                    headers=self._headers(),
                ),
            )
        except Retryable as exc:
            raise _error(exc) from None
        if response.status_code == 403:
            raise SourceError(
                f"GitHub denied {method} {short(url)} (403); the check needs a GitHub App with "
                "checks: write, or a token with statuses: write."
            )
        if response.status_code >= 400:
            raise refusal(response, url)
        return json_of(response, url) if response.content else None

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        etag: str | None = None,
    ) -> RestPage:
        """A REST GET; with ``etag``, a conditional one that costs no quota when nothing changed.

        5xx answers, timeouts and refused connections are retried with backoff
        before a ``GitHubUnavailable`` is raised.
        """
        url = path_or_url if "://" in path_or_url else f"{self.base_url}/{path_or_url.lstrip('/')}"
        extra = {"If-None-Match": etag} if etag else {}

        try:
            response = self._retry.run(
                url,
                lambda: self._try(
                    "GET",
                    url,
                    settle=True,
                    server_errors=True,
                    params=params,
                    headers=self._headers(extra),
                ),
            )
        except Retryable as exc:
            raise _error(exc) from None
        if response.status_code == 304:
            return RestPage(304, None, etag, None, response.headers)
        if response.status_code >= 400:
            raise refusal(response, url)
        data = json_of(response, url) if response.content else None
        next_link = response.links.get("next", {}).get("url")
        return RestPage(
            response.status_code, data, response.headers.get("etag"), next_link, response.headers
        )
