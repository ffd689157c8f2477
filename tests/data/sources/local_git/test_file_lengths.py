"""The lines each touched file held just before a commit, read from git's blobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.sources.local_git.file_lengths import FileLengths, line_count
from data.sources.local_git.gitlog import MinedCommit, mine_commits
from scoring.errors import SourceError
from scoring.facts import FileChange
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _body(n: int) -> str:
    return "".join(f"line {i}\n" for i in range(n))


def _held(commit: MinedCommit) -> dict[str, int | None]:
    return {f.path: f.lines_before for f in commit.change.files}


def test_each_file_holds_what_git_had_at_the_parent(tmp_path: Path) -> None:
    """A root commit's files held nothing; later a modified file holds its parent's lines, a new
    file nothing, a moved file what its old path held, a binary file no lines."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": _body(20), "old name.py": _body(7), "logo.png": "\0\n\n\n"}, "Start", T0)
    (repo.path / "pkg").mkdir()
    repo.git("mv", "old name.py", "pkg/new name.py")
    repo.commit(
        {
            "a.py": _body(25),
            "b.py": _body(3),
            "pkg/new name.py": _body(8),
            "logo.png": "\0\n\n\n\n",
        },
        "Grow",
        T0 + timedelta(hours=1),
    )
    with FileLengths(repo.path) as lengths:
        first, second = [lengths.before(c) for c in mine_commits(repo.path)]
    assert _held(first) == {"a.py": 0, "logo.png": 0, "old name.py": 0}
    assert _held(second) == {"a.py": 20, "b.py": 0, "logo.png": 0, "pkg/new name.py": 7}


def test_at_reads_any_commit_and_a_folder_is_no_file(tmp_path: Path) -> None:
    """``at`` reads the files at a given commit; a path that is a folder there holds nothing and
    the answers after it stay in step."""
    repo = GitRepo(tmp_path / "r")
    start = repo.commit({"src/a.py": _body(4), "b.py": _body(9)}, "Start", T0)
    repo.commit({"b.py": _body(10)}, "Grow", T0 + timedelta(hours=1))
    asked = (FileChange("src", 1, 0), FileChange("b.py", 1, 0), FileChange("src/a.py", 1, 0))
    with FileLengths(repo.path) as lengths:
        held = lengths.at(start, asked)
    assert [f.lines_before for f in held] == [0, 9, 4]


def test_a_folder_that_is_no_clone_fails_in_one_sentence(tmp_path: Path) -> None:
    """Asking about a folder git cannot read is a SourceError, not a hang or a traceback; asked
    again and closed once git has gone (its question left unsent in the pipe), nothing raises."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": _body(2)}, "Start", T0)
    repo.commit({"a.py": _body(3)}, "Grow", T0 + timedelta(hours=1))
    (_, second) = list(mine_commits(repo.path))
    lengths = FileLengths(tmp_path / "nowhere")
    for _ in range(2):
        with pytest.raises(SourceError, match="sync again"):
            lengths.before(second)
    lengths.close()


def test_line_count_counts_line_ends_and_no_binary_lines() -> None:
    """As ``wc -l``: line ends, a last line without one not counted; a NUL byte makes none."""
    assert line_count(b"a\nb\nc") == 2
    assert line_count(b"") == 0
    assert line_count(b"\x00\n\n") == 0
