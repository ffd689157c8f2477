"""The change-metrics scorer: bounded, monotone in size, explained, and deterministic to fit."""

from __future__ import annotations

from dataclasses import astuple, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.change_metrics import (
    METRIC_NAMES,
    ChangeMetrics,
    MetricWeights,
    fit_weights,
    metric_signals,
    score_metrics,
)

TYPICAL = ChangeMetrics(
    ns=1, nd=2, nf=3, entropy=1.2, la=40, ld=10, lt=800, fix=False,
    ndev=5, age=30, nuc=20, exp=300, rexp=20, sexp=50,
)  # fmt: skip
WEIGHTS = MetricWeights()

_counts = st.floats(min_value=0, max_value=1e6, allow_nan=False)


def test_more_lines_added_score_higher() -> None:
    """Each step up in lines added raises the score."""
    scores = [score_metrics(replace(TYPICAL, la=la), WEIGHTS) for la in (0, 1, 10, 100, 1e3, 1e5)]
    assert scores == sorted(scores)
    assert len(set(scores)) == len(scores)


def test_more_lines_deleted_score_higher_but_less_than_added() -> None:
    """Deleted lines add risk, but less than the same number of added lines."""
    base = score_metrics(TYPICAL, WEIGHTS)
    deleted = score_metrics(replace(TYPICAL, ld=TYPICAL.ld + 500), WEIGHTS)
    added = score_metrics(replace(TYPICAL, la=TYPICAL.la + 500), WEIGHTS)
    assert base < deleted < added


def test_fix_and_spread_add_risk() -> None:
    """A bug fix, and a change spread over more files, each score higher."""
    base = score_metrics(TYPICAL, WEIGHTS)
    assert score_metrics(replace(TYPICAL, fix=True), WEIGHTS) > base
    assert score_metrics(replace(TYPICAL, nf=30, nd=10, entropy=4.0), WEIGHTS) > base


def test_less_experienced_author_scores_higher() -> None:
    """A newcomer's change scores higher than the same change by a seasoned author."""
    newcomer = replace(TYPICAL, exp=1, rexp=1, sexp=1)
    assert score_metrics(newcomer, WEIGHTS) > score_metrics(TYPICAL, WEIGHTS)


_ANY_METRICS = st.builds(
    ChangeMetrics,
    **{name: _counts for name in METRIC_NAMES if name != "fix"},
    fix=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(_ANY_METRICS)
def test_score_is_within_0_and_100(m: ChangeMetrics) -> None:
    """Any metrics, however extreme, score between 0 and 100."""
    assert 0.0 <= score_metrics(m, WEIGHTS) <= 100.0


def test_signals_explain_the_whole_score() -> None:
    """The family signals' points add up to the score, each with a reason."""
    signals = metric_signals(TYPICAL, WEIGHTS)
    assert sum(s.points for s in signals) == pytest.approx(score_metrics(TYPICAL, WEIGHTS))
    assert {s.name for s in signals} == {
        "size", "diffusion", "fix", "history", "author_experience",
    }  # fmt: skip
    assert all(s.explanation for s in signals)


def test_default_weights_sum_to_100() -> None:
    """The defaults are points out of 100."""
    assert sum(astuple(WEIGHTS)) == pytest.approx(100.0)


def _synthetic(n: int) -> tuple[list[ChangeMetrics], list[bool]]:
    # A fixed pseudo-random pattern: bugs follow fixes, and size only weakly.
    rows, labels = [], []
    for i in range(n):
        la = float((i * 37) % 500)
        fix = i % 3 == 0
        rows.append(replace(TYPICAL, la=la, fix=fix, nf=float(1 + i % 7)))
        labels.append((fix and (i * 11) % 5 != 0) or la > 450)
    return rows, labels


def test_fit_weights_is_deterministic_and_sums_to_100() -> None:
    """Fitting twice on the same rows gives the same weights, non-negative and summing to 100."""
    rows, labels = _synthetic(300)
    first = fit_weights(rows, labels)
    assert fit_weights(rows, labels) == first
    assert all(w >= 0 for w in astuple(first))
    assert sum(astuple(first)) == pytest.approx(100.0)


def test_fit_weights_follows_the_labels() -> None:
    """When bugs follow fixes, fitting gives fixes more of the points than the defaults do."""
    rows, labels = _synthetic(300)
    assert fit_weights(rows, labels).fix > WEIGHTS.fix


def test_fit_weights_refuses_one_class() -> None:
    """Labels that are all the same cannot be fitted to."""
    rows, _ = _synthetic(10)
    with pytest.raises(ValueError, match="same label"):
        fit_weights(rows, [False] * 10)
