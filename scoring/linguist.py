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
import re
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

from pygments.lexers import _mapping

__all__ = [
    "LanguageType",
    "Linguist",
    "content_generated",
    "content_language",
    "dockerfile_variant",
    "is_configuration",
    "is_documentation",
    "is_generated",
    "is_test",
    "is_vendored",
    "language_of",
    "languages_of",
    "linguist",
    "type_of",
]


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
    if not by_extension:
        return "Dockerfile" if dockerfile_variant(path) else None
    language = str(by_extension)
    if _type(language) is LanguageType.DATA and not _longer_extension(path, language):
        # go-enry's index of extensions names one data language for ``.sol`` (a Gerber
        # image's solder layer) though Linguist's Solidity lists ``.sol`` too: every Solidity
        # contract was data, no code in any service. A programming language that lists the
        # extension wins by path; a source that reads the text still tells a Gerber file by
        # its content (``scoring.lexer_choice``).
        return _programming_claimant(path) or language
    return language


# Docker's and Podman's convention for a second build file (``docker build -f Dockerfile.dev``,
# ``Containerfile.pebble``): Linguist names only ``Dockerfile``, ``Containerfile`` and the
# ``.dockerfile`` extension, so ``Dockerfile.debug`` was of no language and its comments were
# read as code (a Renovate marker added to ten Dockerfiles stayed a deployment change).
_DOCKERFILE_VARIANT = re.compile(r"(?:Docker|Container)file\.[^/]+")


def dockerfile_variant(name: str) -> bool:
    """Whether a file's name is a Dockerfile's by Docker's convention (``Dockerfile.dev``) and
    Linguist knows no language by its extension (``Dockerfile.md`` is Markdown)."""
    return (
        _DOCKERFILE_VARIANT.fullmatch(name) is not None
        and not _enry().get_language_by_extension(name).language
    )


def _longer_extension(name: str, language: str) -> bool:
    """Whether ``language`` claims ``name`` by an extension of two parts or more, longer than
    its last (Gradle's ``.gradle.kts`` build scripts, not Kotlin's ``.kts``)."""
    last = name[name.rfind(".") :].lower()
    lowered = name.lower()
    return any(
        len(e) > len(last) and lowered.endswith(str(e).lower())
        for e in _enry().get_language_extensions(language)
    )


@functools.cache
def _programming_extensions() -> dict[str, str]:
    """Each extension a programming language of Linguist's lists, with that language (the
    first by name where several do). go-enry lists no languages, so the names asked are those
    Pygments gives its lexers and their aliases, which name most of Linguist's languages
    (``starlark``); Linguist alone says which are programming and which extensions they list."""
    names = {
        n for _module, name, aliases, _patterns, _mimes in _mapping.LEXERS.values()
        for n in (name, *aliases)
    }  # fmt: skip
    found: dict[str, str] = {}
    for language in sorted({v for n in names for v in (n, n.title())}):
        if _type(language) is not LanguageType.PROGRAMMING:
            continue
        for extension in _enry().get_language_extensions(language):
            found.setdefault(str(extension).lower(), language)
    return found


def _programming_claimant(name: str) -> str | None:
    """A programming language whose Linguist extensions list ``name``'s extension (Solidity
    for ``.sol``, Starlark for ``.star``); else None."""
    dot = name.rfind(".")
    return _programming_extensions().get(name[dot:].lower()) if dot > 0 else None


@functools.lru_cache(maxsize=1 << 10)
def _type(language: str | None) -> LanguageType:
    """Linguist's type of ``language``."""
    if language is None:
        return LanguageType.UNKNOWN
    try:
        return LanguageType(str(_enry().get_language_type(language)))
    except ValueError:
        return LanguageType.UNKNOWN


# Every rule of go-enry's test list (Linguist's test paths) names a test or a spec, and every
# rule of its documentation list one of these words, in some case: a path with none of them
# is neither to Linguist, known without crossing into Go, which costs tens of microseconds a
# path for each list (most of classifying a path never seen before). The words are a
# necessary condition only, never a verdict; tests/scoring/test_linguist.py checks them
# against go-enry on every path of real repositories' trees.
_MAY_BE_TEST = re.compile("test|spec", re.IGNORECASE)
_MAY_BE_DOCUMENTATION = re.compile(
    "doc|man|example|demo|sample|change|contributing|copying|install|licen|readme|citation",
    re.IGNORECASE,
)


