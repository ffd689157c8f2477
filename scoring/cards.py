"""This week against last week, turned into briefing cards: the rules' cards, one story each.

The rules are ``scoring.card_rules``; here their cards are folded where one
card's story explains another's number, and ordered most severe first.
"""

from __future__ import annotations

from dataclasses import replace

from scoring.card_rules import RULES, incidents, oversight
from scoring.card_terms import Card, CardKind, EvidenceKind, Severity
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate

__all__ = ["build_cards", "severity_counts"]


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


_OPENED = (EvidenceKind.INCIDENT, EvidenceKind.REVERT)


def _slowest_incident(cards: list[Card], this: WeekAggregate) -> Card | None:
    minutes = {i.key: i.minutes_to_resolve or 0.0 for i in this.incidents}
    hosts = [c for c in cards if c.kind is CardKind.INCIDENT]
    # A card's own incident is its first; the store keys an incident by its id.
    return max(
        hosts,
        key=lambda c: (minutes.get(str(c.evidence_of(*_OPENED)[0]), 0.0), c.id),
        default=None,
    )


def _fold_incidents(cards: list[Card]) -> None:
    """Incidents after the same deploy are one story: one card, a reported incident's first.

    A revert of what the deploy shipped is an incident too (``revert:…``), opened
    when the deploy finished; beside the incident people reported it retells it.
    """
    by_deploy: dict[str, list[Card]] = {}
    for card in cards:
        deploys = card.evidence_of(EvidenceKind.DEPLOY)
        if card.kind is CardKind.INCIDENT and deploys:
            by_deploy.setdefault(deploys[0].key, []).append(card)
    for group in by_deploy.values():
        if len(group) < 2:
            continue
        host, *guests = sorted(
            group, key=lambda c: (c.evidence_of(*_OPENED)[0].kind is EvidenceKind.REVERT, c.id)
        )
        for guest in guests:
            host = _absorb(host, guest)
        position = min(cards.index(c) for c in group)
        for card in group:
            cards.remove(card)
        cards.insert(position, host)


def _incident_keys(this: WeekAggregate, card: Card) -> set[str]:
    keys = {i.key for i in this.incidents}
    return {str(e) for e in card.evidence_of(*_OPENED) if str(e) in keys}


def _fold_mttr(cards: list[Card], this: WeekAggregate, last: WeekAggregate, r: CardRules) -> None:
    """An MTTR rise that does not hold without the incidents cards already tell is theirs."""
    mttr = next((c for c in cards if c.kind is CardKind.MTTR), None)
    host = _slowest_incident(cards, this)
    if mttr is None or host is None:
        return
    told = {k for c in cards if c.kind is CardKind.INCIDENT for k in _incident_keys(this, c)}
    rest = replace(this, incidents=tuple(i for i in this.incidents if i.key not in told))
    if any(incidents.mttr(rest, last, r, ())):
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
        if not any(oversight.codeowners(rest, last, r, ())):
            cards[cards.index(host)] = _absorb(host, drop)
            cards.remove(drop)
            return


def _fold_driver(cards: list[Card]) -> None:
    """A driver card whose every change another card already lists tells no story of its own
    (the AI-agent card's unreviewed changes are the agent driver's): it goes, and so does one
    told as the scope's shift (``card_rules.risk``), a driver still."""
    drivers = [c for c in cards if c.kind is CardKind.DRIVER or CardKind.DRIVER in c.folded]
    for card in drivers:
        mine = {e.key for e in card.evidence_of(EvidenceKind.CHANGE)}
        told = {
            e.key
            for other in cards
            if other is not card
            for e in other.evidence_of(EvidenceKind.CHANGE)
        }
        if mine and mine <= told:
            cards.remove(card)


def build_cards(this: WeekAggregate, last: WeekAggregate, rules: CardRules) -> tuple[Card, ...]:
    """Every card the rules produce, most severe first, in a stable order."""
    cards: list[Card] = []
    for rule in RULES:
        cards.extend(rule(this, last, rules, tuple(cards)))
    # One story, one card: a number another card's story explains is told there.
    _fold_incidents(cards)
    _fold_mttr(cards, this, last, rules)
    _fold_codeowners(cards, this, last, rules)
    _fold_driver(cards)
    return tuple(sorted(cards, key=lambda c: (c.severity.rank, c.kind.rank, c.id)))


def severity_counts(cards: tuple[Card, ...]) -> dict[Severity, int]:
    """How many cards of each severity, every severity present."""
    return {s: sum(1 for c in cards if c.severity is s) for s in Severity}
