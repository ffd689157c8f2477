"""Where the risk is: a service's and the scope's expected fixes against their own weeks, a
signal's high-risk changes and a team's share (what a hard rule put at very high risk is
``card_rules.gates``'s)."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator

from scoring.card_rules.comeback import BeforeLastWeek, came_back
from scoring.card_rules.measure import CardRule, compared, driven_by, reaches, tenth, versus
from scoring.card_rules.rises import (
    ServiceYardstick,
    alarm_chance,
    as_evidence,
    beyond_noise,
    difference,
    fix_facts,
    more_high_risk,
    most_severe,
    riskier,
    scope_rise,
    scope_rises,
    severity_of,
    together,
    weeks_worked,
    yardstick,
)
from scoring.card_rules.usual import Rise, fix_chance, own_chance
from scoring.card_terms import Card, CardFact, CardKind, EvidenceKind, FactKey, Severity
from scoring.card_thresholds import CardRules
from scoring.signals.exposure import CONTEXT_SIGNALS
from scoring.weekly import GroupWeek, WeekAggregate, WeekChange, grouped

__all__ = ["RULES", "concentration", "driver", "improvement", "shift"]


def concentration(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """One service's expected fixes (of all its changes, or of its high-risk ones) rose beyond
    what its own weeks make likely, by a material amount: risk is concentrating there.

    Judged on the service's own weeks, pooled with the organisation's while it is young
    (``card_rules.usual.rise``); its two sums are tested together by Simes' test (``together``) at
    the service's share of the false-alarm budget. A service whose changes are always somewhat
    risky makes a card when they are more risky than usual, not for being what they usually are.
    As the shift, each change counts by its own chance (``own_chance``): a service's incidents
    add the same points to every change merged there, which makes none of them riskier work.
    """
    alpha = alarm_chance(this, r, "concentration")
    ratios = (r.concentration_warning_ratio, r.concentration_critical_ratio)
    excesses = (r.concentration_warning_excess, r.concentration_critical_excess)
    stick = ServiceYardstick.of(this, last, own_chance)
    shown: ServiceYardstick | None = None
    now = grouped(this.changes, "service")
    for group in this.services:
        mine = now.get(group.name, [])
        rises = stick.rises(group.name, mine)
        if rises[0] is None or not together(rises, alpha):
            continue
        # Its severity: the size of either sum's rise beyond ``alpha`` (the high-risk one's also
        # in changes, about 1 in 2 each at the bound), the sum of all only when riskier per change.
        more, least = stick.more_high_risk(group.name, mine), r.concentration_min_high_risk
        crossed = severity_of(rises[1], alpha, ratios, excesses, more, least)
        sized = severity_of(riskier(rises[0], len(mine), r), alpha, ratios, excesses)
        sev = most_severe(sized, crossed)
        if sev is None:
            continue
        # The card says the sums its changes' chances show (read only once a card is made).
        shown = shown or ServiceYardstick.of(this, last)
        fixes, _ = shown.rises(group.name, mine)
        if fixes is None:
            continue
        d = group.distribution
        base = _service_baseline(this, last, group.name, r.concentration_min_changes)
        before = base.by_service.get(group.name)
        share_before = before.distribution.high_risk_share if before else 0.0
        facts = [
            CardFact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, tenth(d.high_risk_share), "%"),
            *versus(
                base,
                share_before,
                "%",
                FactKey.HIGH_RISK_SHARE_LAST_WEEK,
                FactKey.HIGH_RISK_SHARE_BASELINE,
            ),
            CardFact(FactKey.HIGH_RISK_CHANGES, d.high_risk),
            CardFact(FactKey.CHANGES, d.total),
            *fix_facts(fixes),
        ]
        # The first driver that reads the changes themselves, as the test does.
        drivers = _own_drivers(group)
        if drivers:
            facts.append(driven_by(*drivers[0]))
        yield Card(
            f"concentration:{group.name}",
            CardKind.CONCENTRATION,
            sev,
            group.name,
            tuple(facts),
            as_evidence(
                difference(
                    mine,
                    fixes.usual_chance,
                    fixes.excess,
                    every_high=crossed is not None,
                )
            ),
        )


def _service_baseline(
    this: WeekAggregate, last: WeekAggregate, service: str, enough: int
) -> WeekAggregate:
    """Last week for ``service``, or the baseline when last week it had fewer than ``enough``
    changes and the baseline has that many (a service new last week still counts from 0 %):
    what the card's high-risk share is compared with in words."""

    def changes(w: WeekAggregate) -> int:
        group = w.by_service.get(service)
        return group.distribution.total if group else 0

    return compared(this, last, lambda w: changes(w) >= enough) or last


