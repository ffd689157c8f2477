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
seconds (else 30 s doubling) and asks again, up to a cap; 5xx answers and
timeouts are retried with backoff; ``401``/``403``/``404`` and a refused JQL
(``400`` with Jira's ``errorMessages``) end in one ``JiraError`` sentence.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import structlog

from data.http.client import http_client
from data.sources.jira.settings import JiraDeployment, JiraSourceConfig
from scoring.errors import SourceError

__all__ = ["JiraClient", "JiraError"]

log = structlog.get_logger(__name__)

_MAX_LIMIT_WAITS = 6
_ATTEMPTS = 4
_BASE_WAIT = 30.0


class JiraError(SourceError):
    """Jira refused or failed a request; ``status`` is its HTTP status (``None``: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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

    ``sleep`` is a seam for tests; ``max_wait`` caps one wait for a limit.
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
        max_wait: float = 600.0,
    ) -> None:
        self.config = config
        self.api_url = config.api_url
        if config.deployment is JiraDeployment.CLOUD:
            pair = f"{email or ''}:{token}".encode()
            self._auth = f"Basic {base64.b64encode(pair).decode()}"
        else:
            self._auth = f"Bearer {token}"
        self._http = http or http_client(timeout=timeout, follow_redirects=True)
        self._sleep = sleep
        self._max_wait = max_wait
        self.requests = 0
        self.waits: list[float] = []

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

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON of a GET of ``path`` (relative to the REST API's root)."""
        url = path if "://" in path else f"{self.api_url}/{path.lstrip('/')}"
        headers = {"Authorization": self._auth, "Accept": "application/json"}
        attempts = 0
        limit_waits = 0
        while True:
            self.requests += 1
            try:
                response = self._http.get(url, params=dict(params or {}), headers=headers)
            except httpx.TimeoutException:
                response = None
            except httpx.TransportError as exc:
                raise JiraError(
                    f"Jira at {self.config.base_url} cannot be reached ({type(exc).__name__}); "
                    "check base_url in [sources.jira] and the network."
                ) from None
            if response is not None and response.status_code == 429:
                limit_waits += 1
                if limit_waits > _MAX_LIMIT_WAITS:
                    raise JiraError(
                        "Jira kept answering 429 Too Many Requests; the next sync resumes "
                        "from the last checkpoint.",
                        429,
                    )
                after = response.headers.get("retry-after", "").strip()
                wait = float(after) if after.isdigit() else _BASE_WAIT * 2 ** (limit_waits - 1)
                wait = min(wait, self._max_wait)
                log.info("jira_rate_limited", wait_seconds=wait)
                self.waits.append(wait)
                self._sleep(wait)
                continue
            if response is not None and response.status_code < 500:
                if response.status_code >= 400:
                    raise self._refusal(response, path)
                try:
                    return response.json()
                except ValueError:
                    raise JiraError(
                        f"Jira's answer to {path} is not JSON; check base_url in [sources.jira] "
                        "is the site's address.",
                        response.status_code,
                    ) from None
            attempts += 1
            if attempts >= _ATTEMPTS:
                said = f"answered {response.status_code}" if response else "did not answer in time"
                raise JiraError(
                    f"Jira {said} to {path}; the next sync retries.",
                    response.status_code if response is not None else None,
                )
            self._sleep(min(30.0, 2.0**attempts))

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
