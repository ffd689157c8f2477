"""The code modules the build files of Elixir, Erlang, Scala, Haskell, Swift, Dart, Clojure,
OCaml, Julia, R and Zig declare, read at HEAD.

Each reader answers the modules its build file at the root declares, with the folders their
code sits in (a Mix project's ``lib/``, a Swift target's ``Sources/<target>``, an R package's
``R/`` and ``src/``), and the build's own files (mix.exs, build.sbt and ``project/``,
Package.swift, project.clj, build.zig, …) in the module they build, or None when the clone
has no such build. Modules named as tests, docs, examples and the like are left out, as the
other readers leave them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.service_names import kept
from data.path_globs import glob_to_regex, in_globs, matches

__all__ = ["LANGUAGE_READERS", "language_builds"]

_MIX_APP = re.compile(r"\bapp:\s*:\"?([\w.]+)|@app\s+:([\w.]+)")
_MIX_APPS_PATH = re.compile(r"\bapps_path:\s*\"([^\"]+)\"")
_APP_SRC = re.compile(r"\{\s*application\s*,\s*'?([\w.]+)")
_SBT_VAL = re.compile(r"^\s*lazy\s+val\s+`?(\w+)`?\s*=\s*(.*)$", re.MULTILINE)
_SBT_FILE = re.compile(r"\bfile\(\s*\"([^\"]+)\"\s*\)")
_SBT_NAME = re.compile(r"\bname\s*:=\s*\"([^\"]+)\"")
_CABAL_NAME = re.compile(r"^name\s*:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
_SWIFT_TARGET = re.compile(r"\.(target|executableTarget|macro|plugin|testTarget)\s*\(")
_SWIFT_NAME = re.compile(r"\bname\s*:\s*\"([^\"]+)\"")
_SWIFT_PATH = re.compile(r"\bpath\s*:\s*\"([^\"]+)\"")
_LEIN_PROJECT = re.compile(r"\(defproject\s+(?:[\w.-]+/)?([\w.-]+)")
_EDN_STRINGS = re.compile(r"\"([^\"]+)\"")
_DUNE_NAME = re.compile(r"\(name\s+([\w.-]+)\)")
_DUNE_CODE = re.compile(r"\((?:library|executables?)\b")
_R_PACKAGE = re.compile(r"^Package:\s*(\S+)", re.MULTILINE)
_ZIG_NAME = re.compile(r"\.name\s*=\s*(?:\"([^\"]+)\"|\.@?\"?([\w-]+))")


def _holds(folder: str, files: list[str]) -> bool:
    """True when the clone tracks a file under ``folder`` (``""``: the root)."""
    prefix = f"{folder}/" if folder else ""
    return any(f.startswith(prefix) for f in files)


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _inner(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _kept(folder: str) -> bool:
    """``kept``, where a ``bin/`` the build names holds its executables' code (dune's, Dart's),
    not a clone's scripts."""
    parent, _, last = folder.rpartition("/")
    if last == "bin":
        return not parent or kept(parent)
    return kept(folder)


def _module(folder: str, code: list[str], name: str | None, files: list[str]) -> Declared | None:
    """One module of the package in ``folder``: its first code folder that the clone holds,
    the others as more globs; None when it holds none or is named as no service."""
    held = [c for c in dict.fromkeys(_inner(folder, c) for c in code) if _holds(c, files)]
    held = [c for c in held if _kept(c)]
    if not held or (name is not None and not kept(name)):
        return None
    return Declared(held[0], name, tuple(f"{c}/**" for c in held[1:]))


def _also(module: Declared | None, globs: list[str], files: list[str]) -> Declared | None:
    """``module`` with those of ``globs`` that match a tracked file: its build's own files
    (mix.exs, build.sbt, Package.swift), which say what the unit ships and how."""
    if module is None:
        return None
    extra = [
        g
        for g in dict.fromkeys(globs)
        if g not in module.more and any(matches(g, f) for f in files)
    ]
    return Declared(module.folder, module.name, (*module.more, *extra), module.excluded)


def _first_also(found: list[Declared], globs: list[str], files: list[str]) -> list[Declared]:
    """``found`` with the build files of the whole clone (a root build.sbt, Package.swift)
    given to its first module, the one a file matching several services' globs goes to."""
    if not found:
        return found
    first = _also(found[0], globs, files)
    return [first, *found[1:]] if first is not None else found


