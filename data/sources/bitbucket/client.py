"""The one HTTP client of both Bitbucket editions: auth, pages, rate limits, refusals.

httpx and the one retry policy (``data.http.retry``), as the GitHub and GitLab
clients are, so all are tested the same way against fakes on 127.0.0.1.

- Auth: Cloud takes a workspace, project or repository access token as
  ``Authorization: Bearer``, or an Atlassian API token as Basic with its
  account's e-mail; Data Center an HTTP access token as ``Bearer``.
- Pages: Cloud's lists carry ``values`` and a ``next`` URL; Data Center's carry
  ``values``, ``isLastPage`` and ``nextPageStart``, asked for again with ``start``.
- Limits: Cloud's hourly window and Data Center's token bucket both answer
  ``429``; its ``Retry-After`` (Data Center sends one) is waited out, else the
  policy's backoff; 5xx, timeouts and refused connections are retried.

``401``, ``403`` and ``404`` end in one ``BitbucketError`` sentence saying what
to do; a Cloud token without a scope is told which scope (Cloud's ``403`` names
it in ``error.detail.required``).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from scoring.errors import SourceError

__all__ = ["BitbucketClient", "BitbucketError", "Edition", "Page"]

Edition = Literal["cloud", "dc"]

_USER_AGENT = "riskbrief"
_NAMES: dict[str, str] = {"cloud": "Bitbucket Cloud", "dc": "Bitbucket Data Center"}
_TABLES: dict[str, str] = {"cloud": "[sources.bitbucket]", "dc": "[sources.bitbucket_dc]"}


class BitbucketError(SourceError):
    """Bitbucket refused or failed a request; ``status`` is its HTTP status (``None``: none)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Page:
    """One answer: its decoded JSON and headers."""

    status: int
    data: Any
    headers: Mapping[str, str]


def _short(url: str) -> str:
    return httpx.URL(url).path


