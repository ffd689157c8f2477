"""Changes as answers read them: one by key, its files, services and reverts, and the columns
a page over many reads (an author's, a week's scored ones, files under owners)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    Person,
    Repository,
    RiskScoreRow,
    Service,
)

__all__ = [
    "added_lines",
    "change_by_key",
    "change_files",
    "changes_by_author",
    "merged_change_ids",
    "merged_in_repository",
    "merged_reverts",
    "merged_reverts_of",
    "newest_merge",
    "newest_merged_in_service",
    "owned_files",
    "scored_change_keys",
    "scored_merged_rows",
    "services_touched",
    "stored_change",
    "stored_change_keys",
]


def change_by_key(session: Session, key: str) -> Change | None:
    """The change stored under exactly ``key``."""
    return session.exec(select(Change).where(Change.key == key)).first()


def stored_change(session: Session, key: str) -> Change:
    """The change stored under exactly ``key``, which the caller has just stored (SQLAlchemy's
    ``NoResultFound`` when it is not there)."""
    return session.exec(select(Change).where(col(Change.key) == key)).one()


def newest_merge(session: Session) -> datetime | None:
    """When the store's newest merged change merged, or ``None`` when none has."""
    return session.exec(
        select(Change.merged_at)
        .where(IS_MERGED, col(Change.merged_at).is_not(None))
        .order_by(col(Change.merged_at).desc())
        .limit(1)
    ).first()


def change_files(session: Session, change_id: int | None) -> list[ChangeFile]:
    """The files the change ``change_id`` touched, as stored."""
    return list(session.exec(select(ChangeFile).where(ChangeFile.change_id == change_id)))


def services_touched(session: Session, changes: Sequence[Change]) -> dict[int | None, set[str]]:
    """The services each of ``changes`` touched, by key, by change id (what a caller's scope
    is checked against): one query for all of them."""
    touched: dict[int | None, set[str]] = {c.id: set() for c in changes}
    if not changes:
        return touched
    rows = session.exec(
        select(ChangeFile.change_id, Service.key)
        .join(Service, col(ChangeFile.service_id) == col(Service.id))
        .where(col(ChangeFile.change_id).in_([c.id for c in changes]))
        .distinct()
    )
    for change_id, service in rows:
        touched[change_id].add(service)
    return touched


def merged_reverts_of(session: Session, key: str) -> list[Change]:
    """The merged changes that revert the change ``key``, in merge order."""
    # The reverts by reverts_key alone first: asked together with the state and the order,
    # SQLite (without statistics) reads every merged change in merge order instead.
    revert_ids = list(session.exec(select(Change.id).where(Change.reverts_key == key)))
    if not revert_ids:
        return []
    return list(
        session.exec(
            select(Change)
            .where(col(Change.id).in_(revert_ids), IS_MERGED)
            .order_by(col(Change.merged_at), col(Change.key))
        )
    )


def merged_reverts(session: Session, keys: Collection[str]) -> list[Change]:
    """The merged changes that revert any of ``keys``, in merge order, by key within a time."""
    return list(
        session.exec(
            select(Change)
            .where(col(Change.reverts_key).in_(keys), IS_MERGED)
            .order_by(col(Change.merged_at), col(Change.key))
        )
    )


def changes_by_author(session: Session, author_id: int | None, limit: int) -> list[Change]:
    """The ``limit`` newest changes by the person ``author_id``."""
    return list(
        session.exec(
            select(Change)
            .where(Change.author_id == author_id)
            .order_by(col(Change.merged_at).desc())
            .limit(limit)
        )
    )


def scored_change_keys(session: Session, version: str, keys: Collection[str]) -> set[str]:
    """Those of ``keys`` whose change is scored by the scorer ``version``."""
    return set(
        session.exec(
            select(RiskScoreRow.subject_key).where(
                RiskScoreRow.subject_kind == "change",
                RiskScoreRow.scorer_version == version,
                col(RiskScoreRow.subject_key).in_(keys),
            )
        )
    )


