"""The deterministic narrative: true numbers, a driver and an action, a quiet week in one line."""

from __future__ import annotations

import re

from briefing.build import card_view
from briefing.deterministic import write_deterministic
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload, Counts
from scoring import CardKind, Severity, aggregate
from tests.briefing.payloads import busy_payload
from tests.briefing.render.factory import make_payload
from tests.scoring.card_builders import cards, spread
from tests.scoring.test_cards import _positives

NUMBER = re.compile(r"\d+(?:\.\d+)?")
_POSITIVE = {
    CardKind.MTTR_IMPROVED,
    CardKind.CFR_IMPROVED,
    CardKind.CODEOWNERS_IMPROVED,
    CardKind.AGENT_REVIEWED,
}


def _allowed_numbers(payload: BriefingPayload) -> set[float]:
    allowed = {round(f.value, 1) for c in payload.cards for f in c.facts}
    allowed |= {float(n) for n in NUMBER.findall(payload.model_dump_json())}
    return allowed


def test_every_card_kind_gets_a_paragraph_with_true_numbers() -> None:
    """Each card has a paragraph, and every number in the narrative is one the payload holds."""
    payload = busy_payload()
    kinds = {c.kind for c in payload.cards}
    assert {
        CardKind.CONCENTRATION,
        CardKind.INCIDENT,
        CardKind.AGENT,
        CardKind.IMPROVEMENT,
    } <= kinds
    # The week's one incident is its MTTR rise too: told on the incident's card.
    assert any(c.kind is CardKind.INCIDENT and CardKind.MTTR in c.folded for c in payload.cards)
    narrative = write_deterministic(payload)
    assert narrative.source == "deterministic"
    assert {p.card_id for p in narrative.paragraphs} == {c.id for c in payload.cards}
    text = " ".join(
        [narrative.headline, *(p.text for p in narrative.paragraphs)]
        + [p.action for p in narrative.paragraphs if p.action]
    )
    allowed = _allowed_numbers(payload)
    for number in NUMBER.findall(text):
        assert round(float(number), 1) in allowed, f"{number} is not in the payload"


def test_headline_names_the_concentration_and_its_driver() -> None:
    """The headline says where risk concentrates and why, in a manager's words."""
    payload = busy_payload()
    first = payload.cards[0]
    narrative = write_deterministic(payload)
    if first.kind is CardKind.CONCENTRATION:
        assert narrative.headline.startswith("Risk is concentrating in Payments: 75% ")
        assert "files without a CODEOWNERS owner" in narrative.headline
    else:
        # Another first card: the headline says its point without repeating its title.
        assert narrative.headline != first.title + "."
    paragraph = narrative.paragraph("concentration:payments")
    assert paragraph is not None
    assert "6 of 8 changes were high risk (75%, up from 0% last week)" in paragraph


def test_every_critical_and_warning_card_carries_its_action() -> None:
    """Each critical and warning card gets an action beside it; info cards get none; the
    CODEOWNERS driver gets the CODEOWNERS fix."""
    payload = busy_payload()
    narrative = write_deterministic(payload)
    for card in payload.cards:
        action = narrative.action(card.id)
        assert (action is None) is (card.severity is Severity.INFO), card.id
    assert "CODEOWNERS" in (narrative.action("concentration:payments") or "")


def test_old_stored_narratives_with_an_action_list_still_load() -> None:
    """A briefing stored before actions moved onto cards loads, its old list dropped."""
    stored = {"headline": "h", "paragraphs": [{"card_id": "c", "text": "t"}], "actions": ["a"]}
    assert Narrative.model_validate(stored).paragraphs[0].action is None


def test_quiet_week_is_one_line() -> None:
    """No card: a one-line headline with the week's numbers, and nothing else."""
    payload = make_payload(cards=(), changes=())
    narrative = write_deterministic(payload)
    assert narrative.headline == (
        "A quiet week: 54 changes, 22.2% high risk, no material shift from last week."
    )
    assert narrative.paragraphs == ()


def test_empty_week_says_nothing_merged() -> None:
    """A week without changes says so rather than printing zeros."""
    payload = make_payload(cards=(), changes=()).model_copy(update={"distribution": Counts()})
    assert write_deterministic(payload).headline == "A quiet week: no changes merged in scope."


def test_positive_cards_get_true_paragraphs_and_no_action() -> None:
    """Each positive card the scoring rules make gets a paragraph of true numbers and no action."""
    made = cards(*_positives())
    views = tuple(card_view(c) for c in made)
    payload = make_payload(views)
    narrative = write_deterministic(payload)
    positive = {c.id for c in views if c.kind in _POSITIVE}
    assert len(positive) == 4
    paragraphs = {p.card_id: p.text for p in narrative.paragraphs}
    assert positive <= set(paragraphs)
    allowed = _allowed_numbers(payload)
    for card_id in positive:
        for number in NUMBER.findall(paragraphs[card_id]):
            assert round(float(number), 1) in allowed, f"{number} is not in the payload"
    assert sum(1 for p in narrative.paragraphs if p.action) == 1


def test_a_driver_card_names_its_signal_in_the_readers_words() -> None:
    """A driver card's paragraph and action name the signal it carries, as the briefing words it."""
    this = aggregate(spread(30, 3, drivers=("review",)))
    last = aggregate(spread(30, 1, -1, drivers=("review",)))
    (view,) = (card_view(c) for c in cards(this, last) if c.kind is CardKind.DRIVER)
    assert view.driver == "review"
    narrative = write_deterministic(make_payload((view,)))
    assert narrative.paragraph(view.id) == (
        "Missing or rushed review drove 3 high-risk changes, up from 1 last week."
    )
    assert narrative.action(view.id) == "Ask reviewers to watch for missing or rushed review."
