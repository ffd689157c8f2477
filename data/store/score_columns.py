"""A stored score's JSON columns as a window reads them: as text, parsed only when not empty."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from scoring.risk import Band

__all__ = ["band_gates", "json_list", "json_text"]


def json_text(column: Any) -> Any:
    """A JSON column read as its text: a week's window parses only the lists that are not
    empty, itself (SQLAlchemy's JSON type parsed two per change, a third of a page's time)."""
    return sa.type_coerce(col(column), sa.Text)


def json_list(value: str | list[Any] | None) -> list[Any]:
    """The list a JSON column holds: its text on SQLite (``[]`` not parsed at all), already a
    list where the driver parses JSON itself (psycopg on PostgreSQL)."""
    if isinstance(value, list):
        return value
    if not value or value == "[]":
        return []
    found = json.loads(value)
    return found if isinstance(found, list) else []


def band_gates(stored: Iterable[Any] | None, band: str) -> tuple[str, ...]:
    """The names of the stored gates whose floor is ``band``: those that alone put a score there."""
    if not stored:
        # Most changes have no gate: no generator to set up for each of them.
        return ()
    # A gate stored without a floor is one from before floors were kept: they were all critical.
    return tuple(
        str(g["name"]) for g in stored or () if g.get("floor", Band.CRITICAL.value) == band
    )
