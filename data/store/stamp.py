"""How far the store's merged changes have come: what the caches a process keeps per store
(the history, the typical score's series) check before reusing what they read.

A week page asks twice (the history its plan is scored against, the typical score before
the week), and on a big store each asking is a count over every merged change (about 50 ms
on PostgreSQL at 100,000 changes): so one reading is kept per transaction, and forgotten as
soon as the session writes, commits or rolls back.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from data.store.tables import IS_MERGED, Change

__all__ = ["merged_stamp"]

_KEY = "riskbrief.merged_stamp"


def merged_stamp(session: Session) -> tuple[Any, ...]:
    """The merged changes' count, newest id and newest update, read once per transaction."""
    kept: tuple[Any, ...] | None = session.info.get(_KEY)
    if kept is None:
        kept = tuple(
            session.exec(
                select(
                    sa.func.count(),
                    sa.func.max(col(Change.id)),
                    sa.func.max(col(Change.updated_at)),
                ).where(IS_MERGED)
            ).one()
        )
        session.info[_KEY] = kept
    return kept


def _forget(session: OrmSession, *_: object) -> None:
    session.info.pop(_KEY, None)


# A new transaction, a write, a commit or a rollback: the next asking reads the store again.
for _event in (
    "after_begin",
    "after_flush",
    "after_commit",
    "after_rollback",
    "after_soft_rollback",
):
    sa.event.listen(OrmSession, _event, _forget)
