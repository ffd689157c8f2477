"""Which changed lines of one file are code a reviewer reads: comments and blank lines out.

A file's hunks (a unified diff's ``@@`` blocks, with their context lines) are
read by the lexer Pygments picks for the file's name (where several languages share its
extension, the one its text picks: ``scoring.lexer_choice``): the new side (context and
added lines) for the added lines, the old side (context and deleted lines) for
the deleted ones. A line is code when it holds a token that is neither a
comment, a docstring (``String.Doc``) nor whitespace; preprocessor lines
(``#include``, ``#define``: ``Comment.Preproc`` to Pygments) are code. A file
no lexer knows counts its non-blank lines.

Then lines that only moved or changed their whitespace are taken out: an added
code line whose text, all whitespace removed, equals a deleted line's in the
same file is not new code (each deleted line pairs with one added line), and
likewise for deleted lines. "Remove unnecessary whitespace" adds no code. In the
languages whose indentation is syntax (``_OFF_SIDE``: Python, Haskell, F#,
CoffeeScript, Nim, Elm, …) a line's leading whitespace is kept in that comparison:
36 lines moved under a new ``if`` are 36 lines of changed code.

A hunk is lexed on its own, from its first context line. In the languages whose
block comments are ``/* … */``, a side whose first block mark closes a comment,
or that holds none and whose every line is a ``*`` continuation line, started
inside a comment opened above the hunk's context (a licence header, a long
Javadoc): it is lexed with that opening put back. Otherwise an edit deep inside a
long block comment reads as code: the count errs towards more size, never less.
Pure and deterministic: the same hunks give the same counts everywhere.

Lexing is most of what mining a history costs, so for the languages
``_DELIMITERS`` lists a side is lexed only from its first line holding
something that can open or close what runs over lines (a block comment, a
docstring, a multi-line string, a line continuation) before its changed lines,
else from its first changed line, to the last such line after them, else its
last changed line: the context outside that span cannot change how the changed
lines read. A span holding no delimiter at all, not even a line comment's, is
not lexed (its non-blank lines are code). Tests check this against lexing the
whole side; on pallets/flask's whole history the counts are the same.

A file whose hunks hold a control character no text holds (any but tab, form
feed, carriage return, Ctrl-Z and escape) is binary-like, and no line of it is code: git
takes a file for text when its first 8,000 bytes hold no NUL, so an Illustrator
``.ai`` logo or a ``phpunit.phar`` comes as lines.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pygments.lexer import Lexer
from pygments.lexers import _mapping, get_lexer_for_filename
from pygments.token import Comment, Name, String, Whitespace, _TokenType, is_token_subtype
from pygments.util import ClassNotFound

from scoring.component_hunks import COMPONENT_STAND_INS, opens_in_script
from scoring.lexer_choice import holds_no_code, lexer_for_text, shared_extension
from scoring.linguist import language_of

__all__ = ["CONTEXT_LINES", "MAX_LEXED_LINES", "code_edit", "code_lines"]

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
def _lexer_by(name: str) -> Lexer | None:
    """The lexer Pygments picks for a file name, or ``None`` when none claims it."""
    try:
        # stripnl=False: leading blank lines must keep their line numbers. startinline: a
        # PHP hunk has no ``<?php`` before it, and PHP's lexer would read it all as HTML.
        return get_lexer_for_filename(name, stripnl=False, startinline=True)
    except ClassNotFound:
        return None


def _whole_name_patterns() -> re.Pattern[str]:
    """Pygments' file name patterns other than ``*.ext``: ``Makefile``, ``*.js.j2``, ``*.[1-9]``."""
    patterns = {p for entry in _mapping.LEXERS.values() for p in entry[3]}
    others = sorted(p for p in patterns if not re.fullmatch(r"\*\.[^*?\[\].]+", p))
    # fnmatch's dialect, as Pygments writes and matches its own patterns: not a path glob.
    return re.compile("|".join(fnmatch.translate(p) for p in others))


_WHOLE_NAMES = _whole_name_patterns()


# A word of every name Linguist gives the Dockerfile language, asked before the language is.
_DOCKER_WORD = re.compile("dockerfile|containerfile", re.IGNORECASE)


