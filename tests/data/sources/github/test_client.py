"""GitHubClient's GraphQL side against the fake GitHub: limits waited out, one-sentence refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from data.sources.github.auth import TokenAuth
from data.sources.github.client import GitHubClient, GitHubUnavailable
from fakes.github_graphql import FakeGitHubGraphQL, FakePull, iso, make_fake_github_graphql
from fakes.http import Answer, FakeServer
from scoring.errors import SourceError

TOKEN = "ghp_test"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
QUERY = """query Probe($owner: String!, $name: String!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: 1, states: MERGED) { nodes { number } }
  }
}"""
VARIABLES = {"owner": "acme", "name": "shop"}
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


@dataclass
class Setup:
    """A fake GitHub and a client whose sleeps are recorded instead of taken."""

    server: FakeServer
    fake: FakeGitHubGraphQL
    client: GitHubClient
    sleeps: list[float] = field(default_factory=list)


@pytest.fixture
def gh() -> Iterator[Setup]:
    """A fake GitHub with one merged pull request in acme/shop."""
    with FakeServer() as server:
        fake = make_fake_github_graphql(server, TOKEN)
        fake.add("acme/shop", [FakePull(1, iso(NOW))])
        sleeps: list[float] = []
        client = GitHubClient(
            server.url, TokenAuth(TOKEN), sleep=sleeps.append, clock=lambda: NOW.timestamp()
        )
        yield Setup(server, fake, client, sleeps)
        client.close()


def test_a_query_answers_its_data_and_rate_limit(gh: Setup) -> None:
    """A query reaches the fake over HTTP with the bearer token and returns its data."""
    data = gh.client.graphql(QUERY, VARIABLES)

    assert data["repository"]["pullRequests"]["nodes"] == [{"number": 1}]
    assert data["rateLimit"]["cost"] == 1
    [request] = gh.server.requests_to("/graphql")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json() == {"query": QUERY, "variables": VARIABLES}
    assert gh.sleeps == []


@pytest.mark.parametrize(
    ("answers", "waits"),
    [
        pytest.param(
            [Answer(403, {"message": SECONDARY}, headers={"retry-after": "7"})],
            [7.0],
            id="403-retry-after",
        ),
        pytest.param(
            [Answer(429, {"message": SECONDARY}, headers={"retry-after": "3"})],
            [3.0],
            id="429-retry-after",
        ),
        pytest.param(
            [Answer(403, {"message": SECONDARY}), Answer(403, {"message": SECONDARY})],
            [60.0, 120.0],
            id="403-without-retry-after-doubles",
        ),
        pytest.param(
            [
                Answer(200, {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit"}]}),
                Answer(200, {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit"}]}),
            ],
            [60.0, 120.0],
            id="200-rate-limited-doubles",
        ),
        pytest.param(
            [
                Answer(
                    403,
                    {"message": "API rate limit exceeded"},
                    headers={
                        "x-ratelimit-remaining": "0",
                        "x-ratelimit-reset": str(int(NOW.timestamp()) + 30),
                    },
                )
            ],
            [31.0],
            id="primary-403-until-reset",
        ),
    ],
)
def test_rate_limits_are_waited_out_then_the_query_succeeds(
    gh: Setup, answers: list[Answer], waits: list[float]
) -> None:
    """Secondary and primary limits are waited as GitHub asks, then the same query is sent again."""
    for answer in answers:
        gh.server.fail_next("/graphql", answer)

    data = gh.client.graphql(QUERY, VARIABLES)

    assert data["repository"]["pullRequests"]["nodes"] == [{"number": 1}]
    assert gh.sleeps == waits
    assert len(gh.server.requests_to("/graphql")) == len(answers) + 1


def test_a_streak_of_secondary_limits_ends_with_a_success(gh: Setup) -> None:
    """After a query succeeds, the next secondary limit starts again at 60 seconds."""
    gh.server.fail_next("/graphql", Answer(403, {"message": SECONDARY}))
    gh.client.graphql(QUERY, VARIABLES)
    gh.server.fail_next("/graphql", Answer(403, {"message": SECONDARY}))
    gh.client.graphql(QUERY, VARIABLES)

    assert gh.sleeps == [60.0, 60.0]


def test_no_points_remaining_waits_until_the_reset(gh: Setup) -> None:
    """When rateLimit.remaining is 0 the client waits until resetAt before going on."""
    gh.fake.remaining = 0
    gh.fake.reset_in = timedelta(minutes=10)

    gh.client.graphql(QUERY, VARIABLES)

    # The fake's clock is the client's NOW; a second more for GitHub's rounding.
    assert gh.sleeps == [601.0]
    assert gh.client.waits == [("primary", 601.0)]


def test_endless_rate_limits_end_in_one_sentence(gh: Setup) -> None:
    """A GitHub that never stops saying RATE_LIMITED is waited out until the policy's budget."""
    for _ in range(7):
        gh.server.fail_next(
            "/graphql", Answer(200, {"errors": [{"type": "RATE_LIMITED", "message": "limit"}]})
        )

    with pytest.raises(SourceError) as caught:
        gh.client.graphql(QUERY, VARIABLES)

    # 60 s doubling: the sixth wait, 32 min, would take the request past its hour and a minute.
    assert gh.sleeps == [60.0, 120.0, 240.0, 480.0, 960.0]
    host = gh.server.url.removeprefix("http://")
    assert str(caught.value) == (
        f"{host} is rate limiting riskbrief and asks it to wait 32 min, past the 1 h 1 min "
        "one request may wait; try again after 12:32 UTC, or let the next sync resume from "
        "the last checkpoint."
    )


