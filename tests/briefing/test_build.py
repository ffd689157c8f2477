"""The payload's view of a card: the card's own fields and types, a display name in the title."""

from __future__ import annotations

from dataclasses import asdict, fields

from briefing.build import card_view
from briefing.payload import CardView, FactView
from scoring import Card, CardFact
from tests.scoring.card_builders import cards
from tests.scoring.test_cards import _busy


def test_a_card_view_declares_exactly_the_cards_fields() -> None:
    """CardView and FactView have Card's and CardFact's fields, so card_view copies none by hand;
    the view adds the title, which the briefing makes."""
    assert set(CardView.model_fields) == {f.name for f in fields(Card)} | {"title"}
    assert set(FactView.model_fields) == {f.name for f in fields(CardFact)}


def test_a_card_view_carries_the_cards_values_and_enums() -> None:
    """Every value of every card reaches its view unchanged, kinds, severity and keys as enums."""
    for card in cards(*_busy()):
        view = card_view(card)
        assert view.model_dump(exclude={"title"}) == asdict(card)
        assert view.kind is card.kind
        assert view.severity is card.severity
        assert all(v.key is f.key for v, f in zip(view.facts, card.facts, strict=True))
        assert view.driver == card.driver


def test_a_card_view_names_its_subject_as_the_reader_knows_it() -> None:
    """A title naming a service by key names it by its display name; the subject stays the key."""
    card = {c.id: c for c in cards(*_busy())}["concentration:payments"]
    view = card_view(card, {"payments": "Payments Platform"})
    assert view.title == "Risk is concentrating in Payments Platform"
    assert view.subject == "payments"
