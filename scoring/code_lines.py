"""Which changed lines of one file are code a reviewer reads: comments and blank lines out.

A file's hunks (a unified diff's ``@@`` blocks, with their context lines) are
read by the lexer Pygments picks for the file's name: the new side (context and
added lines) for the added lines, the old side (context and deleted lines) for
the deleted ones. A line is code when it holds a token that is neither a
comment, a docstring (``String.Doc``) nor whitespace; preprocessor lines
(``#include``, ``#define``: ``Comment.Preproc`` to Pygments) are code. A file
no lexer knows counts its non-blank lines.

Then lines that only moved or changed their whitespace are taken out: an added
code line whose text, all whitespace removed, equals a deleted line's in the
same file is not new code (each deleted line pairs with one added line), and
likewise for deleted lines. "Remove unnecessary whitespace" adds no code.

A hunk is lexed on its own, from its first context line: an edit deep inside a
long block comment whose opening lies above the hunk's context reads as code.
The count errs towards more size, never less. Pure and deterministic: the same
hunks give the same counts everywhere.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.token import Comment, String, Whitespace, _TokenType, is_token_subtype
from pygments.util import ClassNotFound

__all__ = ["CONTEXT_LINES", "MAX_LEXED_LINES", "code_lines"]

# Context lines git is asked for around each hunk: enough to hold the opening of
# most block comments and docstrings an edit sits in.
CONTEXT_LINES = 8
# A file's side longer than this is not lexed (its non-blank lines count): a
# lexer's time grows with the text, and no one reviews such a file line by line.
MAX_LEXED_LINES = 20_000

_PREPROC = (Comment.Preproc, Comment.PreprocFile)


@functools.lru_cache(maxsize=1024)
def _not_code(kind: _TokenType) -> bool:
    """True for tokens that are no code: whitespace, comments (preprocessor aside), docstrings."""
    if is_token_subtype(kind, Whitespace):
        return True
    if is_token_subtype(kind, Comment):
        return not any(is_token_subtype(kind, p) for p in _PREPROC)
    return is_token_subtype(kind, String.Doc)


@functools.lru_cache(maxsize=4096)
def _lexer(name: str) -> Lexer | None:
    """The lexer Pygments picks by a file's name alone, or ``None`` when none claims it."""
    try:
        # stripnl=False: leading blank lines must keep their line numbers.
        return get_lexer_for_filename(name, stripnl=False)
    except ClassNotFound:
        return None


def _code_flags(name: str, lines: Sequence[str]) -> list[bool]:
    """For each line of one side of a hunk, whether it holds code."""
    lexer = _lexer(name) if len(lines) <= MAX_LEXED_LINES else None
    if lexer is None:
        return [bool(line.strip()) for line in lines]
    flags = [False] * len(lines)
    row = 0
    for kind, value in lexer.get_tokens("\n".join(lines) + "\n"):
        if _not_code(kind):
            row += value.count("\n")
            continue
        parts = value.split("\n")
        for i, part in enumerate(parts):
            if part.strip() and row + i < len(flags):
                flags[row + i] = True
        row += len(parts) - 1
    return flags


def _squash(line: str) -> str:
    return "".join(line.split())


def code_lines(path: str, hunks: Iterable[Sequence[str]]) -> tuple[int, int]:
    """Lines of code added and deleted in one file, from its hunks' lines.

    Each hunk is its lines as a unified diff writes them, without the ``@@``
    header: ``" "`` context, ``"+"`` added, ``"-"`` deleted (``"\\"`` notes are
    skipped).
    """
    name = path[path.rfind("/") + 1 :]
    added: list[str] = []
    deleted: list[str] = []
    for hunk in hunks:
        new: list[str] = []
        old: list[str] = []
        new_rows: list[int] = []
        old_rows: list[int] = []
        for line in hunk:
            mark, text = line[:1], line[1:]
            if mark == " ":
                new.append(text)
                old.append(text)
            elif mark == "+":
                new_rows.append(len(new))
                new.append(text)
            elif mark == "-":
                old_rows.append(len(old))
                old.append(text)
        if new_rows:
            flags = _code_flags(name, new)
            added.extend(new[i] for i in new_rows if flags[i])
        if old_rows:
            flags = _code_flags(name, old)
            deleted.extend(old[i] for i in old_rows if flags[i])
    if not added or not deleted:
        return len(added), len(deleted)
    # Lines that only moved or changed whitespace pair off and are no new code.
    gone = Counter(map(_squash, deleted))
    came = Counter(map(_squash, added))
    new_code = sum(max(0, n - gone[text]) for text, n in came.items())
    old_code = sum(max(0, n - came[text]) for text, n in gone.items())
    return new_code, old_code
