"""The words of each kind of card."""

from __future__ import annotations

from briefing.card_words import PARAGRAPHS
from scoring.card_terms import CardKind


def test_every_card_kind_has_a_paragraph() -> None:
    """A kind of card without a paragraph would vanish from the fallback narrative."""
    assert set(PARAGRAPHS) == set(CardKind)
