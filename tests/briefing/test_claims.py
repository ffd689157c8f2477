"""Where a narrative's figures sit: the right week and the right card."""

from __future__ import annotations

from briefing.claims import (
    Figure,
    matches,
    placement_problems,
    week_figures,
)
from tests.briefing.payloads import busy_payload


def test_a_number_matches_only_within_the_rounding_it_was_written_with() -> None:
    """12.3 stands for 12.34 but 12 does not stand for 12.6."""
    assert matches(12.3, 1, [12.34])
    assert not matches(12.0, 0, [12.6])


def test_last_weeks_figure_said_of_this_week_is_a_problem() -> None:
    """A card's last-week figure in a sentence about this week is named as misplaced."""
    own = [Figure(7.0, "", "this", "c1"), Figure(3.0, "", "last", "c1")]
    assert not list(placement_problems("p", "7 high-risk changes this week, 3 last week", own, []))
    assert list(placement_problems("p", "3 high-risk changes this week", own, []))


def test_a_figure_borrowed_from_another_card_is_a_problem() -> None:
    """A paragraph may not state a number only another card holds."""
    own = [Figure(7.0, "", "this", "c1")]
    others = [Figure(41.0, "%", "this", "c2")]
    assert list(placement_problems("p", "a change failure rate of 41% this week", own, others))


def test_the_weeks_own_pairs_are_figures_of_their_week() -> None:
    """The headline's ground holds this week's and last week's totals, each with its week."""
    payload = busy_payload()
    figures = week_figures(payload)
    assert Figure(float(payload.distribution.total), "", "this", None) in figures
    assert Figure(float(payload.distribution_last_week.total), "", "last", None) in figures
