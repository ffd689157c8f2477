"""Lines of code each file of a patch adds and deletes: comments, blank lines and whitespace out.

A patch is ``git log -p`` / ``git diff -p`` output (run with ``PATCH_ARGS``),
read one file's patch (``diff --git`` to the next) at a time. A code file's
(by path: ``scoring.change_files.lexed_path``) hunks are read by
``scoring.code_lines``; any other file's patch is passed over from its headers
alone, neither decoded nor split into lines, and so is a file with no extension and no name
Linguist knows that git does not mark executable (text, not a script).
"""

from __future__ import annotations

from data.sources.diff import _unquote
from scoring.change_files import lexed_path
from scoring.code_lines import CONTEXT_LINES, code_edit
from scoring.linguist import language_of
from scoring.repeated_edits import once_each

__all__ = ["FILE_START", "PATCH_ARGS", "file_code_lines", "patch_code_counts"]

# What makes git print each file's patch with ``CONTEXT_LINES`` of context and the
# standard ``a/``/``b/`` prefixes, whatever the user's configuration of diffs says.
PATCH_ARGS = (
    "-p",
    f"-U{CONTEXT_LINES}",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)

# How each file's patch starts.
FILE_START = b"diff --git "


def _path(field: bytes, prefix: str) -> str | None:
    """A ``---``/``+++`` line's path without its ``a/``/``b/`` prefix; ``None`` for /dev/null."""
    text = field.decode("utf-8", "replace")
    # Git ends an unquoted name holding a space with a tab (for GNU patch).
    name = _unquote(text) if text.startswith('"') else text.rstrip("\r").removesuffix("\t")
    if name == "/dev/null":
        return None
    return name.removeprefix(prefix)


def _unknown_plain_name(path: str) -> bool:
    """A name with no extension that Linguist knows no language for (not ``Makefile``,
    ``Rakefile`` or ``Dockerfile``): a script only when executable."""
    name = path.rpartition("/")[2]
    return "." not in name.lstrip(".") and language_of(name) is None


def file_code_lines(patch: bytes) -> tuple[str, tuple[int, int, int]] | None:
    """(path, (code lines added, code lines deleted, the edit's fingerprint)) of one file's
    patch (``scoring.code_lines.code_edit``); ``None`` when it is no code by its path or has
    no hunks (a binary file, a pure rename, a mode change).

    ``patch`` runs from its ``diff --git`` line to the next file's.
    """
    body = patch.find(b"\n@@")
    if body < 0:
        return None
    old = new = mode = None
    for header in patch[:body].split(b"\n"):
        if header.startswith(b"--- "):
            old = _path(header[4:], "a/")
        elif header.startswith(b"+++ "):
            new = _path(header[4:], "b/")
        elif header.startswith((b"index ", b"new file mode ", b"deleted file mode ", b"new mode ")):
            # ``index a..b 100644`` names the mode when it did not change; the others when it did.
            mode = header.rsplit(b" ", 1)[-1] if header.count(b" ") >= 2 else mode
    path = new or old
    if path is None or not lexed_path(path):
        return None
    if mode is not None and not mode.endswith(b"755") and _unknown_plain_name(path):
        # A file without an extension is code only as a script, and git marks a script
        # executable: helix's ``runtime/tutor``, a tutorial, is text.
        return path, (0, 0, 0)
    hunks: list[list[str]] = []
    hunk: list[str] = []
    text = patch[body + 1 :]
    for line in text.removesuffix(b"\n").decode("utf-8", "replace").split("\n"):
        if line.startswith("@@"):
            hunk = []
            hunks.append(hunk)
        else:
            # An empty line is a blank context line (``diff.suppressBlankEmpty``).
            hunk.append(line.rstrip("\r") or " ")
    return path, code_edit(path, hunks)


def patch_code_counts(text: bytes) -> dict[str, tuple[int, int]]:
    """{path: (code lines added, code lines deleted)} of one patch's code files, an edit
    repeated from an earlier file counted once (``scoring.repeated_edits``)."""
    counts: dict[str, tuple[int, int, int]] = {}
    start = text.find(FILE_START)
    while start >= 0:
        end = text.find(b"\n" + FILE_START, start)
        found = file_code_lines(text[start : end + 1 if end >= 0 else len(text)])
        if found is not None:
            counts[found[0]] = found[1]
        start = end + 1 if end >= 0 else -1
    return once_each(counts)
