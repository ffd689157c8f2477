"""What the release-tag tests read back from a synced store: each tag's shipped titles."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig
from data.rules.linking import link_all
from data.store.tables import Change, Deploy, DeployChange
from tests.data.sources.gitrepo import sync_clone

__all__ = ["shipped_by_tag", "synced"]


def synced(engine: Engine, org: OrgConfig) -> None:
    """Sync the clone ``org`` names into ``engine`` and link deploys to what they ship."""
    sync_clone(engine, org)
    with Session(engine) as session:
        link_all(session)
        session.commit()


def shipped_by_tag(engine: Engine) -> dict[str, set[str]]:
    """The titles of the changes each deploy ships, by the deploy's tag."""
    with Session(engine) as session:
        rows = session.exec(
            select(Deploy.key, Change.title)
            .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
            .join(Change, col(Change.id) == col(DeployChange.change_id))
        ).all()
    out: dict[str, set[str]] = {}
    for key, title in rows:
        out.setdefault(key.split(":")[2], set()).add(title)
    return out
