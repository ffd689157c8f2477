"""How far the store's data reaches: whether it holds anything, and its newest time per scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.store.tables import (
    IS_MERGED,
    Change,
    Deploy,
    Incident,
    RiskScoreRow,
    Service,
    Subscriber,
)

__all__ = ["StoredReach", "holds_organisation", "newest_in_scope"]


def holds_organisation(session: Session) -> bool:
    """Whether the store already holds an organisation's data: a change or a subscriber."""
    if session.exec(select(Change.id).limit(1)).first() is not None:
        return True
    return session.exec(select(Subscriber.id).limit(1)).first() is not None


class StoredReach:
    """What the store holds at all: whether anything, and the newest time per service.

    Deploys and incidents are few: their newest per service is read at once. Changes are
    many, so each service's newest change is read when a scope asks for it, by walking
    merged changes newest first and stopping once every service asked for is found: a
    grouped maximum over every merged change read the whole history for every briefing
    and web page (issue 42's big store). A change's service is what it was scored as, as
    in the week's window.
    """

    _BATCH = 500

    def __init__(self, session: Session) -> None:
        self._conn = session.connection()
        keys: dict[int | None, str] = dict(
            self._conn.execute(sa.select(col(Service.id), col(Service.key))).all()
        )
        self._others: dict[str, datetime] = {}
        for table, when in ((Deploy, Deploy.finished_at), (Incident, Incident.opened_at)):
            for service_id, at in self._conn.execute(
                sa.select(col(table.service_id), sa.func.max(col(when))).group_by(
                    col(table.service_id)
                )
            ):
                service = keys.get(service_id)
                if service is not None and at is not None:
                    self._others[service] = max(at, self._others.get(service, at))
        self._changes: dict[str, datetime] = {}
        self._searched: set[str] = set()
        self._latest: datetime | None = None
        self._latest_read = False
        self.anything = bool(self._others) or any(
            self._conn.execute(sa.select(col(t.id)).limit(1)).first() is not None
            for t in (Change, Deploy, Incident)
        )

    def _has_merged(self, service: str) -> bool:
        """Whether any merged change was scored as ``service``: the walk below would read
        the whole history looking for a service that has none."""
        found = self._conn.execute(
            sa.select(col(Change.id))
            .join(
                RiskScoreRow,
                sa.and_(
                    col(RiskScoreRow.subject_kind) == "change",
                    col(RiskScoreRow.subject_key) == col(Change.key),
                ),
            )
            .where(IS_MERGED, col(RiskScoreRow.service) == service)
            .limit(1)
        ).first()
        return found is not None

    def _walk(self, wanted: set[str] | None) -> None:
        """Read merged changes newest first until each of ``wanted`` (``None``: any service)
        has its newest scored change, or the history ends."""
        # A page at a time by keyset (newest first, then by key), not one streamed query:
        # PostgreSQL's driver would fetch every merged change before the first was read.
        after: tuple[datetime, str] | None = None
        while True:
            query = sa.select(col(Change.key), col(Change.merged_at)).where(
                IS_MERGED, col(Change.merged_at).is_not(None)
            )
            if after is not None:
                query = query.where(
                    sa.tuple_(col(Change.merged_at), col(Change.key)) < sa.tuple_(*after)
                )
            batch = self._conn.execute(
                query.order_by(col(Change.merged_at).desc(), col(Change.key).desc()).limit(
                    self._BATCH
                )
            ).all()
            if not batch:
                return
            scored = dict(
                self._conn.execute(
                    sa.select(col(RiskScoreRow.subject_key), col(RiskScoreRow.service)).where(
                        col(RiskScoreRow.subject_kind) == "change",
                        col(RiskScoreRow.subject_key).in_([k for k, _ in batch]),
                    )
                ).all()
            )
            for key, at in batch:
                if key not in scored or at is None:
                    continue
                if self._latest is None:
                    self._latest = at
                service = scored[key]
                if service is not None and service not in self._changes:
                    self._changes[service] = at
            if wanted is None and self._latest is not None:
                return
            if wanted is not None and wanted <= self._changes.keys():
                return
            last_key, last_at = batch[-1]
            if last_at is None:
                return
            after = (last_at, last_key)

    def times(self, services: Sequence[str], whole_organisation: bool) -> list[datetime]:
        """The newest change, deploy and incident times known for a scope of ``services``
        (the whole organisation's: its newest scored change and each service's deploys and
        incidents); empty when the scope holds nothing."""
        if whole_organisation:
            if not self._latest_read:
                self._walk(None)
                self._latest_read = True
            times = list(self._others.values())
            if self._latest is not None:
                times.append(self._latest)
            return times
        missing = set(services) - self._searched - self._changes.keys()
        self._searched |= missing
        missing = {m for m in missing if self._has_merged(m)}
        if missing:
            self._walk(missing)
        return [t for s in services for t in (self._changes.get(s), self._others.get(s)) if t]


def newest_in_scope(
    session: Session, services: Sequence[str] | None, before: datetime | None = None
) -> datetime | None:
    """The newest change merged in a service, deploy or incident of ``services`` (``None``:
    the whole organisation) before ``before`` (``None``: ever)."""
    conn = session.connection()
    # Newest first by the (state, merged_at) index, each probing for its score: a join sorted
    # every scored change on each call (default_week took 28 ms on the demo store so, 3 now).
    scored = sa.exists().where(
        col(RiskScoreRow.subject_kind) == "change",
        col(RiskScoreRow.subject_key) == col(Change.key),
        col(RiskScoreRow.service).is_not(None)
        if services is None
        else col(RiskScoreRow.service).in_(list(services)),
    )
    change = sa.select(col(Change.merged_at)).where(
        IS_MERGED, col(Change.merged_at).is_not(None), scored
    )
    if before is not None:
        change = change.where(col(Change.merged_at) < before)
    times = [conn.execute(change.order_by(col(Change.merged_at).desc()).limit(1)).scalar()]
    for table, when in ((Deploy, Deploy.finished_at), (Incident, Incident.opened_at)):
        query = sa.select(sa.func.max(col(when)))
        if services is not None:
            query = query.join(Service, col(Service.id) == col(table.service_id)).where(
                col(Service.key).in_(list(services))
            )
        if before is not None:
            query = query.where(col(when) < before)
        times.append(conn.execute(query).scalar())
    # Column reads through ``session.connection()`` skip the store's UTC type on aggregates.
    found = [_aware(t) for t in times if t is not None]
    return max(found, default=None)


def _aware(at: datetime | str) -> datetime:
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at if at.tzinfo is not None else at.replace(tzinfo=ZoneInfo("UTC"))
