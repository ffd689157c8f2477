"""Reading Kamei-format change metrics and backtesting the scorer on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.kamei import backtest, backtest_lines_added, read_kamei_csv, split_by_date
from scoring.errors import SourceError

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
