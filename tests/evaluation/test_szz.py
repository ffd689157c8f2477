"""SZZ labels on tiny real repositories: planted bugs, reverts, dates, skipped lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.sources.local_git.gitlog import mine_commits
from evaluation.szz import bug_inducing, deleted_ranges
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

PARSER = "def parse(text):\n    items = text.split(',')\n    return items[0]\n"
PARSER_FIXED = (
    "def parse(text):\n    items = text.split(',')\n    return items[0] if items else None\n"
)


# Git runs with the test's environment, never the developer's config.
pytestmark = pytest.mark.usefixtures("clean_git_env")


def _labels(repo: GitRepo) -> set[str]:
    return bug_inducing(repo.path, mine_commits(repo.path))


def test_planted_bug_is_traced_to_the_commit_that_wrote_the_line(tmp_path: Path) -> None:
    """A fix changing a line blames exactly the commit that introduced it, not unrelated ones."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"README.md": "hello\n"}, "Start", T0)
    a = repo.commit({"parser.py": PARSER}, "Add parser", T0 + HOUR)
    repo.commit({"other.py": "x = 1\n"}, "Add other module", T0 + 2 * HOUR)
    repo.commit({"parser.py": PARSER_FIXED}, "Fix crash in parser (#12)", T0 + 3 * HOUR)
    assert _labels(repo) == {a}


def test_two_changed_blocks_blame_both_of_their_commits(tmp_path: Path) -> None:
    """A fix touching two separate blocks of one file blames the commit behind each block."""
    repo = GitRepo(tmp_path / "r")
    lines = [f"v{i} = {i}\n" for i in range(20)]
    repo.commit({"calc.py": "".join(lines)}, "Start", T0)
    lines[2] = "v2 = 'two'\n"
    first = repo.commit({"calc.py": "".join(lines)}, "Name two", T0 + HOUR)
    lines[15] = "v15 = 'fifteen'\n"
    second = repo.commit({"calc.py": "".join(lines)}, "Name fifteen", T0 + 2 * HOUR)
    lines[2], lines[15] = "v2 = 2\n", "v15 = 15\n"
    repo.commit({"calc.py": "".join(lines)}, "Fix wrong types (GH-7)", T0 + 3 * HOUR)
    assert _labels(repo) == {first, second}


def test_revert_labels_its_target_directly(tmp_path: Path) -> None:
    """The commit a revert names is bug-inducing, even though nothing blames it."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "x = 1\n"}, "Start", T0)
    bad = repo.commit({"b.py": "y = 2\n"}, "Add b", T0 + HOUR)
    repo.commit({"b.py": None}, f'Revert "Add b"\n\nThis reverts commit {bad}.', T0 + 2 * HOUR)
    assert _labels(repo) == {bad}


def test_revert_of_an_unknown_sha_labels_nothing(tmp_path: Path) -> None:
    """A revert naming a sha the repository does not have adds no label."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "x = 1\n"}, "Start", T0)
    repo.commit({"b.py": "y\n"}, 'Revert "gone"\n\nThis reverts commit 1234567.', T0 + HOUR)
    assert _labels(repo) == set()


def test_only_commits_earlier_than_the_fix_are_blamed(tmp_path: Path) -> None:
    """A line whose last commit is dated after the fix (a rebased history) is not blamed."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "x = 1\n"}, "Start", T0)
    # Committed in history order, but dated a day after the fix that follows it.
    repo.commit({"parser.py": PARSER}, "Add parser", T0 + 30 * HOUR)
    repo.commit({"parser.py": PARSER_FIXED}, "Fix parser bug", T0 + 5 * HOUR)
    assert _labels(repo) == set()


def test_added_files_tests_docs_and_blank_lines_are_not_blamed(tmp_path: Path) -> None:
    """A fix's new files, test edits, doc edits and deleted blank or comment lines blame nobody."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"x.py": "x = 1\n"}, "Start", T0)
    repo.commit(
        {
            "tests/test_app.py": "assert True\n",
            "docs/guide.md": "Old text\n",
            "app.py": "a = 1\n\n# a note\nb = 2\n",
        },
        "Add app, tests and guide",
        T0 + HOUR,
    )
    repo.commit(
        {
            "tests/test_app.py": "assert False\n",
            "docs/guide.md": "New text\n",
            "app.py": "a = 1\nb = 2\n",
            "new.py": "n = 1\n",
        },
        "Fix flaky behaviour",
        T0 + 2 * HOUR,
    )
    assert _labels(repo) == set()


