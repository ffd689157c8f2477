"""The one HTTP client every GitHub source uses: auth, GraphQL, conditional REST GETs, limits.

GitHub's limits are honoured here so that no source has to think about them:

- Primary limit: a 403/429 with ``x-ratelimit-remaining: 0`` waits until
  ``x-ratelimit-reset``; so does a GraphQL answer whose ``rateLimit.remaining``
  is 0 (see ``note_rate_limit``).
- Secondary limits: a 403/429 with ``retry-after`` waits that long; without
  it, 60 s doubling on each repeat; a GraphQL 200 whose errors say
  ``RATE_LIMITED`` (or mention a secondary rate limit) is treated the same.
- 5xx and timeouts: REST GETs are retried with backoff; GraphQL raises
  ``GitHubUnavailable`` at once so the caller can halve its page size. A
  GraphQL answer cut short (invalid JSON) or whose error says GitHub timed out
  counts as unavailable too: a smaller query is the cure for both.
- GraphQL answers carrying ``data`` and errors that each point at a ``path``
  (one pull request GitHub failed to resolve) are returned when the caller
  asks for ``partial`` answers, so one broken item does not stop a sync.

Every other refusal is one ``SourceError`` sentence naming what to fix.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import structlog
import tenacity

from data.sources.times import TimeFormatError, parse_time
from scoring.errors import SourceError

__all__ = [
    "Auth",
    "GitHubClient",
    "GitHubUnavailable",
    "RestPage",
    "TokenAuth",
    "graphql_url",
]

log = structlog.get_logger(__name__)

_USER_AGENT = "riskbrief"
_SECONDARY_BASE_WAIT = 60.0
_MAX_LIMIT_WAITS = 6
_REST_ATTEMPTS = 4


class GitHubUnavailable(SourceError):
    """GitHub answered 5xx or not at all; the caller may retry with a smaller request."""


class _LimitHit(Exception):
    """A rate limit said to wait ``seconds`` before asking again."""

    def __init__(self, seconds: float, kind: str) -> None:
        super().__init__(f"{kind} rate limit: wait {seconds:.0f} s")
        self.seconds = seconds
        self.kind = kind


class Auth(Protocol):
    """Where the ``Authorization`` header comes from (a token, or a GitHub App installation)."""

    def authorization(self, http: httpx.Client, base_url: str) -> str:
        """The value of the ``Authorization`` header for the next request."""
        ...


@dataclass(frozen=True, slots=True)
class TokenAuth:
    """A personal access token or Actions' ``GITHUB_TOKEN``."""

    token: str

    def authorization(self, http: httpx.Client, base_url: str) -> str:
        """``Bearer <token>``."""
        return f"Bearer {self.token}"

    def __repr__(self) -> str:
        return "TokenAuth(token=***)"


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


def _reset_wait(headers: Mapping[str, str], now: float) -> float | None:
    reset = headers.get("x-ratelimit-reset")
    if headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
        return max(1.0, int(reset) - now + 1)
    return None


