"""A fake GitLab under a self-managed base path, and a store with the organisation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from data.config.sources.gitlab import GitLabSourceConfig
from fakes.gitlab_server import FakeGitLab
from tests.data.sources.gitlab.world import PROJECT, World, org_store


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    """An empty project on a fake GitLab at ``/gitlab``, and the organisation in a store."""
    org = org_store(engine)
    with FakeGitLab(
        base_path="/gitlab",
        tokens={"glpat-test": ("read_api",), "glpat-narrow": ("read_repository",)},
    ) as fake:
        fake.project(PROJECT)
        config = GitLabSourceConfig(base_url=fake.base_url, projects=(PROJECT,), lag_minutes=10)
        yield World(fake, engine, org, config)
