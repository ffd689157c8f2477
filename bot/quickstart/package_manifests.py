"""The code modules a clone's Cargo, .NET, Composer, RubyGems, Rack, CMake and PowerShell files
declare, at HEAD.

A Cargo workspace's member crates (by their ``[package]`` names) and its root package; a
.NET solution's projects (or its project files when there is no solution); Composer's
``autoload`` paths; each gem's ``lib/``; a Rack application's whole clone (``config.ru``
beside a ``Gemfile``), and a Rake project's (a ``Rakefile`` beside a ``Gemfile``, no other
build); a CMake project's C and C++ code folders; each PowerShell module a ``.psd1`` manifest
declares. Test (a .NET project with a test SDK too, whatever its name), benchmark, sample, fuzz
and xtask modules are left out here. The .NET projects are read in
``bot.quickstart.dotnet_projects``, a LuaRocks rock, an Alire crate, a Nimble package or a
Nextflow pipeline in ``bot.quickstart.package_roots``, and a single npm package's published
code (its ``files``, else its ``main`` file's folder) in ``bot.quickstart.npm_package``.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.dotnet_projects import DOTNET_PROJECTS, dotnet_projects
from bot.quickstart.package_roots import package_root
from bot.quickstart.service_names import kept
from data.path_globs import matches

__all__ = [
    "build_kinds_by_folder",
    "cmake_project",
    "package_manifests",
    "rake_project",
    "workspace_tops",
]


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


def workspace_tops(path: Path, files: list[str]) -> set[str]:
    """The top-level folders of the members a root uv or Cargo workspace names."""
    tops: set[str] = set()
    workspaces = (("pyproject.toml", ("tool", "uv", "workspace")), ("Cargo.toml", ("workspace",)))
    for manifest, keys in workspaces:
        table: object = _toml(path, manifest) if manifest in files else None
        for key in keys:
            table = table.get(key) if isinstance(table, dict) else None
        named = _strings(table.get("members")) if isinstance(table, dict) else []
        members = [m.removeprefix("./").strip("/") for m in named]
        folders = {f.rpartition("/")[0] for f in files if f.endswith(f"/{manifest}")}
        tops |= {d.split("/", 1)[0] for d in folders if any(matches(m, d) for m in members)}
    return tops


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


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _holds_files(folder: str, files: list[str]) -> bool:
    return any(f.startswith(f"{folder}/") for f in files)


# composer/installers' package types (``wordpress-plugin``, ``drupal-module``,
# ``magento2-theme``): a CMS installs the whole package into its own folder and loads its files
# from there, autoloaded or not (https://github.com/composer/installers). A Composer plugin
# (``composer-plugin``) is a library Composer autoloads.
_INSTALLED_WHOLE = re.compile(r"(?!composer-)[a-z0-9]+(?:-[a-z0-9]+)*-(?:plugin|theme|module)")


def _composer(path: Path, files: list[str]) -> Modules | None:
    """composer.json's ``autoload`` paths (psr-4, psr-0, classmap), named after the package's
    name part (``guzzlehttp/guzzle`` is guzzle); ``autoload-dev`` is tests. A package of type
    ``project`` is an application (Composer's schema: a Laravel or Symfony app), which ships
    the whole clone: its routes, config and front end beside the autoloaded ``app/``; so is a
    package a CMS installs whole (``_INSTALLED_WHOLE``: a WordPress plugin)."""
    try:
        data = json.loads(show(path, "composer.json") or "null")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    name = str(data.get("name") or path.name).rsplit("/", 1)[-1]
    kind = data.get("type")
    if kind == "project":
        return [Declared("", name)], "Composer project (composer.json)"
    if isinstance(kind, str) and _INSTALLED_WHOLE.fullmatch(kind):
        return [Declared("", name)], f"Composer {kind} (composer.json)"
    auto = data.get("autoload")
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
    main = folders[0]
    more = tuple(g for g in globs if g != main)
    folder = "" if main == "**" else main.removesuffix("/**")
    return [Declared(folder, name, more)], "Composer autoload (composer.json)"


def _gem(path: Path, files: list[str]) -> Modules | None:
    """Every gemspec with a ``lib/`` beside it (a main gem at the root and sub-gems in their
    own folders), each one module named after its gem: its ``lib/``, and ``exe/`` or ``bin/``
    when the gemspec ships them as executables; a Jekyll theme's gem has its theme folders
    instead (``_jekyll_theme``). Gemspecs among tests, fixtures or vendored code are none."""
    specs = sorted(
        (f for f in files if f.endswith(".gemspec") and ("/" not in f or kept(_parent(f)))),
        key=lambda f: (f.count("/"), f),
    )
    found: list[Declared] = []
    read: list[str] = []
    for spec in specs:
        inner = f"{_parent(spec)}/" if "/" in spec else ""
        if not _holds_files(f"{inner}lib", files):
            if theme := _jekyll_theme(path, spec, inner, files):
                found.append(theme)
                read.append(spec)
            continue
        text = show(path, spec) or ""
        name = _gem_name(spec, text)
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


# A Jekyll theme gem's folders: its layouts, includes and styles, which a site using the theme
# renders (https://jekyllrb.com/docs/themes/), and the assets it ships beside them.
_JEKYLL_THEME = ("_layouts", "_includes", "_sass", "assets")


def _jekyll_theme(path: Path, spec: str, inner: str, files: list[str]) -> Declared | None:
    """A gem with no ``lib/`` whose folders are a Jekyll theme's (``_layouts/`` with
    ``_includes/`` or ``_sass/``): one module named after the gem, its theme folders that hold
    files; the demo site beside them (posts, pages, ``_config.yml``) is none of it."""
    held = [d for d in _JEKYLL_THEME if _holds_files(f"{inner}{d}", files)]
    if "_layouts" not in held or not {"_includes", "_sass"} & set(held):
        return None
    return Declared(
        f"{inner}_layouts",
        _gem_name(spec, show(path, spec) or ""),
        tuple(f"{inner}{d}/**" for d in held if d != "_layouts"),
    )


def _gem_name(spec: str, text: str) -> str:
    """The gem's name its gemspec ``text`` sets, else the gemspec file's own name."""
    named = _GEM_NAME.search(text)
    return named[1] if named else spec.rpartition("/")[2].removesuffix(".gemspec")


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
    """The modules a Cargo, .NET, Composer, RubyGems or Rack build at the root declares, with
    the PowerShell modules a clone's module manifests declare; None when there is none."""
    return _with_powershell_modules(path, files, _built_modules(path, files))


