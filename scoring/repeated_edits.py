"""The same edit made to many files of one change is read once.

A release that bumps a version in the Dockerfiles and the start page of each of a hundred
quickstarts (quarkus-quickstarts' "Bump version to 3.7.1": 814 changed lines in 318 files, nine
distinct ones whitespace aside), a rename of one call in every module, a licence header put on
every file: the lines a reviewer must read are those of one file, and the change's spread says
how many files it touched. So a file whose lines of code added and deleted are the same as an
earlier file's of the change (``scoring.code_lines.code_edit``, whitespace aside; files in path
order) counts no line of code; the first keeps its own. Only a source that read the lines can
tell (a clone, a diff); a code host's counts stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["once_each"]


def once_each(edits: Mapping[str, tuple[int, int, int]]) -> dict[str, tuple[int, int]]:
    """{path: (lines of code added, deleted)} of ``edits`` ({path: (added, deleted, edit)}),
    (0, 0) for a file whose edit an earlier path of the same change already made."""
    seen: set[int] = set()
    out: dict[str, tuple[int, int]] = {}
    for path in sorted(edits):
        added, deleted, edit = edits[path]
        if edit and edit in seen:
            out[path] = (0, 0)
            continue
        seen.add(edit)
        out[path] = (added, deleted)
    return out
