"""The words of the coverage card: a service's line coverage fell."""

from __future__ import annotations

from collections.abc import Mapping

from briefing.card_words.kind import (
    KindWords,
    fact,
    subject_name,
)
from briefing.names import payload_service_name
from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import Card, CardKind, EvidenceKind, FactKey
from scoring.plural import many, number

__all__ = ["WORDS"]


def _p_coverage(payload: BriefingPayload, card: CardView) -> str:
    name = payload_service_name(payload, card.subject)
    text = (
        f"In {name}, line coverage fell to "
        f"{number(fact(card, FactKey.SERVICE_LINE_COVERAGE_THIS_WEEK))}% from "
        f"{number(fact(card, FactKey.SERVICE_LINE_COVERAGE_LAST_WEEK))}% last week."
    )
    lowering = fact(card, FactKey.COVERAGE_LOWERING_CHANGES)
    keys = [e.key for e in card.evidence_of(EvidenceKind.CHANGE)[:3]]
    if keys:
        more = lowering - len(keys)
        tail = f" and {many(more, 'other')}" if more > 0 else ""
        text += f" {many(lowering, 'change')} lowered it: {', '.join(keys)}{tail}."
    return text


def _t_coverage(card: Card, names: Mapping[str, str]) -> str:
    return f"Test coverage is falling in {subject_name(card, names)}"


# The words of this family's cards (``scoring/card_rules/coverage.py``), gathered into
# ``briefing.card_words.KIND_WORDS``.
WORDS: dict[CardKind, KindWords] = {
    CardKind.COVERAGE: KindWords(
        _t_coverage,
        _p_coverage,
        "Ask for tests with the changes that lowered coverage before more land on them.",
        "a service's line coverage (CI's reports, at its last change of each week) fell "
        "against last week; its evidence is the week's changes that lowered their files' "
        "coverage most.",
    ),
}
