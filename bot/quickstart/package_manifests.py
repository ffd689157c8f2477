"""The code modules a clone's Cargo, .NET, Composer, RubyGems and CMake files declare, at HEAD.

A Cargo workspace's member crates (by their ``[package]`` names) and its root package; a
.NET solution's projects (or its project files when there is no solution); Composer's
``autoload`` paths; each gem's ``lib/``; a CMake project's C and C++ code folders; a single
npm package's published code (its ``files``, else its ``main`` file's folder). Test (a .NET
project with a test SDK too, whatever its name), benchmark, sample, fuzz and xtask modules
are left out here.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.build_output import is_build_output
from bot.quickstart.service_names import kept
from data.path_globs import matches
from scoring.change_files import lexed_path

__all__ = ["cmake_project", "npm_client", "npm_package", "package_manifests"]

# Hand-written JavaScript and TypeScript, for the source of a package that publishes its build.
_SCRIPTS = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".vue", ".svelte")

_PROJECTS = (".csproj", ".fsproj", ".vbproj")
# ``Project("{GUID}") = "Name", "src\Name\Name.csproj", "{GUID}"`` lines of a .sln file.
_SLN_PROJECT = re.compile(r'^Project\("[^"]*"\)\s*=\s*"([^"]+)"\s*,\s*"([^"]+)"', re.MULTILINE)
# A .NET project named as tests, benchmarks, samples or the docs' snippets (``Polly.Core.Tests``,
# ``X.Specs``, ``Snippets``);
# ``Polly.Testing`` is a library users test with, so "testing" is not among them.
_DOTNET_NOT_SERVICE = re.compile(
    r"(?:^|[.\-_])(?:(?:unit|integration|functional|acceptance|aot|e2e)?tests?|specs?|testutils"
    r"|benchmarks?|perf|samples?|examples?|demos?|snippets?)$",
    re.IGNORECASE,
)
# A .NET project that is tests whatever its name: it uses a test SDK or says it is tests.
_DOTNET_TEST_SDK = re.compile(
    r"Include\s*=\s*[\"']Microsoft\.NET\.Test\.Sdk[\"']|MSTest\.Sdk"
    r"|<IsTestProject>\s*true\s*</IsTestProject>",
    re.IGNORECASE,
)
# A test framework a project references; tests when the project is not packable either (a
# library users test with, such as Polly.Testing, is packed).
_DOTNET_TEST_FRAMEWORK = re.compile(
    r"Include\s*=\s*[\"'](?:xunit(?:\.v3)?|nunit|MSTest\.TestFramework|TUnit)[\"']",
    re.IGNORECASE,
)
_NOT_PACKABLE = re.compile(r"<IsPackable>\s*false\s*</IsPackable>", re.IGNORECASE)
_GEM_NAME = re.compile(r"\.name\s*=\s*[\"']([^\"']+)[\"']")
_CMAKE_PROJECT = re.compile(r"^\s*project\s*\(\s*\"?([A-Za-z0-9_.+-]+)", re.MULTILINE | re.I)
_C_CODE = (
    ".c", ".cc", ".cpp", ".cxx", ".c++", ".h", ".hh", ".hpp", ".hxx", ".inl", ".ipp", ".m",
    ".mm", ".cu", ".cppm", ".ixx", ".s", ".asm",
)  # fmt: skip
# Top folders of a C or C++ project that hold build helpers or other projects' code.
_NOT_C_SERVICES = frozenset(
    {"cmake", "extern", "external", "deps", "3rdparty", "thirdparty", "contrib", "support"}
)


def _toml(path: Path, name: str) -> dict[str, Any] | None:
    text = show(path, name)
    try:
        return tomllib.loads(text) if text is not None else None
    except tomllib.TOMLDecodeError:
        return None


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _crate_globs(folder: str, manifest: dict[str, Any], files: list[str]) -> list[str]:
    """A crate's code: ``src/``, its build script, and the folders of its ``[lib]`` and
    ``[[bin]]`` paths (ripgrep's root package is ``crates/core/main.rs``); never its tests,
    benches or examples."""
    inner = f"{folder}/" if folder else ""
    globs: list[str] = []
    if any(f.startswith(f"{inner}src/") for f in files):
        globs.append(f"{inner}src/**")
    package = manifest.get("package")
    build = package.get("build") if isinstance(package, dict) else None
    script = f"{inner}{build if isinstance(build, str) else 'build.rs'}"
    if build is not False and script in files:
        globs.append(script)
    bins = manifest.get("bin")
    targets = [manifest.get("lib"), *(bins if isinstance(bins, list) else [])]
    for target in targets:
        where = target.get("path") if isinstance(target, dict) else None
        if isinstance(where, str) and "/" in where:
            code = f"{inner}{where.rpartition('/')[0]}/**"
            if code not in globs and kept(code[:-3]) and any(matches(code, f) for f in files):
                globs.append(code)
    return globs


def _cargo(path: Path, files: list[str]) -> Modules | None:
    """A Cargo workspace's member crates, keyed by their package names, then the root package;
    a root crate alone is one module of its own code."""
    root = _toml(path, "Cargo.toml")
    if root is None:
        return None
    space = root.get("workspace")
    space = space if isinstance(space, dict) else {}
    members = [m.strip("/") for m in _strings(space.get("members"))]
    excluded = [m.strip("/") for m in _strings(space.get("exclude"))]
    crates = sorted(f.rpartition("/")[0] for f in files if f.endswith("/Cargo.toml"))
    found: list[Declared] = []
    for folder in crates:
        if not any(matches(m, folder) for m in members) or any(
            matches(x, folder) or folder.startswith(f"{x}/") for x in excluded
        ):
            continue
        package = (_toml(path, f"{folder}/Cargo.toml") or {}).get("package")
        name = package.get("name") if isinstance(package, dict) else None
        name = name if isinstance(name, str) else None
        if kept(folder) and (name is None or kept(name)):
            found.append(Declared(folder, name))
    package = root.get("package")
    if isinstance(package, dict) and isinstance(package.get("name"), str):
        globs = _crate_globs("", root, files)
        # A crate's code is a folder (src/, a target's folder); its build script comes with it.
        if folders := [g for g in globs if g.endswith("/**")]:
            more = tuple(g for g in globs if g != folders[0])
            found.append(Declared(folders[0].removesuffix("/**"), package["name"], more))
    kind = "Cargo workspace members" if members else "one Cargo crate"
    return (found, f"{kind} (Cargo.toml)") if found else None


def _dotnet(path: Path, files: list[str]) -> Modules | None:
    """A .NET solution's projects (``.sln``, ``.slnx``) at the root, else every project file,
    less test, benchmark and sample projects; each keyed by its project name."""
    projects: list[str] = []
    solutions = sorted(f for f in files if "/" not in f and f.endswith((".sln", ".slnx")))
    for solution in solutions:
        text = show(path, solution) or ""
        if solution.endswith(".sln"):
            projects += [p.replace("\\", "/") for _, p in _SLN_PROJECT.findall(text)]
            continue
        try:
            tree = ElementTree.fromstring(text.encode("utf-8"))
        except (ElementTree.ParseError, DefusedXmlException):
            continue
        projects += [
            p.get("Path", "").replace("\\", "/")
            for p in tree.iter()
            if p.tag.rsplit("}", 1)[-1] == "Project"
        ]
    if not solutions:
        projects = [f for f in files if f.endswith(_PROJECTS)]
    found: list[Declared] = []
    for project in dict.fromkeys(p for p in projects if p.endswith(_PROJECTS)):
        folder, _, name = project.rpartition("/")
        name = name.rsplit(".", 1)[0]
        # The project's own folder is named after it: its name is judged by the .NET rule.
        parent = folder.rpartition("/")[0] if folder.endswith(name) else folder
        named_code = (not parent or kept(parent)) and _DOTNET_NOT_SERVICE.search(name) is None
        # A test project named as code (``<IsPackable>false`` with xunit) is read to tell.
        if named_code and not _dotnet_tests(show(path, project) or ""):
            found.append(Declared(folder, name))
    # A project at the root holds everything: it goes last, after the ones in folders.
    found.sort(key=lambda d: d.folder == "")
    kind = "the .NET solution" if solutions else ".NET project files"
    return (found, f"{kind} ({', '.join(solutions) or '*proj'})") if found else None


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _dotnet_tests(text: str) -> bool:
    """Whether a project file's ``text`` makes it a test project: a test SDK
    (``Microsoft.NET.Test.Sdk``, ``MSTest.Sdk``), ``<IsTestProject>true``, or a test
    framework referenced by a project that is not packable."""
    if _DOTNET_TEST_SDK.search(text):
        return True
    return bool(_NOT_PACKABLE.search(text) and _DOTNET_TEST_FRAMEWORK.search(text))


def _holds_files(folder: str, files: list[str]) -> bool:
    return any(f.startswith(f"{folder}/") for f in files)


def _composer(path: Path, files: list[str]) -> Modules | None:
    """composer.json's ``autoload`` paths (psr-4, psr-0, classmap), named after the package's
    name part (``guzzlehttp/guzzle`` is guzzle); ``autoload-dev`` is tests."""
    try:
        data = json.loads(show(path, "composer.json") or "null")
    except ValueError:
        return None
    auto = data.get("autoload") if isinstance(data, dict) else None
    if not isinstance(auto, dict):
        return None
    paths: list[str] = []
    for kind in ("psr-4", "psr-0", "classmap"):
        entries = auto.get(kind) or {}
        values = entries.values() if isinstance(entries, dict) else entries
        for value in values:
            paths += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    globs: list[str] = []
    for raw in paths:
        where = raw.strip().strip("/").removeprefix("./")
        if where in ("", "."):
            globs.append("**")
        elif where in files:
            globs.append(where)
        elif _holds_files(where, files) and kept(where):
            globs.append(f"{where}/**")
    globs = list(dict.fromkeys(globs))
    folders = [g for g in globs if g.endswith("/**")] or ["**"]
    if not globs:
        return None
    name = str(data.get("name") or path.name).rsplit("/", 1)[-1]
    main = folders[0]
    more = tuple(g for g in globs if g != main)
    folder = "" if main == "**" else main.removesuffix("/**")
    return [Declared(folder, name, more)], "Composer autoload (composer.json)"


def _gem(path: Path, files: list[str]) -> Modules | None:
    """Every gemspec with a ``lib/`` beside it (a main gem at the root and sub-gems in their
    own folders), each one module named after its gem: its ``lib/``, and ``exe/`` or ``bin/``
    when the gemspec ships them as executables. Gemspecs among tests, fixtures or vendored
    code are none."""
    specs = sorted(
        (f for f in files if f.endswith(".gemspec") and ("/" not in f or kept(_parent(f)))),
        key=lambda f: (f.count("/"), f),
    )
    found: list[Declared] = []
    read: list[str] = []
    for spec in specs:
        inner = f"{_parent(spec)}/" if "/" in spec else ""
        if not _holds_files(f"{inner}lib", files):
            continue
        text = show(path, spec) or ""
        named = _GEM_NAME.search(text)
        name = named[1] if named else spec.rpartition("/")[2].removesuffix(".gemspec")
        # ``bin/`` often holds only development scripts (bin/setup): it counts when the
        # gemspec names it as the gem's ``bindir`` or lists files under it.
        more = tuple(
            f"{inner}{b}/**"
            for b in ("exe", "bin")
            if _holds_files(f"{inner}{b}", files)
            and re.search(rf"bindir\s*=\s*[\"']{b}[\"']|[\"']{b}/", text) is not None
        )
        # A Rails engine ships ``app/`` (and its routes in ``config/``) beside ``lib/``: the
        # gemspec's files name them (``Dir["{app,config,lib}/**/*"]``, ``"app/**/*"``).
        more += tuple(
            f"{inner}{d}/**"
            for d in ("app", "config")
            if _holds_files(f"{inner}{d}", files) and re.search(rf"[\"'{{,]{d}[/,}}]", text)
        )
        found.append(Declared(f"{inner}lib", name, more))
        read.append(spec)
    if not found:
        return None
    kind = f"the gem ({read[0]})" if len(read) == 1 else f"the gems ({len(found)} gemspecs)"
    return found, kind


def _cmake(path: Path, files: list[str]) -> Modules | None:
    """A root CMakeLists.txt: one module named after ``project(NAME …)``, its top folders
    holding C or C++ code (``include/``, ``src/``), never tests, docs, examples, benchmarks,
    fuzzing or build support; the root's own code files when no folder holds any."""
    if "CMakeLists.txt" not in files:
        return None
    named = _CMAKE_PROJECT.search(show(path, "CMakeLists.txt") or "")
    name = named[1] if named and not named[1].startswith("$") else path.name
    code = [f for f in files if f.lower().endswith(_C_CODE)]
    folders = sorted({f.split("/", 1)[0] for f in code if "/" in f})
    folders = [d for d in folders if kept(d) and d.lower() not in _NOT_C_SERVICES]
    if not folders:
        # A flat project: its code sits at the root, so the module is the clone, less the rest.
        found = [Declared("", name)] if any("/" not in f for f in code) else []
        return (found, "the CMake project (CMakeLists.txt)") if found else None
    main, *more = folders
    return [Declared(main, name, tuple(f"{d}/**" for d in more))], (
        "the CMake project (CMakeLists.txt)"
    )


def package_manifests(path: Path, files: list[str]) -> Modules | None:
    """The modules a Cargo, .NET, Composer, RubyGems or CMake build at the root declares; None
    when there is none."""
    tracked = set(files)
    if "Cargo.toml" in tracked and (found := _cargo(path, files)):
        return found
    if any(f.endswith((".sln", ".slnx", *_PROJECTS)) for f in files) and (
        found := _dotnet(path, files)
    ):
        return found
    if "composer.json" in tracked and (found := _composer(path, files)):
        return found
    if found := _gem(path, files):
        return found
    return None


def _script_kept(folder: str) -> bool:
    """``kept``, where ``assets/`` holds a package's scripts (``assets/js/``), not images."""
    return all(p == "assets" or kept(p) for p in folder.split("/"))


def _published(entry: str, files: list[str], tracked: set[str]) -> str | None:
    """The glob of what a package.json ``files`` entry (or ``main``/``source`` file) names
    that is code the clone tracks and no build wrote: a code file, else a folder (a glob's
    folder: ``assets/js/phoenix/*`` is ``assets/js/phoenix``); None for anything else."""
    where = entry.strip().removeprefix("./").rstrip("/")
    if where.startswith("!"):
        return None
    if any(c in where for c in "*?[{"):
        where = re.split(r"[*?\[{]", where, maxsplit=1)[0].rstrip("/")
        where = where if where not in files else ""
    if not where or is_build_output(f"{where}/x") or not _script_kept(where):
        return None
    if where in files:
        return where if lexed_path(where) and not is_build_output(where, tracked) else None
    scripts = [f for f in files if f.startswith(f"{where}/") and f.endswith(_SCRIPTS)]
    if scripts and all(is_build_output(f, tracked) for f in scripts):
        return None  # a folder of compiled scripts (each beside its map): the build's
    return f"{where}/**" if _holds_files(where, files) else None


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
        and not is_build_output(f, tracked)
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


def npm_package(path: Path, files: list[str]) -> Modules | None:
    """A root package.json of one package (no workspaces): one module named after the package
    (its scope left out), the code its ``files`` publishes (folders and code files; express's
    ``lib/`` and ``index.js``), else the folder of its ``source`` or ``main`` file; None when
    neither names code the clone tracks. What a build wrote is never the module's: a package
    that publishes only its build (``priv/static/*``, ``dist/``) is the folder holding its
    hand-written scripts. Tried last: a package.json beside another build is its tooling."""
    data = _package_json(path, files)
    if data is None:
        return None
    tracked = set(files)
    entries = _strings(data.get("files"))
    globs = [g for e in entries if (g := _published(e, files, tracked))]
    mains = [str(data.get(k) or "") for k in ("source", "main", "module")]
    for main in (m.removeprefix("./") for m in [*mains, "index.js"] if m and not globs):
        usable = main in files and "/" in main and not is_build_output(main, tracked)
        if usable and (glob := _published(main.rsplit("/", 1)[0], files, tracked)):
            globs.append(glob)
    built = any(
        is_build_output(e.removeprefix("./").rstrip("/*") + "/x") or is_build_output(e, tracked)
        for e in [*entries, *mains]
        if e
    )
    # It publishes only what a build wrote: its code is the source the build read.
    source = _script_folder(files, tracked) if built else None
    if source is not None and not any(g.endswith("/**") for g in globs):
        globs.insert(0, f"{source}/**")
    folders = [g for g in globs if g.endswith("/**")]
    if not folders:
        return None
    name = str(data["name"]).rsplit("/", 1)[-1]
    more = tuple(g for g in dict.fromkeys(globs) if g != folders[0])
    return [Declared(folders[0].removesuffix("/**"), name, more)], "the npm package (package.json)"


def _package_json(path: Path, files: list[str]) -> dict[str, Any] | None:
    """The root package.json of one named package (no workspaces), or None."""
    if "package.json" not in files:
        return None
    try:
        data = json.loads(show(path, "package.json") or "null")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("workspaces") or not data.get("name"):
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


def cmake_project(path: Path, files: list[str]) -> Modules | None:
    """A root CMake project's one module, or None. Tried after Python's packages: a Python
    package built with CMake is read as its packages."""
    return _cmake(path, files)
