"""The folders a Maven project of one module names for its code instead of ``src/main``.

A ``pom.xml``'s ``<build><sourceDirectory>`` overrides Maven's ``src/main/java``, and a plugin
adding sources names more (``build-helper-maven-plugin``'s and GMavenPlus's ``<sources>``): a
Jenkins shared library built by Maven keeps its classes in ``src/`` and its steps in ``vars/``
(fabric8io/fabric8-pipeline-library's ``<sourceDirectory>src</sourceDirectory>`` and GMavenPlus
sources ``src`` and ``vars``), one library, where its top folders had been drafted as two
services. Folders named for tests (``src/it/java``) are no code of it, and a pom naming a
folder of source sets (``src`` holding ``java/`` and ``test/``) says nothing of the layout.
"""

from __future__ import annotations

from pathlib import Path

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from bot.quickstart.build_files import Declared, Modules, artifact_id, show
from bot.quickstart.declared_modules import tracks_folder
from bot.quickstart.service_names import kept

__all__ = ["maven_source_folders", "maven_sources"]

_BASEDIR = ("${project.basedir}/", "${basedir}/", "./")
# Folders of source sets, not of packages: a source folder holding one is a tree of them.
_SOURCE_TREES = ("java", "main", "test")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _folder(text: str | None) -> str:
    """A source folder as written, relative to the project: its base directory's mark and
    slashes at its ends dropped."""
    folder = (text or "").strip()
    for prefix in _BASEDIR:
        folder = folder.removeprefix(prefix)
    return folder.strip("/")


def maven_source_folders(path: Path, files: list[str]) -> list[str]:
    """The folders the root ``pom.xml`` of the clone at ``path`` names for its code (its
    ``<sourceDirectory>`` first, then plugins' ``<sources>``), tracked and not named for tests,
    in the order named; none for a pom that does not parse."""
    text = show(path, "pom.xml")
    try:
        root = ElementTree.fromstring(text.encode("utf-8")) if text else None
    except (ElementTree.ParseError, DefusedXmlException):
        return []
    if root is None:
        return []
    named: list[str] = []
    for build in (c for c in root if _local(c.tag) == "build"):
        named += [_folder(c.text) for c in build if _local(c.tag) == "sourceDirectory"]
        for sources in (e for e in build.iter() if _local(e.tag) == "sources"):
            for source in (s for s in sources if _local(s.tag) == "source"):
                inner = [d.text for d in source if _local(d.tag) == "directory"]
                named.append(_folder(inner[0] if inner else source.text))
    found = [f for f in dict.fromkeys(named) if f and tracks_folder(f, files) and kept(f)]
    if any(tracks_folder(f"{f}/{tree}", files) for f in found for tree in _SOURCE_TREES):
        # A folder holding source sets (Ant's ``src/java`` and ``src/test``) is no root of
        # packages: such a pom is another build's stub (hadoop-hdfs's, for Sonar, compiles
        # nothing), and the clone's folders say more.
        return []
    return [f for f in found if f != "src/main" and not f.startswith("src/main/")]


def maven_sources(path: Path, files: list[str]) -> Modules | None:
    """A root ``pom.xml`` of one module whose code is in the folders it names instead of
    ``src/main``: one module of them; None for any other clone."""
    if "pom.xml" not in files or tracks_folder("src/main", files):
        return None
    folders = maven_source_folders(path, files)
    if not folders:
        return None
    first, *more = folders
    module = Declared(first, artifact_id(path) or path.name, tuple(f"{f}/**" for f in more))
    return [module], "one Maven module (pom.xml <sourceDirectory>)"