def stored_change_keys(session: Session, keys: Collection[str]) -> set[str]:
    """Those of ``keys`` the store holds a change of, in any state."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    # Keys per ``IN (…)``: below SQLite's oldest limit of 999 variables.
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        found.update(session.exec(select(Change.key).where(col(Change.key).in_(chunk))))
    return found


def merged_in_repository(session: Session, name: str) -> dict[str, datetime | None] | None:
    """The merged changes of the repository ``name`` by key, with their merge times; ``None``
    when the store has no repository of that name."""
    repo = session.exec(select(Repository).where(col(Repository.name) == name)).first()
    if repo is None:
        return None
    return dict(
        session.exec(
            select(Change.key, Change.merged_at).where(
                col(Change.repository_id) == repo.id, IS_MERGED
            )
        ).all()
    )


def merged_change_ids(session: Session) -> dict[str, int]:
    """Every merged change's id by its key."""
    return {k: i for k, i in session.exec(select(Change.key, Change.id).where(IS_MERGED)) if i}


def added_lines(session: Session) -> dict[int, int]:
    """The lines each stored change added over its files, by change id (none: absent)."""
    added: dict[int, int] = {}
    for change_id, lines in session.exec(select(ChangeFile.change_id, ChangeFile.added)):
        added[change_id] = added.get(change_id, 0) + lines
    return added


def newest_merged_in_service(session: Session, service: str) -> datetime | None:
    """When the newest merged change touching a file of ``service`` merged (naive UTC, as
    the aggregate reads it), or ``None``."""
    newest: datetime | None = session.exec(
        select(func.max(col(Change.merged_at)))
        .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
        .join(Service, col(Service.id) == col(ChangeFile.service_id))
        .where(Service.key == service, IS_MERGED)
    ).one()
    return newest


def scored_merged_rows(
    session: Session,
    version: str,
    since: datetime,
    until: datetime,
    services: Collection[str] | None,
) -> Sequence[sa.Row[str, datetime | None, bool, bool | None, str]]:
    """Each change merged in [``since``, ``until``) scored by ``version`` in one of
    ``services`` (``None``: any): its key, merge time, whether an agent was involved,
    whether a human reviewed it, and its band, four columns of its score and no signals."""
    query = (
        sa.select(
            col(Change.key),
            col(Change.merged_at),
            col(RiskScoreRow.agent_involved),
            col(RiskScoreRow.human_reviewed),
            col(RiskScoreRow.band),
        )
        .join(
            RiskScoreRow,
            (col(RiskScoreRow.subject_key) == col(Change.key))
            & (col(RiskScoreRow.subject_kind) == "change")
            & (col(RiskScoreRow.scorer_version) == version),
        )
        .where(IS_MERGED, col(Change.merged_at) >= since, col(Change.merged_at) < until)
    )
    if services is not None:
        query = query.where(col(RiskScoreRow.service).in_(services))
    return session.execute(query).all()


def owned_files(
    session: Session, service_ids: Collection[int | None], now: datetime, days: int
) -> Sequence[sa.Row[str, int, int, list[str] | None, str]]:
    """Each hand-written file changed in ``service_ids`` by a change merged in the ``days``
    up to ``now``: its path, lines added and deleted, owners and the change's author's login."""
    return session.execute(
        sa.select(
            col(ChangeFile.path),
            col(ChangeFile.added),
            col(ChangeFile.deleted),
            col(ChangeFile.owners),
            col(Person.login),
        )
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .join(Person, col(Person.id) == col(Change.author_id))
        .where(
            col(ChangeFile.service_id).in_(service_ids),
            IS_MERGED,
            col(Change.merged_at) >= now - timedelta(days=days),
            col(Change.merged_at) <= now,
            col(ChangeFile.generated) == False,  # noqa: E712
        )
    ).all()
