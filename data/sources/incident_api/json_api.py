"""A JSON client for the incident APIs, with retries and one-sentence refusals."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from data.http.client import http_client
from data.http.retry import DEFAULT_BUDGET, Retryable, RetryPolicy, retry_after
from scoring.errors import SourceError

__all__ = ["ApiNames", "JsonApi"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ApiNames:
    """How error sentences name an API and the settings that fix it."""

    product: str
    key_var: str
    url_var: str
    key_hint: str
    region_hint: str = ""


def _limit_wait(headers: httpx.Headers, now: float) -> float | None:
    """A 429's wait: ``Retry-After``, else PagerDuty's ``ratelimit-reset`` (seconds from now)."""
    after = retry_after(headers.get("retry-after"), now)
    if after is not None:
        return after
    reset = headers.get("ratelimit-reset", "").strip()
    return float(reset) if reset.isdigit() else None


def _error_message(response: httpx.Response) -> str | None:
    """The API's own explanation in an error body (PagerDuty nests it, Opsgenie does not)."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    nested = body.get("error")
    inner: dict[str, Any] = nested if isinstance(nested, dict) else body
    message = inner.get("message")
    errors = inner.get("errors")
    if isinstance(errors, list) and errors:
        message = f"{message}: {'; '.join(str(e) for e in errors)}" if message else str(errors[0])
    return str(message) if message else None


class JsonApi:
    """GETs of one JSON API over ``httpx``, with retries and one-sentence refusals.

    Retried by the one policy (``data.http.retry``): 429 answers wait
    ``Retry-After`` (seconds or a date; PagerDuty's ``ratelimit-reset`` seconds),
    5xx answers, timeouts and dropped connections back off; after ``attempts``
    tries the last failure, or a wait past ``max_wait`` in all, becomes a
    ``SourceError``. ``sleep`` and ``clock`` are seams for tests; ``waits`` records
    every wait taken.
    """

    def __init__(
        self,
        names: ApiNames,
        base_url: str,
        headers: Mapping[str, str],
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        attempts: int = 5,
        max_wait: float = DEFAULT_BUDGET,
    ) -> None:
        self.names = names
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers)
        self._http = http or http_client(timeout=timeout)
        self.waits: list[float] = []
        self._clock = clock
        self._retry = RetryPolicy(
            sleep=sleep,
            clock=clock,
            budget=max_wait,
            attempts=attempts,
            on_wait=lambda seconds, _: self.waits.append(seconds),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _send(self, url: str, params: Any, path: str) -> httpx.Response:
        product = self.names.product
        try:
            response = self._http.get(url, params=params, headers=self._headers)
        except httpx.TimeoutException:
            raise Retryable(
                f"{product} did not answer {path} in time; "
                "the next sync resumes from the last checkpoint."
            ) from None
        except httpx.TransportError as exc:
            raise Retryable(
                f"{product} at {self.base_url} cannot be reached ({type(exc).__name__}); "
                f"check {self.names.url_var} and the network."
            ) from None
        status = response.status_code
        if status == 429:
            raise Retryable(
                f"{product} kept answering that the rate limit is exceeded; "
                "the next sync resumes from the last checkpoint.",
                limited=True,
                wait=_limit_wait(response.headers, self._clock()),
                status=429,
            )
        if status >= 500:
            raise Retryable(
                f"{product} kept answering {status} for {path}; "
                "the next sync resumes from the last checkpoint.",
                wait=retry_after(response.headers.get("retry-after"), self._clock()),
                status=status,
            )
        return response

    def _refusal(self, response: httpx.Response, path: str) -> SourceError:
        n = self.names
        status = response.status_code
        if status in (401, 403):
            verb = "refused the key" if status == 401 else "denied access"
            return SourceError(
                f"{n.product} {verb} ({status}); check {n.key_var}: it must be {n.key_hint}"
                f"{n.region_hint}."
            )
        if status == 404:
            return SourceError(
                f"{n.product} has no {path} at {self.base_url} (404); check {n.url_var}"
                f"{n.region_hint}."
            )
        detail = _error_message(response)
        said = f": {detail}" if detail else ""
        return SourceError(f"{n.product} answered {status} for {path}{said}; see the log.")

    def get(
        self, path: str, params: Any = None, *, missing_ok: bool = False
    ) -> dict[str, Any] | None:
        """The JSON object answered to ``GET path``; ``None`` on 404 when ``missing_ok``."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self._retry.run(url, lambda: self._send(url, params, path))
        except Retryable as exc:
            raise SourceError(exc.sentence) from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise self._refusal(response, path)
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise SourceError(
                f"{self.names.product}'s answer to {path} is not a JSON object; "
                "the next sync retries."
            )
        return body
