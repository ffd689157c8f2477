"""Deploys as answers read them: by key, and which shipped a change."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from data.store.tables import Change, Deploy, DeployChange

__all__ = ["changes_shipped", "deploys_by_key", "deploys_shipping"]


def deploys_by_key(session: Session, keys: Collection[str]) -> dict[str, Deploy]:
    """The deploys stored under ``keys``, by key."""
    return {d.key: d for d in session.exec(select(Deploy).where(col(Deploy.key).in_(keys)))}


def deploys_shipping(session: Session, change_id: int | None) -> list[Deploy]:
    """The deploys that shipped the change ``change_id``, oldest first, by key within a time."""
    return list(
        session.exec(
            select(Deploy)
            .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
            .where(DeployChange.change_id == change_id)
            .order_by(col(Deploy.finished_at), col(Deploy.key))
        )
    )


def changes_shipped(session: Session, deploy_id: int | None) -> list[Change]:
    """The changes the deploy ``deploy_id`` shipped, in merge order, by key within a time."""
    return list(
        session.exec(
            select(Change)
            .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
            .where(DeployChange.deploy_id == deploy_id)
            .order_by(col(Change.merged_at), col(Change.key))
        )
    )
