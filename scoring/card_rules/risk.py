"""Where the high-risk changes are: the scope's share, a service's, a signal's, a team's."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from scoring.card_rules.measure import (
    CardRule,
    compared,
    driven_by,
    reaches,
    severity_for,
    tenth,
    versus,
)
from scoring.card_rules.usual import routine_gated, shipped_by_incident, usual_gates
from scoring.card_terms import (
    Card,
    CardFact,
    CardKind,
    CardRules,
    Evidence,
    EvidenceKind,
    FactKey,
    Severity,
)
from scoring.weekly import WeekAggregate, WeekChange

__all__ = [
    "RULES",
    "concentration",
    "driver",
    "gated",
    "improvement",
    "material_gated",
    "shift",
]


def _as_evidence(keys: Iterable[str]) -> tuple[Evidence, ...]:
    """Change keys as a card's evidence."""
    return tuple(Evidence(EvidenceKind.CHANGE, k) for k in keys)


def _beyond_noise(count: float, expected: float) -> bool:
    """Whether ``count`` high-risk changes rise past what ``expected`` would give by chance.

    Counts of a few changes a week wander by about their square root: a rise within
    twice that of ``expected`` + 1 is the week's noise, not a shift (2 to 4 is noise;
    0 to 3 and 2 to 6 are not). Bands that speak make a service's weekly share move.
    """
    return count - expected >= 2 * math.sqrt(expected + 1)


def _usual_share(
    this: WeekAggregate, share_before: float, service: str | None, least: int
) -> float:
    """The high-risk share a week's count is judged against: what it was compared with (last
    week, or the baseline when last week was thin), or the baseline weeks' pooled share when
    that is more and they hold at least ``least`` changes (of ``service``, or in scope).

    Bands that speak put 5–25 % of changes at high risk, so one week's share wanders: a
    count is news when it rises beyond the noise of both the week before and the weeks
    before that.
    """
    if this.baseline is None:
        return share_before
    if service is None:
        pooled = this.baseline.distribution
    else:
        group = this.baseline.by_service.get(service)
        if group is None:
            return share_before
        pooled = group.distribution
    if pooled.total < least:
        return share_before
    return max(share_before, pooled.high_risk_share)


def concentration(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """One service's high-risk share rose past a threshold: risk is concentrating there."""
    for group in this.services:
        d = group.distribution
        if d.total < r.concentration_min_changes:
            continue
        base = _service_baseline(this, last, group.name, r.concentration_min_changes)
        before = base.by_service.get(group.name)
        share_before = before.distribution.high_risk_share if before else 0.0
        if not reaches(d.high_risk_share - share_before, r.concentration_min_rise_pp):
            continue
        usual = _usual_share(this, share_before, group.name, r.concentration_min_changes)
        if not _beyond_noise(d.high_risk, usual / 100 * d.total):
            continue
        sev = severity_for(
            d.high_risk_share, r.concentration_warning_share, r.concentration_critical_share
        )
        if sev is None:
            continue
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
        ]
        driver = group.top_driver
        if driver:
            facts.append(driven_by(*driver))
        yield Card(
            f"concentration:{group.name}",
            CardKind.CONCENTRATION,
            sev,
            group.name,
            tuple(facts),
            _as_evidence(c.key for c in this.changes if c.service == group.name and c.high_risk),
        )


def _service_baseline(
    this: WeekAggregate, last: WeekAggregate, service: str, enough: int
) -> WeekAggregate:
    """Last week for ``service``, or the baseline when last week it had fewer than ``enough``
    changes and the baseline has that many (a service new last week still counts from 0 %)."""

    def changes(w: WeekAggregate) -> int:
        group = w.by_service.get(service)
        return group.distribution.total if group else 0

    return compared(this, last, lambda w: changes(w) >= enough) or last


def shift(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """The share of high-risk changes in scope rose, unless concentration cards tell it."""
    covered = {e.key for c in earlier if c.kind is CardKind.CONCENTRATION for e in c.evidence}
    # Both sides need enough changes: a share of no changes is not "0 % last week".
    if this.distribution.total < r.shift_min_changes:
        return
    base = compared(this, last, lambda w: w.distribution.total >= r.shift_min_changes)
    if base is None:
        return
    high_risk = [c.key for c in this.changes if c.high_risk]
    if len(high_risk) < r.shift_min_high_risk:
        return
    # When concentration cards already show most of the high-risk changes, a
    # scope-wide shift card would only repeat them.
    if high_risk and 2 * sum(1 for k in high_risk if k in covered) >= len(high_risk):
        return
    now, before = this.distribution.high_risk_share, base.distribution.high_risk_share
    sev = severity_for(now - before, r.shift_warning_pp, r.shift_critical_pp)
    if sev is None:
        return
    usual = _usual_share(this, before, None, r.shift_min_changes)
    if not _beyond_noise(len(high_risk), usual / 100 * this.distribution.total):
        return
    facts = [
        CardFact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, tenth(now), "%"),
        *versus(
            base, before, "%", FactKey.HIGH_RISK_SHARE_LAST_WEEK, FactKey.HIGH_RISK_SHARE_BASELINE
        ),
        CardFact(FactKey.HIGH_RISK_CHANGES_THIS_WEEK, this.distribution.high_risk),
        CardFact(FactKey.CHANGES_THIS_WEEK, this.distribution.total),
    ]
    # The shift's main driver rides on it, so no driver card retells the same story.
    if this.drivers:
        facts.append(driven_by(*this.drivers[0]))
    yield Card(
        "shift",
        CardKind.SHIFT,
        sev,
        None,
        tuple(facts),
        _as_evidence(high_risk),
    )


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
    if pooled is not None and pooled.weeks:
        high_now = this.distribution.high_risk
        high_before = pooled.distribution.high_risk
        for name, n in pooled.drivers:
            # Its weekly mean, and its usual part of the high-risk changes applied to this
            # week's: a signal behind half of them drives more when they are more, which is
            # the shift's and concentration's story, not a rising driver's.
            part = n / high_before * high_now if high_before else 0.0
            usual[name] = max(usual.get(name, 0.0), n / pooled.weeks, part)
    # A driver a concentration or shift card names, or changes it already shows, are
    # not repeated.
    named = {card.driver for card in concentrations}
    covered = {e.key for card in concentrations for e in card.evidence_of(EvidenceKind.CHANGE)}
    rising: list[tuple[int, int, str, tuple[str, ...]]] = []
    for name, _ in this.drivers:
        keys = tuple(
            c.key
            for c in this.changes
            if c.high_risk and name in c.drivers and c.key not in covered
        )
        count = len(keys)
        rise = count - before.get(name, 0)
        if count < r.driver_min_changes or rise < r.driver_min_rise or name in named:
            continue
        if not _beyond_noise(count, usual.get(name, 0)):
            continue
        rising.append((-rise, -count, name, keys))
    if not rising:
        return
    # One card for the driver that rose most: the same high-risk changes usually carry
    # several signals, and one story is told once.
    _, _, name, keys = min(rising)
    yield Card(
        f"driver:{name}",
        CardKind.DRIVER,
        Severity.WARNING,
        None,
        (
            CardFact(FactKey.DRIVEN_THIS_WEEK, len(keys), signal=name),
            CardFact(FactKey.DRIVEN_LAST_WEEK, before.get(name, 0), signal=name),
        ),
        _as_evidence(keys),
    )


