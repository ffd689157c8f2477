"""The Linear GraphQL client: the API key, rate limits, and one-sentence refusals.

A ``RestClient`` (``data.http.rest``: httpx, the one retry policy, the counts of
requests and waits), as the GitLab and Jira clients are, with its one GraphQL call
here: Linear's own SDK is TypeScript, and the Python GraphQL clients (gql, sgqlc)
would add a transport and a schema layer for two queries. A personal API key goes
as ``Authorization: <key>`` (no ``Bearer``). Linear answers a spent quota with an
error whose ``extensions.code`` is ``RATELIMITED`` (and may answer ``429``): the
client waits ``Retry-After``, else until ``X-RateLimit-Requests-Reset`` (epoch
milliseconds), and asks again; 5xx answers, timeouts and refused connections are
retried with backoff: the one policy of ``data.http.retry``. An authentication
error ends in one ``LinearError`` sentence naming the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

import httpx

from data.http.rest import ApiError, RestClient, Transport, Unreachable
from data.http.retry import Retryable, retry_after

__all__ = [
    "AUTHENTICATION_ERROR",
    "SERVER_ERROR",
    "UNREACHABLE",
    "LinearClient",
    "LinearError",
    "as_dict",
]


# Codes of a LinearError besides Linear's own, so the doctor tells a key Linear refused
# from a Linear it could not reach or that failed, each with its own fix.
AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
UNREACHABLE = "UNREACHABLE"
SERVER_ERROR = "SERVER_ERROR"


class LinearError(ApiError):
    """Linear refused or failed a request; ``code`` is Linear's error code when it gave one,
    or ``UNREACHABLE`` / ``SERVER_ERROR``; ``status`` the HTTP status when one came."""

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message, status)
        self.code = code


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


class LinearClient(RestClient):
    """Linear's GraphQL API over one ``httpx.Client``; ``sleep`` and ``clock`` are seams.

    ``max_wait`` is the most one request waits in all (the retry policy's budget).
    """

    error = LinearError
    # Linear's endpoint is one URL and never moves: an answer is read as it comes.
    follow_redirects = False
    timed_out = "{name} did not answer; the next sync retries."
    unreachable = "{name} at {api_url} cannot be reached ({exc}); check the network (and {where})."
    rate_limited = (
        "{name} kept answering RATELIMITED; the next sync resumes from the last checkpoint."
    )
    failed = "{name} answered {status}; the next sync retries."

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        token_env: str = "RISKBRIEF_LINEAR_API_KEY",
        **transport: Unpack[Transport],
    ) -> None:
        super().__init__(
            "Linear",
            api_url,
            api_url,
            api_key,
            where="api_url in [sources.linear]",
            token_env=token_env,
            **transport,
        )

    def __repr__(self) -> str:
        return f"LinearClient({self.api_url!r}, key=***)"

    def query(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of one GraphQL request."""
        body = {"query": query, "variables": dict(variables or {})}
        response = self._send("POST", self.api_url, body=body)
        # ``_answer`` read this answer once to find Linear's errors; it is JSON with data.
        data = as_dict(response.json()).get("data")
        if not isinstance(data, dict):
            raise LinearError("Linear's answer has no data; see the log.")
        return data

    # -- what Linear says -----------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        # A personal API key goes bare, without ``Bearer``.
        return {"Authorization": self._token, "Content-Type": "application/json"}

    def _limit_wait(self, response: httpx.Response) -> float | None:
        """A limit's wait: ``Retry-After``, else until ``X-RateLimit-Requests-Reset`` (ms)."""
        after = retry_after(response.headers.get("retry-after"), self._clock())
        if after is not None:
            return after
        reset = response.headers.get("x-ratelimit-requests-reset", "").strip()
        return max(1.0, int(reset) / 1000 - self._clock()) if reset.isdigit() else None

    def _failure(self, exc: Retryable) -> LinearError:
        # The doctor's fix depends on the code: the quota, the network, or Linear itself.
        code = (
            "RATELIMITED"
            if exc.limited
            else UNREACHABLE
            if isinstance(exc, Unreachable)
            else SERVER_ERROR
        )
        return LinearError(exc.sentence, code, exc.status)

    def _refusal(self, response: httpx.Response, url: str) -> LinearError:
        """Linear's one refusal with a fix of its own: the key."""
        return LinearError(
            f"Linear refused the API key; set {self._token_env} to a personal API key "
            "(Linear, Settings, Security & access, Personal API keys).",
            AUTHENTICATION_ERROR,
            response.status_code,
        )

    def _answer(self, response: httpx.Response, url: str) -> httpx.Response:
        # GraphQL says most of its failures in the body, a spent quota too, so the body
        # is read before a 4xx is taken for a refusal.
        status = response.status_code
        if status >= 500:
            raise self._server_failed(response, url)
        try:
            payload = response.json()
        except ValueError:
            # A proxy's or gateway's HTML 401/403 still refuses the key.
            if status not in (401, 403):
                raise LinearError(
                    f"Linear's answer ({status}) is not JSON; check api_url in [sources.linear].",
                    None,
                    status,
                ) from None
            payload = None
        message, code = _first_error(payload)
        if status == 429 or code == "RATELIMITED":
            raise Retryable(
                self._say(self.rate_limited, url, status),
                limited=True,
                wait=self._limit_wait(response),
                status=status,
            )
        if status in (401, 403) or "AUTHENTICATION" in code.replace(" ", "_"):
            raise self._refusal(response, url)
        if message or status >= 400:
            raise LinearError(
                f"Linear's API answered: {(message or str(status))[:160]}",
                code or None,
                status,
            )
        return response
