"""The incident-culprit bench on a tiny clone: reverts become incidents, the revert link is
withheld from the ranking it grades, and a reverted commit older than the window is counted
as missed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.culprits import MODES, main, measure_repo
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


def _lines(n: int, tag: str) -> str:
    return "".join(f"{tag}_{i} = {i}\n" for i in range(n))


def _history(path: Path) -> GitRepo:
    """A quiet history, then a small commit, a big one on other files and a revert of the small
    one; and a commit reverted ten days after it landed."""
    repo = GitRepo(path)
    for day in range(6):
        repo.commit(
            {f"pkg/m{day}.py": _lines(5, f"m{day}")}, f"Add m{day}", T0 + timedelta(days=day)
        )
    old = repo.commit({"pkg/old.py": _lines(4, "old")}, "Add old", T0 + timedelta(days=7))
    small = repo.commit({"pkg/tiny.py": "x = 1\n"}, "Tweak tiny", T0 + timedelta(days=16))
    repo.commit(
        {f"pkg/big{i}.py": _lines(400, f"big{i}") for i in range(6)},
        "Rewrite everything at once",
        T0 + timedelta(days=16, hours=20),
    )
    repo.revert(small, T0 + timedelta(days=16, hours=21))
    repo.revert(old, T0 + timedelta(days=17))
    return repo


def test_a_revert_is_an_incident_graded_without_its_link(tmp_path: Path) -> None:
    """Two reverts make two incidents; only the recent one's commit is in the window, and the
    small old commit it reverted is not ranked first, as it would be if the link counted."""
    _history(tmp_path / "clone")
    result = measure_repo(tmp_path / "clone")
    assert (result.reverts, result.incidents, result.in_window) == (2, 2, 1)
    # The candidates are the small commit and the big rewrite: never the revert itself.
    assert result.mean_candidates == 2
    assert result.first["ranking"] == 0
    assert result.top3["ranking"] == 1
    assert set(result.first) == {mode for mode, _ in MODES}


def test_the_command_prints_a_table_or_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench.culprits --git PATH` prints the figures; --json the same as data."""
    _history(tmp_path / "clone")
    assert main(["--git", str(tmp_path / "clone")]) == 0
    table = capsys.readouterr().out
    assert "Revert-incidents" in table
    assert "clone" in table
    assert "ranking" in table
    assert main(["--git", str(tmp_path / "clone"), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["repository"], row["incidents"], row["in_window"]) == ("clone", 2, 1)


def test_a_path_that_is_no_clone_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that is not a git repository ends in one line on stderr, exit 1."""
    assert main(["--git", str(tmp_path)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