def _manifests(files: list[str], name: str) -> list[str]:
    """The folders (``""`` for the root) of every build file called ``name``, root first, in
    folders that may be services."""
    found = [_parent(f) for f in files if f == name or f.endswith(f"/{name}")]
    return sorted((d for d in found if not d or kept(d)), key=lambda d: (d.count("/"), d))


def _mix(path: Path, files: list[str]) -> Modules | None:
    """A Mix project: an umbrella's ``apps/*`` each by its ``app:`` name, else the root
    project's ``lib/`` (and Erlang ``src/``) and each nested Mix project's, such as an
    installer shipped as its own package."""
    if "mix.exs" not in files:
        return None
    root = show(path, "mix.exs") or ""
    umbrella = _MIX_APPS_PATH.search(root)
    found: list[Declared] = []
    for folder in _manifests(files, "mix.exs"):
        if folder == "" and umbrella:
            continue
        named = _MIX_APP.search(show(path, _inner(folder, "mix.exs")) or "")
        if folder and named is None:
            continue  # a generator's template (``app: :<%= @app_name %>``), no project
        name = (named[1] or named[2]) if named else None
        module = _also(
            _module(folder, ["lib", "src"], name, files), [_inner(folder, "mix.exs")], files
        )
        if module is not None and (not umbrella or folder.startswith(f"{umbrella[1]}/")):
            found.append(module)
    # The root project's configuration, release overlays and web assets ship in its release.
    found = _first_also(found, ["mix.exs", "config/**", "rel/**", "assets/**"], files)
    kind = "the Mix umbrella's apps (mix.exs)" if umbrella else "Mix projects (mix.exs)"
    return (found, kind) if found else None


def _app_name(path: Path, folder: str, files: list[str]) -> str | None:
    """An OTP application's name from its ``src/*.app.src``."""
    src = _inner(folder, "src/")
    spec = next((f for f in files if f.startswith(src) and f.endswith(".app.src")), None)
    named = _APP_SRC.search(show(path, spec) or "") if spec else None
    return named[1] if named else None


def _rebar(path: Path, files: list[str]) -> Modules | None:
    """A rebar3 project's OTP applications (``apps/*``, ``lib/*``, the root), each its
    ``src/`` (and ``include/``), named by its ``.app.src``."""
    # erlang.mk's projects name themselves in the Makefile (``PROJECT = cowboy``).
    if "rebar.config" not in files and "erlang.mk" not in files:
        return None
    # rebar3's default project_app_dirs: ``apps/*``, ``lib/*`` and the root.
    folders = sorted(
        {"/".join(f.split("/")[:2]) for f in files if f.split("/")[0] in ("apps", "lib")
         and f.split("/")[2:3] == ["src"]}
    )  # fmt: skip
    found: list[Declared] = []
    for folder in [*folders, ""]:
        name = _app_name(path, folder, files)
        if name is None and not folder:
            project = re.search(r"^PROJECT\s*:?=\s*(\S+)", show(path, "Makefile") or "", re.M)
            name = project[1] if project else None
        module = _module(folder, ["src", "include"], name, files)
        if module is not None and module.folder.endswith("src"):
            found.append(_also(module, [_inner(folder, "rebar.config")], files) or module)
    found = _first_also(found, ["rebar.config", "erlang.mk", "Makefile"], files)
    build = "rebar.config" if "rebar.config" in files else "erlang.mk"
    return (found, f"OTP applications ({build})") if found else None


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
        if folder not in ("", ".") and _holds(folder, files) and kept(folder) and kept(val[1]):
            found.append(Declared(folder, named[1] if named else val[1]))
    # The build's definition (build.sbt, project/) builds every project: the first holds it.
    build = ["*.sbt", "project/**"]
    if found:
        return _first_also(found, build, files), "sbt projects (build.sbt)"
    named = _SBT_NAME.search(text)
    if _holds("src/main", files):
        single = [Declared("src/main", named[1] if named else None)]
        return _first_also(single, build, files), "one sbt project (build.sbt)"
    return None


def _cabal_dirs(text: str) -> list[str]:
    """The ``hs-source-dirs`` of a .cabal file's library and executables, not its test suites
    or benchmarks; ``.`` when none names them."""
    dirs: list[str] = []
    stanza = "library"
    for line in text.splitlines():
        if line.strip() and not line[0].isspace() and ":" not in line and "--" not in line:
            stanza = line.split()[0].lower()
        key, sep, value = line.strip().partition(":")
        if sep and key.lower() == "hs-source-dirs" and stanza in (
            "library", "executable", "foreign-library",
        ):  # fmt: skip
            dirs += [d.strip(",").strip('"') for d in value.split() if d.strip(",")]
    return [d.removeprefix("./").rstrip("/") for d in dirs] or ["."]


