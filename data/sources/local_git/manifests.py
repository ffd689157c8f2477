"""Whether a commit's edit of a dependency manifest changed what it installs.

``pyproject.toml``, ``package.json`` and ``Cargo.toml`` hold tool configuration beside
their dependencies: a ``[tool.ruff]`` table, an ``eslintConfig``, a ``[lints]`` table, a
description; Pipenv's ``Pipfile`` and ``Pipfile.lock`` hold development packages that a
deploy (``pipenv install --deploy``) does not install, and a published npm package's
``devDependencies`` and lock file (a package is published unless ``private``, or when it names
what it publishes though ``private``) are not installed for its users, nor a private package's of
tools alone (no dependency but development ones, no entry point, no script that builds, starts or
publishes: a Salesforce DX project's linters and test runner), nor a crate's
``[dev-dependencies]`` ever compiled into what it ships (nor the packages a ``Cargo.lock``
gains for such an entry added beside it, nor its crates' own versions a release bumps in it),
nor a PHP package's ``require-dev``,
nor a pyproject's dependency groups or its description of the project (classifiers, authors,
URLs: what the index shows), nor a pubspec's ``dev_dependencies`` or description
(``pubspec_manifests``); a Cargo workspace's members are its crates, which join
with their own files; a package's own version (a
release's bump in ``package.json``, ``Cargo.toml`` or ``pyproject.toml``) installs nothing
new; a Maven ``pom.xml`` describes
the project (its version, modules, SCM tag) beside what it depends on, a .NET project its
package and the analyzers private to its own build, and a Gradle build script its tasks,
publishing and documentation beside its dependency and plugin blocks (``gradle_scripts``).
An edit of those alone is no dependency change, and the scorer must not treat it as one
(``FileChange.code_added``). The manifest is read before and after the commit (one added or
deleted against an empty one) and what it declares is compared; the tables of tools that
build or install the package (Poetry, PDM, uv, Hatch, setuptools, …) are declarations too.
Any other manifest, or one that does not parse, is left as it was: a dependency change.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from data.source_values import SourceChangeFile
from data.sources.local_git.cargo_manifests import cargo_lock, cargo_manifest, only_added
from data.sources.local_git.git_command import read_blobs, run_git
from data.sources.local_git.gradle_scripts import gradle_script
from data.sources.local_git.npm_manifests import NPM_LOCKS, package_json, pins_nothing_shipped
from data.sources.local_git.pubspec_manifests import pubspec

__all__ = ["declarations", "with_dependency_edits"]

# ``[tool.*]`` tables of tools that build, package or install: what they say ships.
_BUILD_TOOLS = frozenset(
    {"poetry", "pdm", "uv", "hatch", "setuptools", "setuptools_scm", "flit", "flit_core",
     "maturin", "scikit-build", "pixi", "rye", "meson-python", "pdm-backend"}
)  # fmt: skip

# PEP 621's description of a project (and Poetry's of its package): what the index shows, not
# what an install resolves (typer's "Python :: 3.12" classifier added beside its CI matrix).
# ``dependencies``, ``optional-dependencies``, ``requires-python``, entry points and the name
# stay.
_PYPROJECT_METADATA = (
    "description", "readme", "authors", "maintainers", "keywords", "classifiers", "urls",
    "license", "license-files", "homepage", "repository", "documentation",
)  # fmt: skip


def _pyproject(text: str) -> object:
    document = tomllib.loads(text)
    # PEP 735's dependency groups are a checkout's development tools (tests, linters, docs, a
    # benchmark runner), never part of what is built or installed (pydantic-core's codspeed).
    document.pop("dependency-groups", None)
    tools = document.pop("tool", {})
    if isinstance(tools, dict):
        document["tool"] = {k: v for k, v in tools.items() if k in _BUILD_TOOLS}
        poetry = document["tool"].get("poetry")
        if isinstance(poetry, dict):
            poetry.pop("version", None)
            # Poetry's development packages, as the dependency groups above.
            poetry.pop("dev-dependencies", None)
            for key in _PYPROJECT_METADATA:
                poetry.pop(key, None)
    project = document.get("project")
    if isinstance(project, dict):
        project.pop("version", None)
        for key in _PYPROJECT_METADATA:
            project.pop(key, None)
    return document


# composer.json keys that describe the package or configure its development: what a checkout's
# ``composer install`` adds for tests and tools (``require-dev``, ``autoload-dev``), scripts,
# metadata (https://getcomposer.org/doc/04-schema.md). ``require``, ``autoload``, ``config``,
# ``repositories`` and the stability settings decide what ships, and stay.
_COMPOSER_DEVELOPMENT = frozenset(
    {"require-dev", "autoload-dev", "scripts", "scripts-descriptions", "description", "keywords",
     "homepage", "readme", "authors", "support", "funding", "license", "version", "time",
     "archive", "abandoned", "non-feature-branches"}
)  # fmt: skip


def _composer(text: str) -> object:
    document = json.loads(text)
    if not isinstance(document, dict):
        return document
    return {k: v for k, v in document.items() if k not in _COMPOSER_DEVELOPMENT}


# Pipenv's development packages and scripts: what ``pipenv install --deploy`` leaves out.
_PIPENV_DEVELOPMENT = ("dev-packages", "scripts", "pipenv")


def _pipfile(text: str) -> object:
    document: dict[str, Any] = tomllib.loads(text)
    for key in _PIPENV_DEVELOPMENT:
        document.pop(key, None)
    return document


def _pipfile_lock(text: str) -> object:
    document = json.loads(text)
    if not isinstance(document, dict):
        return document
    # ``_meta`` hashes the whole Pipfile, development packages too: the Pipfile's own
    # requirements and sources are read there.
    return {k: v for k, v in document.items() if k not in ("develop", "_meta")}


# An R package's DESCRIPTION fields that say what installing it installs; the rest describe it
# or configure tools (``RoxygenNote``, ``Config/testthat/edition``), and ``Suggests`` are the
# packages its tests and vignettes use.
_R_DECLARATIONS = frozenset({"package", "version", "depends", "imports", "linkingto", "remotes"})


def _r_description(text: str) -> object:
    """A DESCRIPTION's declarations (Debian control format: ``Field: value``, continued on
    indented lines), each a sorted list of its comma-separated entries."""
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and key is not None:
            fields[key] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or " " in name.strip():
            if line.strip():
                raise ValueError(f"not a DESCRIPTION field: {line[:40]!r}")
            key = None
            continue
        key = name.strip().lower()
        fields[key] = value.strip()
    return {
        k: sorted(" ".join(entry.split()) for entry in v.split(",") if entry.strip())
        for k, v in fields.items()
        if k in _R_DECLARATIONS
    }


# A Maven POM's elements that describe the project or where its artifacts go, not what building
# it installs: a release's version bump, its modules (a new sample module), its SCM tag.
_POM_METADATA = frozenset(
    {"modelVersion", "version", "name", "description", "url", "inceptionYear", "organization",
     "licenses", "developers", "contributors", "mailingLists", "scm", "issueManagement",
     "ciManagement", "distributionManagement", "reporting", "modules", "prerequisites"}
)  # fmt: skip


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _element(node: ElementTree.Element) -> object:
    """An element as plain data: its name, its text, its children in order (comments out)."""
    text = (node.text or "").strip()
    return (_local(node.tag), text, tuple(_element(child) for child in node))


def _test_scoped(node: ElementTree.Element) -> bool:
    """Whether ``node`` is a Maven ``<dependency>`` of ``<scope>test</scope>``: on the test
    classpath alone, never in what the artifact ships or passes on to its users."""
    if _local(node.tag) != "dependency":
        return False
    scope = next((c for c in node if _local(c.tag) == "scope"), None)
    return scope is not None and (scope.text or "").strip() == "test"


def _pom_element(node: ElementTree.Element) -> object:
    """``_element`` for a POM, its test-scoped dependencies left out wherever they are."""
    text = (node.text or "").strip()
    kept = tuple(_pom_element(child) for child in node if not _test_scoped(child))
    return (_local(node.tag), text, kept)


def _pom(text: str) -> object:
    """A POM's declarations: every top-level element but ``_POM_METADATA``'s (the parent, the
    dependencies and their management, properties, build plugins, profiles), its dependencies
    of ``test`` scope left out, as a crate's ``[dev-dependencies]`` are (jsoup's integration
    tests' Jetty server, added with a test)."""
    root = ElementTree.fromstring(text)
    return tuple(_pom_element(child) for child in root if _local(child.tag) not in _POM_METADATA)


