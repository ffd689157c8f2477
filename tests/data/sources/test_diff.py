"""Unified diffs from real git and diff, read as files and line counts; broken ones refused."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from data.sources.diff import MAX_DIFF_BYTES, DiffError, DiffFile, parse_diff
from scoring.errors import SourceError
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 2, 10, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _numstat(repo: GitRepo, *revs: str) -> dict[str, tuple[int, int]]:
    """git's own counts per new path, to check the parser against."""
    out = repo.git("diff", "--numstat", "-z", "-M", *revs)
    fields = out.split("\0")
    counts: dict[str, tuple[int, int]] = {}
    i = 0
    while i < len(fields):
        if not fields[i]:
            i += 1
            continue
        added, deleted, name = fields[i].split("\t", 2)
        i += 1
        if not name:
            name = fields[i + 1]
            i += 2
        counts[name] = (0 if added == "-" else int(added), 0 if deleted == "-" else int(deleted))
    return counts


def test_a_git_diff_of_every_kind_of_file_matches_git_s_numstat(tmp_path: Path) -> None:
    """Edits, a rename with spaces, an add, a delete, a binary file and odd names agree with git."""
    repo = GitRepo(tmp_path / "r")
    body = "".join(f"line {n}\n" for n in range(50))
    repo.commit(
        {
            "src/app.py": "import os\n-- not a header\nx = 1\n",
            "old name.txt": body,
            "gone.txt": "a\nb\n",
            "img.bin": b"\x00\x01\x02",
        },
        "start",
        T0,
    )
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("mv", "old name.txt", "new name.txt")
    repo.commit(
        {
            # A deleted line reading "-- not a header" shows as "--- not a header" in the diff.
            "src/app.py": "import os\n+++ added\nx = 2\n",
            "new name.txt": body + "one more\n",
            "gone.txt": None,
            "img.bin": b"\x00\x01\x03\x04",
            "tab\there/é.py": "print('hi')\n",
            'quote"d.py': "q\n",
        },
        "change",
        T0,
    )
    text = repo.git("diff", "-M", base, "HEAD")
    files = {f.path: f for f in parse_diff(text)}
    expected = _numstat(repo, base, "HEAD")
    assert {p: (f.added, f.deleted) for p, f in files.items()} == expected
    assert files["new name.txt"].status == "renamed"
    assert files["new name.txt"].old_path == "old name.txt"
    assert files["gone.txt"].status == "deleted"
    assert files["tab\there/é.py"].status == "added"
    assert files["img.bin"].binary
    assert files['quote"d.py'].added == 1


def test_diff_u_of_two_folders_drops_their_names(tmp_path: Path) -> None:
    """`diff -ruN old new` names old/x and new/x with timestamps; the path is x."""
    for side, text in (("old", "a\nb\nc\n"), ("new", "a\nB\nc\nd\n")):
        (tmp_path / side / "pkg").mkdir(parents=True)
        (tmp_path / side / "pkg" / "m.py").write_text(text, encoding="utf-8")
    (tmp_path / "new" / "added.py").write_text("n\n", encoding="utf-8")
    done = subprocess.run(
        ["diff", "-ruN", "old", "new"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    files = {f.path: f for f in parse_diff(done.stdout)}
    assert files["pkg/m.py"] == DiffFile("pkg/m.py", 2, 1, code_added=2, code_deleted=1)
    # -N shows a new file against an empty one, dated the epoch.
    assert (files["added.py"].added, files["added.py"].deleted) == (1, 0)


def test_bytes_and_crlf_and_no_newline_markers_are_read() -> None:
    """A diff as bytes with CRLF lines and a '\\ No newline' marker counts the same."""
    text = (
        b"--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n"
        b"\\ No newline at end of file\r\n+c\r\n\\ No newline at end of file\r\n"
    )
    assert parse_diff(text) == (DiffFile("w.txt", 1, 1),)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "holds no unified diff"),
        ("just some words\nand more\n", "holds no unified diff"),
        ("--- a/x\nnot plus\n", "should start with '+++ '"),
        ("--- a/x\n", "no '+++ ' line"),
        ("@@ -1 +1 @@\n-a\n+b\n", "before any file header"),
        ("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n+b\n", "cut short"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n*a\n+b\n", "starts with '*'"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n-b\n+c\n", "more lines than its header"),
        ("--- /dev/null\n+++ /dev/null\n", "/dev/null on both sides"),
        ('--- "a/bad\\q"\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n', "broken escape"),
        ("diff --cc m.py\nindex 1,2..3\n", "combined diff"),
    ],
)
def test_malformed_diffs_are_one_sentence(text: str, says: str) -> None:
    """Each broken diff is a DiffError (a SourceError) of one sentence saying what is wrong."""
    with pytest.raises(DiffError) as caught:
        parse_diff(text)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message
    assert isinstance(caught.value, SourceError)


