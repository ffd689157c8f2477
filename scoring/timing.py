"""When a merge or deploy happened, as the people on call would feel it."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scoring.config import ScoringConfig

__all__ = ["local_time", "timing_points"]


def local_time(at: datetime, config: ScoringConfig) -> datetime:
    """``at`` in the zone timing signals are judged in."""
    return at.astimezone(_zone(config.timezone))


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# strftime's %a depends on the process locale; these names do not.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def timing_points(at: datetime, config: ScoringConfig) -> tuple[float, str]:
    """Share of timing points (0–1) and the reason, for a merge or deploy at ``at``."""
    local = local_time(at, config)
    start, end = config.working_hours
    after_hours = local.weekday() >= 5 or not (start <= local.hour < end)
    friday = local.weekday() == 4
    day = local.date()
    holiday = day in config.holidays or (day + timedelta(days=1)) in config.holidays
    # A working day before a holiday is a Friday in disguise.
    share = (0.6 if friday or holiday else 0.0) + (0.4 if after_hours else 0.0)
    reasons = [
        r
        for r, on in (
            ("on a Friday", friday),
            ("before or on a holiday", holiday),
            ("after hours", after_hours),
        )
        if on
    ]
    when = f"{_WEEKDAYS[local.weekday()]} {local.hour:02d}:{local.minute:02d}"
    text = f"{' and '.join(reasons)} ({when} {config.timezone})" if reasons else f"at {when}"
    return share, text
