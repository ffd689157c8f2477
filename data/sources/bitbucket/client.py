"""The one HTTP client of both Bitbucket editions: auth, pages, rate limits, refusals.

A ``RestClient`` (``data.http.rest``: httpx and the one retry policy), as the GitLab
client is, so both are tested the same way against fakes on 127.0.0.1; what is
Bitbucket's own is here:

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
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Unpack

import httpx

from data.http.rest import USER_AGENT, ApiError, RestClient, RestResponse, Transport, short

__all__ = ["BitbucketClient", "BitbucketError", "Edition", "RestResponse"]

Edition = Literal["cloud", "dc"]

_NAMES: dict[str, str] = {"cloud": "Bitbucket Cloud", "dc": "Bitbucket Data Center"}
_TABLES: dict[str, str] = {"cloud": "[sources.bitbucket]", "dc": "[sources.bitbucket_dc]"}


class BitbucketError(ApiError):
    """Bitbucket refused or failed a request; ``status`` is its HTTP status (``None``: none)."""


class BitbucketClient(RestClient):
    """Bitbucket's REST API, Cloud (``{api_url}/2.0``) or Data Center (``{base}/rest/api/1.0``).

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` is the most one
    request waits in all (the retry policy's budget). Safe to share between
    threads: a page's pull requests are read a few at a time.
    """

    error = BitbucketError

    def __init__(
        self,
        edition: Edition,
        base_url: str,
        token: str,
        *,
        email: str | None = None,
        token_env: str = "RISKBRIEF_BITBUCKET_TOKEN",
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        super().__init__(
            _NAMES[edition],
            base,
            f"{base}/2.0" if edition == "cloud" else f"{base}/rest/api/1.0",
            token,
            where=f"its address in {_TABLES[edition]}",
            token_env=token_env,
            **transport,
        )
        self.edition: Edition = edition
        self._table = _TABLES[edition]
        self._email = email

    def __repr__(self) -> str:
        return f"BitbucketClient({self.edition!r}, {self.base_url!r}, token=***)"

    def _headers(self) -> dict[str, str]:
        if self._email:
            pair = base64.b64encode(f"{self._email}:{self._token}".encode()).decode()
            auth = f"Basic {pair}"
        else:
            auth = f"Bearer {self._token}"
        return {"Authorization": auth, "User-Agent": USER_AGENT, "Accept": "application/json"}

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
                    f"({self.name} answered 403 to {short(url)}); create one with the read "
                    "scopes for repositories, pull requests and pipelines.",
                    403,
                )
            if self.edition == "dc":
                return BitbucketError(
                    f"the token in {self._token_env} lacks repository read permission on "
                    f"{short(url)} (403); create an HTTP access token with Repository read "
                    "(or Project read) permission.",
                    403,
                )
            return BitbucketError(
                f"{self.name} refused {short(url)} (403); give the token read access to the "
                "repository, its pull requests and pipelines.",
                403,
            )
        if status == 404:
            return BitbucketError(
                f"{self.name} has no {short(url)} (404) or the token cannot see it; check "
                f"repositories in {self._table} and the token's access.",
                404,
            )
        return BitbucketError(
            f"{self.name} refused {short(url)} ({status}: {_message(body)[:120]}); see the log.",
            status,
        )

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[RestResponse]:
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