def improvement(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """A team's high-risk share fell materially: good news worth saying."""
    for team in this.teams:
        before = last.by_team.get(team.name)
        if before is None or team.distribution.total < r.improvement_min_changes:
            continue
        # One high-risk change in a week of two is not a 50 % baseline to improve on.
        if before.distribution.total < r.improvement_min_changes_last_week:
            continue
        drop = before.distribution.high_risk_share - team.distribution.high_risk_share
        if not reaches(drop, r.improvement_min_drop_pp):
            continue
        yield Card(
            f"improvement:{team.name}",
            CardKind.IMPROVEMENT,
            Severity.INFO,
            team.name,
            (
                CardFact(
                    FactKey.HIGH_RISK_SHARE_THIS_WEEK, tenth(team.distribution.high_risk_share), "%"
                ),
                CardFact(
                    FactKey.HIGH_RISK_SHARE_LAST_WEEK,
                    tenth(before.distribution.high_risk_share),
                    "%",
                ),
                CardFact(FactKey.CHANGES, team.distribution.total),
            ),
        )


def material_gated(this: WeekAggregate, r: CardRules) -> tuple[WeekChange, ...]:
    """The week's changes a gate put at very high risk that are material, not routine.

    A gated change is always named (the briefing lists every very-high-risk change),
    but it is a warning only when it is material: when it is not routine for its
    service (``card_rules.usual.routine_gated``: merged without a human approval, by an
    AI agent, risky on its own signals, or through a gate its service's changes did
    not go through over the baseline weeks), or when an incident of this week followed
    a deploy that shipped it. A service that migrates its schema every week or two is
    not surprised by one more migration; an incident after it is another matter.
    """
    usual = usual_gates(this)
    broke = shipped_by_incident(this)
    return tuple(
        c
        for c in this.changes
        if c.gated_very_high and (c.key in broke or not routine_gated(c, usual, r))
    )


def gated(
    this: WeekAggregate, _last: WeekAggregate, r: CardRules, earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """Material changes a hard rule (a gate) put at very high risk that no other card shows.

    A schema migration merged this week is news whatever last week held, so the
    card needs no comparison; a routine one (``material_gated``) makes no card and
    is named among the week's very-high-risk changes instead. It runs after every
    other rule: a change a card at least as severe already lists is told there
    (that week is not quiet either way). Critical when any of them merged without
    a human approval (unknown review is not "no"), a warning otherwise.
    """
    shown: dict[str, int] = {}
    for card in earlier:
        for e in card.evidence_of(EvidenceKind.CHANGE):
            shown[e.key] = min(shown.get(e.key, card.severity.rank), card.severity.rank)

    def own(c: WeekChange) -> Severity:
        return Severity.CRITICAL if c.human_reviewed is False else Severity.WARNING

    gated = sorted(
        (c for c in material_gated(this, r) if shown.get(c.key, len(Severity)) > own(c).rank),
        key=lambda c: (-c.score, c.key),
    )
    if not gated:
        return
    unreviewed = sum(1 for c in gated if c.human_reviewed is False)
    n = len(gated)
    services = {c.service for c in gated}
    yield Card(
        "gated",
        CardKind.GATED,
        Severity.CRITICAL if unreviewed else Severity.WARNING,
        services.pop() if len(services) == 1 else None,
        (CardFact(FactKey.GATED_CHANGES, n),)
        + ((CardFact(FactKey.GATED_UNREVIEWED, unreviewed),) if unreviewed else ()),
        _as_evidence(c.key for c in gated),
        gate=_only_gate(gated),
    )


def _only_gate(changes: list[WeekChange]) -> str | None:
    """The one gate every change hit, when it was each one's only gate."""
    gates = {c.gates for c in changes}
    only = gates.pop() if len(gates) == 1 else ()
    return only[0] if len(only) == 1 else None


# In the order they run.
# ``gated`` is not among them: it runs after every family (``card_rules.RULES``).
RULES: tuple[CardRule, ...] = (concentration, shift, driver, improvement)
