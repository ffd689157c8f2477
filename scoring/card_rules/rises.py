"""A scope's expected fixes against its own weeks: the tests, severities and false-alarm
budget the risk rules (``card_rules.risk``) share."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from scoring.band import Band
from scoring.card_rules.measure import reaches, tenth
from scoring.card_rules.usual import (
    Rise,
    chance_at,
    fix_chance,
    nb_upper_tail,
    rise,
    rise_per_change,
)
from scoring.card_terms import CardFact, Evidence, EvidenceKind, FactKey, Severity
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate, WeekChange, grouped

__all__ = [
    "BUDGET_SHARES",
    "COUNTS",
    "Chance",
    "ServiceYardstick",
    "alarm_chance",
    "as_evidence",
    "beyond_noise",
    "difference",
    "fix_facts",
    "high_bound",
    "high_floor",
    "more_high_risk",
    "more_high_than_usual",
    "most_severe",
    "pool_chance",
    "riskier",
    "scope_rise",
    "scope_rises",
    "severity_of",
    "together",
    "week_of",
    "weeks_seen",
    "weeks_worked",
    "working_weeks",
    "yardstick",
]

# The rules that share the false-alarm budget of warning and critical risk cards, and each
# one's share: concentration tests every service, so it has the most to spend; the shift's
# story is the organisation's, and a rising driver is most often the shift's story seen from
# one signal (a shift card folds it), so the shift has more of the rest (docs/scoring.md).
BUDGET_SHARES: dict[str, float] = {"concentration": 0.5, "shift": 0.3, "driver": 0.2}


def as_evidence(keys: Iterable[str]) -> tuple[Evidence, ...]:
    """Change keys as a card's evidence."""
    return tuple(Evidence(EvidenceKind.CHANGE, k) for k in keys)


def beyond_noise(count: float, expected: float, alpha: float, weeks: int = 1) -> bool:
    """Whether ``count`` changes rise past what an ``expected`` weekly count (known from
    ``weeks`` weeks) gives by chance more often than ``alpha``: its negative-binomial tail."""
    return nb_upper_tail(count, expected * weeks + 0.5, float(weeks)) <= alpha


def alarm_chance(this: WeekAggregate, r: CardRules, rule: str) -> float:
    """The false-alarm chance of one test of a risk ``rule``: its share of the budget
    (``BUDGET_SHARES``), split between the services of the scope for concentration
    (docs/scoring.md, "Expected fixes and a false-alarm budget")."""
    share = r.risk_alarm_budget * BUDGET_SHARES[rule]
    return share / max(1, len(this.services)) if rule == "concentration" else share


def yardstick(this: WeekAggregate, last: WeekAggregate) -> tuple[WeekAggregate, int]:
    """The weeks a week is judged against and how many: the baseline, else last week alone."""
    if this.baseline is not None and this.baseline.weeks > 0:
        return this.baseline, this.baseline.weeks
    return last, 1


def severity_of(
    rise: Rise | None,
    alpha: float,
    ratios: tuple[float, float],
    excesses: tuple[float, float],
    more: float | None = None,
    least_more: float | None = None,
) -> Severity | None:
    """Critical or warning by the size of ``rise`` (ratio to its usual week and excess over it,
    both of the severity's), when its test is beyond ``alpha``; ``None`` otherwise. With
    ``more`` (how many more changes make the rise), reaching ``least_more`` of them is also
    excess enough."""
    if rise is None or rise.p_value > alpha:
        return None
    counted = more is not None and least_more is not None and reaches(more, least_more)
    if reaches(rise.ratio, ratios[1]) and (counted or reaches(rise.excess, excesses[1])):
        return Severity.CRITICAL
    if reaches(rise.ratio, ratios[0]) and (counted or reaches(rise.excess, excesses[0])):
        return Severity.WARNING
    return None


def most_severe(*severities: Severity | None) -> Severity | None:
    """The most severe of ``severities``, or ``None`` when none is."""
    known = [s for s in severities if s is not None]
    return min(known, key=lambda s: s.rank) if known else None