def _lexer(name: str) -> Lexer | None:
    """The lexer Pygments picks by a file's name alone, looked up once per extension.

    Pygments tries every lexer's patterns on a name, and a history names
    thousands of files: only a name that a pattern other than ``*.ext`` matches
    (``Makefile``, ``*.js.j2``) is looked up by itself.
    """
    dot = name.rfind(".")
    if dot <= 0 or _WHOLE_NAMES.match(name):
        return _lexer_by(name)
    if _DOCKER_WORD.search(name) and language_of(name) == "Dockerfile":
        # Linguist's ``*.dockerfile`` and Docker's ``Dockerfile.dev`` (``dockerfile_variant``),
        # which Pygments' Docker lexer does not claim by name.
        return _lexer_by("Dockerfile")
    extension = name[dot:]
    return _lexer_by(f"_{COMPONENT_STAND_INS.get(extension.lower(), extension)}")


@dataclass(frozen=True)
class _Delimiters:
    """What can make a line read as no code, for one lexer.

    ``carry`` is what can open or close something that runs over several lines (a
    block comment, a docstring, a string spanning lines, a line continuation);
    ``line`` what starts a comment that ends with its line.
    """

    carry: re.Pattern[str]
    line: re.Pattern[str]

    @functools.cached_property
    def lines(self) -> re.Pattern[str]:
        """Either, in a text of several lines."""
        return re.compile(f"{self.carry.pattern}|{self.line.pattern}", re.MULTILINE)


_SLASHES = re.compile(r"//")
_C = _Delimiters(re.compile(r'/\*|\*/|#|R"|\\$'), _SLASHES)
_JVM = _Delimiters(re.compile(r'/\*|\*/|"""|\\$'), _SLASHES)
_JS = _Delimiters(re.compile(r"/\*|\*/|`|<!--|-->|\\$"), re.compile(r"//|#!"))
# By the lexer's class name. JSX and TSX are not listed: a tag's attributes run over lines.
_DELIMITERS: dict[str, _Delimiters] = {
    "PythonLexer": _Delimiters(re.compile(r"\"\"\"|'''|\\$"), re.compile(r"#")),
    "CLexer": _C,
    "CppLexer": _C,
    "CSharpLexer": _Delimiters(re.compile(r'/\*|\*/|@"|"""|#|\\$'), _SLASHES),
    "GoLexer": _Delimiters(re.compile(r"/\*|\*/|`|\\$"), _SLASHES),
    "JavaLexer": _JVM,
    "KotlinLexer": _JVM,
    "ScalaLexer": _JVM,
    "SwiftLexer": _Delimiters(re.compile(r'/\*|\*/|"""|#"|\\$'), _SLASHES),
    "JavascriptLexer": _JS,
    "TypeScriptLexer": _JS,
}


def _span(lexer: Lexer, lines: Sequence[str], rows: Sequence[int]) -> tuple[int, int] | None:
    """The lines ``[start, end)`` of a side to lex for its changed ``rows``; ``None``: none.

    From the first line before the changed ones that can open something running
    over lines (else the first changed line) to the last such line after them
    (else the last changed line); ``None`` when no line there holds any
    delimiter. The whole side for a lexer ``_DELIMITERS`` does not list.
    """
    delimiters = _DELIMITERS.get(type(lexer).__name__)
    if delimiters is None:
        return 0, len(lines)
    carry = delimiters.carry.search
    start, end = rows[0], rows[-1]
    for i in range(start):
        if carry(lines[i]):
            start = i
            break
    for i in range(len(lines) - 1, end, -1):
        if carry(lines[i]):
            end = i
            break
    if not delimiters.lines.search("\n".join(lines[start : end + 1])):
        return None
    return start, end + 1


# Where a block comment opens or closes, in the languages whose comments are ``/* … */``.
_BLOCK_MARK = re.compile(r"/\*|\*/")
# A comment's continuation line: `` * text`` (C's ``*p = 1;`` has no space after its star).
_STAR_LINE = re.compile(r"^\s*\*(?:\s|$)")


# Lexers of languages whose block comments are ``/* … */``: beside ``_DELIMITERS``' C family,
# those whose hunks are lexed whole.
_BLOCK_COMMENTS = frozenset(
    {"PhpLexer", "RustLexer", "DartLexer", "GroovyLexer", "ObjectiveCLexer", "CssLexer"}
) | {name for name, d in _DELIMITERS.items() if "/\\*" in d.carry.pattern}


