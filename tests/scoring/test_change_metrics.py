"""The metric families: bounded, monotone in size, explained, and deterministic to fit."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.calibration import fit_weights
from scoring.change_metrics import (
    METRIC_FAMILIES,
    METRIC_NAMES,
    ChangeMetrics,
    history_share,
    metric_shares,
    metric_signals,
    metrics_of,
    score_metrics,
    size_share,
)
from scoring.config import Weights
from scoring.facts import ChangeFacts, FileChange
from scoring.history import History

TYPICAL = ChangeMetrics(
    ns=1, nd=2, nf=3, entropy=1.2, la=40, ld=10, lt=800, fix=False,
    ndev=5, age=30, nuc=20, exp=300, rexp=20, sexp=50,
)  # fmt: skip
WEIGHTS = Weights()

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


def test_less_experienced_author_scores_higher_only_when_weighted() -> None:
    """A newcomer scores higher while experience weighs something, and the same without it."""
    newcomer = replace(TYPICAL, exp=1, rexp=1, sexp=1)
    assert score_metrics(newcomer, WEIGHTS) > score_metrics(TYPICAL, WEIGHTS)
    unweighted = replace(WEIGHTS, author_experience=0.0)
    assert score_metrics(newcomer, unweighted) == score_metrics(TYPICAL, unweighted)


# (lines added, lines deleted, expected size share)
SIZE_CASES = [
    (0, 0, 0.0),
    # Deleting code earns only the log part: no base for new code.
    (0, 10_000, 0.2 * 1.0 / 1.2),
    # The first added line earns the new-code base of a tenth.
    (1, 0, 0.1 + 0.9 * math.log(2) / (1.2 * math.log(10_001))),
    (10_000, 0, 0.1 + 0.9 / 1.2),
    (10_000, 10_000, 1.0),
    (1e9, 1e9, 1.0),
]


@pytest.mark.parametrize(("la", "ld", "share"), SIZE_CASES)
def test_size_share_table(la: float, ld: float, share: float) -> None:
    """Size is a tenth for adding any code plus a log share of lines, deletions a fifth."""
    assert size_share(replace(TYPICAL, la=la, ld=ld)) == pytest.approx(share)


def test_adding_one_line_outranks_deleting_many() -> None:
    """A one-line addition is sized above a deletion-only change of a thousand lines."""
    assert size_share(replace(TYPICAL, la=1, ld=0)) > size_share(replace(TYPICAL, la=0, ld=1000))


# (mean age of the touched files in days, prior developers, expected history share)
HISTORY_CASES = [
    (0.0, 1, 0.7),
    (30.0, 1, 0.7),
    (3650.0, 1, 0.0),
    (1e6, 0, 0.0),
    (3650.0, 100, 0.3),
    (10.0, 500, 1.0),
    # Halfway between 30 days and ten years on the log scale.
    (math.sqrt(31 * 3651) - 1, 1, 0.35),
]


@pytest.mark.parametrize(("age", "ndev", "share"), HISTORY_CASES)
def test_history_share_table(age: float, ndev: float, share: float) -> None:
    """History is 0.7 for files changed within 30 days, fading to ten years, + 0.3 for many devs."""
    assert history_share(replace(TYPICAL, age=age, ndev=ndev)) == pytest.approx(share)


def test_history_ignores_the_number_of_earlier_changes() -> None:
    """Earlier changes to the files (nuc) do not move the history share."""
    assert history_share(replace(TYPICAL, nuc=1)) == history_share(replace(TYPICAL, nuc=5000))


def test_long_stable_files_score_lower() -> None:
    """The same change scores lower in files untouched for years than in files changed last week."""
    fresh = score_metrics(replace(TYPICAL, age=7), WEIGHTS)
    assert score_metrics(replace(TYPICAL, age=1000), WEIGHTS) < fresh


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
        "size", "diffusion", "fix", "file_history", "author_experience",
    }  # fmt: skip
    assert all(s.explanation for s in signals)


def _synthetic(n: int) -> tuple[list[ChangeMetrics], list[bool]]:
    # A fixed pseudo-random pattern: bugs follow fixes, and size only weakly.
    rows, labels = [], []
    for i in range(n):
        la = float((i * 37) % 500)
        fix = i % 3 == 0
        rows.append(replace(TYPICAL, la=la, fix=fix, nf=float(1 + i % 7)))
        labels.append((fix and (i * 11) % 5 != 0) or la > 450)
    return rows, labels


def _fit(rows: list[ChangeMetrics], labels: list[bool]) -> Weights:
    return fit_weights([metric_shares(m) for m in rows], labels, METRIC_FAMILIES)


def test_fit_weights_is_deterministic_and_keeps_the_total() -> None:
    """Fitting twice gives the same weights, non-negative, with the fitted families' total kept."""
    rows, labels = _synthetic(300)
    first = _fit(rows, labels)
    assert _fit(rows, labels) == first
    fitted = [getattr(first, n) for n in METRIC_FAMILIES]
    assert all(w >= 0 for w in fitted)
    assert sum(fitted) == pytest.approx(sum(getattr(WEIGHTS, n) for n in METRIC_FAMILIES))
    assert first.review == WEIGHTS.review


def test_fit_weights_follows_the_labels() -> None:
    """When bugs follow fixes, fitting gives fixes more of the points than the defaults do."""
    rows, labels = _synthetic(300)
    assert _fit(rows, labels).fix > WEIGHTS.fix


def test_fit_weights_refuses_one_class() -> None:
    """Labels that are all the same cannot be fitted to."""
    rows, _ = _synthetic(10)
    with pytest.raises(ValueError, match="one class"):
        _fit(rows, [False] * 10)


def test_live_metrics_match_the_dataset_definitions() -> None:
    """A live change's files, directories, subsystems, lines and history count as in Kamei."""
    t0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
    first = ChangeFacts(
        key="r#1", repository="r", title="a", author="ann", merged_at=t0,
        files=(FileChange("api/a.py", 100, 0, "api"), FileChange("api/b.py", 50, 0, "api")),
    )  # fmt: skip
    second = ChangeFacts(
        key="r#2", repository="r", title="fix: b", author="bob", is_fix=True,
        merged_at=datetime(2026, 1, 15, 10, tzinfo=UTC),
        files=(
            FileChange("api/b.py", 10, 10, "api"),
            FileChange("web/c/d.ts", 10, 0, "web"),
        ),
    )  # fmt: skip
    history = History()
    history.record(first)
    m = metrics_of(second, history.context(second))
    assert (m.ns, m.nd, m.nf, m.la, m.ld, m.lt, m.fix) == (2, 2, 2, 20, 10, 50, True)
    assert (m.ndev, m.nuc, m.age, m.exp, m.sexp) == (1, 1, 10.0, 0, 0)
    assert m.entropy == pytest.approx(0.918, abs=1e-3)
