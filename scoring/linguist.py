"""What GitHub Linguist's rules say of a path, read through go-enry (``enry-python``).

Linguist is the knowledge base GitHub keeps of file kinds (its ``vendor.yml``,
``documentation.yml``, ``generated.rb`` and ``languages.yml``), kept for a decade by the
reports of thousands of repositories; go-enry is its maintained Go port, and
``enry-python`` binds it. riskbrief reads it rather than hand-keeping lists of its own:
``scoring.paths`` starts from this classification and adds only the rules docs/scoring.md
lists in its table "riskbrief's own rules beside Linguist's", each with its reason.

Only the path is read here (the scorer has no file contents): a file's own markers and its
content (``.gitattributes``, a "generated" header, minified text) are read by the sources,
which store their verdict with the change (``FileChange.generated``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

__all__ = ["LanguageType", "Linguist", "content_generated", "linguist"]


@functools.cache
def _enry() -> ModuleType:
    """go-enry, loaded on first use.

    go-enry is a Go library: loading it starts Go's runtime, whose threads a forked process
    does not have, so a process forked after the load can hang in it (``serve --workers``'
    gunicorn workers, under load, in their threads). Loaded here on first use, it is loaded
    by the process that classifies, after any fork: ``serve`` and its arbiter never do.
    """
    import enry

    loaded: ModuleType = enry
    return loaded


class LanguageType(StrEnum):
    """Linguist's type of a language: what kind of text its files hold."""

    PROGRAMMING = "programming"
    MARKUP = "markup"
    DATA = "data"
    PROSE = "prose"
    # No language Linguist knows by this name or extension (a binary, an unknown suffix).
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Linguist:
    """Linguist's verdicts on one path."""

    language: str | None
    type: LanguageType
    vendored: bool
    generated: bool
    documentation: bool
    configuration: bool
    test: bool


# A language hangs on the file's name alone, and names repeat far more than paths.
@functools.lru_cache(maxsize=1 << 14)
def _language(path: str) -> str | None:
    """The language Linguist names for ``path`` by its file name, else by its extension.

    An ambiguous extension gives Linguist's first candidate (``.rs``: Rust or RenderScript,
    both programming languages), which is enough for a type; the full guess needs the
    content, which the scorer does not have.
    """
    by_name = _enry().get_language_by_filename(path).language
    if by_name:
        return str(by_name)
    by_extension = _enry().get_language_by_extension(path).language
    return str(by_extension) if by_extension else None


@functools.lru_cache(maxsize=1 << 10)
def _type(language: str | None) -> LanguageType:
    """Linguist's type of ``language``."""
    if language is None:
        return LanguageType.UNKNOWN
    try:
        return LanguageType(str(_enry().get_language_type(language)))
    except ValueError:
        return LanguageType.UNKNOWN


def _documentation(path: str, language: str | None) -> bool:
    """Linguist's documentation verdict, which for source code holds only by its folder.

    Linguist's names (``LICENSE``, ``CHANGES``, ``COPYING`` with any extension) are meant
    for text: ``lib/license.rs`` or ``src/changes.py`` is code, ``docs/conf.py`` is not.
    """
    if not _enry().is_documentation(path):
        return False
    folder = path.rpartition("/")[0]
    if _type(language) is not LanguageType.PROGRAMMING:
        return True
    return bool(folder) and bool(_enry().is_documentation(folder + "/"))


# The same paths come back change after change, and each call crosses into Go.
@functools.lru_cache(maxsize=1 << 17)
def linguist(path: str) -> Linguist:
    """Linguist's classification of ``path`` (repository-relative, ``/``-separated)."""
    language = _language(path.rpartition("/")[2])
    return Linguist(
        language=language,
        type=_type(language),
        vendored=bool(_enry().is_vendor(path)),
        generated=bool(_enry().is_generated(path, b"")),
        documentation=_documentation(path, language),
        configuration=bool(_enry().is_configuration(path)),
        test=bool(_enry().is_test(path)),
    )


def content_generated(path: str, head: bytes) -> bool:
    """True when Linguist's content rules call a file generated from its first bytes
    (minified code, a source map, a protobuf or other tool's output header)."""
    return bool(_enry().is_generated(path, head))
