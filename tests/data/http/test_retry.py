"""The one retry policy, at the wire: each HTTP client against a server on 127.0.0.1.

Every client answers the same way to the same server: a 429 with ``Retry-After``
(seconds or an HTTP date) is waited as asked, a 503 is backed off, a rate limit
asking for more than the budget ends at once in one sentence naming the host.
Sleeps are recorded, not taken.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from data.config.sources.jira import JiraSourceConfig
from data.http.retry import Retryable, RetryPolicy, over_budget, retry_after, span
from data.sources.bitbucket.client import BitbucketClient
from data.sources.codecov.client import CodecovClient
from data.sources.github.auth import TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.gitlab.client import GitLabClient
from data.sources.incident_api.json_api import ApiNames, JsonApi
from data.sources.jira.client import JiraClient
from data.sources.linear.client import LinearClient
from fakes.http import Answer, FakeServer, Request
from scoring.errors import SourceError

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC).timestamp()


@dataclass(frozen=True, slots=True)
class Vendor:
    """How to build one client on the fake and make one call that the fake answers 200."""

    name: str
    method: str
    path: str
    body: Any
    call: Callable[[str, Callable[[float], None]], object]


def _gitlab(url: str, sleep: Callable[[float], None]) -> object:
    return GitLabClient(url, "t", sleep=sleep, clock=lambda: NOW).get("projects/1").data


def _bitbucket(url: str, sleep: Callable[[float], None]) -> object:
    client = BitbucketClient("cloud", url, "t", sleep=sleep, clock=lambda: NOW)
    return client.get("repositories/a/b").data


def _github_rest(url: str, sleep: Callable[[float], None]) -> object:
    return GitHubClient(url, TokenAuth("t"), sleep=sleep, clock=lambda: NOW).get("repos/a/b").data


def _github_graphql(url: str, sleep: Callable[[float], None]) -> object:
    client = GitHubClient(url, TokenAuth("t"), sleep=sleep, clock=lambda: NOW)
    return client.graphql("query { viewer { login } }")


def _jira(url: str, sleep: Callable[[float], None]) -> object:
    config = JiraSourceConfig(base_url=url, projects=("SHOP",))
    return JiraClient(config, "t", "a@example.com", sleep=sleep, clock=lambda: NOW).json("myself")


def _linear(url: str, sleep: Callable[[float], None]) -> object:
    client = LinearClient(f"{url}/graphql", "k", sleep=sleep, clock=lambda: NOW)
    return client.query("query { viewer { id } }")


def _codecov(url: str, sleep: Callable[[float], None]) -> object:
    return CodecovClient(url, "t", sleep=sleep, clock=lambda: NOW).json("/api/v2/github/a")


def _incident_api(url: str, sleep: Callable[[float], None]) -> object:
    names = ApiNames("PagerDuty", "PAGERDUTY_TOKEN", "PAGERDUTY_API_URL", "a REST API key")
    return JsonApi(names, url, {}, sleep=sleep, clock=lambda: NOW).json_object("/incidents")


VENDORS = [
    Vendor("gitlab", "GET", "/api/v4/projects/1", {"id": 1}, _gitlab),
    Vendor("bitbucket", "GET", "/2.0/repositories/a/b", {"uuid": "1"}, _bitbucket),
    Vendor("github-rest", "GET", "/repos/a/b", {"id": 1}, _github_rest),
    Vendor("github-graphql", "POST", "/graphql", {"data": {"viewer": {}}}, _github_graphql),
    Vendor("jira", "GET", "/rest/api/3/myself", {"accountId": "1"}, _jira),
    Vendor("linear", "POST", "/graphql", {"data": {"viewer": {}}}, _linear),
    Vendor("codecov", "GET", "/api/v2/github/a", {"id": 1}, _codecov),
    Vendor("incident-api", "GET", "/incidents", {"incidents": []}, _incident_api),
]


@pytest.fixture(params=VENDORS, ids=[v.name for v in VENDORS])
def vendor(request: pytest.FixtureRequest) -> Iterator[tuple[Vendor, FakeServer]]:
    """A server that answers the vendor's one call with 200, unless told to fail first."""
    chosen: Vendor = request.param

    def ok(_: Request, __: object) -> Answer:
        return Answer(200, chosen.body)

    with FakeServer() as server:
        server.add(chosen.method, chosen.path, ok)
        yield chosen, server


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(NOW + seconds_from_now, usegmt=True)


@pytest.mark.parametrize("after", ["2", "date"])
def test_a_429_with_retry_after_waits_as_asked_then_succeeds(
    vendor: tuple[Vendor, FakeServer], after: str
) -> None:
    """``429`` with ``Retry-After: 2`` (or a date 2 s ahead) waits 2 s, then the call succeeds."""
    chosen, server = vendor
    header = "2" if after == "2" else _http_date(2)
    server.fail_next(chosen.path, Answer(429, {"message": "slow down"}, {"Retry-After": header}))
    sleeps: list[float] = []

    chosen.call(server.url, sleeps.append)

    assert sleeps == [2.0]
    assert len(server.requests) == 2


