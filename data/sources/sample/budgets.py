"""Acme's error budgets as an SLO source samples them: the budget left every six hours.

Three services have an SLO over a 30-day window. Each burns a little by day and refills
by night, as a rolling window's old errors leave it: a steady burn rate of about 0.6, no
news. In the latest week Notifications burns fast, spent from Wednesday noon (its spent
span, ``records._SPENT_BUDGETS``, starts at 11:50 and ends at 17:30, so these samples
agree with it) and barely above zero after; Checkout loses 15 points of budget with
Friday's incident. So the demo's briefing names those two, fastest first, and not Search.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from data.source_values import SourceBudgetSample
from data.sources.sample.clock import DAY, LATEST_WEEK, SAMPLE_WEEKS, when

__all__ = ["sample_budget_samples"]

_EVERY = 6 * 60
_WINDOW_DAYS = 30
# Each service's budget left at midnight in a steady week.
_LEVELS = {"checkout": 0.70, "search": 0.80, "notifications": 0.45}


def _wobble(minute: int) -> float:
    """The day's burn so far: a point at noon, two by six, refilled by midnight."""
    hour = (minute % DAY) // 60
    return 0.0 if hour < 12 else 0.01 if hour < 18 else 0.02


def _notifications(minute: int) -> float:
    """The latest week: from 45% on Monday down to spent at Wednesday noon, restored to 4%
    by six, then 2% left by Sunday evening."""
    spent = when(2, 12)
    if minute <= spent:
        return round(0.45 - 0.48 * minute / spent, 4)
    return round(0.04 - 0.02 * (minute - when(2, 18)) / (when(6, 18) - when(2, 18)), 4)


def _checkout(minute: int) -> float:
    """The latest week: steady, then 15 points gone from Friday's incident on."""
    lost = 0.15 if minute >= when(4, 18) else 0.0
    return round(_LEVELS["checkout"] - _wobble(minute) - lost, 4)


_LATEST: dict[str, Callable[[int], float]] = {
    "notifications": _notifications,
    "checkout": _checkout,
}


def sample_budget_samples(at: Callable[[int, int], datetime]) -> tuple[SourceBudgetSample, ...]:
    """Every service's samples over the sample's weeks, ``at(week, minute)`` their times."""
    out: list[SourceBudgetSample] = []
    for service, level in _LEVELS.items():
        for week in range(SAMPLE_WEEKS):
            for minute in range(0, 7 * DAY, _EVERY):
                latest = _LATEST.get(service) if week == LATEST_WEEK else None
                left = latest(minute) if latest else round(level - _wobble(minute), 4)
                out.append(
                    SourceBudgetSample(
                        service=service,
                        at=at(week, minute),
                        remaining=left,
                        source="sample",
                        window_days=_WINDOW_DAYS,
                    )
                )
    return tuple(out)
