"""A column among many values, bound as one array on PostgreSQL and as an IN list elsewhere.

An IN list binds each value apart, so its SQL differs with every count of values: SQLAlchemy
renders it again, psycopg parses it again (it keeps only statements of up to 50 parameters)
and PostgreSQL prepares nothing. A served week page or MCP briefing asks a dozen such lists
of hundreds of keys: about a sixth of its CPU went to that. ``= ANY(:array)`` is one statement
whatever the count. SQLite has no arrays, so there it stays an IN list.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlmodel import Session

__all__ = ["among"]


def among(where: Session | Connection, column: Any, values: Collection[Any]) -> Any:
    """``column`` equal to one of ``values``, in the SQL of the store ``where`` reads."""
    dialect = where.dialect if isinstance(where, Connection) else where.get_bind().dialect
    if dialect.name != "postgresql":
        return column.in_(list(values))
    array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
    return column == sa.any_(array)
