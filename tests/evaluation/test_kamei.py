"""Reading Kamei-format change metrics and backtesting the scorer on them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.kamei import (
    backtest,
    backtest_lines_added,
    metric_shares,
    read_kamei_csv,
    score_metrics,
    split_by_date,
)
from scoring.calibration import fit_weights
from scoring.change_metrics import METRIC_FAMILIES, METRIC_NAMES, ChangeMetrics
from scoring.config import Weights
from scoring.errors import SourceError
from scoring.model import MODEL
from scoring.model_features import FEATURES

TYPICAL = ChangeMetrics(
    ns=1, nd=2, nf=3, entropy=1.2, la=40, ld=10, lt=800, fix=False,
    ndev=5, age=30, nuc=20, exp=300, rexp=20, sexp=50,
)  # fmt: skip
WEIGHTS = Weights()
_counts = st.floats(min_value=0, max_value=1e6, allow_nan=False)

# Every backtest's JSON figures, in both modes.
JSON_KEYS = frozenset(
    {
        "auc",
        "n",
        "positives",
        "recall_at_20pct_effort",
        "lift_top_10pct",
        "auc_lines_added",
        "bands",
    }
)
HEADER = ",_id,date,bug,__,ns,nd,nf,entrophy,la,ld,lt,fix,ndev,age,nuc,exp,rexp,sexp"


def _line(i: int, date: int, bug: int, la: int, fix: int = 0) -> str:
    return f"{i},sha{i},{date},{bug},1,1,1,2,0.5,{la},3,100,{fix},2,10.5,4,{50 + i},5.5,7"


def _write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _project(tmp_path: Path, n: int = 40) -> Path:
    # Written newest first, so the split must sort by date; bugs follow size.
    lines = []
    for i in range(n):
        la = (i * 17) % 90
        lines.append(
            _line(i, 1_600_000_000 - i * 3600, int(la > 45 or i % 9 == 0), la, int(i % 4 == 0))
        )
    return _write(tmp_path, lines)


def test_reads_rows_with_metrics_and_labels(tmp_path: Path) -> None:
    """Each row becomes its date, its 14 metrics (entropy from 'entrophy') and its label."""
    path = _write(tmp_path, [_line(0, 1_500_000_000, 1, 26, fix=1), _line(1, 1_500_000_100, 0, 4)])
    rows = read_kamei_csv(path)
    assert len(rows) == 2
    date, metrics, bug = rows[0]
    assert (date, bug) == (1_500_000_000, True)
    assert metrics.la == 26
    assert metrics.entropy == pytest.approx(0.5)
    assert metrics.fix is True
    assert rows[1][2] is False


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    """A header without 'la' fails with one sentence naming the file and the column."""
    path = _write(tmp_path, [], header=HEADER.replace(",la,", ",lines_added,"))
    with pytest.raises(SourceError, match=r"tiny\.csv has no column 'la'"):
        read_kamei_csv(path)


def test_bad_value_names_the_line_and_column(tmp_path: Path) -> None:
    """A non-numeric value fails naming the file, the line and the column."""
    good = _line(0, 1_500_000_000, 1, 26)
    bad = _line(1, 1_500_000_100, 0, 4).replace(",4,3,100,", ",many,3,100,")
    with pytest.raises(SourceError, match=r"tiny\.csv line 3: column 'la' holds 'many'"):
        read_kamei_csv(_write(tmp_path, [good, bad]))


def test_short_row_names_the_line(tmp_path: Path) -> None:
    """A row cut short fails naming the file, the line and the first missing column."""
    short = _line(0, 1_500_000_000, 1, 26).rsplit(",", 3)[0]
    with pytest.raises(SourceError, match=r"tiny\.csv line 2 is too short .* 'exp'"):
        read_kamei_csv(_write(tmp_path, [short]))


def test_label_must_be_zero_or_one(tmp_path: Path) -> None:
    """A bug label other than 0 or 1 is refused."""
    path = _write(tmp_path, [_line(0, 1_500_000_000, 2, 26)])
    with pytest.raises(SourceError, match="'bug' must be 0 or 1"):
        read_kamei_csv(path)


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    """A path that does not exist fails with a SourceError naming it."""
    with pytest.raises(SourceError, match=r"cannot read .*absent\.csv"):
        read_kamei_csv(tmp_path / "absent.csv")


def test_split_keeps_the_latest_fifth_for_testing(tmp_path: Path) -> None:
    """The test set is the latest 20% by date, whatever the file order."""
    train, test = split_by_date(read_kamei_csv(_project(tmp_path)))
    assert (len(train), len(test)) == (32, 8)
    assert max(d for d, _, _ in train) < min(d for d, _, _ in test)


@pytest.mark.parametrize("calibrate", [False, True])
def test_backtest_reports_the_json_figures(tmp_path: Path, calibrate: bool) -> None:
    """A backtest reports n, positives, AUC, recall, lift, lines added alone and band counts."""
    rows = read_kamei_csv(_project(tmp_path))
    result = backtest(rows, calibrate=calibrate)
    figures = result.to_json()
    assert set(figures) == JSON_KEYS
    assert result.n == 8
    assert 0 < result.positives < 8
    assert 0.0 <= result.auc <= 1.0
    assert result.auc_lines_added == backtest_lines_added(rows).auc
    assert sum(b.n for b in result.bands) == result.n
    assert sum(b.positives for b in result.bands) == result.positives
    assert [b.band for b in result.bands] == ["safe", "moderate", "high", "critical"]


def test_baseline_uses_the_same_test_set(tmp_path: Path) -> None:
    """The lines-added baseline is measured on the same latest 20%."""
    rows = read_kamei_csv(_project(tmp_path))
    base, ours = backtest_lines_added(rows), backtest(rows)
    assert (base.n, base.positives) == (ours.n, ours.positives)


def test_one_class_test_set_is_a_source_error(tmp_path: Path) -> None:
    """When every recent change has the same label the backtest says it cannot rank them."""
    lines = [_line(i, 1_500_000_000 + i, int(i < 5), 10 + i) for i in range(20)]
    with pytest.raises(SourceError, match="are all clean, so they cannot be ranked"):
        backtest(read_kamei_csv(_write(tmp_path, lines)))


def test_a_rows_shares_are_the_shipped_models_on_the_same_features() -> None:
    """A dataset row earns, per family, what the shipped model gives its features: the very
    shapes the live scorer reads a change through, not a second set of hand-set shares."""
    shares = metric_shares(TYPICAL)
    assert set(shares) == set(METRIC_FAMILIES)
    size_features = FEATURES["size"][1]
    assert shares["size"] == MODEL.share("size", size_features(TYPICAL, None, None))  # type: ignore[arg-type]
    assert all(0.0 <= v <= 1.0 for v in shares.values())


def test_more_lines_added_never_score_lower_and_many_score_higher() -> None:
    """Steps up in lines added never lower the score, and the largest scores above none."""
    scores = [score_metrics(replace(TYPICAL, la=la), WEIGHTS) for la in (0, 1, 10, 100, 1e3, 1e5)]
    assert scores == sorted(scores)
    assert scores[-1] > scores[0]


def test_spread_and_a_newcomer_add_risk_and_weightless_families_add_none() -> None:
    """A change spread over more files, and a newcomer's, score higher; with experience
    weighing nothing the newcomer scores the same."""
    base = score_metrics(TYPICAL, WEIGHTS)
    assert score_metrics(replace(TYPICAL, nf=30, nd=10, entropy=4.0), WEIGHTS) > base
    newcomer = replace(TYPICAL, exp=0, rexp=0, sexp=0)
    assert score_metrics(newcomer, WEIGHTS) > base
    unweighted = replace(WEIGHTS, author_experience=0.0)
    assert score_metrics(newcomer, unweighted) == score_metrics(TYPICAL, unweighted)


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
