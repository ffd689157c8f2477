"""The narrative written without an LLM: from the payload's numbers, like a person would.

It is the fallback whenever the LLM is unavailable or its text fails the
grounding check, so it must be good on its own: a quiet week in one line,
otherwise the concentration, the driver and the action. Each kind of card's
words are ``briefing.card_words``.
"""

from __future__ import annotations

from briefing.card_words import PARAGRAPHS, action, headline, many, number
from briefing.narrative import CardParagraph, Narrative
from briefing.payload import BriefingPayload
from scoring.card_terms import Severity

__all__ = ["write_deterministic"]


def _headline(payload: BriefingPayload) -> str:
    d = payload.distribution
    if payload.quiet:
        # With reviews, owners or incidents unknown, "quiet" only covers what was seen.
        quiet = (
            "A quiet week as far as the data shows" if payload.unknown.partial else "A quiet week"
        )
        if d.total == 0:
            return f"{quiet}: no changes merged in scope."
        share = 100.0 * d.high_risk / d.total
        return (
            f"{quiet}: {many(d.total, 'change')}, {number(round(share, 1))}% high risk, "
            "no material shift from last week."
        )
    return headline(payload, payload.cards[0])


def write_deterministic(payload: BriefingPayload) -> Narrative:
    """A headline, and per card a paragraph and (critical, warning) an action, from the payload."""
    paragraphs = tuple(
        CardParagraph(
            card_id=c.id,
            text=PARAGRAPHS[c.kind](payload, c),
            action=None if c.severity is Severity.INFO else action(payload, c),
        )
        for c in payload.cards
        if c.kind in PARAGRAPHS
    )
    return Narrative(headline=_headline(payload), paragraphs=paragraphs, source="deterministic")
