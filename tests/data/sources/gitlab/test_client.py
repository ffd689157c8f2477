"""The GitLab client at the wire: retries, limits, refusals and GraphQL errors in one sentence."""

from __future__ import annotations

import socket

import pytest

from data.http.retry import RetryPolicy
from data.sources.gitlab.client import GitLabClient, GitLabError
from fakes.http import Answer
from tests.data.sources.gitlab.world import NOW, PROJECT, World

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

_PROJECT_PATH = "/gitlab/api/v4/projects/acme%2Fplatform%2Fshop"


def test_the_token_travels_as_private_token_and_never_in_repr(world: World) -> None:
    """Requests carry PRIVATE-TOKEN; the client's repr does not show the token."""
    client = world.client()
    page = client.get(f"projects/{PROJECT.replace('/', '%2F')}")
    assert page.data["path_with_namespace"] == PROJECT
    assert world.fake.server.requests[-1].headers["private-token"] == "glpat-test"
    assert "glpat" not in repr(client)


def test_a_5xx_is_retried_and_a_lasting_one_is_one_sentence(world: World) -> None:
    """One 502 is retried; as many as the policy's attempts end in a sentence to retry later."""
    world.fake.server.fail_next(_PROJECT_PATH, Answer(502, {"message": "Bad Gateway"}))
    assert world.client().get(f"projects/{PROJECT.replace('/', '%2F')}").status == 200
    for _ in range(RetryPolicy().attempts):
        world.fake.server.fail_next(_PROJECT_PATH, Answer(503, {"message": "down"}))
    with pytest.raises(GitLabError, match="next sync retries"):
        world.client().get(f"projects/{PROJECT.replace('/', '%2F')}")


def test_a_429_without_retry_after_waits_until_ratelimit_reset(world: World) -> None:
    """A 429 naming only RateLimit-Reset is waited until that second."""
    reset = int(NOW.timestamp()) + 20
    world.fake.server.fail_next(
        _PROJECT_PATH, Answer(429, {"message": "Retry later"}, {"RateLimit-Reset": str(reset)})
    )
    world.client().get(f"projects/{PROJECT.replace('/', '%2F')}")
    assert world.sleeps == [21.0]


def test_endless_429s_give_up_in_one_sentence(world: World) -> None:
    """GitLab answering 429 again and again ends in a sentence, after a bounded number of waits."""
    for _ in range(10):
        world.fake.server.fail_next(_PROJECT_PATH, Answer(429, {}, {"Retry-After": "1"}))
    with pytest.raises(GitLabError, match="429"):
        world.client().get(f"projects/{PROJECT.replace('/', '%2F')}")
    assert len(world.sleeps) == 6


def test_graphql_errors_are_a_gitlab_error(world: World) -> None:
    """A GraphQL answer with ``errors`` raises, quoting GitLab's message."""
    with pytest.raises(GitLabError, match="does not know that query"):
        world.client().graphql("query { nothing }")


def test_an_address_nobody_answers_at_names_base_url() -> None:
    """A refused connection is a sentence naming the setting to check."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitLabClient(f"http://127.0.0.1:{port}/gitlab", "t", sleep=lambda _: None)
    with pytest.raises(GitLabError, match="base_url"):
        client.get("version")


def test_a_keyset_list_is_followed_by_its_link_cursor(world: World) -> None:
    """``pages`` follows a keyset ``Link: rel="next"`` (``id_after``) to the end, nothing twice."""
    paths = [f"acme/p{i}" for i in range(7)]
    for path in paths:
        world.fake.project(path)
    pages = world.client().pages(
        "projects", {"pagination": "keyset", "order_by": "id", "sort": "asc", "per_page": 3}
    )
    read = [row["path_with_namespace"] for page in pages for row in page.data]
    assert read == [PROJECT, *paths]
    asked = world.fake.requests_to("/api/v4/projects")
    assert [r.query.get("id_after") is not None for r in asked] == [False, True, True]
    assert all(r.query["pagination"] == "keyset" and "page" not in r.query for r in asked)


def test_keyset_on_an_order_gitlab_cannot_page_is_one_sentence(world: World) -> None:
    """GitLab's 405 for a keyset order it does not offer ends in a GitLabError, not a traceback."""
    with pytest.raises(GitLabError, match=r"\(405: Keyset pagination is not yet available"):
        world.client().get("projects", {"pagination": "keyset", "order_by": "name"})
