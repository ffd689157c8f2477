"""The words of each kind of card, declared in one place and read from there."""

from __future__ import annotations

from briefing.build import card_view
from briefing.card_words import KIND_WORDS
from briefing.prompt import SYSTEM_PROMPT
from scoring.card_terms import CardKind
from tests.scoring.card_builders import cards
from tests.scoring.test_cards import _busy


def test_every_card_kind_declares_all_its_words() -> None:
    """Each kind has a title, a paragraph and a glossary line, and an action unless it is
    only ever good news: none falls back to a generic word."""
    assert set(KIND_WORDS) == set(CardKind)
    for kind, words in KIND_WORDS.items():
        assert callable(words.title) or words.title.strip(), kind
        assert callable(words.paragraph), kind
        assert words.glossary.strip(), kind
        assert (words.action is None) is kind.good_news, kind


def test_the_prompt_explains_every_card_kind_in_its_declared_words() -> None:
    """The system prompt's card glossary has one line per kind, from its declared words."""
    for kind, words in KIND_WORDS.items():
        assert f"\n- {kind}: {words.glossary}\n" in SYSTEM_PROMPT


def test_a_title_is_made_from_the_cards_subject_and_facts() -> None:
    """Titles name a service by its display name and the deploy's band from the card's facts."""
    names = {"payments": "Payments Platform"}
    titles = {c.id: card_view(c, names).title for c in cards(*_busy())}
    assert titles["concentration:payments"] == "Risk is concentrating in Payments Platform"
    assert titles["incident:INC-1"] == "Incident in Payments Platform followed a high-risk deploy"
