"""Ranking metrics of the backtest, on cases small enough to check by hand."""

from __future__ import annotations

import pytest

from scoring.ranking import BacktestResult, lift_top, recall_at_effort, roc_auc


def test_auc_counts_correctly_ordered_pairs() -> None:
    """Three of the four positive/negative pairs are ordered right, so AUC is 0.75."""
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)


def test_auc_counts_ties_as_half() -> None:
    """A positive tied with a negative counts as half a correctly ordered pair."""
    assert roc_auc([1, 1, 2, 0], [True, False, True, False]) == pytest.approx(0.875)


def test_auc_of_constant_scores_is_chance() -> None:
    """A score that ranks nothing is exactly 0.5, whatever the labels."""
    assert roc_auc([3.0] * 5, [True, False, False, True, False]) == pytest.approx(0.5)


def test_auc_of_perfect_and_reversed_scores() -> None:
    """A perfect ranking scores 1 and its reverse scores 0."""
    labels = [False, False, True, True]
    assert roc_auc([1, 2, 3, 4], labels) == pytest.approx(1.0)
    assert roc_auc([4, 3, 2, 1], labels) == pytest.approx(0.0)


def test_auc_of_one_class_is_an_error() -> None:
    """AUC is undefined when every label is the same, and says so rather than returning 0.5."""
    with pytest.raises(ValueError, match="same label"):
        roc_auc([0.1, 0.2], [True, True])


def test_mismatched_lengths_are_an_error() -> None:
    """Scores and labels of different lengths are refused."""
    with pytest.raises(ValueError, match="same length"):
        roc_auc([0.1, 0.2, 0.3], [True, False])


def test_recall_at_effort_takes_risk_per_line_within_budget() -> None:
    """With 20 of 100 lines to spend, the two densest changes are inspected: one of three bugs."""
    scores, labels, efforts = [4, 3, 2, 1], [True, False, True, True], [10, 10, 10, 70]
    assert recall_at_effort(scores, labels, efforts) == pytest.approx(1 / 3)
    assert recall_at_effort(scores, labels, efforts, share=0.3) == pytest.approx(2 / 3)


def test_recall_at_effort_prefers_small_risky_changes_to_big_ones() -> None:
    """A big change with the top score waits behind smaller changes with more risk per line."""
    scores, labels, efforts = [90, 30, 20], [False, True, True], [80, 10, 10]
    assert recall_at_effort(scores, labels, efforts) == pytest.approx(1.0)


def test_recall_at_effort_stops_at_the_first_change_over_budget() -> None:
    """A change too big for the remaining budget ends the inspection; cheaper ones are skipped."""
    assert recall_at_effort([30, 20, 1], [False, False, True], [5, 50, 5]) == pytest.approx(0.0)


def test_recall_at_effort_without_positives_is_an_error() -> None:
    """Recall is undefined with no positives."""
    with pytest.raises(ValueError, match="no change is positive"):
        recall_at_effort([1, 2], [False, False], [1, 1])


def test_lift_of_a_top_change_that_is_a_bug() -> None:
    """The top 10% of ten changes is one buggy change, five times the 20% base rate."""
    scores = list(range(10, 0, -1))
    labels = [True] + [False] * 8 + [True]
    assert lift_top(scores, labels) == pytest.approx(5.0)


def test_lift_shares_a_tie_at_the_edge_pro_rata() -> None:
    """A tie straddling the top set counts its positives pro rata, independent of input order."""
    assert lift_top([1, 1, 0, 0], [True, False, False, True], share=0.25) == pytest.approx(1.0)
    assert lift_top([1, 1, 0, 0], [False, True, False, True], share=0.25) == pytest.approx(1.0)


def test_backtest_result_json_keys() -> None:
    """The JSON form carries every figure under its field name."""
    result = BacktestResult(
        n=10, positives=3, auc=0.7, recall_at_20pct_effort=0.2, lift_top_10pct=1.5
    )
    assert result.to_json() == {
        "n": 10,
        "positives": 3,
        "auc": 0.7,
        "recall_at_20pct_effort": 0.2,
        "lift_top_10pct": 1.5,
    }