def _documentation(path: str, language: str | None) -> bool:
    """Linguist's documentation verdict, which for source code holds only by its folder.

    Linguist's names (``LICENSE``, ``CHANGES``, ``COPYING`` with any extension) are meant
    for text: ``lib/license.rs`` or ``src/changes.py`` is code, ``docs/conf.py`` is not.
    """
    if _MAY_BE_DOCUMENTATION.search(path) is None or not _enry().is_documentation(path):
        return False
    folder = path.rpartition("/")[0]
    if _type(language) is not LanguageType.PROGRAMMING:
        return True
    return bool(folder) and bool(_enry().is_documentation(folder + "/"))


# Each verdict below crosses into Go and matches the path against every rule of its list
# (20–30 µs a path): ``scoring.paths`` asks each only where its own rules leave the answer
# open, and keeps its own verdict per path, so these keep nothing.


def language_of(path: str) -> str | None:
    """The language Linguist names for ``path`` by its file name, else by its extension."""
    return _language(path.rpartition("/")[2])


def type_of(language: str | None) -> LanguageType:
    """Linguist's type of ``language`` (``UNKNOWN`` for ``None``)."""
    return _type(language)


def is_vendored(path: str) -> bool:
    """Linguist's vendored paths (``vendor.yml``): third-party code, CI and editor settings."""
    return bool(_enry().is_vendor(path))


def is_generated(path: str) -> bool:
    """Linguist's generated paths, by the path alone (``generated.rb``'s name rules)."""
    return bool(_enry().is_generated(path, b""))


def is_documentation(path: str) -> bool:
    """Linguist's documentation verdict on ``path`` (``_documentation``: for code only by its
    folder)."""
    # The words first: they spare the language's lookup too.
    if _MAY_BE_DOCUMENTATION.search(path) is None:
        return False
    return _documentation(path, language_of(path))


def is_configuration(path: str) -> bool:
    """Linguist's configuration files (its configuration languages' names and extensions)."""
    return bool(_enry().is_configuration(path))


def is_test(path: str) -> bool:
    """Linguist's test paths."""
    return _MAY_BE_TEST.search(path) is not None and bool(_enry().is_test(path))


@functools.lru_cache(maxsize=1 << 12)
def linguist(path: str) -> Linguist:
    """Linguist's classification of ``path`` (repository-relative, ``/``-separated)."""
    language = language_of(path)
    return Linguist(
        language=language,
        type=_type(language),
        vendored=is_vendored(path),
        generated=is_generated(path),
        documentation=_documentation(path, language),
        configuration=is_configuration(path),
        test=is_test(path),
    )


def content_generated(path: str, head: bytes) -> bool:
    """True when Linguist's content rules call a file generated from its first bytes
    (minified code, a source map, a protobuf or other tool's output header)."""
    return bool(_enry().is_generated(path, head))


@functools.lru_cache(maxsize=1 << 10)
def languages_of(path: str) -> tuple[str, ...]:
    """Every language Linguist names for ``path`` by its file name or extension (several for
    ``.pl``: Perl, Raku, Prolog)."""
    name = path.rpartition("/")[2]
    found = tuple(str(x) for x in _enry().get_languages(name, b""))
    # A programming language go-enry's extension index leaves out (``_language``) is one more.
    claimant = _programming_claimant(name) if len(found) == 1 else None
    if claimant is not None and _type(found[0]) is LanguageType.DATA and claimant not in found:
        return (*found, claimant)
    return found


def content_language(path: str, text: str) -> str | None:
    """The language Linguist's heuristics name for a file of ``path`` holding ``text``, where
    its extension is shared by several (``heuristics.yml``); ``None`` when they name none."""
    guess = _enry().get_language_by_content(
        path.rpartition("/")[2], text.encode("utf-8", "replace")
    )
    return str(guess.language) if guess.language and guess.safe else None