def difference(
    changes: list[WeekChange], usual_chance: float, excess: float, every_high: bool = False
) -> list[str]:
    """Keys of the changes that make the rise, most likely to need a fix first: those most above
    the usual chance until their surplus over it reaches the ``excess``, and every very-high
    one (every high-risk one, ``every_high``, when their expected fixes are what rose)."""
    ranked = sorted(changes, key=lambda c: (-fix_chance(c), c.key))
    chosen: set[str] = set()
    surplus = 0.0
    for c in ranked:
        above = fix_chance(c) - usual_chance
        if above <= 0:
            break
        if surplus < excess or c.band is Band.CRITICAL or (every_high and c.high_risk):
            chosen.add(c.key)
            surplus += above
    return [c.key for c in ranked if c.key in chosen]


# How one change is counted: its chance of needing a fix, as shown (``fix_chance``) or of the
# change itself, without the points of what it lands in (``own_chance``).
Chance = Callable[[WeekChange], float]


def _chances(changes: Iterable[WeekChange], chance: Chance, _floor: float) -> list[float]:
    return [chance(c) for c in changes]


def _high_risk(changes: Iterable[WeekChange], chance: Chance, floor: float) -> list[float]:
    """One per change: its chance of needing a fix when it is at high risk or above as ``chance``
    reads it (that chance reaches ``floor``, the high bound's, or a gate put it in its band), 0
    otherwise.

    A change's chance of a fix is at most 1, so in the sum over every change one at the high
    bound (about 1 in 2) shows only by its chance over the usual change's, however unusual it is
    for its scope, and among the noise of every ordinary change: a week of rewrites the
    large-change gate puts at high risk barely moves it. The expected fixes of the high-risk
    changes alone see each of them whole, against a usual made of the scope's own high-risk
    changes (docs/scoring.md, "Expected fixes and a false-alarm budget"). Counted by their own
    chances (``own_chance``), the changes a week of incidents lifted over the bound are not
    among them: the incidents made none of them riskier work.
    """
    return [chance(c) if c.high_risk and (c.gates or chance(c) >= floor) else 0.0 for c in changes]


# What a scope's week is counted by, each against its own weeks: the expected fixes of all its
# changes, and of its changes at high risk or above (very-high ones among them), each change
# counted by a chance; the second reads the high bound's chance.
COUNTS: tuple[Callable[[Iterable[WeekChange], Chance, float], list[float]], ...] = (
    _chances,
    _high_risk,
)


def high_floor(changes: Iterable[WeekChange]) -> float:
    """The chance at the high band's bound as ``changes`` show it (``high_bound``); 0 without a
    high-risk change, where none is counted anyway."""
    bound = high_bound(changes)
    return 0.0 if bound is None else chance_at(bound)


def together(rises: Sequence[Rise | None], alpha: float) -> bool:
    """Whether the counts ``rises`` of one scope together rose beyond ``alpha``: Simes' test, the
    k-th smallest p-value at most k·alpha / m for some k of the m counts. It keeps the false-alarm
    chance at ``alpha`` when the counts rise together (positively dependent, as counts of the same
    changes are), and unlike splitting ``alpha`` between them, loses no power when they do."""
    m = len(rises)
    ps = sorted(r.p_value for r in rises if r is not None)
    return any(p <= alpha * (k + 1) / m for k, p in enumerate(ps))


def pool_chance(changes: Sequence[float]) -> float | None:
    return sum(changes) / len(changes) if changes else None


def week_of(c: WeekChange) -> int:
    """The ordinal of the (UTC, ISO) week ``c`` merged in."""
    day = c.merged_at.date()
    return (day.toordinal() - day.weekday()) // 7


def working_weeks(changes: Iterable[WeekChange]) -> frozenset[int]:
    """The weeks (``week_of``) that hold at least one of ``changes``: the weeks a yardstick
    saw its scope at work."""
    return frozenset(map(week_of, changes))


def weeks_seen(changes: Sequence[WeekChange], working: Collection[int], weeks: int) -> int:
    """How many weeks of a yardstick of ``weeks`` weeks ``changes`` span: the yardstick's
    ``working`` weeks (``working_weeks``) from the week of the first of them on, at most
    ``weeks``.

    A week in which the whole scope made no change is one the history did not see, not a week
    of none for each service: a repository's initial import a month before its first pull
    request would otherwise make the service it landed in look old and calm.
    """
    if not changes:
        return 0
    first = min(map(week_of, changes))
    return max(1, min(weeks, sum(1 for w in working if w >= first)))


