"""A fake GitLab organisation on 127.0.0.1 and a migrated store with its services, for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from data.config import OrgConfig, parse_org_config
from data.config.sources.gitlab import GitLabSourceConfig
from data.sources.gitlab.client import GitLabClient
from data.store.org import sync_org
from data.store.tables import Change
from data.sync import SyncRun
from fakes.gitlab_server import FakeCommit, FakeGitLab, FakeMR

__all__ = ["NOW", "PROJECT", "World", "at", "mr", "org_store"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# A project two groups deep, as GitLab allows.
PROJECT = "acme/platform/shop"
ORG = """
[[repositories]]
name = "acme/platform/shop"

[[services]]
key = "checkout"
repository = "acme/platform/shop"
paths = ["checkout/**"]

[[services]]
key = "search"
repository = "acme/platform/shop"
paths = ["search/**"]
"""


def at(hours_ago: float) -> datetime:
    """The time ``hours_ago`` before NOW."""
    return NOW - timedelta(hours=hours_ago)


def mr(iid: int, hours_ago: float, **changes: Any) -> FakeMR:
    """A merged merge request with one file, one commit and one approval, updated ``hours_ago``."""
    base: dict[str, Any] = {
        "title": f"Change {iid}",
        "author": f"dev{iid % 4}",
        "created_at": at(hours_ago + 5),
        "merged_at": at(hours_ago),
        "files": ((f"checkout/f{iid}.py", 3, 1, "modified"),),
        "commits": (FakeCommit(f"Change {iid}"),),
        "approvals": (("reviewer", at(hours_ago + 1), False),),
    }
    base.update(changes)
    return FakeMR(iid, at(hours_ago), **base)


def org_store(engine: Engine, text: str = ORG) -> OrgConfig:
    """The organisation parsed and synced into the store."""
    org = parse_org_config(text)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    return org


@dataclass
class World:
    """The fake GitLab, the store and the settings a GitLab source is built from."""

    fake: FakeGitLab
    engine: Engine
    org: OrgConfig
    config: GitLabSourceConfig
    sleeps: list[float] = field(default_factory=list)

    def client(self, token: str = "glpat-test") -> GitLabClient:
        """The real client on the fake; waits are recorded, not slept."""
        return GitLabClient(
            self.fake.base_url, token, sleep=self.sleeps.append, clock=lambda: NOW.timestamp()
        )

    def run(self) -> SyncRun:
        """A new sync run on the store."""
        return SyncRun(self.engine, self.org)

    def count(self, table: Any) -> int:
        """Rows in ``table``."""
        with Session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(table)).one())

    def change(self, iid: int) -> Change:
        """The stored change of merge request ``iid``."""
        with Session(self.engine) as session:
            row = session.exec(select(Change).where(col(Change.key) == f"{PROJECT}!{iid}")).one()
            session.expunge(row)
            return row
