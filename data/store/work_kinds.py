"""Stored changes' kinds of work (``scoring.work_kind``), from their titles, labels and files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.tables import Change, ChangeFile
from scoring.work_kind import WorkKind, classify_work

__all__ = ["change_work_kinds"]

# Keys per query: well under SQLite's smallest bound-parameter limit (999).
_CHUNK = 500


def change_work_kinds(session: Session, keys: Collection[str]) -> dict[str, WorkKind]:
    """The kind of work of each stored change of ``keys`` (a key the store lacks is left out)."""
    wanted = sorted(set(keys))
    kinds: dict[str, WorkKind] = {}
    conn = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        # Core rows: a week of a big organisation is thousands of changes, and only three
        # columns and the paths are needed.
        changes = conn.execute(
            sa.select(col(Change.id), col(Change.key), col(Change.title), col(Change.labels)).where(
                col(Change.key).in_(chunk)
            )
        ).all()
        paths: dict[int | None, list[str]] = defaultdict(list)
        for owner, path in conn.execute(
            sa.select(col(ChangeFile.change_id), col(ChangeFile.path)).where(
                col(ChangeFile.change_id).in_([c[0] for c in changes])
            )
        ):
            paths[owner].append(path)
        for change_id, key, title, labels in changes:
            kinds[key] = classify_work(title, labels or (), paths[change_id]).kind
    return kinds