def weeks_worked(base: WeekAggregate, service: str | None = None) -> int:
    """How many of a yardstick's weeks ``service`` (else its whole scope) worked: its working
    weeks from its first change on (``weeks_seen``), at least one. A young history's eight-week
    yardstick holds only the weeks it had, and a weekly rate is read over those."""
    own = base.changes if service is None else [c for c in base.changes if c.service == service]
    return max(1, weeks_seen(own, working_weeks(base.changes), base.weeks))


@dataclass(frozen=True)
class ServiceYardstick:
    """What each service of a scope's week is judged against, read from the yardstick once:
    its weeks, its changes by service, the weeks it saw the scope at work and the scope's usual
    chance per change of each count (what a young service is pooled with)."""

    weeks: int
    before: Mapping[str, Sequence[WeekChange]]
    working: frozenset[int]
    pools: tuple[float | None, ...]
    chance: Chance = fix_chance
    # The lowest score of any high-risk change of the yardstick or this week (``high_bound``),
    # and the chance at it (``high_floor``).
    bound: float | None = None
    floor: float = 0.0

    @classmethod
    def of(
        cls, this: WeekAggregate, last: WeekAggregate, chance: Chance = fix_chance
    ) -> ServiceYardstick:
        """The yardstick of ``this`` week's services (``yardstick``), each change counted by its
        ``chance``."""
        base, weeks = yardstick(this, last)
        bound = high_bound((*this.changes, *base.changes))
        floor = 0.0 if bound is None else chance_at(bound)
        return cls(
            weeks,
            grouped(base.changes, "service"),
            working_weeks(base.changes),
            tuple(pool_chance(count(base.changes, chance, floor)) for count in COUNTS),
            chance,
            bound,
            floor,
        )

    def rises(self, service: str, now: Sequence[WeekChange]) -> tuple[Rise | None, Rise | None]:
        """``service``'s expected fixes this week (its changes ``now``), of all its changes and
        of those at high risk or above, each against its usual week."""
        before = self.before.get(service, ())
        seen = weeks_seen(before, self.working, self.weeks)
        chance, floor = self.chance, self.floor
        fixes, high_risk = (
            rise(count(now, chance, floor), count(before, chance, floor), self.weeks, seen, pool)
            for count, pool in zip(COUNTS, self.pools, strict=True)
        )
        return fixes, high_risk

    def more_high_risk(self, service: str, now: Sequence[WeekChange]) -> float | None:
        """How many more of ``service``'s changes ``now`` are at high risk on their own
        (``_high_on_own``) than in its usual week over the weeks of the yardstick it spans;
        ``None`` when no change of either side is at high risk."""
        before = self.before.get(service, ())
        return more_high_than_usual(
            now, before, weeks_seen(before, self.working, self.weeks), self.bound
        )


def more_high_than_usual(
    now: Sequence[WeekChange], before: Sequence[WeekChange], seen: int, bound: float | None
) -> float | None:
    """How many more of the changes ``now`` are at high risk on their own (``_high_on_own``,
    against the high ``bound``) than in the usual week of ``before``, changes over ``seen``
    weeks; ``None`` without a bound (no change of either side is at high risk)."""
    if bound is None:
        return None
    usual = _high_on_own(before, bound) / seen if seen else 0.0
    return _high_on_own(now, bound) - usual


def high_bound(changes: Iterable[WeekChange]) -> float | None:
    """The high band's bound as the changes show it: the lowest score of any at high risk or
    above (bands are fixed bounds of the number); ``None`` when none is."""
    return min((c.score for c in changes if c.high_risk), default=None)


def _high_on_own(changes: Iterable[WeekChange], bound: float) -> int:
    """How many of ``changes`` are at high risk on their own: their own score (without the
    points of what they land in) reaches ``bound``, or a gate put them in their band (a gate
    reads the change itself, its size or a migration in it, and its floor holds whatever the
    change lands in)."""
    return sum(1 for c in changes if c.high_risk and (c.gates or c.own_score >= bound))


