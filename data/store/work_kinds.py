"""Stored changes' kinds of work (``scoring.work_kind``), from their titles, labels and files,
and their lines of code (``scoring.change_files.code_lines_of``), read in the same pass."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.tables import Change, ChangeFile
from scoring.change_files import code_lines_of
from scoring.facts import FileChange
from scoring.work_kind import WorkKind, classify_work

__all__ = ["StoredWork", "change_work", "change_work_kinds"]

# Keys per query: well under SQLite's smallest bound-parameter limit (999).
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoredWork:
    """A stored change's kind of work and its lines of code added and deleted."""

    kind: WorkKind
    source_lines: int


def change_work(session: Session, keys: Collection[str]) -> dict[str, StoredWork]:
    """The kind of work and lines of code of each stored change of ``keys`` (a key the store
    lacks is left out)."""
    wanted = sorted(set(keys))
    out: dict[str, StoredWork] = {}
    conn = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        # Core rows: a week of a big organisation is thousands of changes, and only three
        # columns and the files' counts are needed.
        changes = conn.execute(
            sa.select(col(Change.id), col(Change.key), col(Change.title), col(Change.labels)).where(
                col(Change.key).in_(chunk)
            )
        ).all()
        files: dict[int | None, list[_FileRow]] = defaultdict(list)
        for owner, *counts in conn.execute(
            sa.select(
                col(ChangeFile.change_id),
                col(ChangeFile.path),
                col(ChangeFile.added),
                col(ChangeFile.deleted),
                col(ChangeFile.generated),
                col(ChangeFile.code_added),
                col(ChangeFile.code_deleted),
            ).where(col(ChangeFile.change_id).in_([c[0] for c in changes]))
        ).all():
            files[owner].append(tuple(counts))  # type: ignore[arg-type]
        for change_id, key, title, labels in changes:
            out[key] = _work(title, tuple(labels or ()), tuple(files[change_id]))
    return out


# A file as read: path, added, deleted, generated, code added, code deleted.
_FileRow = tuple[str, int, int, bool, int | None, int | None]


# About 1.3 KB an entry (measured, four files): 32,768 changes, a big organisation's twelve
# weeks, are about 40 MB a process.
@functools.lru_cache(maxsize=1 << 15)
def _work(title: str, labels: tuple[str, ...], files: tuple[_FileRow, ...]) -> StoredWork:
    """A change's kind and lines of code from what they are read from: kept for the process,
    since the agents page and the week's agent card read the same weeks again and again."""
    kind = classify_work(title, labels, [f[0] for f in files]).kind
    lines = 0
    for path, added, deleted, generated, code_added, code_deleted in files:
        counted = FileChange(
            path=path,
            added=added,
            deleted=deleted,
            generated=bool(generated),
            code_added=code_added,
            code_deleted=code_deleted,
        )
        lines += sum(code_lines_of(counted))
    return StoredWork(kind, lines)


def change_work_kinds(session: Session, keys: Collection[str]) -> dict[str, WorkKind]:
    """The kind of work of each stored change of ``keys`` (a key the store lacks is left out)."""
    return {key: work.kind for key, work in change_work(session, keys).items()}
