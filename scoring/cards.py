"""This week against last week, turned into briefing cards by fixed rules on the numbers.

The severity of every card is decided here and nowhere else; the narrative only
words it. A rule that does not fire makes no card, so a quiet week has none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from scoring.card_facts import Fact, FactKey
from scoring.config import CardRules
from scoring.weekly import WeekAggregate

__all__ = ["Card", "CardKind", "Severity", "build_cards", "severity_counts"]


class Severity(StrEnum):
    """How urgently a manager should look; decided by rules, never by the LLM."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe: the members are declared most severe first."""
        return list(Severity).index(self)


class CardKind(StrEnum):
    """What a card is about."""

    SHIFT = "shift"
    CONCENTRATION = "concentration"
    DRIVER = "driver"
    INCIDENT = "incident"
    MTTR = "mttr"
    CFR = "cfr"
    CODEOWNERS = "codeowners"
    AGENT = "agent"
    AGENT_SURGE = "agent_surge"
    IMPROVEMENT = "improvement"
    # Positive signals: the same numbers as the cards above, moved materially the good way.
    MTTR_IMPROVED = "mttr_improved"
    CFR_IMPROVED = "cfr_improved"
    CODEOWNERS_IMPROVED = "codeowners_improved"
    AGENT_REVIEWED = "agent_reviewed"


@dataclass(frozen=True, slots=True)
class Card:
    """One briefing card: a material shift, its severity and the evidence behind it."""

    id: str
    kind: CardKind
    severity: Severity
    title: str
    subject: str | None
    facts: tuple[Fact, ...]
    evidence: tuple[str, ...] = ()
    # Kinds of cards whose story this one tells too, folded into it (see ``_fold``).
    folded: tuple[CardKind, ...] = ()

    @property
    def driver(self) -> str | None:
        """The signal the card counts high-risk changes of, when it names one."""
        return next((f.signal for f in self.facts if f.signal is not None), None)


# Shares are computed in floating point, so a rise that is exactly a threshold in
# whole numbers (5 of 6 against 7 of 12 is 25 points) can come out a hair below it.
_TOLERANCE = 1e-9


def _reaches(value: float, threshold: float) -> bool:
    """Whether ``value`` is at or above ``threshold``: a threshold is on the side that fires."""
    return value >= threshold - _TOLERANCE


def _pick(value: float, warning: float, critical: float) -> Severity | None:
    if _reaches(value, critical):
        return Severity.CRITICAL
    if _reaches(value, warning):
        return Severity.WARNING
    return None


def _r(x: float) -> float:
    return round(x, 1)


def _driven_by(signal: str, changes: int) -> Fact:
    return Fact(FactKey.DRIVEN_BY, changes, signal=signal)


def _shift(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, covered: frozenset[str]
) -> Iterator[Card]:
    # Both weeks need enough changes: a share of no changes is not "0 % last week".
    if min(this.distribution.total, last.distribution.total) < r.shift_min_changes:
        return
    high_risk = [c.key for c in this.changes if c.high_risk]
    if len(high_risk) < r.shift_min_high_risk:
        return
    # When concentration cards already show most of the high-risk changes, a
    # scope-wide shift card would only repeat them.
    if high_risk and 2 * sum(1 for k in high_risk if k in covered) >= len(high_risk):
        return
    now, before = this.distribution.high_risk_share, last.distribution.high_risk_share
    sev = _pick(now - before, r.shift_warning_pp, r.shift_critical_pp)
    if sev is None:
        return
    facts = [
        Fact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, _r(now), "%"),
        Fact(FactKey.HIGH_RISK_SHARE_LAST_WEEK, _r(before), "%"),
        Fact(FactKey.HIGH_RISK_CHANGES_THIS_WEEK, this.distribution.high_risk),
        Fact(FactKey.CHANGES_THIS_WEEK, this.distribution.total),
    ]
    # The shift's main driver rides on it, so no driver card retells the same story.
    if this.drivers:
        facts.append(_driven_by(*this.drivers[0]))
    yield Card(
        "shift",
        CardKind.SHIFT,
        sev,
        "More changes are high risk than last week",
        None,
        tuple(facts),
        tuple(high_risk),
    )


