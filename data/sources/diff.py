"""A unified diff (``git diff``, ``diff -u``) read as the files it changes and their line counts.

The text is outside input (pasted by a user, sent by an agent), so it is read
defensively: at most ``MAX_DIFF_BYTES``, hunks are counted by their own headers
(a deleted line reading ``--- x`` stays a deleted line), and anything that is
not a diff ends in one ``DiffError`` sentence. Paths keep whatever characters
they hold: git's quoted paths (``"a/tab\\there"``, octal UTF-8 escapes) are
unquoted, and ``a/``/``b/`` prefixes are dropped as ``git apply`` does.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from scoring.change_files import lexed_path
from scoring.code_lines import code_edit
from scoring.errors import SourceError
from scoring.repeated_edits import once_each

__all__ = ["MAX_DIFF_BYTES", "DiffError", "DiffFile", "diff_key", "parse_diff"]

# A diff larger than this is no single change anyone reviews; reading it would only cost memory.
MAX_DIFF_BYTES = 20 * 1024 * 1024

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def diff_key(diff: str | bytes) -> str:
    """What an answer about a diff is keyed by: ``sha256:`` and the first 16 hex digits of the
    SHA-256 of the diff as sent, which names no commit (a commit's sha would claim one)."""
    data = diff.encode() if isinstance(diff, str) else diff
    return f"sha256:{hashlib.sha256(data).hexdigest()[:16]}"


class DiffError(SourceError):
    """The text given as a diff is not one riskbrief can read."""


@dataclass(frozen=True, slots=True)
class DiffFile:
    """One file a diff changes.

    ``path`` is the file's path after the change (before it, for a deletion);
    ``old_path`` is set for renames and copies. ``status`` is ``added``,
    ``deleted``, ``modified``, ``renamed`` or ``copied``. A binary file changes
    no lines.
    """

    path: str
    added: int
    deleted: int
    status: str = "modified"
    old_path: str | None = None
    binary: bool = False
    # Lines of code among ``added``/``deleted`` (``scoring.code_lines``: comments, blank
    # lines and whitespace-only changes out) for a code file; ``None`` for any other.
    code_added: int | None = None
    code_deleted: int | None = None


def _unquote(text: str) -> str:
    """A path git wrote in C quotes (``"a/x\\303\\251"``) as the string it names."""
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return text
    out = bytearray()
    body = text[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif re.fullmatch(r"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            raise DiffError(f"the path {text[:80]!r} has a broken escape; send the diff unchanged")
    return out.decode("utf-8", "replace")


def _name(field: str) -> str | None:
    """A ``---``/``+++`` line's path: unquoted, no timestamp; ``None`` for /dev/null."""
    if field.startswith('"'):
        end = 1
        while end < len(field):
            if field[end] == "\\":
                end += 2
                continue
            if field[end] == '"':
                break
            end += 1
        name = _unquote(field[: end + 1])
    else:
        # ``diff -u`` writes a tab and the file's time after the name.
        name = field.split("\t", 1)[0].rstrip("\r")
    return None if name == "/dev/null" else name


def _strip_prefix(old: str | None, new: str | None) -> tuple[str | None, str | None]:
    """Drop the first folder of both names when they differ only there (``a/x``, ``b/x``)."""
    names = [n for n in (old, new) if n is not None]
    if not names or not all("/" in n for n in names):
        return old, new
    heads = {n.split("/", 1)[0] for n in names}
    tails = {n.split("/", 1)[1] for n in names}
    one_sided = len(names) == 1 and names[0].split("/", 1)[0] in ("a", "b")
    if one_sided or (len(heads) == 2 and len(tails) == 1) or heads <= {"a", "b"}:
        return tuple(None if n is None else n.split("/", 1)[1] for n in (old, new))  # type: ignore[return-value]
    return old, new


def _git_header(rest: str) -> tuple[str | None, str | None]:
    """Old and new path of ``diff --git a/X b/Y`` when they can be told apart, else ``None``s."""
    if rest.startswith('"') or rest.endswith('"'):
        tokens = re.findall(r'"(?:[^"\\]|\\.)*"|[^ ]+', rest)
        if len(tokens) == 2:
            return _unquote(tokens[0]).removeprefix("a/"), _unquote(tokens[1]).removeprefix("b/")
        return None, None
    # Unquoted names may hold spaces: ``a/P b/P`` has one split that makes both sides equal.
    if rest.startswith("a/") and (len(rest) - 5) % 2 == 0:
        half = (len(rest) - 5) // 2
        path = rest[2 : 2 + half]
        if rest == f"a/{path} b/{path}":
            return path, path
    return None, None


@dataclass(slots=True)
class _File:
    """A file being read: what its headers said and the lines its hunks counted."""

    old: str | None = None
    new: str | None = None
    status: str = "modified"
    added: int = 0
    deleted: int = 0
    binary: bool = False
    renamed_from: str | None = None
    renamed_to: str | None = None
    copied: bool = False
    # The hunks' lines of a code file (``lexed_path``), for its lines of code.
    hunks: list[list[str]] | None = None
    # The fingerprint of its code's edit, once ``done`` read it (``scoring.code_lines.code_edit``).
    edit: int = 0

    def code_path(self) -> str | None:
        """The path the file's lines of code are read under, when it is code."""
        path = self.renamed_to or self.new or self.renamed_from or self.old
        return path if path is not None and lexed_path(path) else None

    def done(self) -> DiffFile:
        old = self.renamed_from or self.old
        new = self.renamed_to or self.new
        if old is None and new is None:
            raise DiffError(
                "a 'diff --git' header's paths cannot be told apart; send the diff unchanged"
            )
        status = self.status
        if self.renamed_from is not None or self.renamed_to is not None:
            status = "copied" if self.copied else "renamed"
        code_added = code_deleted = None
        path = self.code_path()
        if path is not None and self.hunks:
            code_added, code_deleted, self.edit = code_edit(path, self.hunks)
        if status == "deleted" or new is None:
            assert old is not None
            return DiffFile(
                old,
                self.added,
                self.deleted,
                "deleted",
                None,
                self.binary,
                code_added,
                code_deleted,
            )
        if old is None:
            status = "added"
        moved = status in ("renamed", "copied") and old != new
        return DiffFile(
            new,
            self.added,
            self.deleted,
            status,
            old if moved else None,
            self.binary,
            code_added,
            code_deleted,
        )


def _decode(diff: str | bytes) -> str:
    size = len(diff.encode("utf-8", "surrogateescape") if isinstance(diff, str) else diff)
    if size > MAX_DIFF_BYTES:
        raise DiffError(
            f"the diff is {size / 1048576:.0f} MB, more than riskbrief reads "
            f"({MAX_DIFF_BYTES // 1048576} MB); score a smaller change"
        )
    if isinstance(diff, bytes):
        return diff.decode("utf-8", "replace")
    return diff


def parse_diff(diff: str | bytes) -> tuple[DiffFile, ...]:
    """The files a unified diff changes, in its order; ``DiffError`` when it is not one."""
    lines = _decode(diff).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    files: list[DiffFile] = []
    # Each code file's lines of code and its edit's fingerprint (``scoring.repeated_edits``).
    edits: dict[str, tuple[int, int, int]] = {}
    current: _File | None = None
    # ``--- x`` with no ``+++`` yet: the old name waits for its new one.
    pending_old: str | None = None
    pending = False
    i = 0
    n = len(lines)

    def finish() -> None:
        nonlocal current
        if current is not None:
            done = current.done()
            files.append(done)
            if done.code_added is not None and done.code_deleted is not None:
                edits[done.path] = (done.code_added, done.code_deleted, current.edit)
            current = None

    while i < n:
        line = lines[i]
        number = i + 1
        i += 1
        if line.startswith("diff --cc ") or line.startswith("diff --combined "):
            raise DiffError(
                f"line {number} starts a combined diff of a merge; diff against one parent instead"
            )
        if line.startswith("diff --git "):
            finish()
            old, new = _git_header(line[len("diff --git ") :].rstrip("\r"))
            current = _File(old=old, new=new)
            continue
        if current is not None and not pending:
            header = line.rstrip("\r")
            if header.startswith("new file mode"):
                current.status, current.old = "added", None
                continue
            if header.startswith("deleted file mode"):
                current.status, current.new = "deleted", None
                continue
            if header.startswith(("rename from ", "copy from ")):
                current.renamed_from = _unquote(header.split(" ", 2)[2])
                current.copied = header.startswith("copy")
                continue
            if header.startswith(("rename to ", "copy to ")):
                current.renamed_to = _unquote(header.split(" ", 2)[2])
                continue
            if header.startswith(
                ("index ", "old mode", "new mode", "similarity index", "dissimilarity index")
            ):
                continue
            if header.startswith("Binary files ") and header.endswith(" differ"):
                current.binary = True
                continue
            if header == "GIT binary patch":
                current.binary = True
                # Literal and delta data run until the next file's header.
                while i < n and not lines[i].startswith("diff --git "):
                    i += 1
                continue
        if line.startswith("--- ") and not pending:
            if current is None or current.added or current.deleted:
                finish()
                current = _File()
            pending_old, pending = _name(line[4:]), True
            continue
        if pending:
            if not line.startswith("+++ "):
                raise DiffError(
                    f"line {number} should start with '+++ ' after the '--- ' line; "
                    "send the whole diff, unchanged"
                )
            assert current is not None
            old, new = _strip_prefix(pending_old, _name(line[4:]))
            current.old, current.new = old, new
            if old is None and new is None:
                raise DiffError(f"line {number} names /dev/null on both sides; it is no diff")
            if old is None:
                current.status = "added"
            elif new is None:
                current.status = "deleted"
            pending = False
            continue
        match = _HUNK.match(line)
        if match:
            if current is None or (current.old is None and current.new is None):
                raise DiffError(
                    f"line {number} starts a hunk before any file header; "
                    "send the whole diff, unchanged"
                )
            old_left = int(match[2]) if match[2] is not None else 1
            new_left = int(match[4]) if match[4] is not None else 1
            hunk: list[str] | None = None
            if current.code_path() is not None:
                hunk = []
                current.hunks = [*(current.hunks or ()), hunk]
            while old_left > 0 or new_left > 0:
                if i >= n:
                    raise DiffError(
                        f"the diff ends inside the hunk of line {number}; "
                        "it was cut short, send all of it"
                    )
                body = lines[i]
                i += 1
                tag = body[:1]
                if hunk is not None and tag != "\\":
                    # An empty line is a context line whose space an editor trimmed.
                    hunk.append(body.rstrip("\r") or " ")
                if tag == "+":
                    current.added += 1
                    new_left -= 1
                elif tag == "-":
                    current.deleted += 1
                    old_left -= 1
                elif tag in (" ", "") or body == "\r":
                    # An empty line is a context line whose space an editor trimmed.
                    old_left -= 1
                    new_left -= 1
                elif tag == "\\":
                    continue
                else:
                    raise DiffError(
                        f"line {i} inside a hunk starts with {tag!r}, not ' ', '+' or '-'; "
                        "send the diff unchanged"
                    )
                if old_left < 0 or new_left < 0:
                    raise DiffError(
                        f"the hunk of line {number} holds more lines than its header says; "
                        "send the diff unchanged"
                    )
            # A "\ No newline at end of file" may follow the last line.
            while i < n and lines[i].startswith("\\"):
                i += 1
            continue
        # Anything else between files (a commit message, ``Index:``, ``Only in``) is not read.
    if pending:
        raise DiffError("the diff ends after a '--- ' line with no '+++ ' line; send all of it")
    finish()
    unnamed = [f for f in files if not f.path]
    if unnamed:
        raise DiffError("a file header of the diff names no path; send the diff unchanged")
    if not files:
        raise DiffError(
            "the text holds no unified diff (no 'diff --git' or '--- '/'+++ ' headers); "
            "pass the output of `git diff` or `diff -u`"
        )
    # The same edit in many files is read once.
    once = once_each(edits)
    return tuple(
        replace(f, code_added=once[f.path][0], code_deleted=once[f.path][1])
        if f.path in once and f.code_added is not None
        else f
        for f in files
    )