class BitbucketClient:
    """Bitbucket's REST API, Cloud (``{api_url}/2.0``) or Data Center (``{base}/rest/api/1.0``).

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` is the most one
    request waits in all (the retry policy's budget). Safe to share between
    threads: a page's pull requests are read a few at a time.
    """

    def __init__(
        self,
        edition: Edition,
        base_url: str,
        token: str,
        *,
        email: str | None = None,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
        token_env: str = "RISKBRIEF_BITBUCKET_TOKEN",
    ) -> None:
        self.edition: Edition = edition
        self.base_url = base_url.rstrip("/")
        self.api_url = (
            f"{self.base_url}/2.0" if edition == "cloud" else f"{self.base_url}/rest/api/1.0"
        )
        self.name = _NAMES[edition]
        self._table = _TABLES[edition]
        self._token = token
        self._email = email
        self._token_env = token_env
        self._http = http or http_client(
            timeout=timeout,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        )
        self._clock = clock
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait, on_wait=self._waited)
        self._lock = threading.Lock()
        # Requests sent and waits taken, for the bench, the tests and the sync log.
        self.requests = 0
        self.waits: list[float] = []

    def __repr__(self) -> str:
        return f"BitbucketClient({self.edition!r}, {self.base_url!r}, token=***)"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _waited(self, seconds: float, why: Retryable) -> None:
        if why.limited:
            with self._lock:
                self.waits.append(seconds)

    def _headers(self) -> dict[str, str]:
        if self._email:
            pair = base64.b64encode(f"{self._email}:{self._token}".encode()).decode()
            auth = f"Basic {pair}"
        else:
            auth = f"Bearer {self._token}"
        return {"Authorization": auth, "User-Agent": _USER_AGENT, "Accept": "application/json"}

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (relative to the API's root), or ``path`` if absolute."""
        return path if "://" in path else f"{self.api_url}/{path.lstrip('/')}"

    def _send(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        method: str = "GET",
        body: Any = None,
    ) -> httpx.Response:
        try:
            return self._retry.run(url, lambda: self._try(url, params, method, body))
        except Retryable as exc:
            raise BitbucketError(exc.sentence, exc.status) from None

    def _try(
        self, url: str, params: Mapping[str, Any] | None, method: str = "GET", body: Any = None
    ) -> httpx.Response:
        with self._lock:
            self.requests += 1
        try:
            if method == "GET":
                response = self._http.get(url, headers=self._headers(), params=params)
            else:
                response = self._http.request(
                    method, url, headers=self._headers(), params=params, json=body
                )
        except httpx.TimeoutException:
            raise Retryable(
                f"{self.name} did not answer {_short(url)} in time; the next sync retries."
            ) from None
        except httpx.TransportError as exc:
            raise Retryable(
                f"{self.name} at {self.base_url} cannot be reached ({type(exc).__name__}); "
                f"check its address in {self._table} and the network."
            ) from None
        status = response.status_code
        if status == 429:
            raise Retryable(
                f"{self.name} kept answering 429 Too Many Requests; the next sync resumes "
                "from the last checkpoint.",
                limited=True,
                wait=retry_after(response.headers.get("retry-after"), self._clock()),
                status=429,
            )
        if status >= 500:
            raise Retryable(
                f"{self.name} answered {status} to {_short(url)}; the next sync retries.",
                wait=retry_after(response.headers.get("retry-after"), self._clock()),
                status=status,
            )
        if status >= 400:
            raise self._refusal(response, url)
        return response

    def _refusal(self, response: httpx.Response, url: str) -> BitbucketError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        if status == 401:
            what = (
                "an access token (or an API token with email set) with the read scopes"
                if self.edition == "cloud"
                else "an HTTP access token with repository read permission"
            )
            return BitbucketError(
                f"{self.name} at {self.base_url} refused the token (401); set "
                f"{self._token_env} to {what} that has not expired.",
                401,
            )
        if status == 403:
            required = _required_scopes(body)
            if required:
                return BitbucketError(
                    f"the token in {self._token_env} lacks the {', '.join(required)} scope "
                    f"({self.name} answered 403 to {_short(url)}); create one with the read "
                    "scopes for repositories, pull requests and pipelines.",
                    403,
                )
            if self.edition == "dc":
                return BitbucketError(
                    f"the token in {self._token_env} lacks repository read permission on "
                    f"{_short(url)} (403); create an HTTP access token with Repository read "
                    "(or Project read) permission.",
                    403,
                )
            return BitbucketError(
                f"{self.name} refused {_short(url)} (403); give the token read access to the "
                "repository, its pull requests and pipelines.",
                403,
            )
        if status == 404:
            return BitbucketError(
                f"{self.name} has no {_short(url)} (404) or the token cannot see it; check "
                f"repositories in {self._table} and the token's access.",
                404,
            )
        return BitbucketError(
            f"{self.name} refused {_short(url)} ({status}: {_message(body)[:120]}); see the log.",
            status,
        )

    def get(self, path_or_url: str, params: Mapping[str, Any] | None = None) -> Page:
        """A GET and its JSON."""
        url = self.url(path_or_url)
        response = self._send(url, params)
        try:
            data = response.json() if response.content else None
        except ValueError:
            raise BitbucketError(
                f"{self.name}'s answer from {_short(url)} is not JSON; check its address in "
                f"{self._table}.",
                response.status_code,
            ) from None
        return Page(response.status_code, data, response.headers)

    def send(self, method: str, path: str, body: Any) -> Page:
        """A ``PUT`` or ``POST`` of JSON ``body`` (Code Insights' writes are idempotent, so
        a retried one does no harm) and its JSON answer."""
        url = self.url(path)
        response = self._send(url, None, method, body)
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        return Page(response.status_code, data, response.headers)

    def get_text(self, path: str, params: Mapping[str, Any] | None = None) -> str | None:
        """A GET of raw text (a file at a commit); ``None`` when Bitbucket has none (404)."""
        try:
            response = self._send(self.url(path), params)
        except BitbucketError as exc:
            if exc.status == 404:
                return None
            raise
        return response.content.decode("utf-8", errors="replace")

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Every page of a list: Cloud's by ``next``, Data Center's by ``nextPageStart``."""
        page = self.get(path, params)
        yield page
        while True:
            data = page.data if isinstance(page.data, dict) else {}
            if self.edition == "cloud":
                nxt = data.get("next")
                if not isinstance(nxt, str) or not nxt:
                    return
                page = self.get(nxt)
            else:
                start = data.get("nextPageStart")
                if data.get("isLastPage", True) or not isinstance(start, int):
                    return
                page = self.get(path, {**dict(params or {}), "start": start})
            yield page

    def values(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every item of every page of a list."""
        for page in self.pages(path, params):
            data = page.data if isinstance(page.data, dict) else {}
            values = data.get("values")
            yield from values if isinstance(values, list) else ()


def _required_scopes(body: Any) -> list[str]:
    """The scopes Cloud's 403 says are required (``error.detail.required``)."""
    error = body.get("error") if isinstance(body, dict) else None
    detail = error.get("detail") if isinstance(error, dict) else None
    required = detail.get("required") if isinstance(detail, dict) else None
    return [str(s) for s in required] if isinstance(required, list) else []


def _message(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or "")
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "")
    return ""
