"""The Linear GraphQL client: the API key, rate limits, and one-sentence refusals.

httpx, as the GitHub, GitLab and Jira clients: Linear's own SDK is TypeScript,
and the Python GraphQL clients (gql, sgqlc) would add a transport and a schema
layer for two queries. A personal API key goes as ``Authorization: <key>``
(no ``Bearer``). Linear answers a spent quota with an error whose
``extensions.code`` is ``RATELIMITED`` (and may answer ``429``): the client
waits ``Retry-After``, else until ``X-RateLimit-Requests-Reset`` (epoch
milliseconds), and asks again; 5xx answers, timeouts and refused connections
are retried with backoff: the one policy of ``data.http.retry``. An
authentication error ends in one ``LinearError`` sentence naming the variable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import structlog

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from scoring.errors import SourceError

__all__ = [
    "AUTHENTICATION_ERROR",
    "SERVER_ERROR",
    "UNREACHABLE",
    "LinearClient",
    "LinearError",
    "as_dict",
]

log = structlog.get_logger(__name__)


# Codes of a LinearError besides Linear's own, so the doctor tells a key Linear refused
# from a Linear it could not reach or that failed, each with its own fix.
AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
UNREACHABLE = "UNREACHABLE"
SERVER_ERROR = "SERVER_ERROR"


class LinearError(SourceError):
    """Linear refused or failed a request; ``code`` is Linear's error code when it gave one,
    or ``UNREACHABLE`` / ``SERVER_ERROR``; ``status`` the HTTP status when one came."""

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class _Unreachable(Retryable):
    """No connection to Linear at all: the doctor's fix is the network, not Linear's status."""


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: answers are read defensively."""
    return value if isinstance(value, dict) else {}


def _first_error(payload: Any) -> tuple[str, str]:
    errors = payload.get("errors") if isinstance(payload, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(first, dict):
        return "", ""
    extensions = first.get("extensions")
    code = ""
    if isinstance(extensions, dict):
        code = str(extensions.get("code") or extensions.get("type") or "")
    return str(first.get("message") or ""), code.upper()


class LinearClient:
    """Linear's GraphQL API over one ``httpx.Client``; ``sleep`` and ``clock`` are seams.

    ``max_wait`` is the most one request waits in all (the retry policy's budget).
    """

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        token_env: str = "RISKBRIEF_LINEAR_API_KEY",
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = DEFAULT_BUDGET,
    ) -> None:
        self.api_url = api_url
        self._key = api_key
        self._token_env = token_env
        self._http = http or http_client(timeout=timeout)
        self._clock = clock
        self.requests = 0
        self.waits: list[float] = []
        self._retry = RetryPolicy(sleep=sleep, clock=clock, budget=max_wait, on_wait=self._waited)

    def __repr__(self) -> str:
        return f"LinearClient({self.api_url!r}, key=***)"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _waited(self, seconds: float, why: Retryable) -> None:
        # The tests count the waits for limits, not the backoffs after a 5xx.
        if why.limited:
            self.waits.append(seconds)

    def _limit_wait(self, response: httpx.Response) -> float | None:
        after = retry_after(response.headers.get("retry-after"), self._clock())
        if after is not None:
            return after
        reset = response.headers.get("x-ratelimit-requests-reset", "").strip()
        return max(1.0, int(reset) / 1000 - self._clock()) if reset.isdigit() else None

    def query(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of one GraphQL request."""
        body = {"query": query, "variables": dict(variables or {})}
        try:
            return self._retry.run(self.api_url, lambda: self._try(body))
        except Retryable as exc:
            code = (
                "RATELIMITED"
                if exc.limited
                else UNREACHABLE
                if isinstance(exc, _Unreachable)
                else SERVER_ERROR
            )
            raise LinearError(exc.sentence, code, exc.status) from None

    def _try(self, body: Mapping[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": self._key, "Content-Type": "application/json"}
        self.requests += 1
        try:
            response = self._http.post(self.api_url, json=body, headers=headers)
        except httpx.TimeoutException:
            raise Retryable("Linear did not answer; the next sync retries.") from None
        except httpx.TransportError as exc:
            raise _Unreachable(
                f"Linear at {self.api_url} cannot be reached ({type(exc).__name__}); "
                "check the network (and api_url in [sources.linear])."
            ) from None
        if response.status_code >= 500:
            raise Retryable(
                f"Linear answered {response.status_code}; the next sync retries.",
                wait=retry_after(response.headers.get("retry-after"), self._clock()),
                status=response.status_code,
            )
        try:
            payload = response.json()
        except ValueError:
            # A proxy's or gateway's HTML 401/403 still refuses the key.
            if response.status_code not in (401, 403):
                raise LinearError(
                    f"Linear's answer ({response.status_code}) is not JSON; check api_url in "
                    "[sources.linear].",
                    None,
                    response.status_code,
                ) from None
            payload = None
        message, code = _first_error(payload)
        if response.status_code == 429 or code == "RATELIMITED":
            raise Retryable(
                "Linear kept answering RATELIMITED; the next sync resumes from the last "
                "checkpoint.",
                limited=True,
                wait=self._limit_wait(response),
                status=response.status_code,
            )
        if response.status_code in (401, 403) or "AUTHENTICATION" in code.replace(" ", "_"):
            raise LinearError(
                f"Linear refused the API key; set {self._token_env} to a personal API key "
                "(Linear, Settings, Security & access, Personal API keys).",
                AUTHENTICATION_ERROR,
                response.status_code,
            )
        if message or response.status_code >= 400:
            raise LinearError(
                f"Linear's API answered: {(message or str(response.status_code))[:160]}",
                code or None,
                response.status_code,
            )
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise LinearError("Linear's answer has no data; see the log.")
        return data
