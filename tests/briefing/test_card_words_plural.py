"""Every card paragraph agrees in number when a count is one: "1 of 1 change was", "1 deploy"."""

from __future__ import annotations

import pytest

from briefing.card_words import KIND_WORDS
from briefing.deterministic import write_deterministic
from briefing.grounding import check_narrative
from briefing.payload import CardView, FactView
from scoring.card_terms import CardKind, FactKey, Severity
from tests.briefing.render.factory import make_payload


def _paragraph(kind: CardKind, facts: dict[FactKey, float], subject: str | None = None) -> str:
    card = CardView(
        id=f"{kind.value}:x",
        kind=kind,
        severity=Severity.WARNING,
        title="A card",
        subject=subject,
        facts=tuple(FactView(key=k, value=v) for k, v in facts.items()),
    )
    payload = make_payload((card,))
    # The grounding check reads the singular nouns as counts too.
    assert not check_narrative(payload, write_deterministic(payload))
    return KIND_WORDS[kind].paragraph(payload, payload.cards[0])


def test_one_change_in_a_concentration_card_is_singular() -> None:
    """A service with one change, high risk, says "1 of 1 change was", not "changes were"."""
    text = _paragraph(
        CardKind.CONCENTRATION,
        {
            FactKey.HIGH_RISK_CHANGES: 1,
            FactKey.CHANGES: 1,
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: 100,
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: 0,
        },
        subject="payments",
    )
    assert "1 of 1 change was high risk" in text


@pytest.mark.parametrize(
    ("before", "said"),
    [
        pytest.param(1.2, "(3.7%, up from 1.2% last week)", id="rose"),
        pytest.param(16.7, "(3.7%, down from 16.7% last week)", id="fell"),
        pytest.param(3.7, "(3.7%, the same as last week)", id="held"),
    ],
)
def test_a_concentration_cards_share_moves_the_way_its_numbers_do(before: float, said: str) -> None:
    """A concentration card made by a busier service's expected fixes says its high-risk share
    fell when it fell: "up from" only when this week's share is the higher."""
    text = _paragraph(
        CardKind.CONCENTRATION,
        {
            FactKey.HIGH_RISK_CHANGES: 1,
            FactKey.CHANGES: 27,
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: 3.7,
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: before,
            FactKey.EXPECTED_FIXES_THIS_WEEK: 6.6,
            FactKey.EXPECTED_FIXES_USUAL: 3.5,
        },
        subject="payments",
    )
    assert said in text


def test_a_shift_card_agrees_with_its_counts() -> None:
    """One high-risk change of three "was"; the baseline of one week is "the 1 week before"."""
    text = _paragraph(
        CardKind.SHIFT,
        {
            FactKey.HIGH_RISK_CHANGES_THIS_WEEK: 1,
            FactKey.CHANGES_THIS_WEEK: 3,
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: 33,
            FactKey.HIGH_RISK_SHARE_BASELINE: 5,
            FactKey.BASELINE_WEEKS: 1,
        },
    )
    assert text.startswith("1 of 3 changes was high risk this week")
    assert "over the 1 week before" in text


def test_a_shift_card_of_one_change_is_singular() -> None:
    """One change in the week, high risk, reads "1 of 1 change was high risk"."""
    text = _paragraph(
        CardKind.SHIFT,
        {
            FactKey.HIGH_RISK_CHANGES_THIS_WEEK: 1,
            FactKey.CHANGES_THIS_WEEK: 1,
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: 100,
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: 10,
        },
    )
    assert text.startswith("1 of 1 change was high risk this week")


def test_an_improvement_over_one_change_is_singular() -> None:
    """A team's share cut over one change says "over 1 change"."""
    text = _paragraph(
        CardKind.IMPROVEMENT,
        {
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: 0,
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: 50,
            FactKey.CHANGES: 1,
        },
        subject="money",
    )
    assert "over 1 change." in text


def test_a_cfr_card_of_one_deploy_is_singular() -> None:
    """One failed deploy of one reads "1 of 1 deploy failed", better or worse."""
    worse = _paragraph(
        CardKind.CFR,
        {
            FactKey.FAILED_DEPLOYS_THIS_WEEK: 1,
            FactKey.DEPLOYS_THIS_WEEK: 1,
            FactKey.CHANGE_FAILURE_RATE_THIS_WEEK: 100,
            FactKey.CHANGE_FAILURE_RATE_LAST_WEEK: 0,
        },
    )
    assert worse.startswith("1 of 1 deploy failed or caused an incident")
    better = _paragraph(
        CardKind.CFR_IMPROVED,
        {
            FactKey.FAILED_DEPLOYS_THIS_WEEK: 0,
            FactKey.DEPLOYS_THIS_WEEK: 1,
            FactKey.CHANGE_FAILURE_RATE_THIS_WEEK: 0,
            FactKey.FAILED_DEPLOYS_LAST_WEEK: 2,
            FactKey.DEPLOYS_LAST_WEEK: 4,
            FactKey.CHANGE_FAILURE_RATE_LAST_WEEK: 50,
        },
    )
    assert better.startswith("0 of 1 deploy failed or caused an incident")