def _hpack(path: Path, files: list[str]) -> Modules | None:
    """A Haskell package described by hpack's package.yaml alone (its .cabal file generated
    and not committed): its library's and executables' ``source-dirs``."""
    spec = _yaml(path, "package.yaml") if "package.yaml" in files else {}
    name = spec.get("name")
    if not isinstance(name, str):
        return None
    dirs: list[str] = []
    stanzas = [spec.get("library"), *_values(spec.get("executables"))]
    for stanza in (s for s in stanzas if isinstance(s, dict)):
        where = stanza.get("source-dirs")
        dirs += [where] if isinstance(where, str) else _list(where)
    module = _module("", [d.strip("/") for d in dirs] or ["src"], name, files)
    module = _also(module, ["package.yaml", "Setup.hs"], files)
    return ([module], "the hpack package (package.yaml)") if module else None


def _values(value: object) -> list[object]:
    return list(value.values()) if isinstance(value, dict) else []


def _cabal(path: Path, files: list[str]) -> Modules | None:
    """Haskell packages: those ``cabal.project`` (or ``stack.yaml``) lists, else the root's
    ``*.cabal``; each named by its ``name:``, its code the library's and executables'
    ``hs-source-dirs``."""
    cabals = [f for f in files if f.endswith(".cabal")]
    if not cabals:
        return _hpack(path, files)
    listed = "cabal.project" in files or "stack.yaml" in files
    chosen = cabals if listed else [f for f in cabals if "/" not in f]
    if not chosen:
        return None
    found: list[Declared] = []
    for cabal in sorted(chosen, key=lambda f: (f.count("/"), f)):
        folder = _parent(cabal)
        if folder and not kept(folder):
            continue
        text = show(path, cabal) or ""
        named = _CABAL_NAME.search(text)
        dirs = ["" if d == "." else d for d in _cabal_dirs(text)]
        code = [_inner(folder, d) if d else folder for d in dirs]
        held = [c for c in dict.fromkeys(code) if _holds(c, files) and (not c or kept(c))]
        if held:
            more = tuple(f"{c}/**" for c in held[1:])
            module = Declared(held[0], named[1] if named else None, more)
            found.append(_also(module, [cabal, _inner(folder, "Setup.hs")], files) or module)
    kind = "Cabal packages (cabal.project)" if listed else f"the Cabal package ({chosen[0]})"
    return (found, kind) if found else None


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
        if _holds(folder, files) and kept(folder):
            found.append(Declared(folder, named[1]))
    # The package's other builds of the same targets: CocoaPods, the Xcode project, and the
    # schemes SwiftPM keeps for Xcode.
    build = ["Package.swift", "Package@swift-*.swift", "*.podspec", "*.xcodeproj/**", ".swiftpm/**"]
    found = _first_also(found, build, files)
    return (found, "Swift package targets (Package.swift)") if found else None


def _yaml(path: Path, name: str) -> dict[str, object]:
    try:
        loaded = yaml.safe_load(show(path, name) or "")
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _dart(path: Path, files: list[str]) -> Modules | None:
    """Dart and Flutter packages: the members melos.yaml or the root pubspec's ``workspace``
    names (else ``packages/*``), each its ``lib/`` (and ``bin/``), named by its pubspec;
    else the root package's."""
    if "pubspec.yaml" not in files and "melos.yaml" not in files:
        return None
    globs = [g for g in _list(_yaml(path, "melos.yaml").get("packages")) if g]
    globs += _list(_yaml(path, "pubspec.yaml").get("workspace"))
    spelt = [g.strip().removeprefix("./").rstrip("/") for g in globs]
    spelt = [g for g in spelt if _is_glob(g)] or ["packages/*"]
    members = [d for d in _manifests(files, "pubspec.yaml") if d and in_globs(spelt, d)]
    found: list[Declared] = []
    for folder in [*members, ""]:
        named = _yaml(path, _inner(folder, "pubspec.yaml")).get("name")
        name = named if isinstance(named, str) else None
        module = _module(folder, ["lib", "bin"], name, files)
        if (module := _also(module, [_inner(folder, "pubspec.yaml")], files)) is not None:
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


