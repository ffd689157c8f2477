"""Mining a real git history into changes: numstat, binaries, renames, paths, messages, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.sources.local_git.gitlog import MinedCommit, mine_commits, reverted_request, reverted_sha
from data.sources.local_git.mined_commit import merged_revert_words
from scoring.errors import SourceError
from scoring.facts import FileChange
from tests.data.sources.gitrepo import GitRepo, git_env

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


# Git runs with the test's environment, never the developer's config.
pytestmark = pytest.mark.usefixtures("clean_git_env")


def _mine(repo: GitRepo) -> list[MinedCommit]:
    return list(mine_commits(repo.path))


def test_numstat_of_a_known_commit(tmp_path: Path) -> None:
    """A commit's files come with the exact lines added and deleted, and its fields are set."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"app.py": "a\nb\nc\n"}, "Add app", T0)
    sha = repo.commit(
        {"app.py": "a\nB\nc\nd\n", "lib/util.py": "x\n"},
        "Rework app\n\nLonger body.",
        T0 + timedelta(hours=1),
        author="Grace Hopper <Grace@Example.COM>",
    )
    first, second = _mine(repo)
    assert first.parent is None
    assert second.sha == sha
    assert second.parent == first.sha
    change = second.change
    assert change.key == f"shop@{sha[:12]}"
    assert change.repository == "shop"
    assert change.title == "Rework app"
    assert change.author == "grace@example.com"
    assert change.merged_at == T0 + timedelta(hours=1)
    assert change.merged_at.tzinfo is not None
    # Lines of code come from the patch: every changed line here is code.
    assert change.files == (
        FileChange("app.py", 2, 1, code_added=2, code_deleted=1),
        FileChange("lib/util.py", 1, 0, code_added=1, code_deleted=0),
    )


def test_binary_file_counts_no_lines_and_odd_paths_survive(tmp_path: Path) -> None:
    """A binary file has 0 lines; paths with a space, a tab or non-ASCII come back verbatim."""
    repo = GitRepo(tmp_path / "r")
    repo.commit(
        {
            "logo.png": b"\x89PNG\x00\x01\x02",
            "docs/my notes.py": "one\ntwo\n",
            "tab\tname.py": "t\n",
            "ünïcode.py": "u\n",
        },
        "Add files",
        T0,
    )
    (commit,) = _mine(repo)
    assert sorted(commit.change.files, key=lambda f: f.path) == [
        FileChange("docs/my notes.py", 2, 0),
        FileChange("logo.png", 0, 0),
        FileChange("tab\tname.py", 1, 0, code_added=1, code_deleted=0),
        FileChange("ünïcode.py", 1, 0, code_added=1, code_deleted=0),
    ]


def test_rename_is_reported_under_the_new_path(tmp_path: Path) -> None:
    """A moved and edited file appears once, under its new path, with the edit's line counts and
    the path it had before."""
    repo = GitRepo(tmp_path / "r")
    body = "".join(f"line {i}\n" for i in range(20))
    repo.commit({"src/old name.py": body}, "Add", T0)
    (repo.path / "pkg").mkdir()
    repo.git("mv", "src/old name.py", "pkg/new name.py")
    repo.commit({"pkg/new name.py": body + "extra\n"}, "Move", T0 + timedelta(hours=1))
    _, moved = _mine(repo)
    assert moved.change.files == (
        FileChange(
            "pkg/new name.py", 1, 0, code_added=1, code_deleted=0, previous_path="src/old name.py"
        ),
    )


