"""The reader's words for what the scorer names: card facts, signals and bands."""

from __future__ import annotations

from briefing.labels import FACT_LABELS, fact_label
from briefing.payload import FactView
from scoring.cards import FactKey


def test_every_card_fact_has_the_readers_words() -> None:
    """No fact a card rule can emit reaches a reader without words of its own."""
    assert set(FACT_LABELS) == set(FactKey)
    assert all(FACT_LABELS[k].strip() for k in FactKey)


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