def scope_rises(
    this: WeekAggregate,
    last: WeekAggregate,
    leaving_out: Collection[str] = (),
    chance: Chance = fix_chance,
) -> tuple[Rise | None, Rise | None]:
    """The scope's expected fixes this week, of all its changes and of those at high risk or
    above, each against its usual part per change for as many changes, leaving out the changes
    of the services ``leaving_out`` in both; each change counted by its ``chance``."""

    base, _ = yardstick(this, last)
    now, before = _kept(this.changes, leaving_out), _kept(base.changes, leaving_out)
    floor = high_floor((*now, *before))
    # Per change: an organisation's busy week is more changes, not riskier ones.
    fixes, high_risk = (
        rise_per_change(count(now, chance, floor), count(before, chance, floor)) for count in COUNTS
    )
    return fixes, high_risk


def more_high_risk(
    this: WeekAggregate, last: WeekAggregate, leaving_out: Collection[str] = ()
) -> float | None:
    """How many more of the scope's changes are at high risk or above on their own this week
    than its usual share of them (over the yardstick) makes for as many changes, leaving out
    the services ``leaving_out`` in both; ``None`` without changes on both sides.

    On their own: without the points of what they land in (``WeekChange.own_score``), as the
    shift judges its chances, so a week of incidents that lifts its services' changes over
    the high bound adds none. The bound is read off the changes: bands are fixed bounds of
    the number, so a change whose own score reaches the lowest score any high-risk change of
    the two sides has is high risk on its own. So is a change a gate put in its band: a gate
    reads the change itself (its size, a migration in it), and its floor holds whatever the
    change lands in.
    """
    base, _ = yardstick(this, last)
    now = _kept(this.changes, leaving_out)
    before = _kept(base.changes, leaving_out)
    bound = high_bound((*now, *before))
    if not now or not before or bound is None:
        return None
    return _high_on_own(now, bound) - len(now) * _high_on_own(before, bound) / len(before)


def _kept(changes: Iterable[WeekChange], leaving_out: Collection[str]) -> list[WeekChange]:
    return [c for c in changes if c.service is None or c.service not in leaving_out]


def scope_rise(
    this: WeekAggregate, last: WeekAggregate, leaving_out: Collection[str] = ()
) -> Rise | None:
    """The scope's expected fixes this week against its usual chance per change for as many
    changes, leaving out the changes of the services ``leaving_out`` in both."""
    return scope_rises(this, last, leaving_out)[0]


def riskier(fixes: Rise | None, changes: int, r: CardRules) -> Rise | None:
    """The rise ``fixes`` of the expected fixes of all of a service's (or team's) ``changes``
    changes, when it may size a concentration: its changes are riskier per change too, their
    mean chance at least ``concentration_min_chance_ratio`` times its usual change's; ``None``
    otherwise.

    A service's weekly number of changes wanders more than a Poisson count (a sprint's end, a
    colleague back from leave), and twice its usual number of changes of its usual kind
    doubles its expected fixes: on busy made organisations (git-history set W, about 110
    changes a week) 44 of 59 concentration cards were a service with 22–35 changes against its
    usual 10–18 a week, each no riskier than usual (0.78–1.17 times its usual chance) and its
    high-risk changes' sum within its noise (docs/scoring.md, "A busy week"). A busy week is
    no concentration, as it is no shift; the high-risk changes' sum needs no such bound: more
    of the changes crossed the high bound. Like the ratio and excess bounds, this only
    removes cards after the test, so the false-alarm budget holds.
    """
    if fixes is None or changes <= 0 or fixes.usual_chance <= 0:
        return fixes
    if reaches(fixes.this_week / changes, r.concentration_min_chance_ratio * fixes.usual_chance):
        return fixes
    return None


def fix_facts(fixes: Rise) -> tuple[CardFact, ...]:
    return (
        CardFact(FactKey.EXPECTED_FIXES_THIS_WEEK, tenth(fixes.this_week)),
        CardFact(FactKey.EXPECTED_FIXES_USUAL, tenth(fixes.usual)),
    )
