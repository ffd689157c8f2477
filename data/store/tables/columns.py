"""The column types every table shares: aware UTC times, enum words, JSON with cheap defaults.

Times are stored as naive UTC and handed back timezone-aware (``UTCDateTime``),
so SQLite and PostgreSQL behave the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field

__all__ = ["UTCDateTime", "Words", "json_column", "new_list", "utc_column"]


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, naive UTC on disk."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc_column(*, index: bool = False, nullable: bool = False) -> Any:
    """A field stored as ``UTCDateTime``: required unless ``nullable``, then ``None`` by default."""
    return Field(
        default=None if nullable else ...,
        sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index),
    )


_E = TypeVar("_E", bound=StrEnum)


class Words(sa.types.TypeDecorator[_E]):
    """A ``StrEnum`` stored as its value in a text column, read back as the member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[_E]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: _E | str | None, dialect: Dialect) -> str | None:
        # ``enum(value)`` refuses a word that is not a member before it reaches the store.
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> _E | None:
        return None if value is None else self.enum(value)


def new_list() -> list[Any]:
    """An empty list, as a default factory pydantic reads quickly (see ``_FACTORIES``)."""
    return []


def _new_dict() -> dict[str, Any]:
    return {}


# pydantic asks each default factory for its signature on every row built, and reading a
# builtin's (``list``, ``dict``) costs about 100 µs against 8 µs for a function's: with
# three list columns a tracker issue took 0.5 ms to construct, most of a large sync.
_FACTORIES: dict[Any, Any] = {list: new_list, dict: _new_dict}


def json_column(default: Any = None, *, nullable: bool = True) -> Any:
    """A JSON field; a ``list`` or ``dict`` default becomes a factory cheap to call per row."""
    if callable(default):
        factory = _FACTORIES.get(default, default)
        return Field(default_factory=factory, sa_column=sa.Column(sa.JSON, nullable=nullable))
    return Field(default=default, sa_column=sa.Column(sa.JSON, nullable=nullable))
