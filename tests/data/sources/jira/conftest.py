"""A fake Jira Cloud and Server, an organisation in a store, and a client with a sleep seam."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy.engine import Engine

from data.config import OrgConfig
from data.config.sources.jira import JiraSourceConfig
from data.sources.jira.client import JiraClient
from fakes.jira_server import FakeJira
from tests.data.sources.tracker.world import org_store


@dataclass
class JiraWorld:
    """The fake Jira, the store, and the settings the source is built from."""

    fake: FakeJira
    engine: Engine
    org: OrgConfig
    config: JiraSourceConfig
    sleeps: list[float] = field(default_factory=list)

    def client(self, token: str = "jira-token", email: str = "bot@example.com") -> JiraClient:
        """A client of the fake whose waits are recorded, not slept."""
        return JiraClient(self.config, token, email, sleep=self.sleeps.append)


@pytest.fixture(params=["cloud", "server"])
def jira(request: pytest.FixtureRequest, engine: Engine) -> Iterator[JiraWorld]:
    """A Jira site (Cloud, then Server) with project SHOP, its user in Berlin, 2 issues a page."""
    org = org_store(engine)
    with FakeJira(request.param, time_zone="Europe/Berlin", max_results=2) as fake:
        fake.add_project("SHOP", "Shop")
        config = JiraSourceConfig(
            base_url=fake.base_url, deployment=request.param, projects=("SHOP",), page_size=2
        )
        yield JiraWorld(fake, engine, org, config)