def _list(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _clojure(path: Path, files: list[str]) -> Modules | None:
    """Clojure projects: each project.clj's ``:source-paths`` (default ``src``), else each
    deps.edn's ``:paths`` (default ``src``), at the root and in subproject folders (ring's
    ``ring-core/``, a Polylith's ``components/*``); resources are no code."""
    for build, key in (("project.clj", ":source-paths"), ("deps.edn", ":paths")):
        found: list[Declared] = []
        folders = _manifests(files, build)
        for folder in folders:
            text = show(path, _inner(folder, build)) or ""
            listed = re.search(rf"{key}\s*\[([^\]]*)\]", text)
            paths = _EDN_STRINGS.findall(listed[1]) if listed else ["src"]
            java = re.search(r":java-source-paths\s*\[([^\]]*)\]", text)
            paths += _EDN_STRINGS.findall(java[1]) if java else []
            code = [p.strip("/") for p in paths if "resources" not in p]
            # A root that lists its subprojects' sources (lein-monolith) leaves them to them.
            code = [c for c in code if not any(c.startswith(f"{d}/") for d in folders if d)]
            named = _LEIN_PROJECT.search(text) if build == "project.clj" else None
            name = named[1] if named else folder.rpartition("/")[2] or path.name
            module = _module(folder, code, name, files)
            own = [_inner(folder, build), _inner(folder, "build.clj")]
            if (module := _also(module, own, files)) is not None:
                found.append(module)
        if found:
            kind = "the Clojure project" if len(found) == 1 else "Clojure projects"
            return _first_also(found, [build, "build.clj"], files), f"{kind} ({build})"
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
            and _kept(_parent(dune))
            and _DUNE_CODE.search(show(path, dune) or "")
        ):
            folders.append(top)
    named = _DUNE_NAME.search(show(path, "dune-project") or "")
    usual = ("src", "lib", "bin")
    folders.sort(key=lambda d: (usual.index(d) if d in usual else len(usual), d))
    module = _module("", folders, named[1] if named else None, files)
    module = _also(module, ["dune-project", "dune", "*.opam"], files)
    return ([module], "the dune project (dune-project)") if module else None


def _julia(path: Path, files: list[str]) -> Modules | None:
    """Julia packages: every Project.toml with a ``name`` (the root's, ``lib/*`` ones), each
    its ``src/`` (and ``ext/``)."""
    if "Project.toml" not in files and "JuliaProject.toml" not in files:
        return None
    found: list[Declared] = []
    for build in ("Project.toml", "JuliaProject.toml"):
        for folder in _manifests(files, build):
            try:
                name = tomllib.loads(show(path, _inner(folder, build)) or "").get("name")
            except tomllib.TOMLDecodeError:
                continue
            module = _module(folder, ["src", "ext"], name, files) if isinstance(name, str) else None
            if (module := _also(module, [_inner(folder, build)], files)) is not None:
                found.append(module)
    return (found, "Julia packages (Project.toml)") if found else None


def _r(path: Path, files: list[str]) -> Modules | None:
    """An R package (a DESCRIPTION naming its ``Package:``): its ``R/`` and compiled ``src/``."""
    if "DESCRIPTION" not in files:
        return None
    named = _R_PACKAGE.search(show(path, "DESCRIPTION") or "")
    module = _module("", ["R", "src"], named[1], files) if named else None
    module = _also(module, ["DESCRIPTION", "NAMESPACE"], files)
    return ([module], "the R package (DESCRIPTION)") if module else None


def _zig(path: Path, files: list[str]) -> Modules | None:
    """A Zig build: its ``src/`` (and ``lib/``), named by build.zig.zon's ``.name``."""
    if "build.zig" not in files:
        return None
    named = _ZIG_NAME.search(show(path, "build.zig.zon") or "")
    name = (named[1] or named[2]) if named else None
    module = _module("", ["src", "lib"], name, files)
    if module is None and any("/" not in f and f.endswith(".zig") for f in files):
        module = Declared("", name)  # a flat library: its code at the root
    module = _also(module, ["build.zig", "build.zig.zon"], files)
    return ([module], "the Zig build (build.zig)") if module else None


# In the order tried: a clone with two of these builds is read as the first.
LANGUAGE_READERS: tuple[Callable[[Path, list[str]], Modules | None], ...] = (
    _mix, _rebar, _sbt, _cabal, _swift, _dart, _clojure, _dune, _julia, _r, _zig,
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
