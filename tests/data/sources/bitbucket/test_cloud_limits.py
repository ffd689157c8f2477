"""Bitbucket Cloud's page-length caps: the fake refuses past them, the sync asks at them."""

from __future__ import annotations

import re

import pytest

from data.sources.bitbucket.client import BitbucketError
from data.store.tables import Change, ReviewRow
from fakes.bitbucket_server import CLOUD_PAGELEN_MAX, FakeBitbucket, cloud_pagelen_cap
from tests.data.sources.bitbucket.world import World, at, pr

LISTS = {
    "pull requests": ("repositories/acme/shop/pullrequests", 50),
    "activity": ("repositories/acme/shop/pullrequests/1/activity", 50),
    "diffstat": ("repositories/acme/shop/pullrequests/1/diffstat", CLOUD_PAGELEN_MAX),
    "commits": ("repositories/acme/shop/pullrequests/1/commits", CLOUD_PAGELEN_MAX),
    "deployments": ("repositories/acme/shop/deployments/", CLOUD_PAGELEN_MAX),
    "tags": ("repositories/acme/shop/refs/tags", CLOUD_PAGELEN_MAX),
}


@pytest.mark.parametrize("what", sorted(LISTS))
def test_cloud_refuses_a_pagelen_above_each_lists_cap_and_takes_the_cap(what: str) -> None:
    """Each Cloud list answers its cap, and `400 Invalid pagelen` to one more, as Cloud does."""
    path, cap = LISTS[what]
    with FakeBitbucket("cloud") as fake:
        fake.add_pr("acme/shop", pr(1, 1))
        client = fake.client()
        assert client.get(path, {"pagelen": cap}).status == 200
        with pytest.raises(BitbucketError, match="Invalid pagelen") as refused:
            client.get(path, {"pagelen": cap + 1})
        assert refused.value.status == 400
        client.close()


def test_a_cloud_sync_asks_each_list_for_its_cap_and_reads_past_it(cloud_world: World) -> None:
    """With more pull requests, and approvals on one, than a page holds at the cap, the sync
    asks the pull request list and each activity for 50, no list above its cap, and stores
    every pull request and approval."""
    world = cloud_world
    approvals = tuple((f"reviewer{i}", at(80), False) for i in range(55))
    for number in range(1, 56):
        world.fake.add_pr(world.repo, pr(number, 60 - number, approvals=approvals[:1]))
    world.fake.add_pr(world.repo, pr(56, 1, approvals=approvals))
    world.sync()
    assert world.count(Change) == 56
    assert len(world.change(56)[2]) == 55
    asked: dict[str, set[int]] = {}
    for request in world.fake.server.requests:
        if "pagelen" in request.query:
            pagelen = int(request.query["pagelen"])
            assert pagelen <= cloud_pagelen_cap(request.path), request.target
            name = re.sub(r"/\d+/", "/{id}/", request.path.split("/acme/shop/", 1)[1])
            asked.setdefault(name, set()).add(pagelen)
    assert asked["pullrequests"] == {50}
    assert asked["pullrequests/{id}/activity"] == {50}
    assert world.count(ReviewRow) == 55 + 55
