"""What a hard rule put at very high risk: the material changes a gate lifted, and the deploys
shipped while their service had spent its error budget. Neither needs last week: one such change
or deploy is news whatever last week held."""

from __future__ import annotations

from collections.abc import Iterator

from scoring.card_rules.usual import (
    own_reach,
    routine_gated,
    usual_gates,
)
from scoring.card_terms import Card, CardFact, CardKind, Evidence, EvidenceKind, FactKey, Severity
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate, WeekChange

__all__ = ["gated", "material_gated", "spent_budget"]


def material_gated(this: WeekAggregate, r: CardRules) -> tuple[WeekChange, ...]:
    """The week's changes a gate put at very high risk that are material, not routine.

    A gated change is always named (the briefing lists every very-high-risk change),
    but it is a warning only when it is material: when it is not routine for its
    service (``card_rules.usual.routine_gated``: merged without a human approval, by an
    AI agent, risky on its own signals, or through a gate its service's changes did
    not go through over the baseline weeks). A service that migrates its schema every
    week or two is not surprised by one more migration. An incident after the deploy
    that shipped it is the incident rule's to judge (``card_rules.incidents``), once:
    a finding when the deploy or what it shipped stood out for its service, a
    coincidence when both were ordinary, as a routine migration is.
    """
    usual, reach = usual_gates(this), own_reach(this)
    return tuple(
        c for c in this.changes if c.gated_very_high and not routine_gated(c, usual, r, reach)
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
        tuple(Evidence(EvidenceKind.CHANGE, c.key) for c in gated),
        gate=_only_gate(gated),
    )


# The gate a deploy gets for finishing while its service had spent its error budget
# (``scoring.deploy_risk.score_deploy``).
_BUDGET_GATE = "error_budget"


def spent_budget(
    this: WeekAggregate, _last: WeekAggregate, _r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """Production deploys shipped while their service had spent its error budget.

    An error-budget policy holds a service's releases until its budget recovers, so one
    such deploy is news whatever last week held: no comparison, a warning. Every such
    deploy is very high risk by the ``error_budget`` gate and named among the week's
    very-high-risk deploys; this card says why, which deploys and which services.
    """
    deploys = sorted(
        (d for d in this.deploys if _BUDGET_GATE in d.gates), key=lambda d: (d.finished_at, d.key)
    )
    if not deploys:
        return
    services = sorted({d.service for d in deploys})
    yield Card(
        "spent_budget",
        CardKind.SPENT_BUDGET,
        Severity.WARNING,
        services[0] if len(services) == 1 else None,
        (
            CardFact(FactKey.SPENT_BUDGET_DEPLOYS, len(deploys)),
            CardFact(FactKey.SPENT_BUDGET_SERVICES, len(services)),
        ),
        tuple(Evidence(EvidenceKind.DEPLOY, d.key) for d in deploys),
    )


def _only_gate(changes: list[WeekChange]) -> str | None:
    """The one gate every change hit, when it was each one's only gate."""
    gates = {c.gates for c in changes}
    only = gates.pop() if len(gates) == 1 else ()
    return only[0] if len(only) == 1 else None
