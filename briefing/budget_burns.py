"""Which services burned their error budget fastest in the week, as the briefing carries and
says it: a line, only when some service burned at a rate of 1 or more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from briefing.views import View
from scoring.budget_burn import fastest_burns, week_burn

if TYPE_CHECKING:
    from data.store.reads.budgets import BudgetSeries

__all__ = ["BURNS_SHOWN", "BurnView", "burn_line", "burn_views"]

# The fastest few a line has room for.
BURNS_SHOWN = 3


class BurnView(View):
    """One service's week of its error budget: what it burned (points of its whole budget,
    whole), how fast (the SRE burn rate, one decimal) and what was left at each end."""

    service: str
    name: str
    burned_percent: int
    burn_rate: float
    start_left_percent: int
    end_left_percent: int
    window_days: int


def burn_views(
    series: Sequence[BudgetSeries], names: Mapping[str, str], since: datetime, until: datetime
) -> tuple[BurnView, ...]:
    """The services of ``series`` that burned at a rate of 1 or more in ``[since, until)``,
    the fastest ``BURNS_SHOWN``, fastest first."""
    burns = [
        b
        for s in series
        if (b := week_burn(s.service, s.points, since, until, s.window_days)) is not None
    ]
    return tuple(
        BurnView(
            service=b.service,
            name=names.get(b.service, b.service),
            burned_percent=round(b.burned * 100),
            burn_rate=round(b.rate, 1),
            start_left_percent=round(b.start_left * 100),
            end_left_percent=round(b.end_left * 100),
            window_days=b.window_days,
        )
        for b in fastest_burns(burns, BURNS_SHOWN)
    )


def burn_line(burns: Sequence[BurnView]) -> str | None:
    """The line, e.g. "Error budgets this week: Search burned 38% of its budget (burn rate
    4.9×), Checkout 12% (1.6×)." ``None`` when no service burned at 1× or faster: a budget
    spent at its even pace is no news. Names are outside text: the caller escapes them."""
    if not burns:
        return None
    first, *rest = burns
    said = [f"{first.name} burned {first.burned_percent}% of its budget (burn rate {_x(first)})"]
    said += [f"{b.name} {b.burned_percent}% ({_x(b)})" for b in rest]
    return f"Error budgets this week: {', '.join(said)}."


def _x(burn: BurnView) -> str:
    """A burn rate as written: one decimal and a times sign, "4.9×"."""
    return f"{burn.burn_rate:.1f}×"
