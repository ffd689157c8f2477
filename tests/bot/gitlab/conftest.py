"""The GitLab check's tests: a copy of the loaded sample store each, a fake GitLab, `serve`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from fakes.gitlab_check_world import GitLabWorld, gitlab_world
from tests.bot.check_stores import loaded_store, store

__all__ = ["loaded_store", "store", "world"]


@pytest.fixture
def world(store: Engine) -> Iterator[GitLabWorld]:
    """The sample store, a fake GitLab with an `api` token, `serve` with the GitLab webhook."""
    with gitlab_world(store) as w:
        yield w
