"""The code modules the build files of Elixir, Erlang, Scala, Haskell, Swift, Dart, Clojure,
OCaml, Julia, R, Zig, D (dub), PlatformIO and Perl declare, and (``bot.quickstart.config_packages``)
a repository's Helm charts, an Ansible collection, a Puppet module and a Chef cookbook, read at
HEAD.

Each reader answers the modules its build file at the root declares, with the folders their
code sits in (a Mix project's ``lib/``, a Swift target's ``Sources/<target>``, an R package's
``R/`` and ``src/``), and the build's own files (mix.exs, build.sbt and ``project/``,
Package.swift, project.clj, build.zig, …) in the module they build, or None when the clone
has no such build. Modules named as tests, docs, examples and the like are left out, as the
other readers leave them. Mix and rebar3 are read in ``bot.quickstart.beam_builds``, Cabal
and hpack in ``bot.quickstart.haskell_builds``, a Perl distribution in
``bot.quickstart.perl_distributions``, a Maven project of one module whose code is not in
``src/main`` in ``bot.quickstart.maven_sources``, and the steps every reader shares are
``bot.quickstart.declared_modules``.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from bot.quickstart.beam_builds import mix_projects, rebar_applications
from bot.quickstart.build_files import Declared, Modules, json_object, show
from bot.quickstart.config_packages import (
    ansible_collection,
    chef_cookbook,
    helm_charts,
    puppet_module,
)
from bot.quickstart.declared_modules import (
    declared_module,
    first_with_build_files,
    inner_path,
    kept_code,
    manifest_folders,
    parent_folder,
    string_list,
    tracks_folder,
    with_build_files,
    yaml_mapping,
)
from bot.quickstart.haskell_builds import cabal_packages
from bot.quickstart.maven_sources import maven_sources
from bot.quickstart.perl_distributions import perl_distribution
from bot.quickstart.service_names import kept
from bot.quickstart.source_sets import other_source_sets
from data.path_globs import glob_to_regex, in_globs

__all__ = ["LANGUAGE_READERS", "language_builds"]

_SBT_VAL = re.compile(r"^\s*lazy\s+val\s+`?(\w+)`?\s*=\s*(.*)$", re.MULTILINE)
_SBT_FILE = re.compile(r"\bfile\(\s*\"([^\"]+)\"\s*\)")
_SBT_NAME = re.compile(r"\bname\s*:=\s*\"([^\"]+)\"")
_SWIFT_TARGET = re.compile(r"\.(target|executableTarget|macro|plugin|testTarget)\s*\(")
_SWIFT_NAME = re.compile(r"\bname\s*:\s*\"([^\"]+)\"")
_SWIFT_PATH = re.compile(r"\bpath\s*:\s*\"([^\"]+)\"")
_LEIN_PROJECT = re.compile(r"\(defproject\s+(?:[\w.-]+/)?([\w.-]+)")
_EDN_STRINGS = re.compile(r"\"([^\"]+)\"")
_DUNE_NAME = re.compile(r"\(name\s+([\w.-]+)\)")
_DUNE_CODE = re.compile(r"\((?:library|executables?)\b")
_R_PACKAGE = re.compile(r"^Package:\s*(\S+)", re.MULTILINE)
# A dub package's name and source folders in its dub.sdl: ``name "dub"``, ``sourcePaths "src"``
# (an SDLang tag at the top level, not a configuration's or subpackage's, which are indented).
_DUB_NAME = re.compile(r'^name\s+"([^"]+)"', re.MULTILINE)
_DUB_PATHS = re.compile(r"^sourcePaths\s+(.+)$", re.MULTILINE)
_ZIG_NAME = re.compile(r"\.name\s*=\s*(?:\"([^\"]+)\"|\.@?\"?([\w-]+))")


def _sbt(path: Path, files: list[str]) -> Modules | None:
    """An sbt build's projects (``lazy val core = project.in(file("core"))``, ``lazy val
    core = project`` in a folder of its name); a build of one project is its ``src/main``."""
    if "build.sbt" not in files:
        return None
    text = show(path, "build.sbt") or ""
    found: list[Declared] = []
    vals = list(_SBT_VAL.finditer(text))
    for i, val in enumerate(vals):
        body = text[val.start(2) : vals[i + 1].start() if i + 1 < len(vals) else len(text)]
        if not re.match(r"\(?\s*(?:project|crossProject|projectMatrix|Project)\b", body):
            continue
        where = _SBT_FILE.search(body)
        folder = (where[1] if where else val[1]).strip().removeprefix("./").strip("/")
        named = _SBT_NAME.search(body)
        if (
            folder not in ("", ".")
            and tracks_folder(folder, files)
            and kept(folder)
            and kept(val[1])
        ):
            found.append(Declared(folder, named[1] if named else val[1]))
    # The build's definition (build.sbt, project/) builds every project: the first holds it.
    build = ["*.sbt", "project/**"]
    if found:
        return first_with_build_files(found, build, files), "sbt projects (build.sbt)"
    named = _SBT_NAME.search(text)
    if tracks_folder("src/main", files):
        single = [Declared("src/main", named[1] if named else None, other_source_sets(files))]
        return first_with_build_files(single, build, files), "one sbt project (build.sbt)"
    return None


def _call(text: str, start: int) -> tuple[str, int]:
    """The arguments of a call whose ``(`` ends at ``start``, with what nested calls and
    lists hold left out, and where the call ends."""
    depth = 0
    out: list[str] = []
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                return "".join(out), i
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out), len(text)


def _swift(path: Path, files: list[str]) -> Modules | None:
    """A Swift package's targets (not its test targets), each ``Sources/<target>`` or the
    ``path:`` it names."""
    if "Package.swift" not in files:
        return None
    text = show(path, "Package.swift") or ""
    found: list[Declared] = []
    end = 0
    for call in _SWIFT_TARGET.finditer(text):
        if call.start() < end:
            continue  # a ``.target(name:)`` among another target's dependencies
        body, end = _call(text, call.end())
        named = _SWIFT_NAME.search(body)
        if call[1] == "testTarget" or named is None:
            continue
        where = _SWIFT_PATH.search(body)
        folder = where[1].strip("/") if where else f"Sources/{named[1]}"
        if tracks_folder(folder, files) and kept(folder):
            found.append(Declared(folder, named[1]))
    # The package's other builds of the same targets: CocoaPods, the Xcode project, and the
    # schemes SwiftPM keeps for Xcode.
    build = ["Package.swift", "Package@swift-*.swift", "*.podspec", "*.xcodeproj/**", ".swiftpm/**"]
    found = first_with_build_files(found, build, files)
    return (found, "Swift package targets (Package.swift)") if found else None


def _dart(path: Path, files: list[str]) -> Modules | None:
    """Dart and Flutter packages: the members melos.yaml or the root pubspec's ``workspace``
    names (else ``packages/*``), each its ``lib/`` (and ``bin/``), named by its pubspec;
    else the root package's."""
    if "pubspec.yaml" not in files and "melos.yaml" not in files:
        return None
    globs = [g for g in string_list(yaml_mapping(path, "melos.yaml").get("packages")) if g]
    globs += string_list(yaml_mapping(path, "pubspec.yaml").get("workspace"))
    spelt = [g.strip().removeprefix("./").rstrip("/") for g in globs]
    spelt = [g for g in spelt if _is_glob(g)] or ["packages/*"]
    members = [d for d in manifest_folders(files, "pubspec.yaml") if d and in_globs(spelt, d)]
    found: list[Declared] = []
    for folder in [*members, ""]:
        named = yaml_mapping(path, inner_path(folder, "pubspec.yaml")).get("name")
        name = named if isinstance(named, str) else None
        module = declared_module(folder, ["lib", "bin"], name, files)
        if (
            module := with_build_files(module, [inner_path(folder, "pubspec.yaml")], files)
        ) is not None:
            found.append(module)
    kind = "Dart packages (pubspec.yaml)" if members else "the Dart package (pubspec.yaml)"
    return (found, kind) if found else None


def _is_glob(text: str) -> bool:
    """Whether a hand-written member glob is one riskbrief reads (not ``[`` unclosed)."""
    try:
        glob_to_regex(text)
    except ValueError:
        return False
    return True


def _clojure(path: Path, files: list[str]) -> Modules | None:
    """Clojure projects: each project.clj's ``:source-paths`` (default ``src``), else each
    deps.edn's ``:paths`` (default ``src``), at the root and in subproject folders (ring's
    ``ring-core/``, a Polylith's ``components/*``); resources are no code."""
    for build, key in (("project.clj", ":source-paths"), ("deps.edn", ":paths")):
        found: list[Declared] = []
        folders = manifest_folders(files, build)
        for folder in folders:
            text = show(path, inner_path(folder, build)) or ""
            listed = re.search(rf"{key}\s*\[([^\]]*)\]", text)
            paths = _EDN_STRINGS.findall(listed[1]) if listed else ["src"]
            java = re.search(r":java-source-paths\s*\[([^\]]*)\]", text)
            paths += _EDN_STRINGS.findall(java[1]) if java else []
            code = [p.strip("/") for p in paths if "resources" not in p]
            # A root that lists its subprojects' sources (lein-monolith) leaves them to them.
            code = [c for c in code if not any(c.startswith(f"{d}/") for d in folders if d)]
            named = _LEIN_PROJECT.search(text) if build == "project.clj" else None
            name = named[1] if named else folder.rpartition("/")[2] or path.name
            module = declared_module(folder, code, name, files)
            own = [inner_path(folder, build), inner_path(folder, "build.clj")]
            if (module := with_build_files(module, own, files)) is not None:
                found.append(module)
        if found:
            kind = "the Clojure project" if len(found) == 1 else "Clojure projects"
            return first_with_build_files(found, [build, "build.clj"], files), f"{kind} ({build})"
    return None


def _dune(path: Path, files: list[str]) -> Modules | None:
    """A dune project: its top folders holding a ``dune`` file with a library or executables
    (``src/``, ``lib/``, ``bin/``), named by the dune-project's ``(name …)``."""
    if "dune-project" not in files:
        return None
    folders: list[str] = []
    for dune in (f for f in files if f == "dune" or f.endswith("/dune")):
        top = dune.split("/", 1)[0] if "/" in dune else ""
        if (
            top
            and top not in folders
            and kept_code(parent_folder(dune))
            and _DUNE_CODE.search(show(path, dune) or "")
        ):
            folders.append(top)
    named = _DUNE_NAME.search(show(path, "dune-project") or "")
    usual = ("src", "lib", "bin")
    folders.sort(key=lambda d: (usual.index(d) if d in usual else len(usual), d))
    module = declared_module("", folders, named[1] if named else None, files)
    module = with_build_files(module, ["dune-project", "dune", "*.opam"], files)
    return ([module], "the dune project (dune-project)") if module else None


def _julia(path: Path, files: list[str]) -> Modules | None:
    """Julia packages: every Project.toml with a ``name`` (the root's, ``lib/*`` ones), each
    its ``src/`` (and ``ext/``)."""
    if "Project.toml" not in files and "JuliaProject.toml" not in files:
        return None
    found: list[Declared] = []
    for build in ("Project.toml", "JuliaProject.toml"):
        for folder in manifest_folders(files, build):
            try:
                name = tomllib.loads(show(path, inner_path(folder, build)) or "").get("name")
            except tomllib.TOMLDecodeError:
                continue
            module = (
                declared_module(folder, ["src", "ext"], name, files)
                if isinstance(name, str)
                else None
            )
            if (module := with_build_files(module, [inner_path(folder, build)], files)) is not None:
                found.append(module)
    return (found, "Julia packages (Project.toml)") if found else None


def _r(path: Path, files: list[str]) -> Modules | None:
    """An R package (a DESCRIPTION naming its ``Package:``): its ``R/`` and compiled ``src/``."""
    if "DESCRIPTION" not in files:
        return None
    named = _R_PACKAGE.search(show(path, "DESCRIPTION") or "")
    module = declared_module("", ["R", "src"], named[1], files) if named else None
    module = with_build_files(module, ["DESCRIPTION", "NAMESPACE"], files)
    return ([module], "the R package (DESCRIPTION)") if module else None


def _zig(path: Path, files: list[str]) -> Modules | None:
    """A Zig build: its ``src/`` (and ``lib/``), named by build.zig.zon's ``.name``."""
    if "build.zig" not in files:
        return None
    named = _ZIG_NAME.search(show(path, "build.zig.zon") or "")
    name = (named[1] or named[2]) if named else None
    module = declared_module("", ["src", "lib"], name, files)
    if module is None and any("/" not in f and f.endswith(".zig") for f in files):
        module = Declared("", name)  # a flat library: its code at the root
    module = with_build_files(module, ["build.zig", "build.zig.zon"], files)
    return ([module], "the Zig build (build.zig)") if module else None


def _dub(path: Path, files: list[str]) -> Modules | None:
    """A D package (a root ``dub.json`` or ``dub.sdl``): one module named by its ``name``, of
    its ``sourcePaths`` (dub's own defaults, ``source/`` and ``src/``, when it names none),
    with its recipe and ``dub.selections.json``."""
    if "dub.json" in files:
        data = json_object(show(path, "dub.json"))
        if data is None:
            return None
        name, paths, recipe = data.get("name"), string_list(data.get("sourcePaths")), "dub.json"
    elif "dub.sdl" in files:
        text = show(path, "dub.sdl") or ""
        named = _DUB_NAME.search(text)
        name, recipe = (named[1] if named else None), "dub.sdl"
        paths = [p for line in _DUB_PATHS.findall(text) for p in re.findall(r'"([^"]+)"', line)]
    else:
        return None
    folders = [p.strip().removeprefix("./").rstrip("/") for p in paths] or ["source", "src"]
    module = declared_module("", folders, name if isinstance(name, str) else None, files)
    module = with_build_files(module, ["dub.json", "dub.sdl", "dub.selections.json"], files)
    return ([module], f"the dub package ({recipe})") if module else None


def _platformio(path: Path, files: list[str]) -> Modules | None:
    """A PlatformIO project (a root ``platformio.ini``): one firmware of its source, include and
    library folders (``src_dir``, ``include_dir``, ``lib_dir`` under ``[platformio]``, else
    ``src/``, ``include/``, ``lib/``), its custom boards and the folders of the board
    configurations it reads (``extra_configs``: meshtastic's ``variants/``), with the file
    itself; its ``extra_scripts`` are build helpers, in no service."""
    if "platformio.ini" not in files:
        return None
    config = configparser.ConfigParser(
        interpolation=None, strict=False, inline_comment_prefixes=(";", "#")
    )
    try:
        config.read_string(show(path, "platformio.ini") or "")
    except configparser.Error:
        return None
    project = config["platformio"] if config.has_section("platformio") else {}
    folders = [
        project.get(key, default).strip().removeprefix("./").rstrip("/")
        for key, default in (("src_dir", "src"), ("include_dir", "include"), ("lib_dir", "lib"))
    ]
    folders.append(project.get("boards_dir", "boards").strip().removeprefix("./").rstrip("/"))
    # The board configurations it reads in (``variants/*/platformio.ini``): their folders hold
    # each board's pins and headers, which the firmware compiles for that board.
    folders += [
        glob.strip().removeprefix("./").split("/", 1)[0]
        for glob in project.get("extra_configs", "").splitlines()
        if "/" in glob.strip()
    ]
    module = declared_module("", list(dict.fromkeys(f for f in folders if f)), None, files)
    module = with_build_files(module, ["platformio.ini"], files)
    return ([module], "the PlatformIO project (platformio.ini)") if module else None


# In the order tried: a clone with two of these builds is read as the first.
LANGUAGE_READERS: tuple[Callable[[Path, list[str]], Modules | None], ...] = (
    maven_sources, mix_projects, rebar_applications, _sbt, cabal_packages, _swift, _dart,
    _clojure, _dune, _julia, _r, _zig, _dub, _platformio, perl_distribution, helm_charts,
    ansible_collection, puppet_module, chef_cookbook,
)  # fmt: skip


# Code folders whose name says nothing of the module (``lib/``, ``src/main``).
_GENERIC = frozenset({"lib", "src", "main", "bin", "r", "sources", "source", "app"})


def _named(path: Path, module: Declared) -> Declared:
    """A module the build gives no name, in a folder such as ``lib/``: named after the folder
    around it (an umbrella app's), else the clone."""
    parent, _, last = module.folder.rpartition("/")
    if module.name is not None or last.lower() not in _GENERIC:
        return module
    while parent and parent.rpartition("/")[2].lower() in _GENERIC:
        parent = parent.rpartition("/")[0]
    name = parent.rpartition("/")[2] or path.name
    return Declared(module.folder, name, module.more, module.excluded)


def language_builds(path: Path, files: list[str]) -> Modules | None:
    """The modules the first of these builds at the root declares; None when none does."""
    for reader in LANGUAGE_READERS:
        if (found := reader(path, files)) is not None:
            modules, found_by = found
            return [_named(path, m) for m in modules], found_by
    return None