@pytest.mark.parametrize(
    ("answer", "kind", "words"),
    [
        pytest.param(Answer(502, {"message": "Server Error"}), GitHubUnavailable, "502", id="502"),
        pytest.param(
            Answer(200, raw=b'{"data": {"repos'), GitHubUnavailable, "cut short", id="cut"
        ),
        pytest.param(
            Answer(200, {"errors": [{"message": "Something went wrong while executing"}]}),
            GitHubUnavailable,
            "gave up",
            id="graphql-timeout",
        ),
        pytest.param(
            Answer(401, {"message": "Bad credentials"}), SourceError, "GITHUB_TOKEN", id="401"
        ),
        pytest.param(Answer(403, {"message": "Forbidden"}), SourceError, "read access", id="403"),
        pytest.param(
            Answer(404, {"message": "Not Found"}), SourceError, "GITHUB_API_URL", id="404"
        ),
    ],
)
def test_failures_raise_one_sentence_of_the_right_kind(
    gh: Setup, answer: Answer, kind: type[SourceError], words: str
) -> None:
    """5xx and cut-short answers are retryable (GitHubUnavailable); refusals say what to fix."""
    gh.server.fail_next("/graphql", answer)

    with pytest.raises(SourceError) as caught:
        gh.client.graphql(QUERY, VARIABLES)

    assert type(caught.value) is kind
    assert words in str(caught.value)
    assert str(caught.value).startswith("GitHub")


def test_a_field_github_does_not_have_is_refused(gh: Setup) -> None:
    """The fake validates queries against GitHub's schema, so a made-up field fails as on GitHub."""
    query = QUERY.replace("nodes { number }", "nodes { number reviewCount }")

    with pytest.raises(SourceError, match="reviewCount"):
        gh.client.graphql(query, VARIABLES)


def test_a_connection_without_first_is_refused(gh: Setup) -> None:
    """Like GitHub, the fake refuses a connection without ``first`` or ``last``."""
    query = QUERY.replace("pullRequests(first: 1, states: MERGED)", "pullRequests(states: MERGED)")

    with pytest.raises(SourceError, match="must provide a `first` or `last`"):
        gh.client.graphql(query, VARIABLES)


def test_partial_answers_are_returned_only_when_asked(gh: Setup) -> None:
    """An error on one item's field fails a query, unless the caller takes partial answers."""
    gh.fake.break_field("acme/shop", 1, "statusCheckRollup")
    query = QUERY.replace("{ number }", "{ number mergedAt statusCheckRollup { state } }")

    with pytest.raises(SourceError, match="Something went wrong"):
        gh.client.graphql(query, VARIABLES)
    data = gh.client.graphql(query, VARIABLES, partial=True)

    assert data["repository"]["pullRequests"]["nodes"] == [
        {"number": 1, "mergedAt": iso(NOW), "statusCheckRollup": None}
    ]


def test_a_missing_repository_is_one_sentence_even_with_partial_answers(gh: Setup) -> None:
    """GitHub's NOT_FOUND names what is missing and says to check riskbrief.toml."""
    with pytest.raises(SourceError, match=r"acme/nope'; check the repository names in riskbrief"):
        gh.client.graphql(QUERY, {"owner": "acme", "name": "nope"}, partial=True)


def test_the_fake_resets_an_hour_after_its_clock(gh: Setup) -> None:
    """rateLimit.resetAt is an hour after the fake's clock and remaining counts down."""
    first = gh.client.graphql(QUERY, VARIABLES)["rateLimit"]
    second = gh.client.graphql(QUERY, VARIABLES)["rateLimit"]

    assert first["resetAt"] == iso(NOW + timedelta(hours=1))
    assert (first["remaining"], second["remaining"]) == (4999, 4998)
