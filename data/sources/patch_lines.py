"""Lines of code each file of a ``git log -p`` stream adds and deletes, commit by commit.

``git log`` mines a history's line counts with ``--numstat``, which has no
text; a second ``git log -p`` over the same commits, in the same order, gives
the text the counts came from. Each commit's hunks of code files (by path:
``scoring.paths``) are read by ``scoring.code_lines``, which leaves comments,
blank lines and whitespace-only changes out. Only the current commit's hunks
are held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from data.sources.diff import _unquote
from scoring.change_files import is_generated_name
from scoring.code_lines import CONTEXT_LINES, code_lines
from scoring.paths import path_kinds

__all__ = ["PATCH_ARGS", "PATCH_MARK", "code_counts"]

# What makes ``git log`` print each commit as one RS-prefixed sha line, then its patch
# with ``CONTEXT_LINES`` of context, whatever the user's configuration of diffs says.
PATCH_MARK = "\x1e"
PATCH_ARGS = (
    "-p",
    f"-U{CONTEXT_LINES}",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--format=%x1e%H",
)

_Counts = dict[str, tuple[int, int]]


def _path(field: str, prefix: str) -> str | None:
    """A ``---``/``+++`` line's path without its ``a/``/``b/`` prefix; ``None`` for /dev/null."""
    # Git ends an unquoted name holding a space with a tab (for GNU patch).
    name = _unquote(field) if field.startswith('"') else field.rstrip("\r").removesuffix("\t")
    if name == "/dev/null":
        return None
    return name.removeprefix(prefix)


def _counted(path: str) -> bool:
    """True for the files whose lines are lexed: hand-written code by path."""
    return path_kinds(path).code and not is_generated_name(path)


class _Commit:
    """One commit's files being read: the hunks of the code files among them."""

    __slots__ = ("counts", "hunks", "old", "path", "reading")

    def __init__(self) -> None:
        self.counts: _Counts = {}
        self.hunks: list[list[str]] = []
        self.old: str | None = None
        self.path: str | None = None
        # Inside a code file's hunks.
        self.reading = False

    def file_done(self) -> None:
        if self.path is not None and self.hunks:
            self.counts[self.path] = code_lines(self.path, self.hunks)
        self.hunks, self.old, self.path, self.reading = [], None, None, False

    def line(self, text: str) -> None:
        if text.startswith("diff --git "):
            self.file_done()
            self.path = ""
        elif self.reading:
            if text.startswith("@@"):
                self.hunks.append([])
            elif self.hunks:
                self.hunks[-1].append(text or " ")
        elif self.path == "":
            # A file's headers, before its first hunk.
            if text.startswith("--- "):
                self.old = _path(text[4:], "a/")
            elif text.startswith("+++ "):
                path = _path(text[4:], "b/") or self.old
                if path is None or not _counted(path):
                    self.path = None
                else:
                    self.path = path
                    self.reading = True


def code_counts(lines: Iterable[bytes]) -> Iterator[tuple[str, _Counts]]:
    """(sha, {path: (code lines added, code lines deleted)}) of each commit, in stream order.

    ``lines`` are the output lines of ``git log`` run with ``PATCH_ARGS``. Only
    code files with hunks are keyed; a binary file, a pure rename or a file that
    is no code by its path is not.
    """
    sha: str | None = None
    commit = _Commit()
    mark = PATCH_MARK.encode()
    for raw in lines:
        if raw.startswith(mark):
            if sha is not None:
                commit.file_done()
                yield sha, commit.counts
            sha = raw[1:].strip().decode("ascii", "replace")
            commit = _Commit()
            continue
        commit.line(raw.decode("utf-8", "replace").rstrip("\n"))
    if sha is not None:
        commit.file_done()
        yield sha, commit.counts
