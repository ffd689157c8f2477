"""Dependency manifests by their paths: which files pin what ships, and which pin only what
developers and CI install (``scoring.paths`` reads both into a path's kinds).

Paths are searched as ``scoring.paths`` searches them: lower-cased, after a leading "/".
"""

from __future__ import annotations

import re

__all__ = ["dev_requirements", "manifest_name", "named_manifest"]

# Data and examples nobody deploys: the only places a dependency manifest is ignored.
_FIXTURE = re.compile(
    r"/(testdata|test_data|fixtures|__fixtures__|_?examples?|_?samples?|demos?|tutorials?"
    r"|quickstarts?|docs_src|website|_?site)/"
)
_MANIFEST = re.compile(
    # pip's requirements/base.txt, requirements-dev/, falcon's extensionless requirements/tests
    # (a build or docs file kept beside them is none)
    r"/(?:requirements[^/]*/(?:(?!(?:makefile|justfile|dockerfile|readme|license)$)[^/.]+"
    r"|[^/]+\.(txt|in))$"
    r"|(package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?"
    r"|[^/]*requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock"
    r"|pipfile(\.lock)?|go\.(mod|sum|work|work\.sum)|cargo\.(toml|lock)|gemfile(\.lock)?"
    r"|pom\.xml|build\.gradle(\.kts)?|gradle\.lockfile|libs\.versions\.toml"
    r"|composer\.(json|lock)|[^/]+\.(cs|fs|vb)proj|packages\.(lock\.json|config)"
    r"|directory\.packages\.props|mix\.(exs|lock)|podfile(\.lock)?|package\.(swift|resolved)"
    # An R package's DESCRIPTION (its Imports, Depends, LinkingTo).
    r"|pubspec\.(yaml|lock)|deno\.(json|lock)|description"
    # A LuaRocks package's rockspec (its ``dependencies`` and ``build.modules``).
    r"|[^/]+\.rockspec)$)",
)


# What a requirements or constraints file's name may say it is for when what it pins is
# installed by developers and CI, not by what ships (flask's requirements/dev.txt and
# requirements/typing.txt, requirements-test.txt, docs-requirements.in; a folder named
# requirements-something holds pip-tools' inputs and outputs as requirements/ does).
_DEV_PURPOSES = frozenset(
    {"dev", "develop", "development", "test", "tests", "testing", "doc", "docs", "typing",
     "types", "lint", "linting", "style", "mypy", "ci", "build", "bench", "benchmark",
     "benchmarks", "pre-commit"}
)  # fmt: skip
_WORD_SPLIT = re.compile(r"[-_.]")


def dev_requirements(slashed: str) -> bool:
    """Whether a requirements or constraints file is named for development, tests, docs or CI."""
    folder, _, name = slashed.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    in_folder = folder.rpartition("/")[2].startswith("requirements")
    if not dot and in_folder:
        # A requirements folder's files need no extension (``pip install -r requirements/tests``).
        stem, extension = name, "txt"
    if extension not in ("txt", "in"):
        return False
    if not (in_folder or "requirements" in stem or "constraints" in stem):
        return False
    # The folder's name may say the purpose for all it holds (requirements-dev/base.txt).
    words = _WORD_SPLIT.split(stem) + (
        _WORD_SPLIT.split(folder.rpartition("/")[2]) if in_folder else []
    )
    return not _DEV_PURPOSES.isdisjoint(words) or stem in _DEV_PURPOSES


def manifest_name(slashed: str) -> bool:
    """Whether a path's name is a dependency manifest's or lock file's, wherever it lies."""
    return _MANIFEST.search(slashed) is not None


def named_manifest(slashed: str) -> bool:
    """Whether a path names a dependency manifest or lock file outside data and examples nobody
    deploys (tests' own, ``tests/requirements.txt``, count: CI installs them)."""
    return _MANIFEST.search(slashed) is not None and _FIXTURE.search(slashed) is None
