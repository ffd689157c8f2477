"""A fake Bitbucket of each edition, and a store with the organisation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import pytest
from sqlalchemy.engine import Engine

from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from fakes.bitbucket_server import FakeBitbucket
from tests.data.sources.bitbucket.world import REPOS, World, org_store


@contextmanager
def _world(edition: Literal["cloud", "dc"], engine: Engine) -> Iterator[World]:
    """An empty repository on a fake Bitbucket of ``edition`` (Data Center under a context
    path), and the organisation in a store."""
    repo = REPOS[edition]
    org = org_store(engine, repo)
    tokens = (
        {"tok": ("repository", "pullrequest", "pipeline"), "narrow": ("repository",)}
        if edition == "cloud"
        else {"tok": ("REPO_READ",), "narrow": ()}
    )
    with FakeBitbucket(
        edition, tokens=tokens, base_path="" if edition == "cloud" else "/bb"
    ) as fake:
        fake.repo(repo)
        config: BitbucketCloudConfig | BitbucketDataCenterConfig
        if edition == "cloud":
            config = BitbucketCloudConfig(
                api_url=fake.base_url, repositories=(repo,), deploys_from="tags"
            )
        else:
            config = BitbucketDataCenterConfig(base_url=fake.base_url, repositories=(repo,))
        yield World(fake, engine, org, config)


@pytest.fixture(params=["cloud", "dc"])
def world(request: pytest.FixtureRequest, engine: Engine) -> Iterator[World]:
    """Each edition in turn: Cloud, then Data Center."""
    with _world(request.param, engine) as made:
        yield made


@pytest.fixture
def cloud_world(engine: Engine) -> Iterator[World]:
    """Bitbucket Cloud alone, for what only Cloud has (Pipelines deployments)."""
    with _world("cloud", engine) as made:
        yield made
