"""The one HTTP client of the Jira source: auth for Cloud and Server, limits, one-sentence refusals.

Why httpx and not a Jira library: the ``jira`` package (pycontribs) is kept,
but it pages searches through the old ``/search`` endpoint Jira Cloud is
retiring in favour of ``/search/jql`` with ``nextPageToken``, hides the
``Retry-After`` of a 429 inside its own retry loop (with sleeps a test cannot
replace), and brings requests, requests-oauthlib and defusedxml for the few
GETs a sync needs. The GitHub and GitLab clients are httpx with seams for
``sleep``; this one is a ``RestClient`` (``data.http.rest``) as the GitLab
client is, and is tested the same way, against a fake Jira on 127.0.0.1.

Cloud takes ``email:API token`` as HTTP Basic; Data Center/Server a personal
access token as ``Authorization: Bearer``. ``429`` waits ``Retry-After``
seconds (else until ``X-RateLimit-Reset``, an ISO 8601 time) and asks again;
5xx answers (a 503 may carry ``Retry-After`` too), timeouts and refused
connections are retried with backoff: the one policy of ``data.http.retry``.
``401``/``403``/``404`` and a refused JQL (``400`` with Jira's
``errorMessages``) end in one ``JiraError`` sentence.
"""

from __future__ import annotations

import base64
from typing import Unpack

import httpx

from data.config.sources.jira import JiraDeployment, JiraSourceConfig
from data.http.rest import ApiError, RestClient, Transport
from data.http.retry import retry_after
from data.sources.times import TimeFormatError, parse_time

__all__ = ["JiraClient", "JiraError"]


class JiraError(ApiError):
    """Jira refused or failed a request; ``status`` is its HTTP status (``None``: no answer)."""


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


class JiraClient(RestClient):
    """Jira's REST API (v3 on Cloud, v2 on Server) over one ``httpx.Client``.

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` is the most one
    request waits in all (the retry policy's budget).
    """

    error = JiraError
    timed_out = "{name} did not answer in time to {what}; the next sync retries."
    not_json = "{name}'s answer to {what} is not JSON; check {where} is the site's address."

    def __init__(
        self,
        config: JiraSourceConfig,
        token: str,
        email: str | None = None,
        **transport: Unpack[Transport],
    ) -> None:
        super().__init__(
            "Jira",
            config.base_url,
            config.api_url,
            token,
            where="base_url in [sources.jira]",
            token_env=config.token_env,
            **transport,
        )
        self.config = config
        if config.deployment is JiraDeployment.CLOUD:
            pair = f"{email or ''}:{token}".encode()
            self._auth = f"Basic {base64.b64encode(pair).decode()}"
        else:
            self._auth = f"Bearer {token}"

    def __repr__(self) -> str:
        return f"JiraClient({self.config.base_url!r}, token=***)"

    def _fix(self) -> str:
        if self.config.deployment is JiraDeployment.CLOUD:
            return (
                f"set {self.config.email_env} to the Atlassian account's email and "
                f"{self.config.token_env} to an API token of that account"
            )
        return f"set {self.config.token_env} to a personal access token of a Jira user"

    # -- what Jira says -------------------------------------------------------------

    def _named(self, url: str) -> str:
        # Sentences name a request as the source asked for it: ``search/jql``.
        return url.removeprefix(f"{self.api_url}/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self._auth, "Accept": "application/json"}

    def _limit_wait(self, response: httpx.Response) -> float | None:
        """A 429's wait: ``Retry-After`` seconds, else until ``X-RateLimit-Reset`` (ISO 8601)."""
        now = self._clock()
        after = retry_after(response.headers.get("retry-after"), now)
        if after is not None:
            return after
        try:
            reset = parse_time(response.headers.get("x-ratelimit-reset"), "X-RateLimit-Reset")
        except TimeFormatError:
            return None
        return max(1.0, reset.timestamp() - now)

    def _refusal(self, response: httpx.Response, url: str) -> JiraError:
        status = response.status_code
        path = self._named(url)
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
