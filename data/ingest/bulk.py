"""Set-based reads and writes of one batch of keyed records.

A sync hands records over a page at a time; reading their stored rows with one
query and inserting the new ones with one statement costs a handful of round
trips per page instead of a few per record, which is most of a sync's time on
PostgreSQL, and keeps SQLAlchemy's per-statement work off SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

__all__ = ["chunks", "insert_keyed", "rows_by_key", "table_of"]

_T = TypeVar("_T")

# Values in one IN list: far below SQLite's and PostgreSQL's limits on bound parameters.
_CHUNK = 500


def chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    """``items`` in slices of at most ``size``, for IN lists a database accepts."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table a model maps, for Core statements that skip the ORM's per-row work."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


def rows_by_key(session: Session, model: Any, keys: Sequence[str]) -> dict[str, Any]:
    """The stored rows of ``model`` whose ``key`` is among ``keys``, by key."""
    found: dict[str, Any] = {}
    for chunk in chunks(keys):
        found.update(
            (row.key, row) for row in session.exec(select(model).where(col(model.key).in_(chunk)))
        )
    return found


def insert_keyed(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Insert keyed rows (column name to value) in one statement; their new ids by key.

    The ids come back with their keys, not in the rows' order: asking SQLAlchemy for
    that order makes it insert one row at a time on SQLite. Both databases still number
    the rows of one VALUES list in order, so ids follow the rows as an ORM flush's did.
    """
    if not rows:
        return {}
    table = table_of(model)
    result = session.execute(sa.insert(table).returning(table.c.id, table.c.key), list(rows))
    return {key: id_ for id_, key in result}
