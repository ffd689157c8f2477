"""The store as the revert rule reads it (``data.rules.revert_incidents``): each merged revert
with the change it names, and the incidents it made that are stale."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from data.reverts import RevertedChange, StoredRevert
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    Deploy,
    DeployChange,
    Incident,
    Service,
)

__all__ = ["drop_incidents", "stored_reverts"]

# Keys per ``IN (…)``: below SQLite's oldest limit of 999 variables.
_CHUNK = 900


def _first_production_deploys(
    session: Session, change_ids: list[int]
) -> dict[tuple[int, int], datetime]:
    """When the first successful production deploy of each service shipping a change finished.

    By ``(change id, service id)``.
    """
    first: dict[tuple[int, int], datetime] = {}
    for start in range(0, len(change_ids), _CHUNK):
        rows = session.exec(
            select(DeployChange.change_id, Deploy.service_id, func.min(Deploy.finished_at))
            .join(Deploy, col(Deploy.id) == col(DeployChange.deploy_id))
            .where(
                col(DeployChange.change_id).in_(change_ids[start : start + _CHUNK]),
                col(Deploy.status) == "success",
                col(Deploy.environment) == "production",
            )
            .group_by(col(DeployChange.change_id), col(Deploy.service_id))
        )
        for change_id, service_id, finished in rows:
            if finished is not None:
                first[change_id, service_id] = finished
    return first


def stored_reverts(session: Session) -> list[StoredRevert]:
    """Every merged revert that names the change it reverts, in the order they were stored,
    each with that change when it is a merged one of the store."""
    reverts = list(
        session.exec(
            select(Change)
            .where(col(Change.reverts_key).is_not(None), IS_MERGED)
            .order_by(col(Change.id))
        )
    )
    keys = {r.reverts_key for r in reverts if r.reverts_key}
    targets = {
        c.key: c for c in session.exec(select(Change).where(col(Change.key).in_(keys), IS_MERGED))
    }
    names = {s.id: s.key for s in session.exec(select(Service)) if s.id is not None}
    lines: dict[int, Counter[str]] = defaultdict(Counter)
    ids = [c.id for c in targets.values() if c.id is not None]
    for f in session.exec(select(ChangeFile).where(col(ChangeFile.change_id).in_(ids))):
        if f.service_id is not None and f.service_id in names:
            lines[f.change_id][names[f.service_id]] += f.added + f.deleted + 1
    shipped: dict[int, dict[str, datetime]] = defaultdict(dict)
    for (change_id, service_id), finished in _first_production_deploys(session, ids).items():
        if service_id in names:
            shipped[change_id][names[service_id]] = finished
    out = []
    for revert in reverts:
        target = targets.get(revert.reverts_key or "")
        named = None
        if target is not None and target.id is not None:
            named = RevertedChange(
                target.key,
                target.title,
                target.merged_at,
                target.is_revert,
                dict(lines[target.id]),
                shipped[target.id],
            )
        out.append(StoredRevert(revert.key, revert.title, revert.body, revert.merged_at, named))
    return out


def drop_incidents(session: Session, source: str, keys: Sequence[str]) -> list[str]:
    """Delete the incidents ``source`` made that are keyed ``keys``; the keys deleted."""
    dropped = []
    for start in range(0, len(keys), _CHUNK):
        stale = session.exec(
            select(Incident).where(
                col(Incident.key).in_(keys[start : start + _CHUNK]),
                col(Incident.source) == source,
            )
        )
        for incident in stale:
            dropped.append(incident.key)
            session.delete(incident)
    return dropped
