"""Which files of a clone hold data where their extension names a programming language: a Qt
translation (``Internationalization_ca.ts``, an XML document) is no TypeScript, and a LaTeX
class (``awesome-cv.cls``, a TeX document as ``typed_code`` reads one) no Apex.

Linguist keeps heuristics for the extensions several languages share, and for a few whose
extension index names one language though another writes files of that name too (``.ts``:
TypeScript, and Qt Linguist's XML translations, ``<TS>``). The mined diff shows a file's hunks
only, which rarely hold what tells them apart (an XML declaration, the ``<TS>`` root), so the
head of each such file is read once per sync at the commit that first shows it, and a file
whose head Linguist's heuristics read as a data or prose language, or a typeset document's
(``typed_code.DOCUMENT_MARKUP``: TeX, Roff), holds no line of code: its changes store none
(``SourceChangeFile.code_added``), as a manifest edit of tool settings does.

HTML, which Linguist types as markup and riskbrief keeps as code for an application's templates,
is read too: a page that runs nothing (``scoring.html_pages``: no template tag, binding, custom
element or inline script) holds no code. A template is often born a page (Angular's ``ng
generate`` writes ``<p>foo works!</p>``), so a page is read again at each change, and a file
once read as a template stays one for the rest of the sync.

A file the path rules call deployment configuration by its folder's name is read too, at each
change (a template can be committed without its trigger and given one later): a GitHub Actions
workflow kept outside ``.github/workflows`` (a template, as
actions/starter-workflows' ``deployments/aws.yml``) or a workflow template's metadata runs
nowhere (``scoring.workflow_templates``), and its changes store no line of what ships, as a
Dockerfile's comment-only edit stores none (``scoring.change_files``).
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

from data.source_values import SourceChangeFile
from data.sources.local_git.file_lengths import FileLengths
from data.sources.local_git.git_command import read_blobs
from scoring.html_pages import is_page
from scoring.lexer_choice import shared_extension
from scoring.linguist import LanguageType, content_language, languages_of, type_of
from scoring.paths import path_kinds
from scoring.typed_code import no_code_language
from scoring.workflow_templates import deploys_nothing, read_for_deployment

__all__ = ["DataFiles", "told_by_content"]

# What a file's head is read for: enough for an XML declaration and a root element, and for
# the patterns Linguist's heuristics look for.
_HEAD_BYTES = 8192
# What an HTML file is read for: a template's first binding can lie below a long head, as a
# workflow template's ``on`` and ``jobs`` below its set-up steps' comments.
_PAGE_BYTES = 65536
# Heads read to one git process.
_BATCH = 64


@functools.lru_cache(maxsize=1024)
def _heuristic(extension: str) -> bool:
    """Whether Linguist's heuristics tell languages apart for files of ``extension`` whose
    extension index names a programming language: its heuristics name one even for no text
    (their rule without a pattern, the language taken when no other matches)."""
    name = f"x{extension}"
    found = languages_of(name)
    if not any(type_of(language) is LanguageType.PROGRAMMING for language in found):
        return False
    return shared_extension(name) or content_language(name, "") is not None


@functools.lru_cache(maxsize=1024)
def _html(extension: str) -> bool:
    """Whether files of ``extension`` are HTML and nothing else to Linguist (``.html``, ``.htm``,
    ``.xhtml``; not ``.inc``, which a dozen languages share)."""
    return languages_of(f"x{extension}") == ("HTML",)


def _extension(path: str) -> str:
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _is_html(path: str) -> bool:
    """Whether ``path`` names an HTML file by Linguist's extensions."""
    extension = _extension(path)
    return bool(extension) and _html(extension)


def told_by_content(path: str) -> bool:
    """Whether ``path`` is code by its path (``scoring.paths``: not a manifest, a test, a doc)
    with an extension whose files Linguist tells apart by their text. A manifest is never read
    as data: ``go.mod`` is a Linux kernel module's ``.mod`` to the heuristics, and a manifest
    storing no line of code is one whose edit changed no dependency. Deployment configuration
    whose text can say it runs nowhere (``scoring.workflow_templates``) is read too."""
    extension = _extension(path)
    if not extension:
        return False
    if (_heuristic(extension) or _html(extension)) and path_kinds(path).code:
        return True
    return read_for_deployment(path)


class DataFiles:
    """The files of a clone whose text Linguist reads as data, prose or a typeset document
    though their extension names a programming language, each path read once per sync (a
    rename keeps the verdict), its HTML pages, read at each change until one is a template,
    and its workflows that run nowhere, read at each change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Each path's verdict: True when it holds data, prose or a page, or is a workflow that
        # runs nowhere: no line of code, nor of what ships.
        self.verdicts: dict[str, bool] = {}

    def _read(self, sha: str, paths: list[str], reader: FileLengths | None) -> None:
        """Each of ``paths``'s verdict from its head at ``sha``: through the sync's own git
        process where there is one (a git per commit cost a TypeScript monorepo's first sync
        a fifth more), else ``_BATCH`` heads to one ``git cat-file --batch``."""
        for i in range(0, len(paths), _BATCH):
            chunk = [p for p in paths[i : i + _BATCH] if "\n" not in p]
            if reader is not None:
                blobs = [reader.blob(sha, p) for p in chunk]
            else:
                blobs = read_blobs(self.path, [f"{sha}:{p}" for p in chunk])
            for path, blob in zip(chunk, blobs, strict=True):
                if blob is None:
                    continue
                if _is_html(path):
                    self.verdicts[path] = is_page(blob[:_PAGE_BYTES].decode("utf-8", "replace"))
                    continue
                if read_for_deployment(path):
                    text = blob[:_PAGE_BYTES].decode("utf-8", "replace")
                    self.verdicts[path] = deploys_nothing(path, text)
                    continue
                head = blob[:_HEAD_BYTES].decode("utf-8", "replace")
                self.verdicts[path] = no_code_language(content_language(path, head))

    def files(
        self, sha: str, files: tuple[SourceChangeFile, ...], reader: FileLengths | None = None
    ) -> tuple[SourceChangeFile, ...]:
        """``files`` of commit ``sha``, each that holds data or prose storing no line of code;
        heads are read through ``reader``'s git process when given."""
        for f in files:
            if f.previous_path is not None and f.previous_path in self.verdicts:
                self.verdicts[f.path] = self.verdicts.pop(f.previous_path)
        unread = [
            f.path
            for f in files
            if f.change_type != "deleted"
            and (
                f.path not in self.verdicts
                or (self.verdicts[f.path] and _is_html(f.path))
                or read_for_deployment(f.path)
            )
            and told_by_content(f.path)
        ]
        if unread:
            self._read(sha, unread, reader)
        return tuple(
            replace(f, code_added=0, code_deleted=0) if self.verdicts.get(f.path) else f
            for f in files
        )