# An SDK-style .NET project's properties that describe its package or configure analyzers and
# warnings: what NuGet shows of it and what the compiler reports, not what it depends on.
_MSBUILD_METADATA = frozenset(
    {"description", "authors", "company", "copyright", "product", "title", "packagetags",
     "packagereleasenotes", "packageprojecturl", "repositoryurl", "repositorytype",
     "repositorybranch", "repositorycommit", "packageicon", "packageiconurl",
     "packagelicenseexpression", "packagelicensefile", "packagereadmefile", "neutrallanguage",
     "version", "versionprefix", "versionsuffix", "packageversion", "assemblyversion",
     "fileversion", "informationalversion", "nowarn", "warningsaserrors",
     "treatwarningsaserrors", "warnaserror", "enablenetanalyzers", "analysislevel",
     "analysismode", "codeanalysisruleset", "enforcecodestyleinbuild",
     "generatedocumentationfile", "documentationfile", "fsharpanalyzersotherflags"}
)  # fmt: skip


# The items that list a project's own files beside its code (MSBuild's common items and WPF's):
# an old-style project names every resource, content file and folder, so a change adding
# translations (ShareX's ``<EmbeddedResource Include="Forms\AboutForm.de.resx">`` for each
# form) edited the project without changing what it depends on. ``Compile`` stays: F#
# compiles its files in the order listed.
_MSBUILD_OWN_FILES = frozenset(
    {"embeddedresource", "content", "none", "folder", "resource", "page",
     "applicationdefinition", "splashscreen"}
)  # fmt: skip