# A PowerShell module manifest declares the module's version (``ModuleVersion``); a ``.psd1``
# without it is a data file (PSScriptAnalyzer's settings).
_MODULE_VERSION = re.compile(r"\bModuleVersion\s*=", re.IGNORECASE)


def _with_powershell_modules(path: Path, files: list[str], found: Modules | None) -> Modules | None:
    """``found`` with each PowerShell module a ``.psd1`` module manifest declares: its folder,
    named after the manifest (https://learn.microsoft.com/powershell/scripting/developer/module/
    how-to-write-a-powershell-module-manifest). A module's scripts are its code wherever its
    build puts them together, and a .NET project inside its folder builds the module's own
    assembly (Pester's ``src/csharp/Pester``): part of it, not a service of its own."""
    manifests = [
        f
        for f in files
        if f.lower().endswith(".psd1")
        and kept(_parent(f))
        and _MODULE_VERSION.search(show(path, f) or "") is not None
    ]
    if not manifests:
        return found
    modules = [
        Declared(_parent(f), f.rpartition("/")[2][: -len(".psd1")])
        for f in sorted(manifests, key=lambda f: (f.count("/"), f))
    ]
    folders = [m.folder for m in modules]
    built, kind = found if found else ([], "")
    kept_built = [
        m
        for m in built
        if not any(not f or m.folder == f or m.folder.startswith(f"{f}/") for f in folders)
    ]
    what = (
        "the PowerShell module manifest" if len(modules) == 1 else "the PowerShell module manifests"
    )
    read = f"{what} (*.psd1)"
    return [*modules, *kept_built], f"{kind} and {read}" if kept_built else read


