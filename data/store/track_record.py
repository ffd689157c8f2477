"""The rows of the scorer's record: the merged changes of a window with their stored band
and lines added, and whether each later went wrong (``scoring.record`` counts them)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.scores import score_join
from data.store.tables import IS_MERGED, Change, ChangeFile, RiskScoreRow
from scoring.band import Band
from scoring.record import RECORD_DAYS, RecordRow, ScorerRecord, scorer_record

__all__ = ["newest_merge", "record_rows", "store_record"]


def record_rows(
    session: Session,
    version: str,
    since: datetime,
    until: datetime,
    went_wrong: Collection[str],
    services: Collection[str] | None = None,
) -> list[RecordRow]:
    """Merged changes in ``[since, until)`` scored by ``version``, in ``services`` (every
    change, in a service or not, when ``None``), each marked by ``went_wrong``."""
    added = (
        sa.select(sa.func.coalesce(sa.func.sum(col(ChangeFile.added)), 0))
        .where(col(ChangeFile.change_id) == col(Change.id))
        .scalar_subquery()
    )
    query = (
        sa.select(col(Change.key), col(RiskScoreRow.band), added)
        .join(RiskScoreRow, score_join("change", col(Change.key), version))
        .where(IS_MERGED, col(Change.merged_at) >= since, col(Change.merged_at) < until)
    )
    if services is not None:
        query = query.where(col(RiskScoreRow.service).in_(list(services)))
    bad = frozenset(went_wrong)
    return [
        RecordRow(key=key, band=Band(band), lines_added=int(lines), went_wrong=key in bad)
        for key, band, lines in session.connection().execute(query)
    ]


def newest_merge(session: Session) -> datetime | None:
    """When the newest merged change merged; ``None`` for a store with none."""
    return (
        session.connection()
        .execute(sa.select(sa.func.max(col(Change.merged_at))).where(IS_MERGED))
        .scalar()
    )


def store_record(
    session: Session,
    version: str,
    until: datetime,
    went_wrong: Collection[str],
    services: Collection[str] | None = None,
) -> ScorerRecord:
    """The scorer's record over the ``RECORD_DAYS`` before ``until``."""
    since = until - timedelta(days=RECORD_DAYS)
    return scorer_record(record_rows(session, version, since, until, went_wrong, services))
