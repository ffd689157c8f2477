"""The payload's view of a card: the card's own fields and types, a display name in the title."""

from __future__ import annotations

from dataclasses import asdict, fields

from briefing.payload import CardView, FactView
from briefing.sections import card_view
from scoring.card_terms import Card, CardFact, Evidence, EvidenceKind
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
        # Evidence is typed on both; dumped (stored, shown to the LLM) it is the ids.
        dumped = {**asdict(card), "evidence": [str(e) for e in card.evidence]}
        assert view.model_dump(exclude={"title"}) == dumped
        assert view.evidence == card.evidence
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


def test_a_stored_cards_evidence_reads_back_typed_and_dumps_as_the_same_ids() -> None:
    """A stored incident card's ids read back typed by where the rules put them (its deploy
    second, whatever the key looks like) and are written back as the very same strings."""
    ids = ["INC-1", "checkout@2026-11-20T15:35:00+00:00", "revert:acme/shop#9"]
    stored = {
        "id": "incident:INC-1",
        "kind": "incident",
        "severity": "critical",
        "title": "An incident in Checkout",
        "subject": "checkout",
        "facts": [],
        "evidence": ids,
    }
    view = CardView.model_validate(stored)
    assert view.evidence == (
        Evidence(EvidenceKind.INCIDENT, "INC-1"),
        Evidence(EvidenceKind.DEPLOY, "checkout@2026-11-20T15:35:00+00:00"),
        Evidence(EvidenceKind.REVERT, "acme/shop#9"),
    )
    assert view.model_dump(mode="json")["evidence"] == ids
    assert CardView.model_validate_json(view.model_dump_json()) == view
