"""A JSON client for the incident APIs, with retries and one-sentence refusals.

A ``RestClient`` (``data.http.rest``: httpx and the one retry policy) whose vendor is
named by ``ApiNames``, so PagerDuty and Opsgenie share it: each passes its headers
(the key as its API takes it) and the names its sentences use.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Unpack

import httpx

from data.http.rest import ApiError, Params, RestClient, Transport
from data.http.retry import Retryable, retry_after

__all__ = ["ApiNames", "IncidentApiError", "JsonApi"]


@dataclass(frozen=True, slots=True)
class ApiNames:
    """How error sentences name an API and the settings that fix it."""

    product: str
    key_var: str
    url_var: str
    key_hint: str
    region_hint: str = ""


class IncidentApiError(ApiError):
    """An incident API refused or failed a request; ``status`` is its HTTP status if any."""


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


class JsonApi(RestClient):
    """GETs of one JSON API over ``httpx``, with retries and one-sentence refusals.

    Retried by the one policy (``data.http.retry``): 429 answers wait
    ``Retry-After`` (seconds or a date; PagerDuty's ``ratelimit-reset`` seconds),
    5xx answers, timeouts and dropped connections back off; after five tries the
    last failure, or a wait past ``max_wait`` in all, becomes an
    ``IncidentApiError``. ``sleep`` and ``clock`` are seams for tests; ``waits``
    records every wait taken.
    """

    error = IncidentApiError
    # Neither API redirects its own paths: a 3xx is read as the answer it is.
    follow_redirects = False
    timed_out = (
        "{name} did not answer {what} in time; the next sync resumes from the last checkpoint."
    )
    rate_limited = (
        "{name} kept answering that the rate limit is exceeded; the next sync resumes from "
        "the last checkpoint."
    )
    failed = (
        "{name} kept answering {status} for {what}; the next sync resumes from the last checkpoint."
    )
    not_json = "{name}'s answer to {what} is not a JSON object; the next sync retries."

    def __init__(
        self,
        names: ApiNames,
        base_url: str,
        headers: Mapping[str, str],
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        super().__init__(
            names.product, base, base, "", where=names.url_var, token_env=names.key_var, **transport
        )
        self.names = names
        self._sent = dict(headers)

    # Its sources read one JSON object or nothing, never a ``RestResponse``.
    def json_object(
        self, path: str, params: Params | None = None, *, missing_ok: bool = False
    ) -> dict[str, Any] | None:
        """The JSON object answered to ``GET path``; ``None`` on 404 when ``missing_ok``."""
        try:
            body = self.json(path, params)
        except IncidentApiError as exc:
            if missing_ok and exc.status == 404:
                return None
            raise
        if not isinstance(body, dict):
            raise IncidentApiError(self._not_json(self.url(path)))
        return body

    # -- what the API says ----------------------------------------------------------

    def _named(self, url: str) -> str:
        # A path as the source wrote it: ``/incidents``.
        return url.removeprefix(self.base_url)

    def _headers(self) -> dict[str, str]:
        return self._sent

    def _waited(self, seconds: float, why: Retryable) -> None:
        # Every wait is kept, a backoff after a 5xx as well as a rate limit's.
        with self._lock:
            self.waits.append(seconds)

    def _limit_wait(self, response: httpx.Response) -> float | None:
        """A 429's wait: ``Retry-After``, else PagerDuty's ``ratelimit-reset`` (seconds)."""
        after = retry_after(response.headers.get("retry-after"), self._clock())
        if after is not None:
            return after
        reset = response.headers.get("ratelimit-reset", "").strip()
        return float(reset) if reset.isdigit() else None

    def _refusal(self, response: httpx.Response, url: str) -> IncidentApiError:
        n = self.names
        path = self._named(url)
        status = response.status_code
        if status in (401, 403):
            verb = "refused the key" if status == 401 else "denied access"
            return IncidentApiError(
                f"{n.product} {verb} ({status}); check {n.key_var}: it must be {n.key_hint}"
                f"{n.region_hint}.",
                status,
            )
        if status == 404:
            return IncidentApiError(
                f"{n.product} has no {path} at {self.base_url} (404); check {n.url_var}"
                f"{n.region_hint}.",
                404,
            )
        detail = _error_message(response)
        said = f": {detail}" if detail else ""
        return IncidentApiError(
            f"{n.product} answered {status} for {path}{said}; see the log.", status
        )
