"""The reader's words for what the scorer names: card facts, signals and bands."""

from __future__ import annotations

from briefing.fact_words import FACT_LABELS, fact_label
from briefing.payload import FactView
from briefing.render.text import fact_text
from briefing.sections import card_view
from scoring.card_terms import FactKey
from tests.scoring.card_builders import cards
from tests.scoring.test_cards import _busy


def test_every_card_fact_has_the_readers_words() -> None:
    """No fact a card rule can emit reaches a reader without words of its own."""
    assert set(FACT_LABELS) == set(FactKey)
    assert all(FACT_LABELS[k].strip() for k in FactKey)


def test_no_two_facts_read_alike() -> None:
    """Each fact key has words of its own, so a reader never sees two facts as one."""
    words = [fact_label(key) for key in FactKey]
    assert len(set(words)) == len(words)


def test_the_words_a_reader_sees_for_a_fact_do_not_follow_its_key() -> None:
    """A few facts read as briefings have always worded them, whatever the key is called."""
    assert fact_label(FactKey.MTTR_THIS_WEEK) == "MTTR this week"
    assert fact_label(FactKey.HIGH_RISK_SHARE_LAST_WEEK) == "high-risk share last week"
    assert fact_label(FactKey.AGENTS_UNREVIEWED) == "agent changes merged without a human approval"
    assert fact_label(FactKey.FILES_WITH_OWNER_DATA) == (
        "changed files with CODEOWNERS data this week"
    )
    assert fact_label(FactKey.DRIVEN_BY) == "high-risk changes driven by"


def test_a_card_the_rules_make_reads_in_the_readers_words() -> None:
    """A concentration card's facts reach the reader as words and numbers, its driver named."""
    card = {c.id: c for c in cards(*_busy())}["concentration:payments"]
    assert [fact_text(f) for f in card_view(card).facts] == [
        "high-risk share this week: 62.5%",
        "high-risk share last week: 0%",
        "high-risk changes: 5",
        "changes: 8",
        "changes expected to need a fix this week: 3.5",
        "changes expected to need a fix in a usual week: 0",
        "high-risk changes driven by files without a CODEOWNERS owner: 5",
    ]


def test_a_driver_fact_names_its_signal_in_words() -> None:
    """A driver fact reads as the briefing names the signal, not the scorer's field name."""
    assert fact_label(FactKey.DRIVEN_BY, "codeowners") == (
        "high-risk changes driven by files without a CODEOWNERS owner"
    )
    assert fact_label(FactKey.AGENTS_UNREVIEWED_HIGH_RISK) == "of them high risk"


def test_a_briefing_stored_with_fact_labels_still_loads() -> None:
    """Facts stored before they had keys come back keyed, a driver's signal split out."""
    driver = FactView.model_validate({"label": "high-risk changes driven by size", "value": 4})
    share = FactView.model_validate(
        {"label": "high-risk share this week", "value": 41.7, "unit": "%"}
    )
    assert (driver.key, driver.signal, driver.value) == (FactKey.DRIVEN_BY, "size", 4)
    assert (share.key, share.signal, share.unit) == (FactKey.HIGH_RISK_SHARE_THIS_WEEK, None, "%")


def test_a_briefing_stored_with_worded_keys_still_loads() -> None:
    """Facts whose key was stored as words come back with the key as it is named today."""
    driver = FactView.model_validate(
        {"key": "high-risk changes driven by", "value": 4, "signal": "size"}
    )
    agents = FactView.model_validate(
        {"key": "unreviewed agent changes high risk", "value": 1, "unit": ""}
    )
    assert (driver.key, driver.signal) == (FactKey.DRIVEN_BY, "size")
    assert agents.key is FactKey.AGENTS_UNREVIEWED_HIGH_RISK


def test_a_fact_round_trips_through_its_stored_form() -> None:
    """A fact stored today loads back equal: keys are stored by their identifier."""
    fact = FactView(key=FactKey.DRIVEN_THIS_WEEK, value=3, signal="review")
    stored = fact.model_dump(mode="json")
    assert stored["key"] == "driven_this_week"
    assert FactView.model_validate(stored) == fact
