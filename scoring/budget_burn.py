"""How fast each service burned its error budget in a week, from samples of the budget left.

A sample is the fraction of a service's error budget left at a time (1: untouched, 0 or
below: spent), over the SLO's rolling window of ``window_days``. A week's reading starts
from the last sample at or before the week's start (if it is at most ``BASELINE_GAP``
older), else from the week's first sample, and ends at its last sample. The budget
*burned* is the sum of the drops between consecutive samples: a rise (errors leaving the
rolling window, a new calendar period) refills the budget and is not subtracted, so a
week that burned and then refilled still says what it burned. It is a lower bound of the
budget the week's errors consumed: errors leaving the window while new ones arrive hide
part of the drop.

The *burn rate* is the SRE workbook's: the budget burned relative to spending the whole
budget evenly over the window. Spending evenly burns ``days / window_days`` of the budget
in ``days``, so burn rate 1 spends exactly the budget over the window, and 2 spends it in
half the window. A week whose samples cover less than a day gives no reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

__all__ = [
    "BASELINE_GAP",
    "DEFAULT_WINDOW_DAYS",
    "FAST_BURN",
    "BudgetPoint",
    "WeekBurn",
    "fastest_burns",
    "week_burn",
]

# The SLO window assumed when the source does not say one (Sloth's and Datadog's default).
DEFAULT_WINDOW_DAYS = 30
# A burn rate at which the briefing names a service: at 1 the budget runs out with the window.
FAST_BURN = 1.0
# The last sample before the week still stands for the budget at its start this close to it.
BASELINE_GAP = timedelta(days=1)
# Less than this much of the week read says too little to give a rate.
_MIN_COVERED = timedelta(days=1)
_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class BudgetPoint:
    """The fraction of a service's error budget left at ``at`` (1 untouched, ≤ 0 spent)."""

    at: datetime
    remaining: float


@dataclass(frozen=True, slots=True)
class WeekBurn:
    """One service's week: the budget left at its start and end, what it burned, and how fast."""

    service: str
    start_left: float
    end_left: float
    # The fraction of the whole budget the week's drops consumed.
    burned: float
    # How much of the week the samples cover, in days.
    days: float
    window_days: int

    @property
    def rate(self) -> float:
        """The burn rate: ``burned`` against the even spend of the budget over the window."""
        return self.burned * self.window_days / self.days


def week_burn(
    service: str,
    points: Iterable[BudgetPoint],
    since: datetime,
    until: datetime,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> WeekBurn | None:
    """``service``'s reading of the week ``[since, until)``; ``None`` when its samples there
    cover less than a day (none, or one)."""
    ordered = sorted(points, key=lambda p: p.at)
    before = [p for p in ordered if since - BASELINE_GAP <= p.at <= since]
    inside = [p for p in ordered if since < p.at < until]
    read = before[-1:] + inside
    if len(read) < 2 or window_days <= 0:
        return None
    covered = read[-1].at - max(read[0].at, since)
    if covered < _MIN_COVERED:
        return None
    burned = sum(max(0.0, a.remaining - b.remaining) for a, b in pairwise(read))
    return WeekBurn(
        service=service,
        start_left=read[0].remaining,
        end_left=read[-1].remaining,
        burned=burned,
        days=covered.total_seconds() / _DAY,
        window_days=window_days,
    )


def fastest_burns(
    burns: Sequence[WeekBurn], limit: int = 3, at_least: float = FAST_BURN
) -> tuple[WeekBurn, ...]:
    """The ``limit`` fastest of ``burns`` at a burn rate of ``at_least`` or more, fastest first
    (ties by service, so the order is the same on every run)."""
    fast = [b for b in burns if b.rate >= at_least]
    return tuple(sorted(fast, key=lambda b: (-b.rate, b.service))[:limit])