def _concentration(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    for group in this.services:
        d = group.distribution
        if d.total < r.concentration_min_changes:
            continue
        before = last.by_service.get(group.name)
        share_before = before.distribution.high_risk_share if before else 0.0
        if not _reaches(d.high_risk_share - share_before, r.concentration_min_rise_pp):
            continue
        sev = _pick(
            d.high_risk_share, r.concentration_warning_share, r.concentration_critical_share
        )
        if sev is None:
            continue
        facts = [
            Fact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, _r(d.high_risk_share), "%"),
            Fact(FactKey.HIGH_RISK_SHARE_LAST_WEEK, _r(share_before), "%"),
            Fact(FactKey.HIGH_RISK_CHANGES, d.high_risk),
            Fact(FactKey.CHANGES, d.total),
        ]
        driver = group.top_driver
        if driver:
            facts.append(_driven_by(*driver))
        yield Card(
            f"concentration:{group.name}",
            CardKind.CONCENTRATION,
            sev,
            f"Risk is concentrating in {group.name}",
            group.name,
            tuple(facts),
            tuple(c.key for c in this.changes if c.service == group.name and c.high_risk),
        )


def _drivers(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, concentrations: tuple[Card, ...]
) -> Iterator[Card]:
    before = dict(last.drivers)
    # A driver a concentration or shift card names, or changes it already shows, are
    # not repeated.
    named = {card.driver for card in concentrations}
    covered = {k for card in concentrations for k in card.evidence}
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
        f"{name.replace('_', ' ').capitalize()} is driving more high-risk changes",
        None,
        (
            Fact(FactKey.DRIVEN_THIS_WEEK, len(keys), signal=name),
            Fact(FactKey.DRIVEN_LAST_WEEK, before.get(name, 0), signal=name),
        ),
        keys,
    )


