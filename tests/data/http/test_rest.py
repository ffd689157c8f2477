"""The REST client Bitbucket's and GitLab's share, at the wire: a server on 127.0.0.1.

A small client of its own (``_Api``) stands for a vendor's, so what the shared part
does is seen apart from either vendor's headers and refusals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from data.http.rest import ApiError, RestClient
from data.sources.bitbucket.client import BitbucketClient, BitbucketError
from data.sources.gitlab.client import GitLabClient, GitLabError
from fakes.http import Answer, FakeServer, Request
from scoring.errors import SourceError


class _ApiError(ApiError):
    """The test vendor's own error."""


class _Api(RestClient):
    """A vendor with a bearer token whose every refusal is one plain sentence."""

    error = _ApiError

    def __init__(self, url: str) -> None:
        super().__init__(
            "Example",
            url,
            f"{url}/api",
            "t",
            where="base_url in [sources.example]",
            token_env="EXAMPLE_TOKEN",
            sleep=lambda _: None,
        )

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def _refusal(self, response: httpx.Response, url: str) -> ApiError:
        return _ApiError(f"Example refused ({response.status_code})", response.status_code)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A server answering ``/api/items`` with one item, a ``Link`` to its next page."""

    def items(_: Request, __: object) -> Answer:
        link = '<http://127.0.0.1/api/items?page=2>; rel="next"'
        return Answer(200, [{"id": 1}], {"Link": link})

    with FakeServer() as fake:
        fake.add("GET", "/api/items", items)
        yield fake


def test_vendor_errors_stay_in_the_one_exception_tree() -> None:
    """Each vendor's error is an ``ApiError`` and so a ``SourceError`` the CLI prints plainly."""
    assert issubclass(BitbucketError, ApiError)
    assert issubclass(GitLabError, ApiError)
    assert issubclass(ApiError, SourceError)
    assert BitbucketClient.error is BitbucketError
    assert GitLabClient.error is GitLabError


def test_a_page_carries_its_json_headers_and_next_link(server: FakeServer) -> None:
    """A GET's page is the decoded JSON, with ``next_url`` read from ``Link: rel="next"``."""
    api = _Api(server.url)

    page = api.get("items")

    assert page.status == 200
    assert page.data == [{"id": 1}]
    assert page.next_url == "http://127.0.0.1/api/items?page=2"
    assert server.requests[-1].headers["authorization"] == "Bearer t"
    assert api.requests == 1


def test_a_refusal_is_the_vendors_error_and_a_missing_text_is_none(server: FakeServer) -> None:
    """A 403 raises the vendor's sentence; a 404 of raw text is ``None``, not an error."""
    server.fail_next("/api/secret", Answer(403, {"message": "no"}))
    api = _Api(server.url)

    with pytest.raises(_ApiError, match=r"Example refused \(403\)") as caught:
        api.get("secret")

    assert caught.value.status == 403
    assert api.get_text("missing.txt") is None


def test_an_answer_that_is_not_json_names_where_to_check(server: FakeServer) -> None:
    """A GET answered with HTML says to check the address riskbrief.toml gives."""
    server.fail_next("/api/items", Answer(200, raw=b"<html>sign in</html>"))

    with pytest.raises(_ApiError) as caught:
        _Api(server.url).get("items")

    assert str(caught.value) == (
        "Example's answer from /api/items is not JSON; check base_url in [sources.example]."
    )


def test_a_write_sends_its_json_and_reads_an_answer_if_any(server: FakeServer) -> None:
    """``send`` puts the body as JSON; an empty answer is a page without data."""
    seen: list[Any] = []

    def put(request: Request, __: object) -> Answer:
        seen.append(request.json())
        return Answer(204)

    server.add("PUT", "/api/items/1", put)

    page = _Api(server.url).send("PUT", "items/1", {"name": "one"})

    assert seen == [{"name": "one"}]
    assert (page.status, page.data) == (204, None)