class GitHubClient:
    """GitHub's REST and GraphQL APIs over one ``httpx.Client``.

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` caps one wait for
    a limit (a reset an hour away is waited in full only when allowed).
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
        max_wait: float = 3600.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self._http = http or httpx.Client(timeout=timeout, follow_redirects=True)
        self._sleep = sleep
        self._clock = clock
        self._max_wait = max_wait
        self._secondary_streak = 0
        # Waits taken for limits, for tests and the sync log.
        self.waits: list[tuple[str, float]] = []

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- limits ----------------------------------------------------------------

    def _wait(self, hit: _LimitHit) -> None:
        seconds = min(hit.seconds, self._max_wait)
        log.info("github_rate_limited", kind=hit.kind, wait_seconds=round(seconds, 1))
        self.waits.append((hit.kind, seconds))
        self._sleep(seconds)

    def _secondary(self, retry_after: str | None) -> _LimitHit:
        if retry_after and retry_after.strip().isdigit():
            seconds = float(retry_after)
        else:
            seconds = _SECONDARY_BASE_WAIT * 2**self._secondary_streak
        self._secondary_streak += 1
        return _LimitHit(seconds, "secondary")

    def note_rate_limit(self, rate_limit: Mapping[str, Any] | None) -> None:
        """Wait for the reset now when a GraphQL ``rateLimit`` says nothing remains."""
        if not rate_limit or rate_limit.get("remaining", 1) > 0:
            return
        reset_at = rate_limit.get("resetAt")
        try:
            reset = parse_time(reset_at, "resetAt", naive_is_utc=True)
        except TimeFormatError:
            return
        seconds = max(1.0, reset.timestamp() - self._clock() + 1)
        self._wait(_LimitHit(seconds, "primary"))

    def _limit_of(self, response: httpx.Response) -> _LimitHit | None:
        if response.status_code not in (403, 429):
            return None
        primary = _reset_wait(response.headers, self._clock())
        if primary is not None:
            return _LimitHit(primary, "primary")
        retry_after = response.headers.get("retry-after")
        text = response.text.lower()
        if retry_after or response.status_code == 429 or "secondary rate limit" in text:
            return self._secondary(retry_after)
        if "rate limit" in text:
            return _LimitHit(_SECONDARY_BASE_WAIT, "primary")
        return None

    # -- requests --------------------------------------------------------------

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Authorization": self._auth.authorization(self._http, self.base_url),
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": _USER_AGENT,
        }
        headers.update(extra or {})
        return headers

    def _send(self, method: str, url: str, *, settle: bool = True, **kwargs: Any) -> httpx.Response:
        """One request, waiting out rate limits as often as GitHub asks (up to a cap).

        ``settle`` ends a streak of secondary limits on any answer below 400;
        GraphQL settles itself, since its 200 may still say ``RATE_LIMITED``.
        """
        for _ in range(_MAX_LIMIT_WAITS + 1):
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TimeoutException:
                raise GitHubUnavailable(
                    f"GitHub did not answer {_short(url)} in time; the next sync retries."
                ) from None
            except httpx.TransportError as exc:
                raise GitHubUnavailable(
                    f"GitHub at {self.base_url} cannot be reached ({type(exc).__name__}); "
                    "check GITHUB_API_URL and the network."
                ) from None
            hit = self._limit_of(response)
            if hit is None:
                if settle and response.status_code < 400:
                    self._secondary_streak = 0
                return response
            self._wait(hit)
        raise SourceError(
            "GitHub kept answering that the rate limit is exceeded; the next sync resumes "
            "from the last checkpoint."
        )

    def _refusal(self, response: httpx.Response, url: str) -> SourceError:
        status = response.status_code
        if status == 401:
            return SourceError(
                "GitHub refused the credentials (401); check GITHUB_TOKEN or the GitHub App "
                "settings (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)."
            )
        if status == 403:
            return SourceError(
                f"GitHub denied access to {_short(url)} (403); give the token read access to "
                "the repository's contents, pull requests, deployments and issues."
            )
        if status == 404:
            return SourceError(
                f"GitHub has no {_short(url)} (404), or the token cannot see it; check the "
                "repository name in riskbrief.toml and the token's access."
            )
        if status >= 500:
            return GitHubUnavailable(
                f"GitHub answered {status} for {_short(url)}, a fault on its side; "
                "the next sync resumes from the last checkpoint."
            )
        return SourceError(f"GitHub answered {status} for {_short(url)}; see the log.")

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
        for _ in range(_MAX_LIMIT_WAITS + 1):
            response = self._send("POST", url, settle=False, json=body, headers=self._headers())
            if response.status_code >= 400:
                raise self._graphql_refusal(response, url)
            payload = _graphql_json(response, url)
            errors = payload.get("errors") or []
            if not isinstance(errors, list):
                errors = [errors]
            if errors and _rate_limited(errors):
                self._wait(self._secondary(response.headers.get("retry-after")))
                continue
            data = payload.get("data")
            usable = partial and isinstance(data, dict) and _all_pathed(errors)
            if errors and (not usable or _not_found(errors)):
                raise _graphql_error(errors)
            if not isinstance(data, dict):
                raise SourceError(f"GitHub's answer from {_short(url)} has no data; see the log.")
            if errors:
                log.warning(
                    "github_graphql_partial",
                    errors=[str(e.get("message", ""))[:200] for e in errors],
                    paths=[e.get("path") for e in errors],
                )
            self._secondary_streak = 0
            self.note_rate_limit(data.get("rateLimit"))
            return data
        raise SourceError(
            "GitHub's GraphQL API kept answering that it is rate limited; the next sync "
            "resumes from the last checkpoint."
        )

    def _graphql_refusal(self, response: httpx.Response, url: str) -> SourceError:
        if response.status_code == 404:
            return SourceError(
                f"GitHub has no GraphQL API at {url} (404); check GITHUB_API_URL "
                "(https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server)."
            )
        if response.status_code == 403:
            return SourceError(
                "GitHub denied the GraphQL query (403); give the token read access to the "
                "repository's contents and pull requests, or approve it for the organisation (SSO)."
            )
        return self._refusal(response, url)

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        etag: str | None = None,
    ) -> RestPage:
        """A REST GET; with ``etag``, a conditional one that costs no quota when nothing changed.

        5xx answers and timeouts are retried with exponential backoff before a
        ``GitHubUnavailable`` is raised.
        """
        url = path_or_url if "://" in path_or_url else f"{self.base_url}/{path_or_url.lstrip('/')}"
        extra = {"If-None-Match": etag} if etag else {}

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(GitHubUnavailable),
            stop=tenacity.stop_after_attempt(_REST_ATTEMPTS),
            wait=tenacity.wait_exponential(multiplier=1, max=30),
            sleep=self._sleep,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                response = self._send("GET", url, params=params, headers=self._headers(extra))
                if response.status_code >= 500:
                    raise self._refusal(response, url)
        if response.status_code == 304:
            return RestPage(304, None, etag, None, response.headers)
        if response.status_code >= 400:
            raise self._refusal(response, url)
        data = _json(response, url) if response.content else None
        next_link = response.links.get("next", {}).get("url")
        return RestPage(
            response.status_code, data, response.headers.get("etag"), next_link, response.headers
        )


def _short(url: str) -> str:
    return httpx.URL(url).path or url


def _json(response: httpx.Response, url: str) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SourceError(
            f"GitHub's answer from {_short(url)} is not valid JSON; the next sync retries."
        ) from None


def _graphql_json(response: httpx.Response, url: str) -> dict[str, Any]:
    # A GraphQL answer cut short is a symptom of a query too big for GitHub to
    # finish in time, so the caller treats it like a 502 and asks for less.
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GitHubUnavailable(
            f"GitHub's answer from {_short(url)} is not valid JSON (cut short?); "
            "the next sync retries."
        ) from None
    if not isinstance(payload, dict):
        raise SourceError(f"GitHub's answer from {_short(url)} is not a JSON object; see the log.")
    return payload


def _all_pathed(errors: list[Any]) -> bool:
    return all(isinstance(e, dict) and e.get("path") for e in errors)


def _not_found(errors: list[Any]) -> bool:
    return any(isinstance(e, dict) and e.get("type") == "NOT_FOUND" for e in errors)


def _graphql_error(errors: list[Any]) -> SourceError:
    found = [e for e in errors if isinstance(e, dict) and e.get("type") == "NOT_FOUND"]
    first = (found or errors)[0]
    if not isinstance(first, dict):
        first = {"message": str(first)}
    message = str(first.get("message", "no message"))
    if first.get("type") == "NOT_FOUND":
        return SourceError(
            f"GitHub says {message.rstrip('.')}; check the repository names in riskbrief.toml "
            "and the token's access."
        )
    lowered = message.lower()
    if "timeout" in lowered or "timed out" in lowered or "something went wrong" in lowered:
        return GitHubUnavailable(f"GitHub gave up on the GraphQL query ({message.rstrip('.')}).")
    if first.get("type") == "FORBIDDEN":
        return SourceError(
            f"GitHub refused the GraphQL query ({message.rstrip('.')}); give GITHUB_TOKEN or "
            "the GitHub App read access to the repository's contents and pull requests."
        )
    return SourceError(
        f"GitHub's GraphQL API refused the query ({message.rstrip('.')}); the next sync "
        "retries from the last checkpoint and the log has the details."
    )


def _rate_limited(errors: list[Any]) -> bool:
    for e in errors:
        if not isinstance(e, dict):
            continue
        if e.get("type") == "RATE_LIMITED" or "rate limit" in str(e.get("message", "")).lower():
            return True
    return False
