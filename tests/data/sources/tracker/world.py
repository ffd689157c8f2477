"""An organisation with two services in a migrated store, for the tracker sources' tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import OrgConfig, parse_org_config
from data.store.org import sync_org
from data.store.tables import TrackerIssue

__all__ = ["NOW", "ORG", "at", "org_store", "stored_issues"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ORG = """
[[repositories]]
name = "acme/shop"

[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]

[[services]]
key = "search"
repository = "acme/shop"
paths = ["search/**"]
"""


def at(hours_ago: float) -> datetime:
    """The time ``hours_ago`` before NOW."""
    return NOW - timedelta(hours=hours_ago)


def org_store(engine: Engine, text: str = ORG) -> OrgConfig:
    """The organisation parsed and synced into the store."""
    org = parse_org_config(text)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    return org


def stored_issues(engine: Engine) -> dict[str, TrackerIssue]:
    """Every stored tracker issue by key."""
    with Session(engine) as session:
        return {r.key: r for r in session.exec(select(TrackerIssue))}