def _built_modules(path: Path, files: list[str]) -> Modules | None:
    """The modules a Cargo, .NET, Composer, RubyGems, LuaRocks, Alire or Rack build at the root
    declares."""
    tracked = set(files)
    if "Cargo.toml" in tracked and (found := _cargo(path, files)):
        return found
    if any(f.endswith((".sln", ".slnx", *DOTNET_PROJECTS)) for f in files) and (
        found := dotnet_projects(path, files)
    ):
        return found
    if "composer.json" in tracked and (found := _composer(path, files)):
        return found
    if found := _gem(path, files):
        return found
    if found := package_root(path, files):
        return found
    if "config.ru" in tracked and "Gemfile" in tracked:
        # A Rack application (Rails, Sinatra, Hanami: Rack's ``config.ru`` starts it) with no gem
        # of its own ships the whole clone, as a Composer project does: its ``config/`` routes
        # and initialisers, ``db/`` migrations and ``lib/`` beside ``app/``.
        return [Declared("", path.name)], "the Rack application (config.ru)"
    return None


# Rake's own names for the file of its tasks.
_RAKEFILES = ("Rakefile", "rakefile", "Rakefile.rb", "rakefile.rb")


def rake_project(path: Path, files: list[str]) -> Modules | None:
    """A clone that Rake builds (a Rakefile beside a Gemfile) and no other build declares,
    neither a gem nor a Rack application: one module of the whole clone, as what Rake builds
    is the repository itself (progit/progit2's book, built into HTML, EPUB and PDF from its
    AsciiDoc, theme and images); tried after every other build."""
    tracked = set(files)
    if "Gemfile" not in tracked or not any(r in tracked for r in _RAKEFILES):
        return None
    return [Declared("", path.name)], "the Rake project (Rakefile and Gemfile)"


def cmake_project(path: Path, files: list[str]) -> Modules | None:
    """A root CMake project's one module, or None. Tried after Python's packages: a Python
    package built with CMake is read as its packages."""
    return _cmake(path, files)


# The kind of build each manifest name belongs to: a build declares the modules of its own kind
# only. Beside ``build_layout``'s package manifests, pip's requirements, a Pipfile, a .NET
# solution and a Gemfile say which build makes a folder too.
_BUILD_KINDS = {
    "cargo": r"cargo\.toml",
    "python": r"pyproject\.toml|setup\.py|requirements\.txt|pipfile",
    "js": r"package\.json|deno\.jsonc?",
    "go": r"go\.mod",
    "jvm": r"pom\.xml|build\.gradle(?:\.kts)?|build\.sbt",
    "dotnet": r"[^/]+\.(?:cs|fs|vb)proj|[^/]+\.slnx?",
    "beam": r"mix\.exs|rebar\.config",
    "ruby": r"[^/]+\.gemspec|gemfile",
    "php": r"composer\.json",
    "swift": r"package\.swift",
    "dart": r"pubspec\.yaml",
    "cmake": r"cmakelists\.txt",
}
_BUILD_KIND = tuple((re.compile(p, re.IGNORECASE), kind) for kind, p in _BUILD_KINDS.items())


def build_kinds_by_folder(files: list[str]) -> dict[str, set[str]]:
    """The kinds of build whose manifest sits at the top of each folder (``""``: the root)."""
    builds: dict[str, set[str]] = {}
    for f in files:
        folder, _, name = f.rpartition("/")
        for pattern, kind in _BUILD_KIND:
            if pattern.fullmatch(name):
                builds.setdefault(folder, set()).add(kind)
    return builds
