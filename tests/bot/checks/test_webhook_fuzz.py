"""The code hosts' webhooks under a fuzzer: deliveries signed as each host signs them, built
from the event each host documents with one field the check reads broken, or oversized.

Every one is a 4xx; the store is unchanged byte for byte, nothing reaches the fake host,
and nothing is logged with a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from bot.checks.door import MAX_BODY
from fakes.bitbucket_check_world import bitbucket_world, pr_payload, risky_pr
from fakes.check_world import pull_payload, risky_pull, world_of
from fakes.gitlab_check_world import gitlab_world, mr_payload, risky_mr
from tests.bot.check_stores import loaded_store, store
from tests.doors import WRONG, broken, door_settings, no_traceback, store_digest, with_value

__all__ = ["loaded_store", "store"]

# How many generated deliveries each host's door takes in `make test` (docs/hardening.md).
EXAMPLES = 100
HEAD = "a" * 40


def _not(pattern: str) -> st.SearchStrategy[str]:
    return st.text(max_size=30).filter(lambda s: re.fullmatch(pattern, s) is None)


_NUMBER = st.one_of(
    WRONG.filter(lambda v: not isinstance(v, int) or isinstance(v, bool)),
    st.integers(max_value=0),
    st.integers(min_value=2**31),
)
_SHA = _not(r"[0-9a-f]{7,40}") | WRONG
# Not a time, or one at the edge of what Python holds: year 1 east of UTC, year 9999 west.
_TIME = st.one_of(
    _not(r".*\d.*"),
    WRONG.filter(lambda v: not isinstance(v, str)),
    st.sampled_from(
        ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-13-01T00:00Z"]
    ),
)
# Epoch milliseconds past any date Python can hold, or not a whole number.
_MILLIS = st.one_of(
    st.integers(min_value=10**15),
    st.integers(max_value=-1),
    WRONG.filter(lambda v: not isinstance(v, int) or isinstance(v, bool)),
)


# A time before the first instant Python holds in UTC, and milliseconds past the year 9999.
EDGES: dict[str, Any] = {
    "updated_at": "0001-01-01T00:00:00+14:00",
    "updated_on": "0001-01-01T00:00:00+14:00",
    "updatedDate": 10**15,
}


class Host:
    """One host's door: its world, a valid event, and the fields its check reads."""

    def __init__(
        self,
        name: str,
        world: Callable[[Engine], Any],
        event: Callable[[], dict[str, Any]],
        paths: dict[tuple[Any, ...], st.SearchStrategy[Any]],
        fake: Callable[[Any], Any],
    ) -> None:
        self.name, self.world, self.event, self.paths, self.fake = name, world, event, paths, fake


HOSTS = [
    Host(
        "github",
        lambda engine: world_of(engine, loaded=True),
        lambda: pull_payload(risky_pull(9100, HEAD)),
        {
            ("action",): WRONG,
            ("repository",): WRONG,
            ("repository", "full_name"): _not(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+") | WRONG,
            ("pull_request",): WRONG,
            ("pull_request", "number"): _NUMBER,
            ("pull_request", "head"): WRONG,
            ("pull_request", "head", "sha"): _SHA,
            ("pull_request", "updated_at"): _TIME,
        },
        lambda world: world.rest,
    ),
    Host(
        "gitlab",
        gitlab_world,
        lambda: mr_payload(risky_mr(3, HEAD)),
        {
            ("object_kind",): _not("merge_request") | WRONG,
            ("object_attributes",): WRONG,
            ("object_attributes", "iid"): _NUMBER,
            ("object_attributes", "action"): WRONG,
            ("object_attributes", "last_commit"): WRONG,
            ("object_attributes", "last_commit", "id"): _SHA,
            ("object_attributes", "updated_at"): _TIME,
            ("project",): WRONG,
            ("project", "path_with_namespace"): _not(r"[\w.-]+(/[\w.-]+)+") | WRONG,
        },
        lambda world: world.gitlab,
    ),
    Host(
        "bitbucket-cloud",
        lambda engine: bitbucket_world(engine, "cloud"),
        lambda: pr_payload("cloud", risky_pr(7, HEAD)),
        {
            ("repository",): WRONG,
            ("repository", "full_name"): _not(r"[\w.-]+/[\w.-]+") | WRONG,
            ("pullrequest",): WRONG,
            ("pullrequest", "id"): _NUMBER,
            ("pullrequest", "source", "commit", "hash"): _SHA,
            ("pullrequest", "updated_on"): _TIME,
        },
        lambda world: world.bitbucket,
    ),
    Host(
        "bitbucket-dc",
        lambda engine: bitbucket_world(engine, "dc"),
        lambda: pr_payload("dc", risky_pr(7, HEAD)),
        {
            ("pullRequest",): WRONG,
            ("pullRequest", "id"): _NUMBER,
            ("pullRequest", "fromRef", "latestCommit"): _SHA,
            ("pullRequest", "toRef", "repository", "slug"): _not(r"[\w.-]+") | WRONG,
            ("pullRequest", "toRef", "repository", "project", "key"): _not(r"[\w.-]+") | WRONG,
            ("pullRequest", "updatedDate"): _MILLIS,
        },
        lambda world: world.bitbucket,
    ),
]


@pytest.fixture(params=HOSTS, ids=[h.name for h in HOSTS])
def host(request: pytest.FixtureRequest, store: Engine) -> Iterator[tuple[Host, Any]]:
    """Each host's door in turn, on a copy of the loaded sample store."""
    chosen: Host = request.param
    with chosen.world(store) as world:
        yield chosen, world


def test_signed_malformed_deliveries_are_refused_and_change_nothing(
    host: tuple[Host, Any],
    store: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Signed as the host signs them, events with one read field broken or missing, bodies that
    are no object and bodies past the limit: each a 4xx with one sentence, nothing done."""
    door, world = host
    digest = store_digest(store)
    fake = door.fake(world)
    before = len(fake.requests_to(".*"))
    sent = {"n": 0}

    def refused(answer: httpx.Response) -> None:
        assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
        error = answer.json()["error"]
        assert error, answer.text
        assert "\n" not in error, answer.text

    @door_settings(EXAMPLES)
    @given(payload=broken(door.event(), door.paths))
    def deliveries(payload: Any) -> None:
        sent["n"] += 1
        refused(world.deliver(payload))

    # Every delivery on one client: a client per call costs 20 ms of CPU for its TLS context.
    with httpx.Client() as client:

        def post(url: str, **options: Any) -> httpx.Response:
            options.pop("verify", None)
            return client.post(url, **options)

        monkeypatch.setattr(httpx, "post", post)
        deliveries()
        # Times past what Python holds, each once a 500 with a traceback.
        for path in door.paths:
            edge = EDGES.get(path[-1])
            if edge is not None:
                refused(world.deliver(with_value(door.event(), path, edge)))
        refused(world.deliver(None, body=b"{" + b" " * MAX_BODY + b"}"))
        refused(world.deliver(None, body=b"\xff\xfe not json"))
    assert sent["n"] >= EXAMPLES
    assert len(fake.requests_to(".*")) == before
    assert store_digest(store) == digest
    no_traceback(caplog, capsys)