def test_plain_szz_blames_every_line_git_blames(tmp_path: Path) -> None:
    """Plain SZZ blames a fix's test, doc and blank-line edits too: labels owing nothing to
    riskbrief's idea of code."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"x.py": "x = 1\n"}, "Start", T0)
    wrote = repo.commit(
        {"tests/test_app.py": "assert True\n", "docs/guide.md": "Old text\n"},
        "Add tests and guide",
        T0 + HOUR,
    )
    repo.commit(
        {"tests/test_app.py": "assert False\n", "docs/guide.md": "New text\n"},
        "Fix flaky behaviour",
        T0 + 2 * HOUR,
    )
    assert _labels(repo) == set()
    assert bug_inducing(repo.path, mine_commits(repo.path), plain=True) == {wrote}


def test_examples_manifests_ci_and_changelogs_are_not_blamed(tmp_path: Path) -> None:
    """A fix editing an example, a dependency pin, CI and a changelog blames nobody; a code
    edit does."""
    repo = GitRepo(tmp_path / "r")
    written = repo.commit(
        {
            "examples/demo.js": "run(1)\n",
            "package.json": '{"dependencies": {"a": "1.0.0"}}\n',
            ".github/workflows/ci.yml": "on: push\n",
            "History.md": "1.0 first\n",
            "lib/app.js": "var a = 1;\n",
        },
        "Add the library, its example and its project files",
        T0,
    )
    repo.commit(
        {
            "examples/demo.js": "run(2)\n",
            "package.json": '{"dependencies": {"a": "1.0.1"}}\n',
            ".github/workflows/ci.yml": "on: [push]\n",
            "History.md": "1.0.1 fixed\n",
        },
        "Fix the example and bump a",
        T0 + HOUR,
    )
    assert _labels(repo) == set()
    repo.commit({"lib/app.js": "var a = 2;\n"}, "Fix a", T0 + 2 * HOUR)
    assert _labels(repo) == {written}


def test_commits_that_are_not_fixes_label_nothing(tmp_path: Path) -> None:
    """Changing lines without a fix message or a revert produces no labels."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"parser.py": PARSER}, "Add parser", T0)
    repo.commit({"parser.py": PARSER_FIXED}, "Handle empty lists", T0 + HOUR)
    assert _labels(repo) == set()


def test_deleted_ranges_keep_changed_blocks_and_drop_pure_additions(tmp_path: Path) -> None:
    """Hunks give the parent's changed line blocks; inserted-only hunks are left out."""
    repo = GitRepo(tmp_path / "r")
    before = "".join(f"{i}\n" for i in range(1, 11))
    parent = repo.commit({"n.txt": before}, "Numbers", T0)
    after = "1\nTWO\n3\n3.5\n4\n5\n6\n9\n10\n"
    fix = repo.commit({"n.txt": after}, "Change", T0 + HOUR)
    assert deleted_ranges(repo.path, parent, fix, "n.txt") == [(2, 1), (7, 2)]


def _gitlink(repo: GitRepo, path: str, sha: str) -> None:
    """Stage ``path`` as a submodule at commit ``sha`` (a gitlink), as `git submodule add` does."""
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{path}")


def test_a_submodule_added_bumped_by_a_fix_then_removed_is_skipped(tmp_path: Path) -> None:
    """A fix that also moves a submodule blames only its files: the gitlink, which git cannot
    blame, is skipped rather than ending the labelling."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"README.md": "hello\n"}, "Start", T0)
    a = repo.commit({"parser.py": PARSER}, "Add parser", T0 + HOUR)
    _gitlink(repo, "lib/support/haml", "1" * 40)
    repo.commit({}, "Add haml as a submodule", T0 + 2 * HOUR)
    _gitlink(repo, "lib/support/haml", "2" * 40)
    repo.commit({"parser.py": PARSER_FIXED}, "Fix crash in parser (#12)", T0 + 3 * HOUR)
    _gitlink(repo, "lib/support/haml", "3" * 40)
    repo.commit({}, "Fix haml by bumping it", T0 + 4 * HOUR)
    repo.git("rm", "-q", "--cached", "lib/support/haml")
    repo.commit({}, "Remove the haml submodule", T0 + 5 * HOUR)
    assert _labels(repo) == {a}
