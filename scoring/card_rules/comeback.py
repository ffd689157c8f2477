"""A scope's way back from last week's rise: last week and this week against the weeks before
last week (``card_rules.risk.improvement`` reads it for each team)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scoring.card_rules.measure import reaches
from scoring.card_rules.rises import (
    COUNTS,
    Chance,
    alarm_chance,
    high_bound,
    more_high_than_usual,
    most_severe,
    pool_chance,
    riskier,
    severity_of,
    together,
    weeks_seen,
    working_weeks,
)
from scoring.card_rules.usual import Rise, chance_at, fix_chance, own_chance, rise
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate, WeekChange

__all__ = ["BeforeLastWeek", "came_back"]


@dataclass(frozen=True, slots=True)
class BeforeLastWeek:
    """The weeks before last week, what a team's last week is judged against (``came_back``),
    read once for all the week's teams: their changes, how many weeks they are, those the
    scope worked in, the high bound's chance (``high_floor``) and the scope's usual chance per
    change of each count, by the change's own chance and as shown (what a young team is pooled
    with), and the high bound itself (``high_bound``)."""

    earlier: tuple[WeekChange, ...]
    weeks: int
    working: frozenset[int]
    floor: float
    pools: Mapping[tuple[Chance, int], float | None]
    # The high band's bound as those weeks, last week and this week show it (``high_bound``).
    bound: float | None = None

    @classmethod
    def of(cls, this: WeekAggregate, last: WeekAggregate) -> BeforeLastWeek | None:
        """``this`` week's baseline without last week; ``None`` without a week before it."""
        base = this.baseline
        if base is None or base.weeks < 2:
            return None
        # Last week's changes are ``last``'s, in the briefing's zone, whatever their UTC week.
        then_keys = {c.key for c in last.changes}
        earlier = tuple(c for c in base.changes if c.key not in then_keys)
        if not earlier:
            return None
        bound = high_bound((*earlier, *last.changes, *this.changes))
        floor = 0.0 if bound is None else chance_at(bound)
        pools: dict[tuple[Chance, int], float | None] = {
            (chance, n): pool_chance(count(earlier, chance, floor))
            for chance in (own_chance, fix_chance)
            for n, count in enumerate(COUNTS)
        }
        return cls(earlier, base.weeks - 1, working_weeks(earlier), floor, pools, bound)


def came_back(
    weeks: BeforeLastWeek | None,
    this: WeekAggregate,
    last: WeekAggregate,
    team: str,
    r: CardRules,
) -> tuple[Rise, Rise] | None:
    """The expected fixes of ``team``'s changes (not its bots') last week and this week, each
    against the ``weeks`` before last week, when last week's rose as a concentration does (both
    sums tested together at a service's share of the false-alarm budget, by at least a
    concentration warning's ratio and excess, or for the high-risk changes by
    ``concentration_min_high_risk`` more of them, the sum of all its changes only when they were
    riskier per change too (``riskier``), each change by its own chance) and this week's no
    longer do, having fallen by as much (that ratio and excess, the other way): ``(last week's,
    this week's)`` as their changes' chances show them. ``None`` otherwise, or without weeks
    before last week (``weeks`` is ``None``).

    Last week is judged against the weeks before it, not the baseline that holds it: a week of
    rewrites in the yardstick would make the week after look calm by comparison alone.
    """

    if weeks is None:
        return None
    alpha = alarm_chance(this, r, "concentration")
    ratios = (r.concentration_warning_ratio, r.concentration_critical_ratio)
    excesses = (r.concentration_warning_excess, r.concentration_critical_excess)

    def mine(changes: Iterable[WeekChange]) -> list[WeekChange]:
        return [c for c in changes if c.team == team and not c.bot]

    before, then, now = mine(weeks.earlier), mine(last.changes), mine(this.changes)
    seen = weeks_seen(before, weeks.working, weeks.weeks)
    floor = weeks.floor

    def sums(changes: Sequence[WeekChange], chance: Chance) -> tuple[Rise | None, Rise | None]:
        fixes, high_risk = (
            rise(
                count(changes, chance, floor),
                count(before, chance, floor),
                weeks.weeks,
                seen,
                weeks.pools[chance, n],
            )
            for n, count in enumerate(COUNTS)
        )
        return fixes, high_risk

    risen = sums(then, own_chance)
    if risen[0] is None or not together(risen, alpha):
        return None
    # Its size as a concentration's: the sum of all its changes only when they were riskier per
    # change too (a busy week of the team's usual work is no rise to come back from), the
    # high-risk changes' also by ``concentration_min_high_risk`` more of them than usual.
    more = more_high_than_usual(then, before, seen, weeks.bound)
    sizes = (
        severity_of(riskier(risen[0], len(then), r), alpha, ratios, excesses),
        severity_of(risen[1], alpha, ratios, excesses, more, r.concentration_min_high_risk),
    )
    if most_severe(*sizes) is None or together(sums(now, own_chance), alpha):
        return None
    shown_then, shown_now = sums(then, fix_chance)[0], sums(now, fix_chance)[0]
    if shown_then is None or shown_now is None:
        return None
    # A way back is as material as the rise: by a warning's ratio and excess, the other way.
    fell = shown_then.this_week - shown_now.this_week
    if not (
        reaches(fell, excesses[0])
        and reaches(shown_then.this_week, ratios[0] * shown_now.this_week)
    ):
        return None
    return shown_then, shown_now
