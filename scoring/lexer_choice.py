"""Which lexer reads a file whose extension several languages share: Linguist's heuristics on
its text pick the language, and the lexer of that language among those that claim the name.

Pygments picks a lexer by a file's name alone, and where several claim an extension it takes
one of them whatever the file holds: Perl's ``.pl`` is lexed as Prolog, F#'s ``.fs`` as Forth,
MATLAB's ``.m`` as Objective-C, R's lower-case ``.r`` as Rebol, so their comments (``#``,
``//``, ``%``) read as code. GitHub Linguist keeps, for exactly these extensions, the
heuristics that tell the languages apart by their text (``heuristics.yml``, through go-enry).
Where Linguist names a language for the text and one of the lexers claiming the name (its
patterns matched without regard to case: ``*.R`` claims ``x.r``) is that language's, that
lexer reads the file; else the claimant whose own ``analyse_text`` rates the text above
Pygments' pick by name; else that pick stands. Where the heuristics name a data or prose
language for the text (a PGP signature in ``.asc``), the file holds no code at all.
"""

from __future__ import annotations

import fnmatch
import functools

from pygments.lexer import Lexer
from pygments.lexers import _mapping, find_lexer_class, get_lexer_by_name
from pygments.util import ClassNotFound

from scoring.linguist import content_language, languages_of
from scoring.typed_code import no_code_language

__all__ = ["holds_no_code", "lexer_for_text", "shared_extension"]

# The text Linguist's heuristics are asked about: enough lines for their patterns, which look
# for a language's marks (``<-`` in R, ``my $`` in Perl, ``%`` comments in MATLAB).
_SAMPLE_CHARS = 8_000


def shared_extension(name: str) -> bool:
    """Whether Linguist names several languages for a file named ``name`` by its extension
    (``x.pl``: Perl, Raku, Prolog): only then is its text worth reading for its lexer."""
    dot = name.rfind(".")
    return dot > 0 and _shared(name[dot:].lower())


@functools.lru_cache(maxsize=1024)
def _shared(extension: str) -> bool:
    return len(languages_of(f"x{extension}")) > 1


@functools.lru_cache(maxsize=1024)
def _claiming(name: str, language: str) -> Lexer | None:
    """The lexer of ``language`` (by its Pygments name or an alias) among those whose file
    name patterns match ``name`` without regard to case; ``None`` when none is."""
    wanted = language.lower()
    lowered = name.lower()
    for _module, lexer_name, aliases, patterns, _mimes in _mapping.LEXERS.values():
        if wanted != lexer_name.lower() and wanted not in aliases:
            continue
        if not aliases or not any(fnmatch.fnmatch(lowered, p.lower()) for p in patterns):
            continue
        try:
            # As ``scoring.code_lines`` makes its lexers: blank lines keep their numbers, and a
            # hunk of PHP has no ``<?php`` before it.
            return get_lexer_by_name(aliases[0], stripnl=False, startinline=True)
        except ClassNotFound:
            return None
    return None


def holds_no_code(name: str, text: str) -> bool:
    """Whether Linguist's heuristics read the text of ``name``, an extension several languages
    share, as a data or prose language or a typeset document's (``typed_code``'s TeX, Roff):
    jq's release signatures ``*.tar.gz.asc`` are Public Key (data), not the AGS Script ``.asc``
    names first, an ``.asc`` guide is AsciiDoc, and a LaTeX class ``awesome-cv.cls`` is TeX,
    not the Visual Basic or Apex class its extension also names."""
    if not shared_extension(name):
        return False
    return no_code_language(content_language(name, text[:_SAMPLE_CHARS]))


def lexer_for_text(name: str, text: str, default: Lexer | None) -> Lexer | None:
    """The lexer for file ``name`` holding ``text``: the one of the language Linguist's
    heuristics name for the text, where one that claims the name is; else the one Pygments
    itself finds likeliest among those claiming the name (each lexer's ``analyse_text``: a
    ``my $x`` is Perl, a ``:-`` Prolog); else ``default``."""
    if default is None or not shared_extension(name):
        return default
    sample = text[:_SAMPLE_CHARS]
    language = content_language(name, sample)
    chosen = None if language is None else _claiming(name, language)
    if chosen is not None:
        return chosen
    return _likeliest(name, sample, default)


def _likeliest(name: str, sample: str, default: Lexer) -> Lexer:
    """The lexer claiming ``name`` whose ``analyse_text`` rates ``sample`` highest, where that
    beats ``default``'s own rating; else ``default`` (a tie keeps Pygments' pick by name)."""
    best, best_rating = None, float(default.analyse_text(sample))
    for cls in _claimants(name):
        if cls is type(default):
            continue
        rating = float(cls.analyse_text(sample))
        if rating > best_rating:
            best, best_rating = cls, rating
    if best is None:
        return default
    return best(stripnl=False, startinline=True)


@functools.lru_cache(maxsize=1024)
def _claimants(name: str) -> tuple[type[Lexer], ...]:
    """The lexer classes whose file name patterns match ``name``, as Pygments matches them."""
    found = []
    for _module, lexer_name, _aliases, patterns, _mimes in _mapping.LEXERS.values():
        if any(fnmatch.fnmatchcase(name, p) for p in patterns):
            cls = find_lexer_class(lexer_name)
            if cls is not None:
                found.append(cls)
    return tuple(found)