def test_a_diff_over_the_cap_is_refused_before_it_is_read() -> None:
    """More than MAX_DIFF_BYTES: refused with the size, whatever the content."""
    with pytest.raises(DiffError, match="more than riskbrief reads"):
        parse_diff(b"x" * (MAX_DIFF_BYTES + 1))


def test_header_only_changes_from_git_are_files_without_lines(tmp_path: Path) -> None:
    """A mode change, a pure rename with spaces and an empty new file have no hunks at all."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"run.sh": "echo\n", "a b.txt": "same\n"}, "start", T0)
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("update-index", "--chmod=+x", "run.sh")
    repo.git("mv", "a b.txt", "c d.txt")
    repo.commit({"empty.txt": ""}, "modes", T0)
    files = {f.path: f for f in parse_diff(repo.git("diff", "-M", base, "HEAD"))}
    assert files == {
        "run.sh": DiffFile("run.sh", 0, 0),
        "c d.txt": DiffFile("c d.txt", 0, 0, "renamed", "a b.txt"),
        "empty.txt": DiffFile("empty.txt", 0, 0, "added"),
    }


def test_code_files_carry_their_lines_of_code() -> None:
    """A diff's code files are lexed (comments, blank lines and CRLF ends are no code); docs
    and tests are not, and a binary file has no hunks to read."""
    text = (
        "diff --git a/src/app.py b/src/app.py\n"
        "--- a/src/app.py\n"
        "+++ b/src/app.py\n"
        "@@ -1,3 +1,6 @@\n"
        " import os\r\n"
        "+# Why.\r\n"
        "+\r\n"
        "+x = os.sep\r\n"
        "\n"
        "-y = 1\n"
        "+y  =  1\n"
        "diff --git a/README.md b/README.md\n"
        "--- a/README.md\n"
        "+++ b/README.md\n"
        "@@ -1 +1 @@\n"
        "-a\n"
        "+b\n"
        "diff --git a/logo.png b/logo.png\n"
        "Binary files a/logo.png and b/logo.png differ\n"
    )
    files = {f.path: (f.added, f.deleted, f.code_added, f.code_deleted) for f in parse_diff(text)}
    assert files == {
        "src/app.py": (4, 1, 1, 0),
        "README.md": (1, 1, None, None),
        "logo.png": (0, 0, None, None),
    }


def test_the_same_edit_in_several_files_of_a_diff_is_read_once() -> None:
    """Of three files a diff gives the same one-line edit, the first by path keeps its line of
    code and the others none; their lines changed stay as the diff counts them."""
    text = "".join(
        f"diff --git a/{p}/version.py b/{p}/version.py\n--- a/{p}/version.py\n"
        f"+++ b/{p}/version.py\n@@ -1 +1 @@\n-VERSION = '1.0'\n+VERSION = '1.1'\n"
        for p in ("b", "a", "c")
    )
    files = {f.path: (f.added, f.deleted, f.code_added, f.code_deleted) for f in parse_diff(text)}
    assert files == {
        "a/version.py": (1, 1, 1, 1),
        "b/version.py": (1, 1, 0, 0),
        "c/version.py": (1, 1, 0, 0),
    }
