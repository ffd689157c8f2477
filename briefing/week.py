"""ISO weeks, Monday 00:00 to the next Monday 00:00 in a subscriber's own time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from scoring.errors import ConfigError

if TYPE_CHECKING:
    from briefing.payload import WeekView

__all__ = ["MONTHS", "IsoWeek", "week_local_time"]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    """One ISO week, e.g. ``2026-W47``."""

    year: int
    week: int

    @property
    def id(self) -> str:
        """The ISO week id, e.g. ``2026-W47``."""
        return f"{self.year}-W{self.week:02d}"

    @staticmethod
    def parse(text: str) -> IsoWeek:
        """Parse ``2026-W47``; anything else is a ``ConfigError`` saying the expected form."""
        m = _WEEK_ID.match(text.strip())
        if m:
            try:
                date.fromisocalendar(int(m[1]), int(m[2]), 1)
            except ValueError:
                pass
            else:
                return IsoWeek(int(m[1]), int(m[2]))
        raise ConfigError(f"{text!r} is not an ISO week; use the form 2026-W47")

    @staticmethod
    def of(day: date) -> IsoWeek:
        """The week ``day`` falls in."""
        iso = day.isocalendar()
        return IsoWeek(iso.year, iso.week)

    @staticmethod
    def last_complete(at: datetime, timezone: str) -> IsoWeek:
        """The newest week that had ended by ``at`` in ``timezone``."""
        local = at.astimezone(ZoneInfo(timezone)).date()
        return IsoWeek.of(local).previous()

    @property
    def monday(self) -> date:
        """The week's first day."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        """The week's last day."""
        return self.monday + timedelta(days=6)

    def previous(self) -> IsoWeek:
        """The week before."""
        return IsoWeek.of(self.monday - timedelta(days=7))

    def next(self) -> IsoWeek:
        """The week after."""
        return IsoWeek.of(self.monday + timedelta(days=7))

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware datetimes: Monday 00:00 to the next Monday 00:00 local."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.monday, time(0), tzinfo=zone)
        end = datetime.combine(self.next().monday, time(0), tzinfo=zone)
        return start, end


def week_local_time(at: datetime, timezone: str, week: WeekView | None = None) -> str:
    """A time as the reader reads it, in their zone and named: ``"Fri 20 Nov 10:35 EST"``.

    Within ``week`` the weekday is enough (``"Fri 10:35 EST"``): the briefing names its week.
    """
    when = at.astimezone(ZoneInfo(timezone))
    day = f"{when:%a}"
    if week is None or not week.start <= when.date() <= week.end:
        day += f" {when.day} {MONTHS[when.month - 1]}"
    return f"{day} {when:%H:%M} {when:%Z}".rstrip()