def _private(item: ElementTree.Element) -> bool:
    """Whether a ``PackageReference`` is private to the project's own build (``PrivateAssets``
    ``all``, as an attribute or an element): an analyzer, SourceLink or a build task, which
    NuGet never passes on to those who install the package."""
    private = item.get("PrivateAssets")
    if private is None:
        child = next((c for c in item if _local(c.tag) == "PrivateAssets"), None)
        private = None if child is None else (child.text or "")
    return private is not None and private.strip().lower() == "all"


def _msbuild_node(node: ElementTree.Element) -> object | None:
    """An MSBuild element as plain data, the package's description, its own non-code files and
    its private package references left out (``None``)."""
    name = _local(node.tag)
    lowered = name.lower()
    if (
        lowered in _MSBUILD_METADATA
        or lowered in _MSBUILD_OWN_FILES
        or (name == "PackageReference" and _private(node))
    ):
        return None
    children = tuple(kept for child in node if (kept := _msbuild_node(child)) is not None)
    if name in ("PropertyGroup", "ItemGroup") and not children:
        return None
    attributes = tuple(sorted(node.attrib.items()))
    return (name, attributes, (node.text or "").strip(), children)


def _dotnet_project(text: str) -> object:
    """A .NET project's declarations (``.csproj``, ``.fsproj``, ``.vbproj``): its SDK, target
    frameworks, package and project references, build steps; not its package's description,
    its analyzers' settings, the packages private to its own build (``PrivateAssets="all"``:
    Giraffe's F# analyzers) or the list of its resources and content files, which change
    nothing it depends on."""
    root = ElementTree.fromstring(text.lstrip("\ufeff"))
    return _msbuild_node(root)


_PROJECT_EXTENSIONS = (".csproj", ".fsproj", ".vbproj")

_READERS: dict[str, Callable[[str], object]] = {
    "pom.xml": _pom,
    "pyproject.toml": _pyproject,
    "package.json": package_json,
    "composer.json": _composer,
    "cargo.toml": cargo_manifest,
    "cargo.lock": cargo_lock,
    "pipfile": _pipfile,
    "pipfile.lock": _pipfile_lock,
    "description": _r_description,
    "pubspec.yaml": pubspec,
    "build.gradle": gradle_script,
    "build.gradle.kts": gradle_script,
}


def _reader(path: str) -> Callable[[str], object] | None:
    """The reader of the manifest at ``path``: by its name, or a .NET project's extension."""
    name = path.rpartition("/")[2].lower()
    if name.endswith(_PROJECT_EXTENSIONS):
        return _dotnet_project
    return _READERS.get(name)


def declarations(path: str, text: str) -> object | None:
    """What the manifest at ``path`` declares, tool configuration left out, as plain data to
    compare; ``None`` for a file no reader knows or whose text does not parse."""
    reader = _reader(path)
    if reader is None:
        return None
    try:
        return reader(text)
    except (ValueError, tomllib.TOMLDecodeError, ElementTree.ParseError):
        return None