def _shift_base(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> WeekAggregate:
    """What a shift card's high-risk share is compared with in words: last week, or the
    baseline when last week was too thin."""
    return compared(this, last, lambda w: w.distribution.total >= r.shift_min_changes) or last


def _share_facts(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> list[CardFact]:
    """A shift card's counts: the scope's high-risk share this week and before, its high-risk
    changes and its changes."""
    base = _shift_base(this, last, r)
    now, before = this.distribution.high_risk_share, base.distribution.high_risk_share
    return [
        CardFact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, tenth(now), "%"),
        *versus(
            base, before, "%", FactKey.HIGH_RISK_SHARE_LAST_WEEK, FactKey.HIGH_RISK_SHARE_BASELINE
        ),
        CardFact(FactKey.HIGH_RISK_CHANGES_THIS_WEEK, this.distribution.high_risk),
        CardFact(FactKey.CHANGES_THIS_WEEK, this.distribution.total),
    ]


def shift(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """The scope's changes are riskier than usual: its expected fixes rose beyond what its usual
    chance per change makes likely for as many changes, by a material amount, and still do
    without the services concentration cards already tell (unless they are many)."""
    if this.distribution.total < r.shift_min_changes:
        return
    # A rise that does not hold without the services concentration cards tell is theirs,
    # unless they are two or more and a third of the scope's services: then the rise is the
    # scope's, told by the shift as well.
    told = {c.subject for c in earlier if c.kind is CardKind.CONCENTRATION and c.subject}
    if len(told) >= 2 and 3 * len(told) >= len(this.services):
        told = set()
    # Both sides need enough changes: a chance per change of a handful is no yardstick.
    base, _ = yardstick(this, last)
    if len(base.changes) < r.shift_min_changes:
        return
    alpha = alarm_chance(this, r, "shift")
    ratios = (r.shift_warning_ratio, r.shift_critical_ratio)
    excesses = (r.shift_warning_excess, r.shift_critical_excess)
    # Judged on the changes' own chances: a week of incidents adds the same points to every
    # change of the services they hit (``CONTEXT_SIGNALS``), which makes no change riskier
    # work; the incident and failure-rate cards tell those weeks.
    rises = scope_rises(this, last, told, own_chance)
    fixes, high_risk = rises
    counted = severity_of(high_risk, alpha, ratios, excesses) or _crossed(
        this, last, told, high_risk, alpha, r
    )
    # How much riskier the scope's changes are, which decides critical, is the expected fixes
    # per change of all of them; its high-risk changes' expected fixes rising is a shift's story
    # too (more of its changes crossed the high bound), and makes a warning.
    sev = (
        most_severe(severity_of(fixes, alpha, ratios, excesses), counted and Severity.WARNING)
        if together(rises, alpha)
        else None
    )
    if fixes is None or sev is None:
        return
    # What the card says is the scope's expected fixes as its changes' chances show them, of
    # every change: the sums a reader can add up.
    fixes = scope_rise(this, last)
    if fixes is None:
        return
    facts = [*_share_facts(this, last, r), *fix_facts(fixes)]
    # The shift's main driver rides on it, so no driver card retells the same story.
    own = _own_drivers(this)
    if own:
        facts.append(driven_by(*own[0]))
    changes = list(this.changes)
    yield Card(
        "shift",
        CardKind.SHIFT,
        sev,
        None,
        tuple(facts),
        as_evidence(
            difference(changes, fixes.usual_chance, fixes.excess, every_high=counted is not None)
        ),
    )


def _crossed(
    this: WeekAggregate,
    last: WeekAggregate,
    told: Collection[str],
    high_risk: Rise | None,
    alpha: float,
    r: CardRules,
) -> Severity | None:
    """A warning when the scope's high-risk changes' expected fixes rose beyond ``alpha`` by the
    shift's warning ratio, and the week holds at least ``shift_min_high_risk`` more high-risk
    changes than its usual share of them for as many changes.

    Each change at the high bound is about one expected fix in two or three, so the two
    expected fixes that make the sum of all changes material take five or six more of them
    than usual: in an organisation of a few dozen changes a week, one large change in every
    service (the whole organisation moved to bigger work) passed the test and stayed under
    that floor. Counted in changes, the rise of high-risk ones is material as a manager reads
    it, a few more changes at high risk than usual.
    """
    if high_risk is None or high_risk.p_value > alpha:
        return None
    if not reaches(high_risk.ratio, r.shift_warning_ratio):
        return None
    more = more_high_risk(this, last, told)
    return Severity.WARNING if more is not None and reaches(more, r.shift_min_high_risk) else None


def _own_drivers(this: WeekAggregate | GroupWeek) -> tuple[tuple[str, int], ...]:
    """The scope's (or a service's) drivers of high-risk changes (most first) that read the
    change itself, not what it lands in (``CONTEXT_SIGNALS``)."""
    return tuple(d for d in this.drivers if d[0] not in CONTEXT_SIGNALS)


def driver(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """One signal drives more high-risk changes than last week, told by no earlier card.

    More beyond the noise of the most of: what it drove last week, what it drove in an
    average week of the baseline weeks, and its part of the high-risk changes over the
    baseline weeks applied to this week's high-risk changes.
    """
    concentrations = tuple(c for c in earlier if c.kind in (CardKind.CONCENTRATION, CardKind.SHIFT))
    before = dict(last.drivers)
    # What a signal usually drives: one quiet week before is no yardstick for a signal
    # that drives a few a week.
    usual: dict[str, float] = {name: float(n) for name, n in before.items()}
    pooled = this.baseline
    weeks = weeks_worked(pooled) if pooled is not None and pooled.weeks else 1
    if pooled is not None and pooled.weeks:
        high_now = this.distribution.high_risk
        high_before = pooled.distribution.high_risk
        for name, n in pooled.drivers:
            # Its weekly mean (over the weeks worked), and its usual part of the high-risk
            # changes applied to this week's: a signal behind half of them drives more when they
            # are more, which is the shift's and concentration's story, not a rising driver's.
            part = n / high_before * high_now if high_before else 0.0
            usual[name] = max(usual.get(name, 0.0), n / weeks, part)
    # A driver a concentration or shift card names, or changes it already shows, are
    # not repeated.
    named = {card.driver for card in concentrations}
    covered = {e.key for card in concentrations for e in card.evidence_of(EvidenceKind.CHANGE)}
    # The rule's share of the false-alarm budget, split between the signals it judges.
    alpha = alarm_chance(this, r, "driver") / max(1, len(this.drivers))
    rising: list[tuple[int, int, str, list[WeekChange]]] = []
    # A signal of what changes land in (a service's recent incidents) rises with the week's
    # incidents, which the incident cards tell; the changes are no riskier work for it.
    for name, _ in _own_drivers(this):
        driven = [
            c for c in this.changes if c.high_risk and name in c.drivers and c.key not in covered
        ]
        count = len(driven)
        rise = count - before.get(name, 0)
        if count < r.driver_min_changes or rise < r.driver_min_rise or name in named:
            continue
        if not beyond_noise(count, usual.get(name, 0), alpha, weeks):
            continue
        if not reaches(_excess_fixes(driven, usual.get(name, 0)), r.driver_min_excess):
            continue
        rising.append((-rise, -count, name, driven))
    if not rising:
        return
    # One card for the driver that rose most: the same high-risk changes usually carry
    # several signals, and one story is told once.
    _, _, name, driven = min(rising, key=lambda rose: rose[:3])
    keys = [c.key for c in driven]
    scopes_shift = _driver_shift(this, last, r, earlier, name, driven)
    if scopes_shift is not None:
        yield scopes_shift
        return
    yield Card(
        f"driver:{name}",
        CardKind.DRIVER,
        Severity.WARNING,
        None,
        (
            CardFact(FactKey.DRIVEN_THIS_WEEK, len(keys), signal=name),
            CardFact(FactKey.DRIVEN_LAST_WEEK, before.get(name, 0), signal=name),
        ),
        as_evidence(keys),
    )


def _excess_fixes(driven: list[WeekChange], usual: float) -> float:
    """The expected fixes the ``driven`` changes add beyond a usual count of ``usual`` such
    changes: their chances of needing a fix, less as many of the average of them as usual."""
    chances = [fix_chance(c) for c in driven]
    if not chances:
        return 0.0
    return sum(chances) - min(usual, len(chances)) * sum(chances) / len(chances)


def _driver_shift(
    this: WeekAggregate,
    last: WeekAggregate,
    r: CardRules,
    earlier: tuple[Card, ...],
    name: str,
    driven: list[WeekChange],
) -> Card | None:
    """The rising driver ``name`` of the high-risk changes ``driven`` told as the scope's shift,
    when it is one: its changes span two or more of the scope's services and a third of them
    (the bound at which concentration cards' services are the scope's story too), the scope's
    high-risk share rose, and no shift card tells the week already. ``None`` otherwise.

    A scope whose work moved to bigger or wider changes everywhere adds a few high-risk changes
    to each service: too few in any one for a concentration, and, each at about the usual
    high-risk chance, too few expected fixes for the shift's test among a week's noise, while
    the one signal behind them all rose beyond its own (the driver rule's test, at its share
    of the false-alarm budget: told as a shift, it is no extra alarm). Told as "a signal
    drives more high-risk changes", a manager would not hear that the scope moved.
    """
    if any(c.kind is CardKind.SHIFT for c in earlier):
        return None
    services = {c.service for c in driven if c.service is not None}
    if len(services) < 2 or 3 * len(services) < len(this.services):
        return None
    before = _shift_base(this, last, r).distribution.high_risk_share
    if this.distribution.high_risk_share <= before:
        return None
    facts = _share_facts(this, last, r)
    fixes = scope_rise(this, last)
    # Its expected fixes are said when they rose: a driver's rise can come with a week
    # whose other changes were calmer than usual.
    if fixes is not None and fixes.excess > 0:
        facts += fix_facts(fixes)
    facts.append(driven_by(name, len(driven)))
    return Card(
        "shift",
        CardKind.SHIFT,
        Severity.WARNING,
        None,
        tuple(facts),
        as_evidence(c.key for c in driven),
        folded=(CardKind.DRIVER,),
    )


def improvement(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """A team shipped with less risk, good news worth saying: its high-risk share fell
    materially, or its expected fixes came back from last week's material rise (``came_back``)."""
    # Read once, at the first team that needs it: most weeks have no team to ask.
    weeks = functools.cache(lambda: BeforeLastWeek.of(this, last))
    for team in this.teams:
        before = last.by_team.get(team.name)
        if before is None or team.distribution.total < r.improvement_min_changes:
            continue
        # One high-risk change in a week of two is not a 50 % baseline to improve on.
        if before.distribution.total < r.improvement_min_changes_last_week:
            continue
        back = came_back(weeks(), this, last, team.name, r)
        now, then = team.distribution.high_risk_share, before.distribution.high_risk_share
        if back is None and not reaches(then - now, r.improvement_min_drop_pp):
            continue
        facts = [
            CardFact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, tenth(now), "%"),
            CardFact(FactKey.HIGH_RISK_SHARE_LAST_WEEK, tenth(then), "%"),
            CardFact(FactKey.CHANGES, team.distribution.total),
        ]
        if back is not None:
            facts += [CardFact(FactKey.EXPECTED_FIXES_LAST_WEEK, tenth(back[0].this_week))]
            facts += fix_facts(back[1])
        yield Card(
            f"improvement:{team.name}", CardKind.IMPROVEMENT, Severity.INFO, team.name, tuple(facts)
        )


# In the order they run.
RULES: tuple[CardRule, ...] = (concentration, shift, driver, improvement)
