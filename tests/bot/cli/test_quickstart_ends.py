"""quickstart's edges: a file, a missing folder, an empty clone, a clone only busy this week,
a damaged clone and a shallow one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from briefing.week import IsoWeek
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo, lose_object, shallow_clone

pytestmark = pytest.mark.usefixtures("clean_git_env", "workdir", "utc", "pinned_now")


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's zone is UTC, so the drafted time zone is known."""
    monkeypatch.setenv("TZ", "UTC")


def _refused(args: list[str]) -> str:
    """quickstart's one-line refusal; it wrote no riskbrief.toml and raised no traceback."""
    result = CliRunner().invoke(main, ["quickstart", *args])
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert not Path("riskbrief.toml").exists()
    return lines[0]


def test_a_file_is_no_clone(workdir: Path) -> None:
    """`quickstart README.md` says the file is not a clone and what to pass, in one sentence."""
    (workdir / "README.md").write_text("hi\n", encoding="utf-8")
    line = _refused(["README.md"])
    assert line == ("Error: README.md is a file, not a git clone; pass the folder of a local clone")


def test_a_missing_folder_is_said_as_such(workdir: Path) -> None:
    """`quickstart /nonexistent` says the folder does not exist, in one sentence."""
    missing = workdir / "nonexistent"
    line = _refused([str(missing)])
    assert line == f"Error: {missing} does not exist; pass the folder of a local clone"


def test_a_clone_without_commits_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """An empty clone has nothing to brief: quickstart says so and writes no draft."""
    empty = GitRepo(tmp_path / "empty")
    line = _refused([str(empty.path)])
    assert "has no commits yet" in line


def test_a_clone_busy_only_this_week_briefs_last_week_and_says_each_thing_once(
    tmp_path: Path,
) -> None:
    """Changes only in the running week: no crash, the week is named once, no repeated advice."""
    repo = GitRepo(tmp_path / "fresh")
    now = THURSDAY
    start, _ = IsoWeek.of(now.date()).bounds("UTC")
    repo.commit({"src/app/__init__.py": "x\n"}, "Start", max(start, now - timedelta(minutes=5)))
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 0, result.output
    week = IsoWeek.of(now.date()).id
    assert f"in {week}, which is not over yet" in result.output
    assert result.output.count("No data") == 1
    # The briefing's no-data line says what to run; the next step does not say it again.
    assert "riskbrief sync" not in result.output.split("Next:", 1)[1]


def test_a_damaged_clone_fails_quickstart_without_advising_the_step_that_failed(
    tmp_path: Path,
) -> None:
    """A clone git cannot read whole: quickstart exits 1 saying what failed and how to mend it,
    briefs nothing, and never says "No data yet… Run `riskbrief sync`"."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", THURSDAY - timedelta(days=20))
    repo.commit({"src/app/main.py": "a = 2\n"}, "Grow", THURSDAY - timedelta(days=10))
    lose_object(repo, "HEAD~1:src/app/main.py")
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "git shop: failed: git log failed (unable to read" in result.output
    assert "`git fsck` there" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: reading git shop failed as said above, so nothing was briefed; mend what it "
        "says, then run `riskbrief sync` and `riskbrief brief` with riskbrief.toml"
    )
    assert "No data" not in result.output
    assert not Path("out").exists()


def test_a_shallow_clone_is_briefed_without_its_cut_commit_and_says_so(tmp_path: Path) -> None:
    """quickstart on a --depth clone counts no change the cut made up and names the fix."""
    repo = GitRepo(tmp_path / "origin")
    repo.commit({"src/app/main.py": "a = 1\n" * 5000}, "Start", THURSDAY - timedelta(days=20))
    repo.commit({"src/app/main.py": "a = 2\n" * 5000}, "Grow", THURSDAY - timedelta(days=10))
    repo.commit({"src/app/more.py": "b = 1\n"}, "Add more", THURSDAY - timedelta(days=9))
    shallow = shallow_clone(repo.path, tmp_path / "shop", 2)
    result = CliRunner().invoke(main, ["quickstart", str(shallow)])
    assert result.exit_code == 0, result.output
    # Named from its origin's URL, ``<folder>/origin``.
    name = f"{tmp_path.name}/origin"
    assert f"git {name}: 1 change added, 0 updated" in result.output
    assert (
        f"{name}: {shallow} is a shallow clone, so its history before the cut is unknown "
        "(1 commit at the cut, whose diff is the whole tree, not stored as changes); run "
        "`git fetch --unshallow` in it (fetch-depth: 0 in CI), then sync again."
    ) in result.output


def test_a_clone_missing_a_tag_object_is_damaged_not_no_clone(tmp_path: Path) -> None:
    """A tag whose object is gone fails the draft in one sentence naming `git fsck`, not
    "is not a git clone"."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", THURSDAY - timedelta(days=20))
    repo.tag("v1.0", THURSDAY - timedelta(days=19))
    lost = lose_object(repo, "v1.0")
    line = _refused([str(repo.path)])
    assert line.startswith(f"Error: git for-each-ref failed (missing object {lost}")
    assert "so the clone cannot be read whole; `git fsck` there names" in line


def test_a_bare_clone_is_told_to_make_a_working_clone_not_called_damaged(tmp_path: Path) -> None:
    """`quickstart` of a `git clone --bare` says it is bare and how to make a working clone,
    in one sentence, never naming `git fsck`."""
    repo = GitRepo(tmp_path / "origin")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", THURSDAY - timedelta(days=20))
    bare = tmp_path / "shop.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(bare))
    line = _refused([str(bare)])
    assert line == (
        f"Error: {bare} is a bare repository (no working tree); make a working clone with "
        f"`git clone {bare} <folder>` and pass that folder."
    )
