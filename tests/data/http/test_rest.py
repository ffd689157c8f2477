"""The REST client every vendor's but GitHub's shares, at the wire: a server on 127.0.0.1.

A small client of its own (``_Api``) stands for a vendor's, so what the shared part
does is seen apart from any vendor's headers and refusals; then each vendor that words
its failures its own way is held to its sentences, word for word, over an
``httpx.MockTransport`` that answers or fails as a case asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from data.config.sources.jira import JiraSourceConfig
from data.http.rest import ApiError, RestClient, Transport
from data.sources.bitbucket.client import BitbucketClient, BitbucketError
from data.sources.codecov.client import CodecovClient, CodecovError
from data.sources.gitlab.client import GitLabClient, GitLabError
from data.sources.incident_api.json_api import ApiNames, IncidentApiError, JsonApi
from data.sources.jira.client import JiraClient, JiraError
from data.sources.linear.client import LinearClient, LinearError
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
    moved: list[tuple[type[RestClient], type[ApiError]]] = [
        (JiraClient, JiraError),
        (LinearClient, LinearError),
        (CodecovClient, CodecovError),
        (JsonApi, IncidentApiError),
    ]
    for client, error in moved:
        assert issubclass(error, ApiError)
        assert client.error is error


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


# -- each vendor's own sentences --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Said:
    """One vendor's call and the sentences its failures end in, as they read before the move."""

    name: str
    call: Callable[[Transport], object]
    timed_out: str
    unreachable: str
    failed: str
    limited: str


def _jira(transport: Transport) -> object:
    config = JiraSourceConfig(base_url="http://jira.test", projects=("SHOP",))
    return JiraClient(config, "t", "a@example.com", **transport).json("myself")


def _linear(transport: Transport) -> object:
    return LinearClient("http://linear.test/graphql", "k", **transport).query("{ viewer { id } }")


def _codecov(transport: Transport) -> object:
    return CodecovClient("http://codecov.test", "t", **transport).json("/api/v2/github/a")


def _pagerduty(transport: Transport) -> object:
    names = ApiNames("PagerDuty", "PAGERDUTY_TOKEN", "PAGERDUTY_API_URL", "a REST API key")
    return JsonApi(names, "http://pd.test", {}, **transport).json_object("/incidents")


SAID = [
    Said(
        "jira",
        _jira,
        "Jira did not answer in time to myself; the next sync retries.",
        "Jira at http://jira.test cannot be reached (ConnectError); check base_url in "
        "[sources.jira] and the network.",
        "Jira answered 503 to myself; the next sync retries.",
        "Jira kept answering 429 Too Many Requests; the next sync resumes from the last "
        "checkpoint.",
    ),
    Said(
        "linear",
        _linear,
        "Linear did not answer; the next sync retries.",
        "Linear at http://linear.test/graphql cannot be reached (ConnectError); check the "
        "network (and api_url in [sources.linear]).",
        "Linear answered 503; the next sync retries.",
        "Linear kept answering RATELIMITED; the next sync resumes from the last checkpoint.",
    ),
    Said(
        "codecov",
        _codecov,
        "cannot reach Codecov at http://codecov.test (ReadTimeout); check base_url in "
        "[sources.codecov] and the network",
        "cannot reach Codecov at http://codecov.test (ConnectError); check base_url in "
        "[sources.codecov] and the network",
        "Codecov answered 503 to /api/v2/github/a; the next sync retries",
        "Codecov answered 429 to /api/v2/github/a; the next sync retries",
    ),
    Said(
        "pagerduty",
        _pagerduty,
        "PagerDuty did not answer /incidents in time; the next sync resumes from the last "
        "checkpoint.",
        "PagerDuty at http://pd.test cannot be reached (ConnectError); check "
        "PAGERDUTY_API_URL and the network.",
        "PagerDuty kept answering 503 for /incidents; the next sync resumes from the last "
        "checkpoint.",
        "PagerDuty kept answering that the rate limit is exceeded; the next sync resumes "
        "from the last checkpoint.",
    ),
]


def _over(answer: Callable[[httpx.Request], httpx.Response]) -> Transport:
    """A transport whose every request ``answer`` answers (or fails), and sleeps not taken."""
    return {"http": httpx.Client(transport=httpx.MockTransport(answer)), "sleep": lambda _: None}


def _raise(exc: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise exc("no answer", request=request)

    return answer


@pytest.mark.parametrize("said", SAID, ids=[s.name for s in SAID])
def test_each_vendor_keeps_its_failure_sentences(said: Said) -> None:
    """A timeout, a refused connection, a lasting 503 and a lasting 429 each end in the
    vendor's own sentence, as it read before the vendor moved onto ``RestClient``."""
    cases = [
        (_raise(httpx.ReadTimeout), said.timed_out),
        (_raise(httpx.ConnectError), said.unreachable),
        (lambda _: httpx.Response(503), said.failed),
        (lambda _: httpx.Response(429, json={}), said.limited),
    ]
    for answer, sentence in cases:
        with pytest.raises(ApiError) as caught:
            said.call(_over(answer))
        assert str(caught.value) == sentence


def test_linear_codes_tell_the_quota_the_network_and_linear_apart() -> None:
    """Linear's failures carry the code the doctor picks its fix by."""
    codes = []
    for answer in (
        _raise(httpx.ReadTimeout),
        _raise(httpx.ConnectError),
        lambda _: httpx.Response(503),
        lambda _: httpx.Response(429, json={}),
    ):
        with pytest.raises(LinearError) as caught:
            _linear(_over(answer))
        codes.append(caught.value.code)

    assert codes == ["SERVER_ERROR", "UNREACHABLE", "SERVER_ERROR", "RATELIMITED"]


def test_a_codecov_next_link_is_named_whole() -> None:
    """A refused ``next`` link is named as Codecov gave it, a first page by its path."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(404)
        nxt = "http://codecov.test/api/v2/github/a/repos/b/commits/?page=2"
        return httpx.Response(200, json={"results": [], "next": nxt})

    client = CodecovClient("http://codecov.test", "t", **_over(answer))

    with pytest.raises(CodecovError) as caught:
        list(client.pages("/api/v2/github/a/repos/b/commits/"))

    assert str(caught.value) == (
        "Codecov has no http://codecov.test/api/v2/github/a/repos/b/commits/ (404); check "
        "the repository's owner/name and service in [sources.codecov]"
    )


def test_an_empty_answer_is_not_json_to_the_body_read_apis() -> None:
    """Jira's, Codecov's and PagerDuty's GET of an empty 200 is their not-JSON sentence."""
    empty = _over(lambda _: httpx.Response(200))
    sentences = []
    for call in (_jira, _codecov, _pagerduty):
        with pytest.raises(ApiError) as caught:
            call(empty)
        sentences.append(str(caught.value))

    assert sentences == [
        "Jira's answer to myself is not JSON; check base_url in [sources.jira] is the site's "
        "address.",
        "Codecov's answer to /api/v2/github/a is not JSON; check base_url in [sources.codecov] "
        "(the API's address, e.g. https://api.codecov.io)",
        "PagerDuty's answer to /incidents is not a JSON object; the next sync retries.",
    ]
