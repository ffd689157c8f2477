"""Stored changes' kinds of work (``scoring.work_kind``), from their titles, labels and files,
and their lines of code (``scoring.change_files.code_lines_of``), read in the same pass."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.among import among
from data.store.scores import stored_work_kind
from data.store.tables import Change, ChangeFile, RiskScoreRow
from scoring.change_files import code_lines_of
from scoring.facts import FileChange, marked_as
from scoring.work_kind import WorkKind, classify_work

__all__ = ["StoredWork", "change_work", "change_work_kinds", "kept_work"]

# Keys per query: well under SQLite's smallest bound-parameter limit (999).
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoredWork:
    """A stored change's kind of work and its lines of code added and deleted."""

    kind: WorkKind
    source_lines: int


def change_work(
    session: Session, keys: Collection[str], version: str | None = None
) -> dict[str, StoredWork]:
    """The kind of work and lines of code of each stored change of ``keys`` (a key the store
    lacks is left out).

    With the scorer's ``version``, each change scored by it is read as its score keeps them
    (found when it was scored); the others, and all without ``version``, are classified here
    from their titles, labels and files.
    """
    wanted = sorted(set(keys))
    out = _as_scored(session, wanted, version) if version is not None else {}
    if out:
        wanted = [key for key in wanted if key not in out]
    conn = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        # Core rows: a week of a big organisation is thousands of changes, and only three
        # columns and the files' counts are needed.
        changes = conn.execute(
            sa.select(col(Change.id), col(Change.key), col(Change.title), col(Change.labels)).where(
                among(conn, col(Change.key), chunk)
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
                col(ChangeFile.marked),
            ).where(among(conn, col(ChangeFile.change_id), [c[0] for c in changes]))
        ).all():
            files[owner].append(tuple(counts))  # type: ignore[arg-type]
        for change_id, key, title, labels in changes:
            out[key] = _work(title, tuple(labels or ()), tuple(files[change_id]))
    return out


def _as_scored(session: Session, keys: list[str], version: str) -> dict[str, StoredWork]:
    """The kind and lines of code each of ``keys`` was scored with by ``version``, where its
    score keeps them."""
    out: dict[str, StoredWork] = {}
    conn = session.connection()
    for start in range(0, len(keys), _CHUNK):
        for key, kind, lines in conn.execute(
            sa.select(
                col(RiskScoreRow.subject_key),
                col(RiskScoreRow.work_kind),
                col(RiskScoreRow.source_lines),
            ).where(
                col(RiskScoreRow.subject_kind) == "change",
                col(RiskScoreRow.scorer_version) == version,
                among(conn, col(RiskScoreRow.subject_key), keys[start : start + _CHUNK]),
            )
        ):
            kept = kept_work(kind, lines)
            if kept is not None:
                out[key] = kept
    return out


def kept_work(kind: str | None, lines: int | None) -> StoredWork | None:
    """The kind and lines of code a score keeps (its ``work_kind`` and ``source_lines``), or
    ``None`` where it keeps none this version can read: the change is then classified."""
    work = stored_work_kind(kind)
    return None if work is None or lines is None else StoredWork(work, lines)


# A file as read: path, added, deleted, generated, code added, code deleted, marked.
_FileRow = tuple[str, int, int, bool, int | None, int | None, str | None]


# About 1.3 KB an entry (measured, four files): 32,768 changes, a big organisation's twelve
# weeks, are about 40 MB a process.
@functools.lru_cache(maxsize=1 << 15)
def _work(title: str, labels: tuple[str, ...], files: tuple[_FileRow, ...]) -> StoredWork:
    """A change's kind and lines of code from what they are read from: kept for the process,
    since the agents page and the week's agent card read the same weeks again and again."""
    kind = classify_work(title, labels, [f[0] for f in files]).kind
    lines = 0
    for path, added, deleted, generated, code_added, code_deleted, marked in files:
        counted = FileChange(
            path=path,
            added=added,
            deleted=deleted,
            generated=bool(generated),
            code_added=code_added,
            code_deleted=code_deleted,
            marked=marked_as(marked),
        )
        lines += sum(code_lines_of(counted))
    return StoredWork(kind, lines)


def change_work_kinds(
    session: Session, keys: Collection[str], version: str | None = None
) -> dict[str, WorkKind]:
    """The kind of work of each stored change of ``keys`` (a key the store lacks is left out),
    as ``version`` scored it where it did (``change_work``)."""
    return {key: work.kind for key, work in change_work(session, keys, version).items()}
