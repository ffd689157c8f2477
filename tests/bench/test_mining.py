"""The mining side-by-side's pure parts: the agreement check, the ratio and the commit range."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.mining import CommitLines, _range, compare, ratio_line


def _lines(*files: tuple[str, int, int], merge: bool = False) -> CommitLines:
    return CommitLines(sum(f[1] for f in files), sum(f[2] for f in files), len(files), files, merge)


def test_identical_metrics_agree() -> None:
    """Two miners reporting the same counts for the same commits agree on every file."""
    ours = {"a": _lines(("x.py", 3, 1), ("y.py", 0, 2)), "b": _lines(("x.py", 1, 1))}
    agreement = compare(ours, dict(ours))
    assert agreement.agrees
    assert (agreement.compared, agreement.files_compared) == (2, 3)


def test_a_file_count_difference_is_named() -> None:
    """A file whose counts differ is reported with its commit, as are the commit's totals."""
    ours = {"a": _lines(("x.py", 3, 1), ("y.py", 0, 2))}
    theirs = {"a": _lines(("x.py", 2, 1), ("y.py", 0, 2))}
    agreement = compare(ours, theirs)
    assert not agreement.agrees
    assert agreement.totals_differ == ("a",)
    assert agreement.files_differ == (("a", "x.py"),)


def test_a_merge_is_compared_on_totals_only() -> None:
    """PyDriller lists no files for a merge, so only its totals count towards agreement."""
    ours = {"m": _lines(("x.py", 3, 1), merge=True)}
    theirs = {"m": CommitLines(3, 1, 1, (), merge=True)}
    agreement = compare(ours, theirs)
    assert agreement.agrees
    assert agreement.files_compared == 0


def test_commits_only_one_side_mined_are_listed() -> None:
    """A commit one miner skipped (a merge left out, another range) breaks agreement."""
    agreement = compare({"a": _lines(), "b": _lines()}, {"b": _lines(), "c": _lines()})
    assert (agreement.only_ours, agreement.only_theirs) == (("a",), ("c",))
    assert not agreement.agrees


def test_ratio_is_theirs_over_ours() -> None:
    """The ratio says how many times riskbrief's time PyDriller took, and n/a for zero."""
    assert ratio_line(0.5, 6.0) == "12.0×"
    assert ratio_line(0.0, 6.0) == "n/a"


def _git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    ident = ["-c", "user.name=dev", "-c", "user.email=dev@example.com"]
    done = subprocess.run(
        ["git", "-C", str(repo), *ident, *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip()


def test_range_is_the_first_parent_chain_and_its_boundary(tmp_path: Path) -> None:
    """The newest N first-parent commits, oldest first, leave a branch's own commits out."""
    repo = tmp_path / "r"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "root")
    root = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "-b", "topic")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "on topic")
    topic = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "main")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "on main")
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge topic", "topic")
    main_commit, merge = _git(repo, "rev-parse", "HEAD~1", "HEAD").split()
    shas, after = _range(repo, None, 2)
    assert shas == [main_commit, merge]
    assert after == root
    assert topic not in _range(repo, None, None)[0]