def _incidents(this: WeekAggregate, _last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    for i in this.incidents:
        if i.deploy_band is None or not i.deploy_band.high_risk or i.deploy_finished_at is None:
            continue
        hours = (i.opened_at - i.deploy_finished_at).total_seconds() / 3600
        if hours > r.incident_window_hours:
            continue
        facts = [Fact(FactKey.HOURS_TO_INCIDENT, _r(hours), "h")]
        if (m := i.minutes_to_resolve) is not None:
            facts.append(Fact(FactKey.MINUTES_TO_RESOLVE, _r(m), "min"))
        yield Card(
            f"incident:{i.key}",
            CardKind.INCIDENT,
            Severity.CRITICAL,
            f"Incident in {i.service} followed a {i.deploy_band}-risk deploy",
            i.service,
            tuple(facts),
            tuple(k for k in (i.key, i.deploy_key) if k),
        )


def _mttr(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    now, before = this.mttr_minutes, last.mttr_minutes
    if now is None or before is None or before <= 0:
        return
    # One slow incident is not a trend: a median needs a few of them on each side.
    if min(this.resolved_incidents, last.resolved_incidents) < r.mttr_min_incidents:
        return
    if not _reaches(now - before, r.mttr_min_minutes):
        return
    sev = _pick(now / before, r.mttr_warning_ratio, r.mttr_critical_ratio)
    if sev is None:
        return
    yield Card(
        "mttr",
        CardKind.MTTR,
        sev,
        "Incidents took longer to resolve",
        None,
        (
            Fact(FactKey.MTTR_THIS_WEEK, _r(now), "min"),
            Fact(FactKey.MTTR_LAST_WEEK, _r(before), "min"),
            Fact(FactKey.INCIDENTS_THIS_WEEK, len(this.incidents)),
        ),
        tuple(i.key for i in this.incidents),
    )


def _cfr(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    now, before = this.change_failure_rate, last.change_failure_rate
    if now is None or before is None or len(this.deploys) < r.cfr_min_deploys:
        return
    # In a small team one linked incident can be the whole threshold; one is not a trend.
    if this.failed_deploys < r.cfr_min_failed_deploys or not _reaches(now, r.cfr_min_rate):
        return
    sev = _pick(now - before, r.cfr_warning_pp, r.cfr_critical_pp)
    if sev is None:
        return
    yield Card(
        "cfr",
        CardKind.CFR,
        sev,
        "More deploys failed or caused incidents",
        None,
        (
            Fact(FactKey.CHANGE_FAILURE_RATE_THIS_WEEK, _r(now), "%"),
            Fact(FactKey.CHANGE_FAILURE_RATE_LAST_WEEK, _r(before), "%"),
            Fact(FactKey.DEPLOYS_THIS_WEEK, len(this.deploys)),
            Fact(FactKey.FAILED_DEPLOYS_THIS_WEEK, this.failed_deploys),
        ),
    )


def _codeowners_comparable(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> bool:
    # One unowned file after a week of a few owned ones is not a coverage trend.
    return min(this.files_with_owner_data, last.files_with_owner_data) >= r.codeowners_min_files


def _codeowners(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    now, before = this.codeowners_coverage, last.codeowners_coverage
    if now is None or before is None or not _codeowners_comparable(this, last, r):
        return
    sev = _pick(before - now, r.codeowners_warning_drop_pp, r.codeowners_critical_drop_pp)
    if sev is None:
        return
    yield Card(
        "codeowners",
        CardKind.CODEOWNERS,
        sev,
        "Fewer changed files have a code owner",
        None,
        (
            Fact(FactKey.CODEOWNERS_COVERAGE_THIS_WEEK, _r(now), "%"),
            Fact(FactKey.CODEOWNERS_COVERAGE_LAST_WEEK, _r(before), "%"),
        ),
    )


def _agents(this: WeekAggregate, _last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    unreviewed = this.agent_unreviewed
    high_risk = sum(1 for c in unreviewed if c.high_risk)
    sev = _pick(len(unreviewed), r.agent_unreviewed_warning, r.agent_unreviewed_critical)
    if sev is None:
        return
    # Many low-risk unreviewed agent changes are a process gap, not an emergency.
    if sev is Severity.CRITICAL and not high_risk:
        sev = Severity.WARNING
    agent = this.agent_changes
    yield Card(
        "agent:unreviewed",
        CardKind.AGENT,
        sev,
        "AI-agent changes merged without human review",
        None,
        (
            Fact(FactKey.AGENTS_UNREVIEWED, len(unreviewed)),
            Fact(FactKey.AGENTS_THIS_WEEK, len(agent)),
            Fact(FactKey.AGENT_SHARE, _r(100.0 * len(agent) / len(this.changes)), "%"),
            Fact(FactKey.AGENTS_UNREVIEWED_HIGH_RISK, high_risk),
        ),
        tuple(c.key for c in unreviewed),
    )


def _agent_surge(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    agent = this.agent_changes
    if len(agent) < r.agent_surge_min_changes or not this.changes or not last.changes:
        return
    # Unreviewed agent changes are that card's story; its facts carry the share.
    if len(this.agent_unreviewed) >= r.agent_unreviewed_warning:
        return
    now = 100.0 * len(agent) / len(this.changes)
    before = 100.0 * len(last.agent_changes) / len(last.changes)
    if not _reaches(now - before, r.agent_surge_min_rise_pp):
        return
    high_risk = sum(1 for c in agent if c.high_risk)
    unknown = sum(1 for c in agent if c.human_reviewed is None)
    sev = Severity.WARNING if high_risk or unknown else Severity.INFO
    yield Card(
        "agent:surge",
        CardKind.AGENT_SURGE,
        sev,
        "AI agents wrote a larger share of the changes",
        None,
        (
            Fact(FactKey.AGENT_SHARE, _r(now), "%"),
            Fact(FactKey.AGENT_SHARE_LAST_WEEK, _r(before), "%"),
            Fact(FactKey.AGENTS_THIS_WEEK, len(agent)),
            Fact(FactKey.AGENTS_HIGH_RISK, high_risk),
            Fact(FactKey.AGENTS_REVIEW_UNKNOWN, unknown),
        ),
        tuple(c.key for c in agent)[:10],
    )


def _improvement(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    for team in this.teams:
        before = last.by_team.get(team.name)
        if before is None or team.distribution.total < r.improvement_min_changes:
            continue
        # One high-risk change in a week of two is not a 50 % baseline to improve on.
        if before.distribution.total < r.improvement_min_changes_last_week:
            continue
        drop = before.distribution.high_risk_share - team.distribution.high_risk_share
        if not _reaches(drop, r.improvement_min_drop_pp):
            continue
        yield Card(
            f"improvement:{team.name}",
            CardKind.IMPROVEMENT,
            Severity.INFO,
            f"{team.name} shipped with less risk",
            team.name,
            (
                Fact(FactKey.HIGH_RISK_SHARE_THIS_WEEK, _r(team.distribution.high_risk_share), "%"),
                Fact(
                    FactKey.HIGH_RISK_SHARE_LAST_WEEK, _r(before.distribution.high_risk_share), "%"
                ),
                Fact(FactKey.CHANGES, team.distribution.total),
            ),
        )


def _mttr_improved(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    now, before = this.mttr_minutes, last.mttr_minutes
    if now is None or before is None:
        return
    # A median of one incident is that incident; a positive card needs a few each week.
    if min(this.resolved_incidents, last.resolved_incidents) < r.mttr_improved_min_incidents:
        return
    # The mirror of the MTTR card: faster by its minutes and by its ratio.
    if not _reaches(before - now, r.mttr_min_minutes):
        return
    if not _reaches(before, now * r.mttr_warning_ratio):
        return
    yield Card(
        "mttr:improved",
        CardKind.MTTR_IMPROVED,
        Severity.INFO,
        "Incidents were resolved faster",
        None,
        (
            Fact(FactKey.MTTR_THIS_WEEK, _r(now), "min"),
            Fact(FactKey.MTTR_LAST_WEEK, _r(before), "min"),
            Fact(FactKey.RESOLVED_INCIDENTS_THIS_WEEK, this.resolved_incidents),
            Fact(FactKey.RESOLVED_INCIDENTS_LAST_WEEK, last.resolved_incidents),
        ),
        tuple(i.key for i in this.incidents),
    )


def _cfr_improved(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    now, before = this.change_failure_rate, last.change_failure_rate
    if now is None or before is None:
        return
    if min(len(this.deploys), len(last.deploys)) < r.cfr_min_deploys:
        return
    # As a rising rate needs that many failures, a falling one needs that many fewer:
    # two failures last week and one this week is not a trend.
    if last.failed_deploys - this.failed_deploys < r.cfr_min_failed_deploys:
        return
    if not _reaches(before - now, r.cfr_warning_pp):
        return
    yield Card(
        "cfr:improved",
        CardKind.CFR_IMPROVED,
        Severity.INFO,
        "Fewer deploys failed or caused incidents",
        None,
        (
            Fact(FactKey.CHANGE_FAILURE_RATE_THIS_WEEK, _r(now), "%"),
            Fact(FactKey.CHANGE_FAILURE_RATE_LAST_WEEK, _r(before), "%"),
            Fact(FactKey.DEPLOYS_THIS_WEEK, len(this.deploys)),
            Fact(FactKey.FAILED_DEPLOYS_THIS_WEEK, this.failed_deploys),
            Fact(FactKey.DEPLOYS_LAST_WEEK, len(last.deploys)),
            Fact(FactKey.FAILED_DEPLOYS_LAST_WEEK, last.failed_deploys),
        ),
    )


def _codeowners_improved(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    now, before = this.codeowners_coverage, last.codeowners_coverage
    if now is None or before is None or not _codeowners_comparable(this, last, r):
        return
    if not _reaches(now - before, r.codeowners_warning_drop_pp):
        return
    yield Card(
        "codeowners:improved",
        CardKind.CODEOWNERS_IMPROVED,
        Severity.INFO,
        "More changed files have a code owner",
        None,
        (
            Fact(FactKey.CODEOWNERS_COVERAGE_THIS_WEEK, _r(now), "%"),
            Fact(FactKey.CODEOWNERS_COVERAGE_LAST_WEEK, _r(before), "%"),
            Fact(FactKey.FILES_WITH_OWNER_DATA, this.files_with_owner_data),
        ),
    )


def _agents_reviewed(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> Iterator[Card]:
    agent, before = this.agent_changes, last.agent_unreviewed
    if len(agent) < r.agent_reviewed_min_changes or this.agent_unreviewed:
        return
    # Only a change from last week's card is news; always-reviewed agents are the norm.
    if len(before) < r.agent_unreviewed_warning:
        return
    yield Card(
        "agent:reviewed",
        CardKind.AGENT_REVIEWED,
        Severity.INFO,
        "Every AI-agent change had a human review",
        None,
        (
            Fact(FactKey.AGENTS_ALL_REVIEWED, len(agent)),
            Fact(FactKey.AGENTS_UNREVIEWED_LAST_WEEK, len(before)),
        ),
    )


_Rule = Callable[[WeekAggregate, WeekAggregate, CardRules], Iterator[Card]]

_INDEPENDENT: tuple[_Rule, ...] = (
    _incidents,
    _agents,
    _agent_surge,
    _mttr,
    _cfr,
    _codeowners,
    _improvement,
    _mttr_improved,
    _cfr_improved,
    _codeowners_improved,
    _agents_reviewed,
)

# Within a severity, the most specific cards lead: where risk concentrates, then what broke.
_ORDER = (
    CardKind.CONCENTRATION,
    CardKind.INCIDENT,
    CardKind.AGENT,
    CardKind.AGENT_SURGE,
    CardKind.MTTR,
    CardKind.CFR,
    CardKind.SHIFT,
    CardKind.CODEOWNERS,
    CardKind.DRIVER,
    CardKind.IMPROVEMENT,
    CardKind.MTTR_IMPROVED,
    CardKind.CFR_IMPROVED,
    CardKind.CODEOWNERS_IMPROVED,
    CardKind.AGENT_REVIEWED,
)


def _absorb(host: Card, guest: Card) -> Card:
    """``host`` telling ``guest``'s story too: its facts and evidence, the higher severity."""
    told = {(f.key, f.signal) for f in host.facts}
    return replace(
        host,
        severity=min(host.severity, guest.severity, key=lambda s: s.rank),
        facts=(*host.facts, *(f for f in guest.facts if (f.key, f.signal) not in told)),
        evidence=tuple(dict.fromkeys((*host.evidence, *guest.evidence))),
        folded=(*host.folded, guest.kind, *guest.folded),
    )


def _slowest_incident(cards: list[Card], this: WeekAggregate) -> Card | None:
    minutes = {i.key: i.minutes_to_resolve or 0.0 for i in this.incidents}
    hosts = [c for c in cards if c.kind is CardKind.INCIDENT]
    return max(hosts, key=lambda c: (minutes.get(c.evidence[0], 0.0), c.id), default=None)


def _fold_incidents(cards: list[Card]) -> None:
    """Incidents after the same deploy are one story: one card, a reported incident's first.

    A revert of what the deploy shipped is an incident too (``revert:…``), opened
    when the deploy finished; beside the incident people reported it retells it.
    """
    by_deploy: dict[str, list[Card]] = {}
    for card in cards:
        if card.kind is CardKind.INCIDENT and len(card.evidence) > 1:
            by_deploy.setdefault(card.evidence[1], []).append(card)
    for group in by_deploy.values():
        if len(group) < 2:
            continue
        host, *guests = sorted(group, key=lambda c: (c.evidence[0].startswith("revert:"), c.id))
        for guest in guests:
            host = _absorb(host, guest)
        position = min(cards.index(c) for c in group)
        for card in group:
            cards.remove(card)
        cards.insert(position, host)


def _incident_keys(this: WeekAggregate, card: Card) -> set[str]:
    keys = {i.key for i in this.incidents}
    return {k for k in card.evidence if k in keys}


def _fold_mttr(cards: list[Card], this: WeekAggregate, last: WeekAggregate, r: CardRules) -> None:
    """An MTTR rise that does not hold without the incidents cards already tell is theirs."""
    mttr = next((c for c in cards if c.kind is CardKind.MTTR), None)
    host = _slowest_incident(cards, this)
    if mttr is None or host is None:
        return
    told = {k for c in cards if c.kind is CardKind.INCIDENT for k in _incident_keys(this, c)}
    rest = replace(this, incidents=tuple(i for i in this.incidents if i.key not in told))
    if any(_mttr(rest, last, r)):
        return
    cards[cards.index(host)] = _absorb(host, mttr)
    cards.remove(mttr)


def _fold_codeowners(
    cards: list[Card], this: WeekAggregate, last: WeekAggregate, r: CardRules
) -> None:
    """A coverage drop that does not hold without a concentrating service is that service's."""
    drop = next((c for c in cards if c.kind is CardKind.CODEOWNERS), None)
    if drop is None:
        return
    for host in (c for c in cards if c.kind is CardKind.CONCENTRATION):
        outside = [c for c in this.changes if c.service != host.subject]
        rest = replace(
            this,
            files_with_owner_data=sum(c.files_with_owner_data for c in outside),
            files_with_owner=sum(c.files_with_owner for c in outside),
        )
        if not any(_codeowners(rest, last, r)):
            cards[cards.index(host)] = _absorb(host, drop)
            cards.remove(drop)
            return


def build_cards(this: WeekAggregate, last: WeekAggregate, rules: CardRules) -> tuple[Card, ...]:
    """Every card the rules produce, most severe first, in a stable order."""
    concentrations = tuple(_concentration(this, last, rules))
    covered = frozenset(k for card in concentrations for k in card.evidence)
    shifts = tuple(_shift(this, last, rules, covered))
    cards = [
        *concentrations,
        *shifts,
        *_drivers(this, last, rules, (*concentrations, *shifts)),
        *(card for rule in _INDEPENDENT for card in rule(this, last, rules)),
    ]
    # One story, one card: a number another card's story explains is told there.
    _fold_incidents(cards)
    _fold_mttr(cards, this, last, rules)
    _fold_codeowners(cards, this, last, rules)
    order = {kind: n for n, kind in enumerate(_ORDER)}
    return tuple(sorted(cards, key=lambda c: (c.severity.rank, order[c.kind], c.id)))


def severity_counts(cards: tuple[Card, ...]) -> dict[Severity, int]:
    """How many cards of each severity, every severity present."""
    return {s: sum(1 for c in cards if c.severity is s) for s in Severity}
