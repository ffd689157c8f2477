"""The code module a clone's single npm package publishes (its ``files``, else its ``main``)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from bot.quickstart.build_files import Declared, Modules, json_object, show
from bot.quickstart.build_output import is_build_output
from bot.quickstart.declared_modules import string_list, tracks_folder
from bot.quickstart.service_names import kept
from scoring.change_files import lexed_path
from scoring.paths import path_kinds

__all__ = [
    "npm_client",
    "npm_package",
]

# Hand-written JavaScript and TypeScript, for the source of a package that publishes its build.
_SCRIPTS = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".vue", ".svelte")
# TypeScript's declaration files: what ``tsc --declaration`` writes from a package's source
# (the scorer calls them generated, as Linguist does).
_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")


def _script_kept(folder: str) -> bool:
    """``kept``, where ``assets/`` holds a package's scripts (``assets/js/``), not images."""
    return all(p == "assets" or kept(p) for p in folder.split("/"))


def _published(entry: str, files: list[str], tracked: set[str]) -> str | None:
    """The glob of what a package.json ``files`` entry (or ``main``/``source`` file) names
    that is code the clone tracks and no build wrote: a code file, else a folder (a glob's
    folder: ``assets/js/phoenix/*`` is ``assets/js/phoenix``); None for anything else."""
    where = entry.strip().removeprefix("./").rstrip("/")
    if where.startswith("!") or _declares(where):
        return None  # what the compiler wrote from the source
    if any(c in where for c in "*?[{"):
        where = re.split(r"[*?\[{]", where, maxsplit=1)[0].rstrip("/")
        where = where if where not in files else ""
    if not where or is_build_output(f"{where}/x") or not _script_kept(where):
        return None
    if where in files:
        return where if lexed_path(where) and not _compiled(where, tracked) else None
    scripts = [f for f in files if f.startswith(f"{where}/") and f.endswith(_SCRIPTS)]
    if scripts and all(_compiled(f, tracked) for f in scripts):
        return None  # a folder of compiled scripts (each beside its map): the build's
    return f"{where}/**" if tracks_folder(where, files) else None


def _compiled(path: str, tracked: set[str]) -> bool:
    """Whether ``path`` is what a build or the TypeScript compiler wrote: a build's output, or
    a declaration file (shiny publishes only ``srcts/types/**/*.d.ts``, which ``tsc`` writes
    from ``srcts/src/``)."""
    return path.endswith(_DECLARATIONS) or is_build_output(path, tracked)


def _declares(entry: str) -> bool:
    """Whether a ``files``, ``types`` or ``main`` entry names declaration files only (a
    ``.d.ts`` file or a glob of them): the package publishes what ``tsc`` wrote."""
    return entry.rstrip("/").endswith(_DECLARATIONS)


def _script_folder(files: list[str], tracked: set[str]) -> str | None:
    """The folder holding the clone's hand-written JavaScript or TypeScript outside tests,
    docs and build output (the source of a package that publishes only its build): the top
    folder with most of them, followed down while they all sit in one folder."""
    code = [
        f
        for f in files
        if f.endswith(_SCRIPTS)
        and "/" in f
        and _script_kept(f.rpartition("/")[0])
        and not _compiled(f, tracked)
        and "node_modules/" not in f
    ]
    if not code:
        return None
    tops = Counter(f.split("/", 1)[0] for f in code)
    folder = tops.most_common(1)[0][0]
    inside = [f for f in code if f.startswith(f"{folder}/")]
    while True:
        below = {f[len(folder) + 1 :].split("/", 1)[0] for f in inside}
        if len(below) != 1 or any(f.count("/") <= folder.count("/") + 1 for f in inside):
            return folder
        folder = f"{folder}/{below.pop()}"


# The fields by which a package.json publishes a library or a command.
_PUBLISHES = ("files", "main", "module", "exports", "bin", "types", "typings")
# Monorepo tools' own files: their projects are packages, though no workspace names them.
_MONOREPO_FILES = ("lerna.json", "nx.json", "angular.json", "rush.json", "turbo.json")


# The scripts by which a package builds or serves what it deploys (``vite build``,
# ``next dev``): a linter's or formatter's package.json has none of them.
_APPLICATION_SCRIPTS = ("build", "dev", "start")


def _application(data: dict[str, Any], files: list[str]) -> bool:
    """Whether the root package.json is an application's (a Next.js or Vite app, a Node
    server): it publishes nothing, installs runtime ``dependencies`` or is ``private`` and
    builds or serves something (a SvelteKit or Vite app bundles its packages, so they are
    all ``devDependencies``: sveltejs/realworld), and is the clone's only package (no
    monorepo tool's file, no package.json in a folder that may be a service)."""
    if any(data.get(k) for k in _PUBLISHES):
        return False
    dependencies = data.get("dependencies")
    scripts = data.get("scripts")
    bundled = (
        data.get("private") is True
        and isinstance(scripts, dict)
        and any(k in scripts for k in _APPLICATION_SCRIPTS)
    )
    if not (isinstance(dependencies, dict) and dependencies) and not bundled:
        return False
    if any(f in files for f in _MONOREPO_FILES):
        return False
    return not any(
        f.endswith("/package.json") and "node_modules/" not in f and kept(f.rpartition("/")[0])
        for f in files
    )


