"""Incidents as answers read them: by key, or by the deploys they are linked to."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from data.store.tables import Incident

__all__ = ["incidents_by_key", "incidents_of_deploys"]


def incidents_by_key(
    session: Session, keys: Collection[str], *, newest_first: bool = False
) -> list[Incident]:
    """The incidents stored under ``keys``, oldest first (``newest_first``: newest), by key
    within a time."""
    opened = col(Incident.opened_at)
    return list(
        session.exec(
            select(Incident)
            .where(col(Incident.key).in_(keys))
            .order_by(opened.desc() if newest_first else opened, col(Incident.key))
        )
    )


def incidents_of_deploys(session: Session, deploy_ids: Collection[int | None]) -> list[Incident]:
    """The incidents linked to any of ``deploy_ids``, oldest first, by key within a time."""
    return list(
        session.exec(
            select(Incident)
            .where(col(Incident.deploy_id).in_(deploy_ids))
            .order_by(col(Incident.opened_at), col(Incident.key))
        )
    )
