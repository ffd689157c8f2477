"""A JSON client for the incident APIs, with retries and one-sentence refusals."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import httpx
import structlog
import tenacity

from data.http.client import http_client
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


class _Transient(Exception):
    """A failure worth retrying: 429, 5xx, a timeout or a dropped connection."""

    def __init__(self, sentence: str, retry_after: float | None = None) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.retry_after = retry_after


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


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

    429 answers wait ``Retry-After`` (capped at ``max_wait``) or back off
    exponentially; 5xx answers, timeouts and dropped connections back off and
    retry; after ``attempts`` tries the last failure becomes a ``SourceError``.
    ``sleep`` is a seam for tests; ``waits`` records every wait taken.
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
        attempts: int = 5,
        max_wait: float = 300.0,
    ) -> None:
        self.names = names
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers)
        self._http = http or http_client(timeout=timeout)
        self._sleep = sleep
        self._attempts = attempts
        self._max_wait = max_wait
        self._backoff = tenacity.wait_exponential(multiplier=1, min=1, max=60)
        self.waits: list[float] = []

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self._max_wait)
        return float(self._backoff(state))

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        # Called only for waits actually taken (tenacity computes one after the last try too).
        exc = state.outcome.exception() if state.outcome is not None else None
        seconds = state.upcoming_sleep
        log.info(
            "incident_api_retry",
            api=self.names.product,
            wait_seconds=round(seconds, 1),
            reason=str(exc) if exc else None,
        )
        self.waits.append(seconds)

    def _send(self, url: str, params: Any, path: str) -> httpx.Response:
        product = self.names.product
        try:
            response = self._http.get(url, params=params, headers=self._headers)
        except httpx.TimeoutException:
            raise _Transient(
                f"{product} did not answer {path} in time; "
                "the next sync resumes from the last checkpoint."
            ) from None
        except httpx.TransportError as exc:
            raise _Transient(
                f"{product} at {self.base_url} cannot be reached ({type(exc).__name__}); "
                f"check {self.names.url_var} and the network."
            ) from None
        status = response.status_code
        if status == 429:
            raise _Transient(
                f"{product} kept answering that the rate limit is exceeded; "
                "the next sync resumes from the last checkpoint.",
                _retry_after(response.headers.get("retry-after"), time.time()),
            )
        if status >= 500:
            raise _Transient(
                f"{product} kept answering {status} for {path}; "
                "the next sync resumes from the last checkpoint."
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
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(self._attempts),
            wait=self._wait,
            before_sleep=self._before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._send(url, params, path)
        except _Transient as exc:
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
