"""Lines of code in a file's hunks: comments, docstrings, blank lines and whitespace changes out."""

from __future__ import annotations

from scoring.code_lines import code_lines


def test_javadoc_lines_are_no_code() -> None:
    """A Javadoc block and a trailing comment's blank line add no code; the statement does."""
    hunk = [
        " class A {",
        "+  /**",
        "+   * Returns the answer.",
        "+   *",
        "+   * @return the answer",
        "+   */",
        "+",
        "+  int answer() { return 42; } // the answer",
        " }",
    ]
    assert code_lines("src/main/java/A.java", [hunk]) == (1, 0)


def test_python_comments_docstrings_and_blank_lines_are_no_code() -> None:
    """Only the def and return lines of a Python hunk are code."""
    hunk = [
        "+def f():",
        '+    """Say what f does.',
        "+",
        "+    More about it.",
        '+    """',
        "+    # a comment",
        "+",
        "+    return 1  # trailing comments keep the line code",
    ]
    assert code_lines("pkg/mod.py", [hunk]) == (2, 0)


def test_deleted_comments_are_no_code_either() -> None:
    """Deleting a comment and a blank line deletes no code; deleting a call does."""
    hunk = [" x = 1", "-# old note", "-", "-print(x)", " y = 2"]
    assert code_lines("a.py", [hunk]) == (0, 1)


def test_whitespace_only_changes_add_no_code() -> None:
    """Re-indented lines and trailing spaces removed pair off with their old lines."""
    hunk = [
        "-if x:  ",
        "-  y = 1",
        "+if x:",
        "+    y = 1",
        "+z = 3",
    ]
    assert code_lines("a.py", [hunk]) == (1, 0)


def test_preprocessor_lines_are_code() -> None:
    """An include and a define are code, though Pygments files them under comments."""
    assert code_lines("src/x.c", [["+#include <stdio.h>", "+#define N 3", "+/* note */"]]) == (
        2,
        0,
    )


def test_a_file_no_lexer_knows_counts_its_non_blank_lines() -> None:
    """Without a lexer for the name, every non-blank line counts."""
    assert code_lines("tool/run.zzqq", [["+# kept", "+", "+   ", "+go"]]) == (2, 0)


def test_hunks_of_one_file_pair_moved_lines_across_hunks() -> None:
    """A line moved from one hunk to another adds and deletes no code."""
    first = [" a = 1", "-b = compute(a)", " c = 3"]
    second = [" d = 4", "+b  =  compute(a)", " e = 5"]
    assert code_lines("m.py", [first, second]) == (0, 0)
