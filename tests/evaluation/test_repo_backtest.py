"""The git-history backtest: window, labels file or SZZ, the product's scores, and its errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from evaluation.repo_backtest import backtest_repo, is_labelled, ranking_score, read_labels
from scoring.config import ScoringConfig
from scoring.errors import ConfigError, SourceError
from scoring.risk import Band
from scoring.risk_score import Gate, RiskScore
from scoring.signal import Signal
from tests.data.sources.gitrepo import GitRepo

DAY = timedelta(days=1)
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


# Git runs with the test's environment, never the developer's config.
pytestmark = pytest.mark.usefixtures("clean_git_env")


def build_history(path: Path) -> tuple[GitRepo, dict[str, str]]:
    """Six commits on 2–7 March 2026: one planted bug (day 4) fixed on day 7, one per day."""
    repo = GitRepo(path)
    shas = {
        "base": repo.commit({"core.py": "".join(f"v{i} = {i}\n" for i in range(30))}, "Base", T0),
        "small": repo.commit({"util.py": "u = 1\n"}, "Add util", T0 + DAY),
        "other": repo.commit({"more.py": "m = 1\n"}, "Add more", T0 + 2 * DAY),
        "bug": repo.commit(
            {"parser.py": "".join(f"p{i} = {i}\n" for i in range(40))},
            "Add parser",
            T0 + 3 * DAY,
            author="Newcomer <new@example.com>",
        ),
        "tidy": repo.commit({"util.py": "u = 1\nw = 2\n"}, "Tidy util", T0 + 4 * DAY),
        "fix": repo.commit(
            {"parser.py": "p0 = 0\n" + "".join(f"p{i} = {i}\n" for i in range(2, 40))},
            "Fix crash in parser (#12)",
            T0 + 5 * DAY,
        ),
    }
    return repo, shas


def test_szz_labels_the_planted_bug_inside_the_window(tmp_path: Path) -> None:
    """Without a labels file, SZZ marks the planted commit, and only window commits are counted."""
    repo, _ = build_history(tmp_path / "shop")
    result = backtest_repo(repo.path, date(2026, 3, 3), date(2026, 3, 6))
    assert (result.n, result.positives) == (4, 1)
    assert 0.0 <= result.auc <= 1.0


def test_fix_after_the_window_still_labels_commits_inside_it(tmp_path: Path) -> None:
    """A fix dated after ``until`` still reveals a bug introduced inside the window."""
    repo, _ = build_history(tmp_path / "shop")
    result = backtest_repo(repo.path, date(2026, 3, 2), date(2026, 3, 5))
    assert (result.n, result.positives) == (4, 1)


def test_labels_file_overrides_szz(tmp_path: Path) -> None:
    """Given labels, exactly the listed commits are positive, abbreviated shas included."""
    repo, shas = build_history(tmp_path / "shop")
    labels = frozenset({shas["small"][:7], shas["tidy"], "deadbeef00"})
    result = backtest_repo(repo.path, date(2026, 3, 2), date(2026, 3, 7), labels)
    assert (result.n, result.positives) == (6, 2)


def test_read_labels_accepts_full_and_short_shas_and_comments(tmp_path: Path) -> None:
    """Comments, blanks and case are ignored; each sha is kept as written, lower-cased."""
    path = tmp_path / "labels.txt"
    full = "0123456789abcdef0123456789abcdef01234567"
    path.write_text(f"# bug-inducing\n\n{full}\nABCDEF1  # the cache bug\n", encoding="utf-8")
    labels = read_labels(path)
    assert labels == frozenset({full, "abcdef1"})
    assert is_labelled("abcdef1" + "0" * 33, labels)
    assert not is_labelled("abcdef2" + "0" * 33, labels)


def test_read_labels_rejects_a_line_that_is_not_a_sha(tmp_path: Path) -> None:
    """A line that is not 7–40 hex digits is named in a one-sentence SourceError."""
    path = tmp_path / "labels.txt"
    path.write_text("abc1234\nnot-a-sha\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"line 2 holds 'not-a-sha', which is not a commit sha"):
        read_labels(path)


def test_since_after_until_is_a_config_error(tmp_path: Path) -> None:
    """A window that ends before it starts is refused before any git runs."""
    with pytest.raises(ConfigError, match="is after --until"):
        backtest_repo(tmp_path, date(2026, 3, 5), date(2026, 3, 1))


def test_empty_window_says_to_widen_it(tmp_path: Path) -> None:
    """A window with no commits gives a SourceError, not an evaluation error."""
    repo, _ = build_history(tmp_path / "shop")
    with pytest.raises(SourceError, match="has no commits from 2025-01-01 to 2025-01-31"):
        backtest_repo(repo.path, date(2025, 1, 1), date(2025, 1, 31))


def test_one_class_window_says_so(tmp_path: Path) -> None:
    """A window whose commits are all clean cannot be ranked and says so in one sentence."""
    repo, _ = build_history(tmp_path / "shop")
    with pytest.raises(SourceError, match="carry the same label"):
        backtest_repo(repo.path, date(2026, 3, 2), date(2026, 3, 3), frozenset())


def test_ranking_score_keeps_fractions_and_gates() -> None:
    """The ranking score is the unrounded signal sum, lifted to critical when a gate fired."""
    config = ScoringConfig()
    signals = (Signal("a", 1.0, 10.25, "a"), Signal("b", 1.0, 5.5, "b"))
    plain = RiskScore("k", 16, Band.SAFE, signals, (), config.version)
    gated = RiskScore("k", 80, Band.CRITICAL, signals, (Gate("g", "g"),), config.version)
    assert ranking_score(plain, config) == 15.75
    assert ranking_score(gated, config) == config.bands.critical
