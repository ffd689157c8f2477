"""What the store holds at all, per scope: the payload's ``stored`` section."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from briefing.payload import StoredView
from data.store.tables import IS_MERGED, Change, Deploy, Incident, RiskScoreRow, Service

__all__ = ["Stored"]


class Stored:
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

    @staticmethod
    def load(session: Session) -> Stored:
        """The store as ``session`` sees it."""
        return Stored(session)

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

    def view(self, services: Sequence[str], whole_organisation: bool) -> StoredView:
        """What the store holds for a scope of ``services``."""
        if whole_organisation:
            if not self._latest_read:
                self._walk(None)
                self._latest_read = True
            times = list(self._others.values())
            if self._latest is not None:
                times.append(self._latest)
        else:
            missing = set(services) - self._searched - self._changes.keys()
            self._searched |= missing
            missing = {m for m in missing if self._has_merged(m)}
            if missing:
                self._walk(missing)
            times = [t for s in services for t in (self._changes.get(s), self._others.get(s)) if t]
        in_scope = bool(times) or (whole_organisation and self.anything)
        return StoredView(
            anything=self.anything, in_scope=in_scope, newest_in_scope=max(times, default=None)
        )
