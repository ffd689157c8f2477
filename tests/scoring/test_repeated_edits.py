"""The same edit made to many files of one change is read once."""

from __future__ import annotations

from scoring.code_lines import code_edit
from scoring.repeated_edits import once_each


def test_an_edit_s_fingerprint_is_its_lines_of_code_whitespace_aside() -> None:
    """Two Dockerfiles bumped the same way share a fingerprint, however they are indented; a
    different bump, and a change of a comment alone, do not."""
    one = code_edit("a/Dockerfile", [["-FROM ubi8/jdk-11:1.18", "+FROM ubi8/jdk-17:1.18"]])
    two = code_edit("b/Dockerfile", [["-FROM  ubi8/jdk-11:1.18", "+FROM ubi8/jdk-17:1.18 "]])
    other = code_edit("c/Dockerfile", [["-FROM ubi8/jdk-11:1.18", "+FROM ubi8/jdk-21:1.18"]])
    comment = code_edit("d/Dockerfile", [["-# old", "+# new"]])
    assert one[:2] == two[:2] == other[:2] == (1, 1)
    assert one[2] == two[2] != other[2]
    assert comment == (0, 0, 0)


def test_a_repeated_edit_counts_once_in_path_order() -> None:
    """Of three files given the same edit the first by path keeps its lines, the others none;
    a file of its own edit and a file of no code keep theirs."""
    bump = code_edit("x/Dockerfile", [["-FROM a:1", "+FROM a:2"]])
    edits = {
        "svc-b/Dockerfile": bump,
        "svc-a/Dockerfile": bump,
        "svc-c/Dockerfile": bump,
        "svc-a/Main.java": (12, 3, 77),
        "svc-a/Empty.java": (0, 0, 0),
        "svc-b/Empty.java": (0, 0, 0),
    }
    assert once_each(edits) == {
        "svc-a/Dockerfile": (1, 1),
        "svc-b/Dockerfile": (0, 0),
        "svc-c/Dockerfile": (0, 0),
        "svc-a/Main.java": (12, 3),
        "svc-a/Empty.java": (0, 0),
        "svc-b/Empty.java": (0, 0),
    }