def _opens_in_comment(lexer: Lexer, lines: Sequence[str]) -> bool:
    """True when one side of a hunk starts inside a ``/* … */`` comment opened above it.

    Either the first block mark it holds closes a comment, or it holds none and every
    non-blank line is a comment's ``*`` continuation line: an edit to a licence header
    or a Javadoc whose opening lies above the hunk's context (commons-cli's "Fixed typos
    in apache licenses") is no code.
    """
    if type(lexer).__name__ not in _BLOCK_COMMENTS:
        return False
    mark = _BLOCK_MARK.search("\n".join(lines))
    if mark is not None:
        return mark.group() == "*/"
    written = [line for line in lines if line.strip()]
    return bool(written) and all(_STAR_LINE.match(line) for line in written)


def _code_flags(lexer: Lexer | None, lines: Sequence[str], rows: Sequence[int]) -> list[bool]:
    """For each line of one side of a hunk, whether it holds code: as ``lexer`` reads it for
    the ``rows`` (every non-blank line without one).

    Lines outside the span ``_span`` picks read as code when they are not blank. A side
    that starts inside a block comment (``_opens_in_comment``) is lexed whole, with the
    comment's opening put back before it (and a closing after it).
    """
    if len(lines) > MAX_LEXED_LINES:
        lexer = None
    if lexer is not None and rows and _opens_in_comment(lexer, lines):
        # ``_lexed_flags`` closes it after the lines.
        return _lexed_flags(lexer, ["/*", *lines])[1:]
    if lexer is not None and rows and opens_in_script(lexer, lines):
        # Pygments lexes a script as one only up to its closing tag: one after the lines too.
        return _lexed_flags(lexer, ["<script>", *lines, "</script>"])[1:-1]
    span = _span(lexer, lines, rows) if lexer is not None and rows else None
    if lexer is None or span is None:
        return [bool(line.strip()) for line in lines]
    start, end = span
    return [
        *(bool(line.strip()) for line in lines[:start]),
        *_lexed_flags(lexer, lines[start:end]),
        *(bool(line.strip()) for line in lines[end:]),
    ]


# Lines put after a span before it is lexed, whose own flags are dropped: they close a block
# comment or a docstring the span opens but whose end lies past the hunk's context, which a
# lexer would otherwise read as error tokens, that is as code (commons-cli's "Fixing the
# copyright statements" rewrote a licence header's first lines). A closer where nothing is
# open is a line of its own that no earlier line's tokens depend on.
_CLOSERS: dict[str, tuple[str, ...]] = {"PythonLexer": ('"""', "'''")}
_BLOCK_CLOSER = ("*/",)


def _closers(lexer: Lexer) -> tuple[str, ...]:
    name = type(lexer).__name__
    if name in _CLOSERS:
        return _CLOSERS[name]
    return _BLOCK_CLOSER if name in _BLOCK_COMMENTS else ()


# Elixir's documentation attributes: the string after one is the module's or function's docs,
# as a docstring is Python's (Pygments reads Python's as ``String.Doc``, Elixir's as a plain
# heredoc), so a change to its text is no code.
_DOC_ATTRIBUTES = frozenset({"@moduledoc", "@doc", "@typedoc", "@shortdoc"})


def _lexed_flags(lexer: Lexer, lines: Sequence[str]) -> list[bool]:
    """For each line, whether the lexer reads a token of code in it (with the lexer's closers
    after the lines, their flags dropped)."""
    flags = [False] * len(lines)
    row = 0
    text = "\n".join([*lines, *_closers(lexer)]) + "\n"
    elixir = type(lexer).__name__ == "ElixirLexer"
    # Inside the string an Elixir documentation attribute opens.
    in_doc = False
    for kind, value in lexer.get_tokens(text):
        if elixir:
            if is_token_subtype(kind, String) and in_doc:
                row += value.count("\n")
                continue
            if not is_token_subtype(kind, Whitespace):
                in_doc = is_token_subtype(kind, Name.Attribute) and value in _DOC_ATTRIBUTES
        if _not_code(kind):
            row += value.count("\n")
            continue
        parts = value.split("\n")
        for i, part in enumerate(parts):
            if part.strip() and row + i < len(flags):
                flags[row + i] = True
        row += len(parts) - 1
    return flags


