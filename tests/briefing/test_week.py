"""ISO weeks in a subscriber's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from briefing.week import IsoWeek
from scoring.errors import ConfigError

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates


def test_parse_and_id_round_trip() -> None:
    """`2026-W47` parses to the week of Monday 16 November 2026 and prints back the same."""
    week = IsoWeek.parse("2026-W47")
    assert week.id == "2026-W47"
    assert (week.monday, week.sunday) == (date(2026, 11, 16), date(2026, 11, 22))


@pytest.mark.parametrize("text", ["2026-47", "W47", "2026-W54", "2026-W00", ""])
def test_bad_week_says_the_form(text: str) -> None:
    """Anything but an existing ISO week is refused with the expected form."""
    with pytest.raises(ConfigError, match="use the form 2026-W47"):
        IsoWeek.parse(text)


def test_year_boundary() -> None:
    """The week before 2027-W01 is 2026-W53, since 2026 has 53 ISO weeks."""
    assert IsoWeek.parse("2027-W01").previous().id == "2026-W53"
    assert IsoWeek.parse("2026-W53").next().id == "2027-W01"


def test_last_complete_week_depends_on_the_subscriber_zone() -> None:
    """Monday 03:00 UTC is still Sunday in New York but already Monday in Kolkata."""
    at = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert IsoWeek.last_complete(at, "America/New_York").id == "2026-W46"
    assert IsoWeek.last_complete(at, "Asia/Kolkata").id == "2026-W47"


def test_bounds_are_local_midnights() -> None:
    """A week runs from Monday 00:00 to the next Monday 00:00 local time."""
    start, end = IsoWeek.parse("2026-W47").bounds("Europe/Berlin")
    assert start == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
