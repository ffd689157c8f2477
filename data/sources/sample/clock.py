"""The sample's clock: times are minutes from a week's Monday 00:00 UTC, weeks count from 0.

Planning in minutes from Monday, rather than in datetimes, is what lets the same
seed give the same rows for any ``as_of`` apart from the dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

__all__ = ["DAY", "LATEST_WEEK", "SAMPLE_WEEKS", "sample_week_starts", "when"]

SAMPLE_WEEKS = 12
# The week the planted stories happen in; every earlier one is steady.
LATEST_WEEK = SAMPLE_WEEKS - 1
DAY = 24 * 60


def when(day: int, hour: int, minute: int = 0) -> int:
    """Minutes from a week's Monday 00:00 UTC to ``day`` (0 = Monday) at ``hour:minute``."""
    return day * DAY + hour * 60 + minute


def sample_week_starts(as_of: date) -> tuple[datetime, ...]:
    """The Mondays 00:00 UTC of the sample's weeks, oldest first.

    The last is the newest ISO week that ended before ``as_of``.
    """
    this_monday = as_of - timedelta(days=as_of.weekday())
    first = this_monday - timedelta(weeks=SAMPLE_WEEKS)
    start = datetime.combine(first, time(0), tzinfo=UTC)
    return tuple(start + timedelta(weeks=i) for i in range(SAMPLE_WEEKS))
