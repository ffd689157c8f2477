"""The kinds-of-work bench: a real git history read, each prefix hidden, agreement and coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.kinds import Commit, main, measure, read_commits, report
from scoring.work_kind import KindEvidence, WorkKind
from tests.data.sources.gitrepo import GitRepo

_T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A small history with prefixed and plain commits, a merge among them."""
    repo = GitRepo(tmp_path / "shop")
    steps: list[tuple[dict[str, str | bytes | None], str]] = [
        ({"src/cart.py": "x = 1\n"}, "feat: add the cart"),
        # Agrees: docs-only files say docs.
        ({"docs/cart.md": "# Cart\n"}, "docs: describe the cart"),
        # Agrees: the words after the prefix say fix.
        ({"src/cart.py": "x = 2\n"}, "fix(cart): fix the total"),
        # Disagrees: "fix" says fix, the prefix says chore.
        ({"src/cart.py": "x = 3\n"}, "chore: fix the total again"),
        # Unknown once hidden: "add" says no kind and code was touched.
        ({"src/pay.py": "y = 1\n"}, "feat: add payments"),
        # A prefix naming no kind.
        ({"src/pay.py": "y = 2\n"}, "wip: payments"),
        # No prefix at all.
        ({"src/pay.py": "y = 3\n"}, "Tidy payments"),
    ]
    for i, (files, message) in enumerate(steps):
        repo.commit(files, message, _T0 + timedelta(hours=i))
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(
        {"tests/test_cart.py": "def test(): ...\n"},
        "test: cover the cart",
        _T0 + timedelta(hours=8),
    )
    repo.git("checkout", "-q", "main")
    repo.merge("side", "Merge branch 'side'", _T0 + timedelta(hours=9))
    return repo


def test_read_commits_gives_subjects_and_paths_of_non_merge_commits(repo: GitRepo) -> None:
    """Merges are left out; each commit carries its subject and touched paths, newest first."""
    commits = list(read_commits(repo.path))
    assert len(commits) == 8
    assert commits[0] == Commit("test: cover the cart", ("tests/test_cart.py",))
    assert Commit("docs: describe the cart", ("docs/cart.md",)) in commits
    assert list(read_commits(repo.path, limit=2)) == commits[:2]


def test_measure_hides_the_prefix_and_counts_agreement_and_coverage(repo: GitRepo) -> None:
    """Six prefixes name a kind; four get a kind with the prefix hidden, three of them agree."""
    m = measure(read_commits(repo.path))
    assert (m.commits, m.prefixed, m.unmapped) == (8, 6, 1)
    assert (m.classified, m.agreed) == (4, 3)
    assert m.coverage == pytest.approx(4 / 6)
    assert m.agreement == pytest.approx(3 / 4)
    assert m.disagreements == ((WorkKind.CHORE, WorkKind.FIX, 1),)
    assert {s: (n, ok) for s, n, ok in m.by_source} == {
        KindEvidence.FILES: (2, 2),
        KindEvidence.TITLE: (2, 1),
    }


def test_report_and_main_print_the_figures(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """``main`` prints, per repository, coverage, agreement and the disagreements."""
    assert main(["--git", str(repo.path)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == report(str(repo.path), measure(read_commits(repo.path)))
    assert "coverage  66.7% (4 of 6 given a kind with the prefix hidden)" in out
    assert "agreement 75.0% (3 of 4)" in out
    assert "disagreements (prefix→classifier): chore→fix 1" in out


def test_an_empty_history_reports_no_figures() -> None:
    """No prefixed commit: coverage and agreement are n/a, not a division by zero."""
    m = measure([Commit("Initial import", ("README.md",))])
    assert (m.prefixed, m.coverage, m.agreement) == (0, 0.0, 0.0)
    assert "coverage  n/a" in report("empty", m)


def test_dependency_updates_are_counted_apart() -> None:
    """Commits whose words read as a dependency update agree by construction: counted apart."""
    m = measure(
        [
            Commit("fix(deps): update dependency left-pad to v2", ("package.json",)),
            Commit("chore: update dependency lodash to v5", ("tests/package.json",)),
            Commit("fix: handle an empty cart", ("src/cart.py",)),
            Commit("chore: fix the total", ("src/cart.py",)),
        ]
    )
    assert (m.prefixed, m.classified, m.agreed) == (4, 3, 2)
    assert (m.updates, m.updates_classified, m.updates_agreed) == (2, 2, 2)
    assert m.other_agreement == 0.0
    assert "without the 2 whose words read as a dependency update: coverage 50.0%," in report(
        "made", m
    )
    assert "agreement 0.0% (0 of 1)" in report("made", m)
