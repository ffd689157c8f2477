"""Deploys as their readers read them: by key or key prefix, which shipped a change, how many
are stored, the ones finished in a span with their service, their changes and scores."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, func, select

from data.store.tables import Change, Deploy, DeployChange, RiskScoreRow, Service

__all__ = [
    "changes_per_deploy",
    "changes_shipped",
    "deploy_count",
    "deploy_keys_under",
    "deploy_rules_since",
    "deploy_scores",
    "deploys_by_key",
    "deploys_finished",
    "deploys_shipping",
]


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


def deploy_count(session: Session) -> int:
    """How many deploys the store holds."""
    return session.exec(select(func.count()).select_from(Deploy)).one()


def deploy_keys_under(session: Session, prefix: str) -> list[str]:
    """The keys of the deploys whose key starts with ``prefix`` (a clone's tag deploys)."""
    return list(session.exec(select(Deploy.key).where(col(Deploy.key).startswith(prefix))))


def deploys_finished(
    session: Session, start: datetime | None, stop: datetime
) -> list[tuple[Deploy, str]]:
    """The deploys finished in ``[start, stop)`` (from the first when ``start`` is None), each
    with its service's key, oldest first, by key within a time."""
    query = (
        select(Deploy, Service.key)
        .join(Service, col(Service.id) == col(Deploy.service_id))
        .where(col(Deploy.finished_at) < stop)
    )
    if start is not None:
        query = query.where(col(Deploy.finished_at) >= start)
    return list(session.exec(query.order_by(col(Deploy.finished_at), col(Deploy.key))))


def deploy_rules_since(session: Session, start: datetime) -> list[tuple[str, str | None, int]]:
    """How many deploys of each service finished since ``start``, by the text of the rule that
    found them (``deploy.found_by``; ``None`` for none kept), by service key then that text."""
    rows = session.exec(
        select(Service.key, Deploy.found_by, func.count())
        .join(Service, col(Service.id) == col(Deploy.service_id))
        .where(col(Deploy.finished_at) >= start)
        .group_by(col(Service.key), col(Deploy.found_by))
        .order_by(col(Service.key), col(Deploy.found_by))
    )
    return [(key, found, count) for key, found, count in rows]


def changes_per_deploy(session: Session, deploy_ids: Collection[int]) -> dict[int, int]:
    """How many changes each of the deploys ``deploy_ids`` shipped, by id; none left out."""
    return dict(
        session.exec(
            select(DeployChange.deploy_id, func.count())
            .where(col(DeployChange.deploy_id).in_(deploy_ids))
            .group_by(col(DeployChange.deploy_id))
        ).all()
    )


def deploy_scores(session: Session, keys: Collection[str]) -> dict[str, tuple[int, str]]:
    """The stored score and band of each deploy among ``keys``, by key: the last stored one
    when a deploy has several."""
    scores: dict[str, tuple[int, str]] = {}
    for row in session.exec(
        select(RiskScoreRow)
        .where(RiskScoreRow.subject_kind == "deploy", col(RiskScoreRow.subject_key).in_(keys))
        .order_by(col(RiskScoreRow.id))
    ):
        scores[row.subject_key] = (row.score, row.band)
    return scores
