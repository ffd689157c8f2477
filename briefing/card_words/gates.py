"""The words of the cards of what a hard rule put at very high risk: gated changes and deploys
of a spent error budget (``scoring/card_rules/gates.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from briefing.card_words.kind import KindWords, fact, maybe_fact, subject_name
from briefing.names import and_list, payload_service_name
from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import Card, CardKind, EvidenceKind, FactKey
from scoring.plural import many, number

__all__ = ["WORDS"]


def _p_gated(payload: BriefingPayload, card: CardView) -> str:
    # Each change with its title and the rule that put it there; the evidence links them all.
    named: list[str] = []
    for key in (e.key for e in card.evidence_of(EvidenceKind.CHANGE)[:3]):
        change = payload.change(key)
        why = f", which {change.gates[0]}" if change and change.gates else ""
        named.append(f"{key} ({change.title}){why}" if change else key)
    n = fact(card, FactKey.GATED_CHANGES)
    more = int(n) - len(named)
    listed = "; ".join(named) + (f"; and {many(more, 'more change')}" if more > 0 else "")
    text = (
        f"{many(n, 'change')} merged at very high risk by a hard rule, whatever "
        f"{'its' if n == 1 else 'their'} other signals: {listed}."
    )
    unreviewed = maybe_fact(card, FactKey.GATED_UNREVIEWED)
    if unreviewed:
        text += f" {number(unreviewed)} of them merged without a human approval."
    return text


def _p_spent_budget(payload: BriefingPayload, card: CardView) -> str:
    # Which services; the deploys are the card's evidence, named there by service and time (a
    # paragraph names no weekday: the narrative check holds it to the payload's names). The
    # sources keep no burn rate, so which burned fastest is not told.
    keys = {e.key for e in card.evidence_of(EvidenceKind.DEPLOY)}
    services: list[str] = []
    for d in payload.risky_deploys:
        if d.id in keys and d.service not in services:
            services.append(d.service)
    if not services and card.subject:
        services.append(card.subject)
    names = [payload_service_name(payload, s) for s in services] or ["their services"]
    n = fact(card, FactKey.SPENT_BUDGET_DEPLOYS)
    whose = "its" if fact(card, FactKey.SPENT_BUDGET_SERVICES) == 1 else "their"
    return (
        f"{many(n, 'production deploy')} shipped while {and_list(names)} had spent {whose} "
        f"error budget: very high risk by that hard rule, whatever {'it' if n == 1 else 'they'} "
        "shipped."
    )


def _t_spent_budget(card: Card, names: Mapping[str, str]) -> str:
    if card.subject:
        return f"{subject_name(card, names)} deployed past its error budget"
    n = int(card.fact(FactKey.SPENT_BUDGET_DEPLOYS) or 0)
    return f"{n} deploys shipped past their error budget"


def _t_gated(card: Card, _names: Mapping[str, str]) -> str:
    n = int(card.fact(FactKey.GATED_CHANGES) or 0)
    if card.gate == "schema_migration":
        what = "A schema migration" if n == 1 else f"{n} schema migrations"
        return f"{what} merged at very high risk"
    what = "A change" if n == 1 else f"{n} changes"
    return f"{what} merged at very high risk by a hard rule"


# The words of this family's cards (``scoring/card_rules/gates.py``), gathered into
# ``briefing.card_words.KIND_WORDS``.
WORDS: dict[CardKind, KindWords] = {
    CardKind.GATED: KindWords(
        _t_gated,
        _p_gated,
        "Confirm each such change has a rollback plan and a second reviewer.",
        "changes a hard rule (a gate, such as a schema migration) put at very high risk "
        "whatever their other signals, when no other card shows them and they are material: "
        "merged without a human approval, unusual for their service, or with other risk. A "
        "routine one makes no card but is still named among the very-high-risk changes.",
    ),
    CardKind.SPENT_BUDGET: KindWords(
        _t_spent_budget,
        _p_spent_budget,
        "Hold releases of a service whose error budget is spent until it recovers, fixes excepted.",
        "production deploys shipped while their service had spent its error budget (its SLO "
        "allowed no more failures), which an error-budget policy holds back; each is very high "
        "risk by that hard rule and named among the very-high-risk deploys.",
    ),
}
