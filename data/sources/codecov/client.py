"""Codecov's API v2 over httpx: a bearer token, JSON pages followed by their ``next`` links,
retries by the one policy (``data.http.retry``: a 429 waits ``Retry-After``, 5xx and no
answer back off), and every refusal one sentence: a ``RestClient`` (``data.http.rest``)
with Codecov's headers, sentences and paging."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Unpack

import httpx

from data.http.rest import ApiError, RestClient, Transport

__all__ = ["CodecovClient", "CodecovError"]

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Pages a listing is followed for at most: 100 results each, far past a year of merges.
_MAX_PAGES = 500


class CodecovError(ApiError):
    """Codecov refused a request or answered something that is not its API's JSON."""


class CodecovClient(RestClient):
    """Requests to one Codecov's API v2 with one token; ``sleep`` and ``clock`` are seams.

    ``max_wait`` is the most one request waits in all (the retry policy's budget).
    """

    error = CodecovError
    # A 3xx is read, not followed, so an address that redirects (base_url set to
    # Codecov's web app, not its API) ends in the sentence to check base_url.
    follow_redirects = False
    # httpx names a timeout as it names a refused connection: both say to check the address.
    timed_out = unreachable = (
        "cannot reach {name} at {base_url} ({exc}); check {where} and the network"
    )
    rate_limited = failed = "{name} answered {status} to {what}; the next sync retries"
    not_json = (
        "{name}'s answer to {what} is not JSON; check {where} (the API's address, e.g. "
        "https://api.codecov.io)"
    )

    def __init__(
        self,
        base_url: str,
        token: str,
        service: str = "github",
        *,
        token_env: str = "RISKBRIEF_CODECOV_TOKEN",
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        # Connecting is given less time than an answer: a wrong base_url fails sooner.
        transport.setdefault("timeout", _TIMEOUT)
        super().__init__(
            "Codecov",
            base,
            base,
            token,
            where="base_url in [sources.codecov]",
            token_env=token_env,
            **transport,
        )
        self.service = service

    def repo_path(self, repository: str) -> str:
        """``/api/v2/<service>/<owner>/repos/<name>``."""
        owner, _, name = repository.partition("/")
        return f"/api/v2/{self.service}/{owner}/repos/{name}"

    def pages(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The ``results`` of each page of a listing, following ``next``."""
        url: str | None = path
        query: Mapping[str, str | int] | None = params
        for _ in range(_MAX_PAGES):
            if url is None:
                return
            data = self.json(url, query)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise CodecovError(f"Codecov's answer to {path[:200]} has no results list")
            yield [r for r in data["results"] if isinstance(r, dict)]
            nxt = data.get("next")
            url = nxt if isinstance(nxt, str) and nxt else None
            # A next link carries its own query.
            query = None

    # -- what Codecov says ----------------------------------------------------------

    def _named(self, url: str) -> str:
        # A path as the source wrote it; a ``next`` link (the only URL with its own
        # query) whole, as Codecov gave it.
        return (url if "?" in url else url.removeprefix(self.base_url))[:200]

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"bearer {self._token}", "Accept": "application/json"}

    def _refusal(self, response: httpx.Response, url: str) -> CodecovError:
        status = response.status_code
        if status in (401, 403):
            return CodecovError(
                f"Codecov refused the token in {self._token_env} ({status}); "
                "set it to an API access token from Codecov's Settings > Access",
                status,
            )
        if status == 404:
            return CodecovError(
                f"Codecov has no {self._named(url).split('?')[0]} (404); check the repository's "
                "owner/name and service in [sources.codecov]",
                404,
            )
        return CodecovError(self._say(self.failed, url, status), status)
