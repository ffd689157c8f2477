"""Times as sources receive them: ISO 8601 text read into aware UTC datetimes, one way for all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["TimeFormatError", "parse_time"]

# Values quoted in a message are cut: an API may send a whole document where a time belongs.
_QUOTED = 40


class TimeFormatError(ValueError):
    """A value that is not an ISO 8601 time with a zone; the message names the field and the fix."""


def parse_time(value: Any, name: str, *, naive_is_utc: bool = False) -> datetime:
    """``value`` (ISO 8601 text, ``Z`` or an offset) as an aware datetime in UTC.

    A time without a zone is refused, as its instant is unknown, unless the
    source documents its naive times as UTC (``naive_is_utc``: GitHub's REST
    items, its rate-limit reset and App token expiry). Raises
    ``TimeFormatError`` whose message names ``name``.
    """
    if value is None or value == "":
        raise TimeFormatError(f"{name} is missing")
    if not isinstance(value, str):
        raise TimeFormatError(f"{name} is a {type(value).__name__}, not an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise TimeFormatError(
            f"{name} {value[:_QUOTED]!r} is not an ISO 8601 time such as 2026-11-20T15:35:00Z"
        ) from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise TimeFormatError(
                f"{name} {value!r} has no time zone; add one, e.g. {value}Z for UTC "
                f"or {value}+01:00"
            )
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00+01:00 is before the first instant Python holds in UTC.
        raise TimeFormatError(
            f"{name} {value[:_QUOTED]!r} is outside the years 1 to 9999"
        ) from None