def test_commits_come_oldest_first_without_merges(tmp_path: Path) -> None:
    """Merge commits are skipped and the rest come in history order, oldest first."""
    repo = GitRepo(tmp_path / "r")
    a = repo.commit({"a.py": "1\n"}, "A", T0)
    repo.git("checkout", "-q", "-b", "topic")
    b = repo.commit({"b.py": "1\n"}, "B", T0 + timedelta(hours=1))
    repo.git("checkout", "-q", "main")
    c = repo.commit({"c.py": "1\n"}, "C", T0 + timedelta(hours=2))
    stamp = f"{int((T0 + timedelta(hours=3)).timestamp())} +0000"
    repo.git(
        "-c",
        "user.name=M",
        "-c",
        "user.email=m@example.com",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge topic",
        "topic",
        env=git_env() | {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    shas = [c.sha for c in _mine(repo)]
    assert shas[0] == a
    assert sorted(shas[1:]) == sorted([b, c])
    assert len(shas) == 3


def test_a_folder_inside_the_clone_is_keyed_by_the_clone(tmp_path: Path) -> None:
    """Mining from a subfolder gives the clone's name, not the subfolder's, in every key."""
    repo = GitRepo(tmp_path / "shop")
    sha = repo.commit({"lib/a.py": "1\n"}, "A", T0)
    (commit,) = mine_commits(repo.path / "lib")
    assert commit.change.key == f"shop@{sha[:12]}"
    assert commit.change.repository == "shop"


def test_stopping_early_ends_quietly(tmp_path: Path) -> None:
    """A consumer that takes only the first commit and stops gets no error from the cut-off git."""
    repo = GitRepo(tmp_path / "r")
    first = repo.commit({"a.py": "1\n"}, "A", T0)
    for hour in range(1, 30):
        repo.commit({"a.py": f"{hour}\n"}, f"Change {hour}", T0 + timedelta(hours=hour))
    commits = mine_commits(repo.path)
    assert next(commits).sha == first
    commits.close()


def test_empty_repository_yields_nothing(tmp_path: Path) -> None:
    """A repository without commits is mined as no changes, not an error."""
    repo = GitRepo(tmp_path / "empty")
    assert _mine(repo) == []


def test_revert_is_detected_with_its_target(tmp_path: Path) -> None:
    """A revert commit is flagged and names the full sha it reverts."""
    repo = GitRepo(tmp_path / "r")
    bad = repo.commit({"a.py": "1\n"}, "Add a", T0)
    repo.commit(
        {"a.py": None}, f'Revert "Add a"\n\nThis reverts commit {bad}.', T0 + timedelta(hours=1)
    )
    first, revert = _mine(repo)
    assert not first.change.is_revert
    assert revert.change.is_revert
    assert revert.reverts == bad
    assert revert.change.files == (FileChange("a.py", 0, 1, code_added=0, code_deleted=1),)


def test_reverted_sha_reads_the_standard_body() -> None:
    """The sha named by git's revert message is returned lower-cased; other bodies give None."""
    assert reverted_sha('Revert "x"', "This reverts commit ABCDEF1234567.") == "abcdef1234567"
    assert reverted_sha("Revert the revert", "no sha here") is None


def test_a_merged_squash_of_other_work_that_carried_a_revert_says_nothing_for_its_request() -> None:
    """Inside a merged branch, a squash whose subject is other work and whose "* subject" list
    carries a revert among other commits (gin-gonic/gin's "add custom Delims support (#860)")
    says nothing for the request; a squash of reverts only, one titled as a revert, or one
    commit's own message still does, and a landed squash keeps its note."""
    carried = (
        "* Add tests for cast helpers\n\n"
        '* Revert "Merge pull request #753 from gin-gonic/bug"\n\n'
        "This reverts commit 556287ff0856a5ad1f9a1b493c188cabeceba929, reversing\n"
        "changes made to 32cab500ecc71d2975f5699c8a65c6debb29cfbe.\n\n"
        "* Reverts gin-gonic/gin#744\n"
    )
    assert merged_revert_words("add custom Delims support (#860)", carried) == ""
    assert merged_revert_words('Revert "the bug fix" (#861)', carried) == carried
    only_reverts = '* Revert "a"\n\nThis reverts commit abcdef1.\n\n* Revert "b"\n'
    assert merged_revert_words("Undo last week's logging (#900)", only_reverts) == only_reverts
    own = "This reverts commit abcdef1."
    assert merged_revert_words("Undo a (#901)", own) == own
    # Landed on the branch itself, the squash is read whole (apache/groovy's #1055).
    assert reverted_sha("add custom Delims support (#860)", carried) == (
        "556287ff0856a5ad1f9a1b493c188cabeceba929"
    )


def test_not_a_repository_is_one_sentence(tmp_path: Path) -> None:
    """A directory that is not a git clone gives a SourceError saying what to pass."""
    with pytest.raises(SourceError, match=r"is not a git repository; pass the path of a local"):
        _mine_path(tmp_path)


def test_missing_directory_is_one_sentence(tmp_path: Path) -> None:
    """A path that does not exist gives a SourceError, not a traceback from git."""
    with pytest.raises(SourceError, match="is not a directory"):
        _mine_path(tmp_path / "nowhere")


def test_bad_revision_is_one_sentence(tmp_path: Path) -> None:
    """A revision that is not in the repository gives a SourceError naming it."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "1\n"}, "A", T0)
    with pytest.raises(SourceError, match="'nope' is not a commit"):
        list(mine_commits(repo.path, rev="nope"))


def test_missing_git_binary_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without git on PATH the error says to install git."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SourceError, match="git is not installed"):
        _mine_path(tmp_path)


def _mine_path(path: Path) -> list[MinedCommit]:
    return list(mine_commits(path))


def test_bug_keys_decide_whether_an_issue_key_is_a_fix(tmp_path: Path) -> None:
    """Mining with the tracker's bug keys marks only commits naming a bug issue as fixes."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "1\n"}, "SHOP-1: add a", T0)
    repo.commit({"a.py": "2\n"}, "SHOP-2: change a", T0 + timedelta(hours=1))
    plain = [c.change.is_fix for c in mine_commits(repo.path)]
    known = [c.change.is_fix for c in mine_commits(repo.path, bug_keys=frozenset({"SHOP-2"}))]
    assert plain == [False, False]
    assert known == [False, True]


def test_lines_of_code_leave_comments_docs_and_whitespace_out(tmp_path: Path) -> None:
    """Mined code files count only their lines of code; docs and tests get no such count."""
    repo = GitRepo(tmp_path / "r")
    java = "class A {\n  int x() { return 1; }\n}\n"
    repo.commit({"src/A.java": java, "app.py": "x = 1\n"}, "Add", T0)
    javadoc = "class A {\n  /**\n   * The x.\n   *\n   * @return one\n   */\n" + java[10:]
    repo.commit(
        {
            "src/A.java": javadoc,
            "app.py": "x  =  1\n# why\n\ny = x\n",
            "README.md": "# Title\n",
            "tests/test_app.py": "def test_x():\n    pass\n",
        },
        "Document A",
        T0 + timedelta(hours=1),
    )
    _, second = _mine(repo)
    files = {f.path: f for f in second.change.files}
    assert (files["src/A.java"].added, files["src/A.java"].code_added) == (5, 0)
    # "x  =  1" only changed whitespace; the comment and blank line are no code.
    assert (files["app.py"].added, files["app.py"].code_added) == (4, 1)
    assert files["app.py"].code_deleted == 0
    assert files["README.md"].code_added is None
    assert files["tests/test_app.py"].code_added is None


def test_python_lines_moved_under_a_new_if_are_code(tmp_path: Path) -> None:
    """Re-indented Python is changed code, not whitespace: each moved line counts added
    and deleted, beside the new ``if``; in JavaScript the same move counts only the ``if``."""
    repo = GitRepo(tmp_path / "r")
    body = ["charge(cart)", "notify(cart)", "log(cart)"]
    repo.commit({"app.py": "\n".join(body) + "\n", "app.js": ";\n".join(body) + ";\n"}, "Add", T0)
    repo.commit(
        {
            "app.py": "if cart:\n" + "".join(f"    {line}\n" for line in body),
            "app.js": "if (cart) {\n" + "".join(f"    {line};\n" for line in body) + "}\n",
        },
        "Charge only a cart",
        T0 + timedelta(hours=1),
    )
    _, second = _mine(repo)
    files = {f.path: (f.code_added, f.code_deleted) for f in second.change.files}
    assert files == {"app.py": (4, 3), "app.js": (2, 0)}


def test_one_pass_reads_every_commit_s_patch_beside_its_numstat(tmp_path: Path) -> None:
    """Empty commits, binaries, mode changes, a body with blank lines and a patch far longer
    than a read chunk: every commit keeps its own files and lines of code, in order."""
    repo = GitRepo(tmp_path / "r")
    big = "".join(f"v{i} = {i}  # note\n" for i in range(20_000))
    repo.commit({"app.py": big, "logo.png": b"\x89PNG\x00"}, "Big\n\nBody\n\nwith gaps", T0)
    repo.commit({}, "Nothing", T0 + timedelta(hours=1))
    (repo.path / "app.py").chmod(0o755)
    repo.commit({"app.py": big + "w = 1\n"}, "Mode and a line", T0 + timedelta(hours=2))
    repo.commit({"docs/x.md": "# x\n"}, "Docs", T0 + timedelta(hours=3))
    commits = _mine(repo)
    assert [c.change.title for c in commits] == ["Big", "Nothing", "Mode and a line", "Docs"]
    assert commits[0].body.strip() == "Body\n\nwith gaps"
    files = [{f.path: (f.added, f.code_added) for f in c.change.files} for c in commits]
    assert files == [
        {"app.py": (20_000, 20_000), "logo.png": (0, None)},
        {},
        {"app.py": (1, 1)},
        {"docs/x.md": (1, None)},
    ]


def test_without_code_lines_files_have_their_counts_alone(tmp_path: Path) -> None:
    """``code_lines=False`` (a history's index, SZZ's fixes) reads no patch."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": "x = 1\n# c\n"}, "Add", T0)
    repo.commit({"app.py": "x = 2\n"}, "Fix", T0 + timedelta(hours=1))
    commits = list(mine_commits(repo.path, code_lines=False))
    assert [c.change.files for c in commits] == [
        (FileChange("app.py", 2, 0),),
        (FileChange("app.py", 1, 2),),
    ]


def test_a_first_parent_merge_counts_its_patch_against_the_first_parent(tmp_path: Path) -> None:
    """Mined along first parents, a merge is one change whose lines of code are its branch's."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": "x = 1\n"}, "Start", T0)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"app.py": "x = 1\n# why\ny = 2\n"}, "Grow", T0 + timedelta(hours=1))
    repo.git("checkout", "-q", "main")
    repo.merge("feature", "Merge pull request #1 from a/feature", T0 + timedelta(hours=2))
    commits = list(mine_commits(repo.path, first_parent=True))
    assert [c.change.title for c in commits][-1].startswith("Merge pull request #1")
    assert commits[-1].change.files == (FileChange("app.py", 2, 0, code_added=1, code_deleted=0),)


def test_reverted_request_reads_gitlab_and_github_numbers() -> None:
    """GitLab's ``!N``, GitHub's ``Reverts owner/repo#N`` and a ``Revert #N`` subject; a
    number merely mentioned is none."""
    assert reverted_request("This reverts merge request !7") == ("", 7)
    assert reverted_request("Reverts pallets/flask#1811") == ("pallets/flask", 1811)
    assert reverted_request("Fix #2005\n\nRevert #1679 and #1996") == ("", 1679)
    assert reverted_request("", "Revert #2636 - It caused issues") == ("", 2636)
    assert reverted_request("", "Reverts #2493 - Upgrades will again contact the index") == (
        "",
        2493,
    )
    assert reverted_request("See #12 and the revert of #13", "Fix the cache (#14)") is None
    assert reverted_request("", 'Revert "Add the cache (#13)"') is None


def test_the_same_edit_in_many_files_is_read_once(tmp_path: Path) -> None:
    """A release bumping one base image in the Dockerfile of each of six services counts the
    lines of code of one Dockerfile; a seventh service's own edit keeps its lines."""
    repo = GitRepo(tmp_path / "quickstarts")
    start: dict[str, str | bytes | None] = {
        f"svc{i}/Dockerfile": f"FROM ubi8/openjdk-11:1.18\nCOPY app{i}.jar /app.jar\n"
        for i in range(6)
    }
    start["svc6/Main.py"] = "print('hello')\n"
    repo.commit(start, "Start", T0)
    bump: dict[str, str | bytes | None] = {
        f"svc{i}/Dockerfile": f"FROM ubi8/openjdk-17:1.18\nCOPY app{i}.jar /app.jar\n"
        for i in range(6)
    }
    bump["svc6/Main.py"] = "print('hello, world')\nprint('bye')\n"
    repo.commit(bump, "Bump the base image", T0 + timedelta(days=1))
    *_, mined = _mine(repo)
    code = {f.path: (f.added, f.deleted, f.code_added, f.code_deleted) for f in mined.change.files}
    assert code["svc0/Dockerfile"] == (1, 1, 1, 1)
    assert all(code[f"svc{i}/Dockerfile"] == (1, 1, 0, 0) for i in range(1, 6))
    assert code["svc6/Main.py"] == (2, 1, 2, 1)