def with_dependency_edits(
    path: Path, sha: str, files: tuple[SourceChangeFile, ...]
) -> tuple[SourceChangeFile, ...]:
    """``files`` of commit ``sha`` (against its first parent), each known manifest whose
    declarations did not change, and each npm lock file of a published package, marked so: no
    line of code added or deleted."""
    edited = [
        i
        for i, f in enumerate(files)
        if f.change_type in ("modified", "renamed", "added", "deleted")
        and _reader(f.path) is not None
        and "\n" not in f.path
        and "\n" not in (f.previous_path or "")
    ]
    if not edited:
        # A lock file relocked with no manifest beside it is still a published package's.
        return _published_locks(path, sha, files)
    names: list[str] = []
    for i in edited:
        f = files[i]
        names += [f"{sha}^1:{f.previous_path or f.path}", f"{sha}:{f.path}"]
    texts = [
        None if blob is None else blob.decode("utf-8", "replace")
        for blob in read_blobs(path, names)
    ]
    out = list(files)
    # Cargo.lock files that only add packages, and whether every Cargo.toml edited beside them
    # changed no dependency.
    grown: list[int] = []
    crates_unchanged = True
    # A manifest added or deleted is compared with an empty one: a new pyproject.toml of a
    # formatter's ``[tool.black]`` alone declares nothing (conda's pre-commit set-up). Which
    # side git lacks is asked of git itself, as a blob missing from a partial clone is no
    # deletion.
    lacking = [files[i].path for n, i in enumerate(edited) if None in texts[2 * n : 2 * n + 2]]
    status = _added_or_deleted(path, sha, lacking) if lacking else {}
    for n, i in enumerate(edited):
        before, after = texts[2 * n], texts[2 * n + 1]
        name = files[i].path.rpartition("/")[2].lower()
        empty = "{}" if name.endswith(".json") else ""
        if before is None and status.get(files[i].path) == "A":
            before = empty
        elif after is None and status.get(files[i].path) == "D":
            after = empty
        if before is None or after is None:
            continue
        was, now = declarations(files[i].path, before), declarations(files[i].path, after)
        if was is not None and was == now:
            out[i] = replace(files[i], code_added=0, code_deleted=0)
        elif name == "cargo.toml":
            crates_unchanged = False
        elif name == "cargo.lock" and only_added(was, now):
            grown.append(i)
    if crates_unchanged and any(
        files[i].path.rpartition("/")[2].lower() == "cargo.toml" for i in edited
    ):
        # A lock that only gained the packages of a ``[dev-dependencies]`` entry added beside
        # it (bat's integration tests' ``assert_cmd``) pins nothing a build of the crate uses.
        for i in grown:
            out[i] = replace(files[i], code_added=0, code_deleted=0)
    return _published_locks(path, sha, tuple(out))


def _added_or_deleted(path: Path, sha: str, paths: list[str]) -> dict[str, str]:
    """git's own status of ``paths`` in commit ``sha`` against its first parent, ``A`` or
    ``D`` where it added or deleted them (a root commit: none)."""
    done = run_git(
        path, "--literal-pathspecs", "diff-tree", "-r", "-z", "--no-renames",
        "--name-status", "--diff-filter=AD", f"{sha}^1", sha, "--", *paths, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return {}
    fields = done.stdout.decode("utf-8", "replace").split("\0")
    return {fields[k + 1]: fields[k] for k in range(0, len(fields) - 1, 2)}


def _published_locks(
    path: Path, sha: str, files: tuple[SourceChangeFile, ...]
) -> tuple[SourceChangeFile, ...]:
    """``files``, each npm lock file beside a published package's ``package.json`` or one of
    tools alone (``npm_manifests.pins_nothing_shipped``) marked as no dependency change: it
    pins only the package's own checkout."""
    locks = [
        i
        for i, f in enumerate(files)
        if f.change_type != "deleted"
        and f.path.rpartition("/")[2] in NPM_LOCKS
        and "\n" not in f.path
    ]
    if not locks:
        return files
    folders = [files[i].path.rpartition("/")[0] for i in locks]
    blobs = read_blobs(
        path, [f"{sha}:{d}/package.json" if d else f"{sha}:package.json" for d in folders]
    )
    out = list(files)
    for i, blob in zip(locks, blobs, strict=True):
        try:
            package = json.loads(blob) if blob is not None else None
        except ValueError:
            continue
        if isinstance(package, dict) and pins_nothing_shipped(package):
            out[i] = replace(files[i], code_added=0, code_deleted=0)
    return tuple(out)
