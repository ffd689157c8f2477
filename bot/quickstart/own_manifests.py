"""A package's own manifest is part of its service: a gem's ``devise.gemspec`` and ``Gemfile``
beside the ``lib/`` its build names, a Composer package's ``composer.json`` beside ``src/``.

A build names a module by the folder its code is in (a gem's ``lib/``, Composer's autoload
``src/``, a src-layout Python package's ``src/pkg/``), which leaves the files that declare the
module (its name, version, files and dependencies) just outside it, in no service: a change of
them changes what the module ships, yet no briefing would name the module for it (devise's
gemspec and Gemfile took 8 of its year's 42 changes of code in no service).

Here a service whose first folder holds no manifest at its top takes the manifests of the
nearest folder above it that holds one, when that folder holds no other service's code: the
root's manifests of a clone of one package are that package's, while a monorepo's root manifests
(beside ``packages/a`` and ``packages/b``) stay in none. A manifest some service holds already
stays where it is, as does one for development only (``requirements-dev.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.quickstart.version_folders import KeyedGlobs
from data.path_globs import in_globs
from scoring.manifests import named_manifest
from scoring.paths import path_kinds

__all__ = ["PACKAGE_MANIFEST", "is_manifest", "with_own_manifests"]

# The files that make a folder a package of its own, in any ecosystem: what builds it.
PACKAGE_MANIFEST = re.compile(
    r"(?:cargo\.toml|pyproject\.toml|setup\.py|package\.json|go\.mod|pom\.xml"
    r"|build\.gradle(?:\.kts)?|build\.sbt|[^/]+\.(?:cs|fs|vb)proj|mix\.exs|rebar\.config"
    r"|[^/]+\.gemspec|composer\.json|package\.swift|pubspec\.yaml|deno\.jsonc?"
    r"|cmakelists\.txt|[^/]+\.cabal|build\.zig|dune-project|project\.clj|deps\.edn"
    r"|[^/]+\.rockspec)",
    re.IGNORECASE,
)
# Where a glob's literal part ends: its first wildcard.
_WILD = re.compile(r"[*?\[{]")


def is_manifest(path: str) -> bool:
    """A file that declares a package: its build manifest (``PACKAGE_MANIFEST``) or a
    dependency manifest or lock file the scorer knows (``scoring.manifests``), not one for
    development only."""
    name = path.rpartition("/")[2]
    declares = PACKAGE_MANIFEST.fullmatch(name) is not None or named_manifest("/" + path.lower())
    return declares and not path_kinds(path).aside


def _folder(glob: str) -> str | None:
    """The folder a service's glob names (``lib`` of ``lib/**``), ``""`` for the root's;
    ``None`` for a glob that names no folder of its own (``**``, ``*.py``, a file)."""
    literal = _WILD.split(glob, maxsplit=1)[0]
    if not literal.endswith("/") or literal == "/":
        return None
    return literal.rstrip("/")


def _parents(folder: str) -> list[str]:
    """The folders above ``folder``, nearest first, the root (``""``) last."""
    parts = folder.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, -1, -1)]


def with_own_manifests(services: Sequence[KeyedGlobs], files: Sequence[str]) -> list[KeyedGlobs]:
    """``services`` with each one's own manifests added as globs of their paths: those of the
    nearest folder above its first folder, when that holds none at its top (module docstring)."""
    tops: dict[str, list[str]] = {}
    for f in files:
        if is_manifest(f):
            tops.setdefault(f.rpartition("/")[0], []).append(f)
    literals = [
        [_WILD.split(g, maxsplit=1)[0] for g in globs if not g.startswith("!")]
        for _, globs, _ in services
    ]
    out: list[KeyedGlobs] = []
    for i, (key, globs, excluded) in enumerate(services):
        folder = _folder(globs[0]) if globs else None
        above = (
            next((p for p in _parents(folder) if p in tops), None)
            if folder and folder not in tops
            else None
        )
        if above is None:
            out.append((key, globs, excluded))
            continue
        prefix = f"{above}/" if above else ""
        # Another service's code under that folder makes its manifests no one service's.
        if any(lit.startswith(prefix) for j, lits in enumerate(literals) if j != i for lit in lits):
            out.append((key, globs, excluded))
            continue
        own = [f for f in tops[above] if not any(in_globs((*g, *x), f) for _, g, x in services)]
        out.append((key, (*globs, *own), excluded))
    return out
