"""When a merge or deploy happened, as the people on call would feel it."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from scoring.config import ScoringConfig

__all__ = ["timing_points"]


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# strftime's %a depends on the process locale; these names do not.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ONE_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=64)
def _offset(minutes: int) -> tuple[timezone, str]:
    """The fixed zone ``minutes`` east of UTC, and its name as a reason shows it."""
    if minutes == 0:
        return UTC, "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return timezone(timedelta(minutes=minutes)), f"UTC{sign}{hours:02d}:{rest:02d}"


def timing_points(
    at: datetime, config: ScoringConfig, utc_offset: int | None = None
) -> tuple[float, str]:
    """Share of timing points (0–1) and the reason, for a merge or deploy at ``at``.

    ``utc_offset`` (minutes east of UTC) is the clock of the person who made it, as git
    records it: until the organisation names its zone (``config.timezone_set``), the time
    is judged on that clock, not in a zone nobody chose (a server's UTC).
    """
    if utc_offset is not None and not config.timezone_set:
        fixed, zone = _offset(utc_offset)
        local = at.astimezone(fixed)
    else:
        zone = config.timezone
        # Every change is timed; a UTC time judged in UTC needs no conversion.
        local = at if zone == "UTC" and at.tzinfo is UTC else at.astimezone(_zone(zone))
    holiday = False
    if config.holidays:
        day = local.date()
        holiday = day in config.holidays or (day + _ONE_DAY) in config.holidays
    return _points(local.weekday(), local.hour, local.minute, holiday, zone, config.working_hours)


# One entry per minute of the week (twice, with holidays) and zone: the reasons
# and their text are worked out once each.
@functools.lru_cache(maxsize=1 << 15)
def _points(
    weekday: int, hour: int, minute: int, holiday: bool, zone: str, working_hours: tuple[int, int]
) -> tuple[float, str]:
    start, end = working_hours
    # A weekend is its own reason: "after hours" at Sunday noon reads as a wrong clock.
    weekend = weekday >= 5
    after_hours = not weekend and not (start <= hour < end)
    friday = weekday == 4
    # A working day before a holiday is a Friday in disguise.
    share = (0.6 if friday or holiday else 0.0) + (0.4 if after_hours or weekend else 0.0)
    when = f"{_WEEKDAYS[weekday]} {hour:02d}:{minute:02d}"
    if not (friday or holiday or after_hours or weekend):
        return share, f"at {when}"
    reasons = []
    if friday:
        reasons.append("on a Friday")
    if holiday:
        reasons.append("before or on a holiday")
    if weekend:
        reasons.append("on a weekend")
    if after_hours:
        reasons.append("after hours")
    return share, f"{' and '.join(reasons)} ({when} {zone})"