# Control characters no text holds (tab, line feed, vertical tab, form feed, carriage return,
# DOS's end-of-file Ctrl-Z and escape aside): compressed or packed bytes hold them within a
# few dozen.
_BINARY = re.compile("[\x00-\x08\x0e-\x19\x1c-\x1f\x7f]")


def _binary_like(hunks: Sequence[Sequence[str]]) -> bool:
    """True when a file's hunks hold a control character no text holds: a binary file git
    took for text."""
    return any(_BINARY.search(line) for hunk in hunks for line in hunk)


def _squash(line: str) -> str:
    return "".join(line.split())


# Lexers of languages whose indentation is syntax (the off-side rule), by class name: a
# line moved to another depth there changes what the program does. Pygments says nothing of
# layout, so the list is written here.
_OFF_SIDE = frozenset(
    {
        "PythonLexer",
        "Python2Lexer",
        "CythonLexer",
        "MojoLexer",
        "HaskellLexer",
        "LiterateHaskellLexer",
        "IdrisLexer",
        "AgdaLexer",
        "ElmLexer",
        "FSharpLexer",
        "CoffeeScriptLexer",
        "LiveScriptLexer",
        "NimrodLexer",
        "GDScriptLexer",
        "BooLexer",
        "SassLexer",
        "HamlLexer",
        "SlimLexer",
        "PugLexer",
        "MakefileLexer",
    }
)


def _squash_kept_indent(line: str) -> str:
    """``line`` with its whitespace removed but its indentation kept."""
    body = line.lstrip()
    return line[: len(line) - len(body)] + "".join(body.split())


def code_lines(path: str, hunks: Iterable[Sequence[str]]) -> tuple[int, int]:
    """Lines of code added and deleted in one file, from its hunks' lines.

    Each hunk is its lines as a unified diff writes them, without the ``@@``
    header: ``" "`` context, ``"+"`` added, ``"-"`` deleted (``"\\"`` notes are
    skipped). A binary-like file (``_binary_like``) has none.
    """
    added, deleted, _ = code_edit(path, hunks)
    return added, deleted


def code_edit(path: str, hunks: Iterable[Sequence[str]]) -> tuple[int, int, int]:
    """``code_lines`` and a fingerprint of the edit: the same for two files whose lines of code
    added and deleted are the same, whitespace aside (``scoring.repeated_edits``); 0 for an
    edit of no line of code."""
    name = path[path.rfind("/") + 1 :]
    hunks = hunks if isinstance(hunks, list) else list(hunks)
    if _binary_like(hunks):
        return 0, 0, 0
    lexer = _lexer(name)
    if lexer is not None and shared_extension(name):
        # An extension several languages share: the file's text says whose it is.
        text = "\n".join(line[1:] for hunk in hunks for line in hunk if line[:1] in " +-")
        if holds_no_code(name, text):
            return 0, 0, 0
        lexer = lexer_for_text(name, text, lexer)
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
            flags = _code_flags(lexer, new, new_rows)
            added.extend(new[i] for i in new_rows if flags[i])
        if old_rows:
            flags = _code_flags(lexer, old, old_rows)
            deleted.extend(old[i] for i in old_rows if flags[i])
    if not added and not deleted:
        return 0, 0, 0
    # Lines that only moved or changed whitespace pair off and are no new code; where
    # indentation is syntax, only those that kept their indentation.
    key = _squash_kept_indent if type(lexer).__name__ in _OFF_SIDE else _squash
    gone = Counter(map(key, deleted))
    came = Counter(map(key, added))
    new_lines = {text: n - gone[text] for text, n in came.items() if n > gone[text]}
    old_lines = {text: n - came[text] for text, n in gone.items() if n > came[text]}
    new_code = sum(new_lines.values())
    old_code = sum(old_lines.values())
    if not new_code and not old_code:
        return 0, 0, 0
    edit = hash((tuple(sorted(new_lines.items())), tuple(sorted(old_lines.items()))))
    # Never 0, which says "no edit".
    return new_code, old_code, edit or 1