def npm_package(path: Path, files: list[str]) -> Modules | None:
    """A root package.json of one package (no workspaces): one module named after the package
    (its scope left out), the code its ``files`` publishes (folders and code files; express's
    ``lib/`` and ``index.js``), else the folder of its ``source`` or ``main`` file; None when
    neither names code the clone tracks. What a build wrote is never the module's: a package
    that publishes only its build (``priv/static/*``, ``dist/``) is the folder holding its
    hand-written scripts. An application's package.json (``_application``) is one module of
    the whole clone, as a Rack application's Gemfile is. Tried last: a package.json beside
    another build is its tooling."""
    data = _package_json(path, files, named=False)
    if data is None:
        return None
    if _application(data, files):
        name = str(data.get("name") or "").rsplit("/", 1)[-1] or None
        return [Declared("", name)], "an npm application (package.json)"
    if not data.get("name"):
        return None
    tracked = set(files)
    entries = string_list(data.get("files"))
    globs = [g for e in entries if (g := _published(e, files, tracked))]
    mains = [str(data.get(k) or "") for k in ("source", "main", "module")]
    for main in (m.removeprefix("./") for m in [*mains, "index.js"] if m and not globs):
        usable = main in files and "/" in main and not is_build_output(main, tracked)
        if usable and (glob := _published(main.rsplit("/", 1)[0], files, tracked)):
            globs.append(glob)
    declared = [str(data.get(k) or "") for k in ("types", "typings")]
    built = any(
        is_build_output(e.removeprefix("./").rstrip("/*") + "/x")
        or is_build_output(e, tracked)
        or _declares(e)
        for e in [*entries, *mains, *declared]
        if e
    )
    # What the TypeScript compiler writes into a published folder is built from the folders
    # tsconfig.json compiles (ignite publishes ``build/``, tsc's ``outDir``, from ``src/``,
    # beside the ``boilerplate/`` app it copies): those are the package's code.
    compiled = _compiled_sources(path, files, [*entries, *mains, *declared, *_bins(data)])
    globs[:0] = [f"{c}/**" for c in compiled if f"{c}/**" not in globs]
    # It publishes only what a build wrote: its code is the source the build read.
    source = _script_folder(files, tracked) if built else None
    if source is not None and not any(g.endswith("/**") for g in globs):
        globs.insert(0, f"{source}/**")
    folders = [g for g in globs if g.endswith("/**")]
    name = str(data["name"]).rsplit("/", 1)[-1]
    # A package that publishes its build, names no ``files`` (npm packs every file then) and
    # has no folder of scripts the build read is built from the clone's code as a whole
    # (patriciogonzalezvivo/lygia bundles the shaders of its topic folders into ``dist/``).
    whole = built and source is None and not entries
    if not folders and (whole or _flat(files, tracked, [*entries, *mains, "index.js"])):
        return [Declared("", name)], "the npm package (package.json)"
    if not folders:
        return None
    more = tuple(g for g in dict.fromkeys(globs) if g != folders[0])
    return [Declared(folders[0].removesuffix("/**"), name, more)], "the npm package (package.json)"


def _flat(files: list[str], tracked: set[str], named: list[str]) -> bool:
    """Whether a package that names no folder of code is flat: a file it publishes or enters
    by is hand-written code at the root (lodash's 540 KB ``lodash.js`` beside the build
    scripts and ``fp/`` mappings it ships), so its code is the clone's."""
    return any(
        "/" not in n and n in files and path_kinds(n).code and not is_build_output(n, tracked)
        for n in (e.removeprefix("./") for e in named if e)
    )


def _bins(data: dict[str, Any]) -> list[str]:
    """The files a package.json's ``bin`` names (a path, or a map of commands to paths)."""
    bins = data.get("bin")
    if isinstance(bins, str):
        return [bins]
    return [v for v in bins.values() if isinstance(v, str)] if isinstance(bins, dict) else []


def _compiled_sources(path: Path, files: list[str], published: list[str]) -> list[str]:
    """The folders the root tsconfig.json compiles (its ``rootDir``, else the folders of its
    ``include``) when the package publishes its ``outDir``, which the clone does not hold:
    tsc's output is the package's code, its source the folders it read."""
    config = json_object(show(path, "tsconfig.json")) if "tsconfig.json" in files else None
    options = config.get("compilerOptions") if config is not None else None
    if config is None or not isinstance(options, dict):
        return []
    out = options.get("outDir")
    if not isinstance(out, str) or not (out := out.strip().removeprefix("./").rstrip("/")):
        return []
    named = (p.strip().removeprefix("./").rstrip("/") for p in published)
    if tracks_folder(out, files) or not any(p == out or p.startswith(f"{out}/") for p in named):
        return []
    root = options.get("rootDir")
    read = [root] if isinstance(root, str) else string_list(config.get("include"))
    folders = (re.split(r"[*?\[{]", r.strip().removeprefix("./"), maxsplit=1)[0] for r in read)
    return [
        f
        for f in dict.fromkeys(f.rstrip("/") for f in folders)
        if f and f != out and tracks_folder(f, files) and _script_kept(f)
    ]


def _package_json(path: Path, files: list[str], named: bool = True) -> dict[str, Any] | None:
    """The root package.json of one package (no workspaces), or None; with ``named``, only
    of one that has a name."""
    if "package.json" not in files:
        return None
    try:
        data = json.loads(show(path, "package.json") or "null")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("workspaces") or (named and not data.get("name")):
        return None
    return data


def npm_client(path: Path, files: list[str]) -> Modules | None:
    """The npm package a clone of another build publishes beside it (an Elixir framework's
    JavaScript client): ``npm_package``'s module when the package.json is no private
    tooling (``"private": true``) and names what it publishes (``files``, ``main``,
    ``module``, ``exports``)."""
    data = _package_json(path, files)
    if data is None or data.get("private") is True:
        return None
    if not any(data.get(k) for k in ("files", "main", "module", "exports")):
        return None
    return npm_package(path, files)
