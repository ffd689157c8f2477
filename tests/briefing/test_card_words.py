"""The words of each kind of card, declared in one place and read from there."""

from __future__ import annotations

from briefing.card_words import KIND_WORDS, card_title
from briefing.prompt import SYSTEM_PROMPT
from briefing.sections import card_view
from scoring import Band, aggregate
from scoring.card_terms import CardKind
from tests.scoring.card_builders import cards, change
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


def test_a_gated_cards_title_says_its_count_and_its_one_gate() -> None:
    """One migration is named as such; changes of several gates are counted as hard-rule ones."""
    migration = change("m#1", "s0", Band.CRITICAL, gates=("schema_migration",))
    [one] = cards(aggregate([migration]), aggregate([]))
    assert card_title(one) == "A schema migration merged at very high risk"
    other = change("b#1", "s1", Band.CRITICAL, gates=("error_budget",))
    [two] = cards(aggregate([migration, other]), aggregate([]))
    assert card_title(two) == "2 changes merged at very high risk by a hard rule"
