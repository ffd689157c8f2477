"""Codecov's API v2 over httpx: a bearer token, JSON pages followed by their ``next`` links,
retries by the one policy (``data.http.retry``: a 429 waits ``Retry-After``, 5xx and no
answer back off), and every refusal one sentence."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from scoring.errors import SourceError

__all__ = ["CodecovClient", "CodecovError"]

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Pages a listing is followed for at most: 100 results each, far past a year of merges.
_MAX_PAGES = 500


class CodecovError(SourceError):
    """Codecov refused a request or answered something that is not its API's JSON."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CodecovClient:
    """Requests to one Codecov's API v2 with one token; ``sleep`` and ``clock`` are seams.

    ``max_wait`` is the most one request waits in all (the retry policy's budget).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        service: str = "github",
        http: httpx.Client | None = None,
        token_env: str = "RISKBRIEF_CODECOV_TOKEN",
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self._token_env = token_env
        self._http = http or http_client(timeout=_TIMEOUT)
        self._headers = {"Authorization": f"bearer {token}", "Accept": "application/json"}
        self._clock = clock
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def repo_path(self, repository: str) -> str:
        """``/api/v2/<service>/<owner>/repos/<name>``."""
        owner, _, name = repository.partition("/")
        return f"/api/v2/{self.service}/{owner}/repos/{name}"

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """The JSON answer to ``GET path`` (a path, or a whole ``next`` link)."""
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        try:
            answer = self._retry.run(url, lambda: self._try(url, path, params))
        except Retryable as exc:
            raise CodecovError(exc.sentence, exc.status) from None
        if answer.status_code in (401, 403):
            raise CodecovError(
                f"Codecov refused the token in {self._token_env} ({answer.status_code}); "
                "set it to an API access token from Codecov's Settings > Access",
                answer.status_code,
            )
        if answer.status_code == 404:
            raise CodecovError(
                f"Codecov has no {path.split('?')[0][:200]} (404); check the repository's "
                "owner/name and service in [sources.codecov]",
                404,
            )
        if answer.status_code >= 400:
            raise CodecovError(
                f"Codecov answered {answer.status_code} to {path[:200]}; the next sync retries",
                answer.status_code,
            )
        try:
            return answer.json()
        except ValueError:
            raise CodecovError(
                f"Codecov's answer to {path[:200]} is not JSON; check base_url in "
                "[sources.codecov] (the API's address, e.g. https://api.codecov.io)"
            ) from None

    def _try(self, url: str, path: str, params: Mapping[str, str | int] | None) -> httpx.Response:
        try:
            answer = self._http.get(url, params=params, headers=self._headers)
        except httpx.HTTPError as exc:
            raise Retryable(
                f"cannot reach Codecov at {self.base_url} ({type(exc).__name__}); "
                "check base_url in [sources.codecov] and the network"
            ) from None
        status = answer.status_code
        if status == 429 or status >= 500:
            raise Retryable(
                f"Codecov answered {status} to {path[:200]}; the next sync retries",
                limited=status == 429,
                wait=retry_after(answer.headers.get("retry-after"), self._clock()),
                status=status,
            )
        return answer

    def pages(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The ``results`` of each page of a listing, following ``next``."""
        url: str | None = path
        query: Mapping[str, str | int] | None = params
        for _ in range(_MAX_PAGES):
            if url is None:
                return
            data = self.get(url, query)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise CodecovError(f"Codecov's answer to {path[:200]} has no results list")
            yield [r for r in data["results"] if isinstance(r, dict)]
            nxt = data.get("next")
            url = nxt if isinstance(nxt, str) and nxt else None
            # A next link carries its own query.
            query = None
