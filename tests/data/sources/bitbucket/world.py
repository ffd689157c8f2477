"""A fake Bitbucket organisation (either edition) on 127.0.0.1 and a store with its services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from data.config import OrgConfig, parse_org_config
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.handoff import Source
from data.sources.bitbucket.client import BitbucketClient
from data.sources.bitbucket.source import cloud_sources, dc_sources
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile, ReviewRow
from data.sync import SyncRun
from fakes.bitbucket_server import FakeBitbucket, FakePR

__all__ = ["NOW", "REPOS", "World", "at", "org_store", "pr"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
REPOS = {"cloud": "acme/shop", "dc": "SHOP/checkout"}
CLAUDE = "Add retries\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>"
ORG = """
[[repositories]]
name = "{repo}"

[[services]]
key = "checkout"
repository = "{repo}"
paths = ["checkout/**"]

[[services]]
key = "search"
repository = "{repo}"
paths = ["search/**"]

[[teams]]
key = "payments"
services = ["checkout", "search"]
"""


def at(hours_ago: float) -> datetime:
    """The time ``hours_ago`` before NOW."""
    return NOW - timedelta(hours=hours_ago)


def pr(number: int, hours_ago: float, **changes: Any) -> FakePR:
    """A merged pull request with one file, one commit and one approval, updated ``hours_ago``."""
    base: dict[str, Any] = {
        "title": f"Change {number}",
        "author": f"dev{number % 4}",
        "created_at": at(hours_ago + 5),
        "merged_at": at(hours_ago),
        "files": ((f"checkout/f{number}.py", 3, 1, "modified"),),
        "commits": ((f"Change {number}", "Dev", "dev@example.com"),),
        "approvals": (("reviewer", at(hours_ago + 1), False),),
    }
    base.update(changes)
    return FakePR(number, at(hours_ago), **base)


def org_store(engine: Engine, repo: str) -> OrgConfig:
    """The organisation parsed and synced into the store."""
    org = parse_org_config(ORG.format(repo=repo))
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    return org


@dataclass
class World:
    """A fake Bitbucket of one edition, the store, and the settings its sources are built from."""

    fake: FakeBitbucket
    engine: Engine
    org: OrgConfig
    config: BitbucketCloudConfig | BitbucketDataCenterConfig
    sleeps: list[float] = field(default_factory=list)

    @property
    def edition(self) -> str:
        """``cloud`` or ``dc``."""
        return self.fake.edition

    @property
    def repo(self) -> str:
        """The repository's name."""
        return REPOS[self.fake.edition]

    def client(self, token: str = "tok") -> BitbucketClient:
        """The real client on the fake; waits are recorded, not slept."""
        return BitbucketClient(
            self.fake.edition,
            self.fake.base_url,
            token,
            sleep=self.sleeps.append,
            clock=lambda: NOW.timestamp(),
        )

    def sources(self, client: BitbucketClient | None = None) -> list[Source]:
        """Every source of the edition on the fake."""
        shared = client or self.client()
        if isinstance(self.config, BitbucketCloudConfig):
            return cloud_sources(self.config, "tok", client=shared, clock=lambda: NOW)
        return dc_sources(self.config, "tok", client=shared, clock=lambda: NOW)

    def sync(self, client: BitbucketClient | None = None, run: SyncRun | None = None) -> SyncRun:
        """Run every source once on one run; the run, for its tally."""
        run = run or SyncRun(self.engine, self.org)
        for source in self.sources(client):
            source.sync(run)
        return run

    def count(self, table: Any) -> int:
        """Rows in ``table``."""
        with Session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(table)).one())

    def change(self, number: int) -> tuple[Change, list[ChangeFile], list[ReviewRow]]:
        """The stored change of pull request ``number``, its files and reviews."""
        with Session(self.engine) as session:
            row = session.exec(
                select(Change).where(col(Change.key) == f"{self.repo}#{number}")
            ).one()
            files = list(session.exec(select(ChangeFile).where(ChangeFile.change_id == row.id)))
            reviews = list(session.exec(select(ReviewRow).where(ReviewRow.change_id == row.id)))
            session.expunge_all()
            return row, files, reviews
