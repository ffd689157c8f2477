"""A token's JSON API over httpx: one try, its retries, its refusals, its answers as pages.

What the Bitbucket, GitLab, Jira, Linear, Codecov and incident-API clients share, kept
once: a pool of 16 connections on the process's TLS context, the one retry policy
(``data.http.retry``: a ``429`` waits, 5xx answers, timeouts and refused connections
back off), a count of requests and of waits for limits, and one ``ApiError`` sentence
when the retries run out. A vendor's client says the rest: its headers (the token),
its refusals (``401``/``403``/``404``, each with its own fix), how its sentences name
a request and word a failure, and, where its API has one, how long a ``429`` asks to
wait and a quota to pause for.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypedDict

import httpx

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from scoring.errors import SourceError

__all__ = [
    "USER_AGENT",
    "ApiError",
    "Params",
    "RestClient",
    "RestResponse",
    "Transport",
    "Unreachable",
    "short",
]

USER_AGENT = "riskbrief"

# A query as httpx takes it: a mapping, or pairs when a key repeats (PagerDuty's ``statuses[]``).
Params = Mapping[str, Any] | list[tuple[str, Any]]


class ApiError(SourceError):
    """An API refused or failed a request; ``status`` is its HTTP status (``None``: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Unreachable(Retryable):
    """No answer at all (no connection): a fix in the network, not in the vendor's status."""


@dataclass(frozen=True, slots=True)
class RestResponse:
    """One answer: its decoded JSON, its headers, and the ``Link`` header's ``rel="next"``."""

    status: int
    data: Any
    headers: Mapping[str, str]
    next_url: str | None = None


class Transport(TypedDict, total=False):
    """How a client reaches its API, as a vendor's client passes it on (each may be left out).

    ``http`` is the ``httpx.Client`` to use (else one of 16 connections on the shared TLS
    context, with ``timeout``); ``sleep`` and ``clock`` are the retry policy's seams for
    tests; ``max_wait`` is the most one request waits in all.
    """

    http: httpx.Client | None
    timeout: float | httpx.Timeout
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    max_wait: float


def short(url: str) -> str:
    """The path of ``url``, as a sentence names what was asked for."""
    return httpx.URL(url).path


class RestClient(ABC):
    """One vendor's REST API under ``api_url``; ``name`` is what a sentence calls it.

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` is the most one request
    waits in all (the retry policy's budget). Safe to share between threads: a page's
    changes are read a few at a time.
    """

    # Raised for every refusal and failure, so a caller catches its vendor's own.
    error: ClassVar[type[ApiError]] = ApiError
    # Whether a 3xx is followed: Bitbucket and GitLab answer a renamed project with one.
    follow_redirects: ClassVar[bool] = True
    # The sentences of a try that gets no usable answer (and of an answer that is not
    # JSON), for a vendor to word as its tests pin them: ``{name}``, ``{base_url}``,
    # ``{api_url}``, ``{where}``, ``{what}`` (the request, as ``_named`` says it),
    # ``{status}`` and ``{exc}`` (httpx's name for the failure) fill in.
    timed_out: ClassVar[str] = "{name} did not answer {what} in time; the next sync retries."
    unreachable: ClassVar[str] = (
        "{name} at {base_url} cannot be reached ({exc}); check {where} and the network."
    )
    rate_limited: ClassVar[str] = (
        "{name} kept answering 429 Too Many Requests; the next sync resumes from the last "
        "checkpoint."
    )
    failed: ClassVar[str] = "{name} answered {status} to {what}; the next sync retries."
    not_json: ClassVar[str] = "{name}'s answer from {what} is not JSON; check {where}."

    def __init__(
        self,
        name: str,
        base_url: str,
        api_url: str,
        token: str,
        *,
        where: str,
        token_env: str,
        http: httpx.Client | None = None,
        timeout: float | httpx.Timeout = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.api_url = api_url
        # Where riskbrief.toml sets the address, for the sentences that say to check it.
        self.where = where
        self._token = token
        self._token_env = token_env
        self._http = http or http_client(
            timeout=timeout,
            follow_redirects=self.follow_redirects,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        )
        self._clock = clock
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait, on_wait=self._waited)
        self._lock = threading.Lock()
        # Requests sent and waits taken, for the bench, the tests and the sync log.
        self.requests = 0
        self.waits: list[float] = []

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (relative to the API's root), or ``path`` if absolute."""
        return path if "://" in path else f"{self.api_url}/{path.lstrip('/')}"

    # -- what a vendor says ---------------------------------------------------------

    @abstractmethod
    def _headers(self) -> dict[str, str]:
        """The headers of every request: the token, ``User-Agent`` and ``Accept``."""

    @abstractmethod
    def _refusal(self, response: httpx.Response, url: str) -> ApiError:
        """The one sentence for a 4xx answer other than ``429``, saying what to do."""

    def _limit_wait(self, response: httpx.Response) -> float | None:
        """How long a ``429`` asks to wait: its ``Retry-After`` (``None``: the backoff)."""
        return retry_after(response.headers.get("retry-after"), self._clock())

    def _note(self, response: httpx.Response) -> None:
        """Hear an answer below 500 before it is read (a quota it says is spent)."""
        # Most APIs say nothing of their quota until a 429; GitLab's headers do.
        return

    def _pause(self, url: str) -> None:
        """Wait before a request, when an answer said the quota is spent."""
        # Without ``_note`` hearing of a spent quota there is nothing to wait for.
        return

    def _named(self, url: str) -> str:
        """How a sentence names the request for ``url``: its path."""
        return short(url)

    def _not_json(self, url: str) -> str:
        """The sentence for a GET whose answer is not JSON."""
        return self._say(self.not_json, url)

    def _failure(self, exc: Retryable) -> ApiError:
        """The error a request ends in when its retries run out."""
        return self.error(exc.sentence, exc.status)

    # -- requests -------------------------------------------------------------------

    def _say(self, template: str, url: str, status: int | None = None, exc: str = "") -> str:
        """One of the class's sentences, filled in for a request to ``url``."""
        return template.format(
            name=self.name,
            base_url=self.base_url,
            api_url=self.api_url,
            where=self.where,
            what=self._named(url),
            status=status,
            exc=exc,
        )

    def _waited(self, seconds: float, why: Retryable) -> None:
        # The bench and the tests count the waits for limits, not the backoffs after a 5xx.
        if why.limited:
            with self._lock:
                self.waits.append(seconds)

    def _send(
        self,
        method: str,
        url: str,
        params: Params | None = None,
        body: Any = None,
    ) -> httpx.Response:
        """One request: limits waited out, 5xx and no answer retried, refusals one sentence."""
        try:
            self._pause(url)
            return self._retry.run(url, lambda: self._try(method, url, params, body))
        except Retryable as exc:
            raise self._failure(exc) from None

    def _try(self, method: str, url: str, params: Params | None, body: Any) -> httpx.Response:
        with self._lock:
            self.requests += 1
        try:
            response = self._http.request(
                method,
                url,
                headers=self._headers(),
                params=params or None,
                json=body,
            )
        except httpx.TimeoutException as exc:
            raise Retryable(self._say(self.timed_out, url, exc=type(exc).__name__)) from None
        except httpx.TransportError as exc:
            raise Unreachable(self._say(self.unreachable, url, exc=type(exc).__name__)) from None
        return self._answer(response, url)

    def _answer(self, response: httpx.Response, url: str) -> httpx.Response:
        """``response`` when it is usable; a ``Retryable`` or the vendor's refusal if not."""
        status = response.status_code
        if status == 429:
            raise Retryable(
                self._say(self.rate_limited, url, 429),
                limited=True,
                wait=self._limit_wait(response),
                status=429,
            )
        if status >= 500:
            raise self._server_failed(response, url)
        self._note(response)
        if status >= 400:
            raise self._refusal(response, url)
        return response

    def _server_failed(self, response: httpx.Response, url: str) -> Retryable:
        """A 5xx, retried after its ``Retry-After`` (a 503 may carry one) or the backoff."""
        status = response.status_code
        return Retryable(
            self._say(self.failed, url, status),
            wait=retry_after(response.headers.get("retry-after"), self._clock()),
            status=status,
        )

    def get(self, path_or_url: str, params: Params | None = None) -> RestResponse:
        """A GET and its JSON; ``next_url`` is the ``Link`` header's ``rel="next"``."""
        url = self.url(path_or_url)
        response = self._send("GET", url, params)
        try:
            data = response.json() if response.content else None
        except ValueError:
            raise self.error(self._not_json(url), response.status_code) from None
        next_url = response.links.get("next", {}).get("url")
        return RestResponse(response.status_code, data, response.headers, next_url)

    def json(self, path_or_url: str, params: Params | None = None) -> Any:
        """The decoded JSON of a GET; an empty answer is not JSON either."""
        # For the APIs read by their bodies alone (Jira, Codecov, the incident APIs),
        # whose callers never see the headers or the ``Link`` header.
        url = self.url(path_or_url)
        response = self._send("GET", url, params)
        try:
            return response.json()
        except ValueError:
            raise self.error(self._not_json(url), response.status_code) from None

    def send(self, method: str, path: str, body: Any) -> RestResponse:
        """A write (``PUT``, ``POST``, ``DELETE``) of JSON ``body`` and its JSON answer, if any."""
        response = self._send(method, self.url(path), None, body)
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        return RestResponse(response.status_code, data, response.headers)

    def get_text(self, path: str, params: Params | None = None) -> str | None:
        """A GET of raw text (a file at a commit); ``None`` when the API has none (404)."""
        try:
            response = self._send("GET", self.url(path), params)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return response.content.decode("utf-8", errors="replace")