def test_a_503_is_backed_off_then_succeeds(vendor: tuple[Vendor, FakeServer]) -> None:
    """A 503 waits the policy's first backoff (1 s) and asks again; a GraphQL query does not."""
    chosen, server = vendor
    server.fail_next(chosen.path, Answer(503, {"message": "down"}))
    sleeps: list[float] = []

    if chosen.name == "github-graphql":
        # The caller halves its page on GitHubUnavailable instead: a smaller query is the cure.
        with pytest.raises(SourceError, match="503"):
            chosen.call(server.url, sleeps.append)
        assert sleeps == []
        return
    chosen.call(server.url, sleeps.append)

    assert sleeps == [1.0]
    assert len(server.requests) == 2


def test_a_wait_over_budget_ends_in_one_sentence(vendor: tuple[Vendor, FakeServer]) -> None:
    """A 429 asking for two hours is not waited: one sentence names the host and when to retry."""
    chosen, server = vendor
    server.fail_next(chosen.path, Answer(429, {"message": "slow down"}, {"Retry-After": "7200"}))
    sleeps: list[float] = []

    with pytest.raises(SourceError) as caught:
        chosen.call(server.url, sleeps.append)

    assert sleeps == []
    assert len(server.requests) == 1
    host = server.url.removeprefix("http://")
    assert str(caught.value) == (
        f"{host} is rate limiting riskbrief and asks it to wait 2 h, past the 1 h 1 min one "
        "request may wait; try again after 14:00 UTC, or let the next sync resume from the "
        "last checkpoint."
    )


def _flaky(answers: list[Retryable | str]) -> Callable[[], str]:
    def send() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Retryable):
            raise answer
        return answer

    return send


def test_limits_and_failures_are_counted_apart() -> None:
    """Six limit waits and five tries of a failing server are allowed, each counted on its own."""
    sleeps: list[float] = []
    policy = RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)
    limited = [Retryable("limited", limited=True, wait=0.5) for _ in range(6)]
    failed = [Retryable("down", status=503) for _ in range(4)]

    assert policy.run("http://h", _flaky([*limited, *failed, "ok"])) == "ok"
    assert sleeps == [0.5] * 6 + [1.0, 2.0, 4.0, 8.0]

    with pytest.raises(Retryable, match=r"^down$"):
        policy.run("http://h", _flaky([Retryable("down", status=503) for _ in range(5)]))
    with pytest.raises(Retryable, match=r"^limited$"):
        policy.run("http://h", _flaky([Retryable("limited", limited=True) for _ in range(7)]))


def test_a_failure_past_the_budget_keeps_its_own_sentence() -> None:
    """With no budget (the doctor's), a 502 is not retried and says what it was."""
    sleeps: list[float] = []
    policy = RetryPolicy(sleep=sleeps.append, budget=0.0)

    with pytest.raises(Retryable, match=r"^answered 502$"):
        policy.run("http://h", _flaky([Retryable("answered 502", status=502), "ok"]))
    assert sleeps == []


def test_a_pause_past_the_budget_is_the_budget_sentence() -> None:
    """A spent quota whose reset is past the budget ends the request before it is sent."""
    sleeps: list[float] = []
    policy = RetryPolicy(sleep=sleeps.append, clock=lambda: NOW, budget=60.0)
    why = Retryable("spent", limited=True)

    policy.pause("https://gitlab.example.com/api/v4", 30.0, why)
    with pytest.raises(Retryable) as caught:
        policy.pause("https://gitlab.example.com/api/v4", 90.0, why)

    assert sleeps == [30.0]
    assert caught.value.sentence == over_budget("gitlab.example.com", 90.0, 60.0, NOW)
    assert caught.value.sentence.startswith("gitlab.example.com is rate limiting riskbrief")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        ("0", 0.0),
        (email.utils.formatdate(NOW + 90, usegmt=True), 90.0),
        (email.utils.formatdate(NOW - 90, usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(
    value: str | None, seconds: float | None
) -> None:
    """``Retry-After`` is seconds or an HTTP date (a past one is no wait); anything else is none."""
    assert retry_after(value, NOW) == seconds


def test_waits_are_said_as_a_reader_says_them() -> None:
    """Seconds below two minutes, then minutes, then hours and minutes."""
    assert [span(s) for s in (45, 119, 600, 3600, 3660, 7200)] == [
        "45 s",
        "119 s",
        "10 min",
        "1 h",
        "1 h 1 min",
        "2 h",
    ]
