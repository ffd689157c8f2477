"""The Bitbucket check's tests: a copy of the loaded sample store, a fake Bitbucket, `serve`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from data.sources.bitbucket.client import Edition
from fakes.bitbucket_check_world import BitbucketWorld, bitbucket_world
from tests.bot.check_stores import loaded_store, store

__all__ = ["edition", "loaded_store", "store", "world"]


@pytest.fixture(params=["cloud", "dc"])
def edition(request: pytest.FixtureRequest) -> Edition:
    """Each edition in turn: Bitbucket Cloud, then Data Center."""
    value: Edition = request.param
    return value


@pytest.fixture
def world(store: Engine, edition: Edition) -> Iterator[BitbucketWorld]:
    """The sample store, a fake Bitbucket of ``edition`` with a token that may write reports."""
    with bitbucket_world(store, edition) as w:
        yield w
