"""Times from sources: ISO 8601 with a zone becomes aware UTC; anything else is named."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from data.sources.times import TimeFormatError, parse_time


@pytest.mark.parametrize(
    "text",
    ["2026-11-20T15:35:00Z", "2026-11-20T16:35:00+01:00", "2026-11-20T10:35:00-05:00"],
)
def test_a_time_with_a_zone_is_the_same_instant_in_utc(text: str) -> None:
    """Z and offsets are read as the instant they name, returned in UTC."""
    parsed = parse_time(text, "opened_at")
    assert parsed == datetime(2026, 11, 20, 15, 35, tzinfo=UTC)
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (None, "opened_at is missing"),
        ("", "opened_at is missing"),
        (1732115700, "opened_at is a int, not an ISO 8601 time"),
        ("last tuesday", "opened_at 'last tuesday' is not an ISO 8601 time such as"),
        ("2026-11-20T15:35:00", "opened_at '2026-11-20T15:35:00' has no time zone; add one"),
    ],
)
def test_anything_else_is_refused_naming_the_field(value: Any, says: str) -> None:
    """A missing, non-text, unreadable or zoneless time says which field and how to fix it."""
    with pytest.raises(TimeFormatError) as refused:
        parse_time(value, "opened_at")
    assert str(refused.value).startswith(says)


def test_a_source_that_documents_naive_times_as_utc_gets_utc() -> None:
    """GitHub's REST API sends some times without a zone; they are UTC."""
    parsed = parse_time("2026-11-20T15:35:00", "created_at", naive_is_utc=True)
    assert parsed == datetime(2026, 11, 20, 15, 35, tzinfo=UTC)


def test_a_long_value_is_quoted_cut() -> None:
    """An API that sends a document where a time belongs is not quoted whole."""
    with pytest.raises(TimeFormatError) as refused:
        parse_time("x" * 500, "createdAt")
    assert len(str(refused.value)) < 120
