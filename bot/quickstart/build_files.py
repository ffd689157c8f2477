"""The code modules a clone's JVM, JavaScript, Go and Python build files declare, read at HEAD.

Maven ``<modules>`` (an aggregator's own modules opened), Gradle ``include``, a single Maven
or Gradle module's ``src/main``, npm/pnpm/yarn and Deno workspaces, Go modules, a uv
workspace's members and Python packages under ``src/`` or the root. Modules named as tests,
docs, examples and the like are left out here, so every reader answers only the modules that
are services.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import json5
import yaml
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from bot.quickstart import gradle_settings
from bot.quickstart.service_names import NEVER_IN_SERVICE, kept
from bot.quickstart.source_sets import other_source_sets
from data.path_globs import glob_to_regex, in_globs
from scoring.paths import path_kinds

__all__ = [
    "Declared",
    "Modules",
    "artifact_id",
    "json_object",
    "jvm_js_go_python",
    "show",
    "workspace_globs",
]


@dataclass(frozen=True, slots=True)
class Declared:
    """A code module a build declares: its folder (``""`` for the whole clone), the name the
    build gives it (``None``: its folder's name), more globs of its code (a crate's
    ``build.rs``) and ``!`` globs the build itself says are not in it (nested modules)."""

    folder: str
    name: str | None = None
    more: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


# What a reader answers: the modules, and which build said so.
Modules = tuple[list[Declared], str]

_GO_MODULE = re.compile(r"^\s*module\s+\"?([^\s\"]+)", re.MULTILINE)
# The settings module a Django project's ``manage.py`` names: its project package first.
_DJANGO_SETTINGS = re.compile(r"DJANGO_SETTINGS_MODULE[\"']\s*,\s*[\"']([A-Za-z_]\w*)")


def show(path: Path, name: str) -> str | None:
    """A tracked file's text at HEAD, or None."""
    done = subprocess.run(
        ["git", "-C", str(path), "show", f"HEAD:{name}"], capture_output=True, check=False
    )
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _folders(found: list[str]) -> list[Declared]:
    """Each module folder once (a Maven module named again in a profile), if it may be a
    service."""
    return [Declared(f) for f in dict.fromkeys(found) if kept(f)]


# The manifests naming a workspace member, in the order each ecosystem reads them: npm's,
# and Deno's (a Deno workspace takes npm packages as members too; ``jsr.json`` is JSR's).
_NPM_MANIFESTS = ("package.json",)
_DENO_MANIFESTS = ("deno.json", "deno.jsonc", "jsr.json", "package.json")
# An Nx workspace's projects: a ``project.json`` each (its ``name`` is the project's), where no
# package.json workspace lists them (ngrx/platform's ``modules/*`` and ``projects/*``).
_NX_MANIFESTS = ("project.json", "package.json")


def json_object(text: str | None) -> dict[str, object] | None:
    """A manifest's top-level object, or None. Deno's and JSR's files and tsconfig.json are JSONC
    (comments, trailing commas), which json5 reads as it reads plain JSON; any other text is no
    object."""
    if text is None:
        return None
    try:
        loaded = json5.loads(text)
    except (ValueError, RecursionError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _packages(
    path: Path, members: list[str], manifests: tuple[str, ...] = _NPM_MANIFESTS
) -> list[Declared]:
    """Workspace members named as their manifest names them, without the scope
    (``@pinia/nuxt`` is nuxt); a member whose name another has already is keyed by its
    whole name (lit's ``@lit-labs/context`` beside ``@lit/context``), so that a release
    line naming the package (``@lit-labs/context@``) finds its service."""
    out: list[Declared] = []
    taken: set[str] = set()
    for folder in members:
        if not kept(folder):
            continue
        data = next((d for m in manifests if (d := json_object(show(path, f"{folder}/{m}")))), None)
        whole = str(data.get("name") or "") if data is not None else ""
        own = whole.rsplit("/", 1)[-1] or folder.rsplit("/", 1)[-1]
        name = own if own not in taken else whole.lstrip("@").replace("/", "-") or None
        taken.add(own)
        out.append(Declared(folder, name))
    return out


def _maven_modules(path: Path, pom: str, folder: str = "", depth: int = 0) -> list[str]:
    """The folders of a Maven build's ``<modules>``, an aggregator's own modules opened."""
    text = show(path, f"{folder}{pom}")
    if text is None:
        return []
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException):
        return []
    found: list[str] = []
    for module in root.iter():
        text = (module.text or "").strip().strip("/")
        if module.tag.rsplit("}", 1)[-1] != "module" or not text:
            continue
        name = f"{folder}{text}"
        inner = _maven_modules(path, "pom.xml", f"{name}/", depth + 1) if depth < 2 else []
        found += inner or [name]
    return found


def _included_builds(path: Path, text: str, tracked: set[str]) -> list[Declared]:
    """The modules of the builds a root Gradle settings file includes whole (``includeBuild``)
    when the root builds no module of its own: a Gradle plugin's repository builds its samples
    at the root and the plugin as an included build (JLLeitschuh/ktlint-gradle's ``plugin/``).
    An included build's own includes are its modules, else the build is one."""
    found: list[Declared] = []
    for folder in gradle_settings.included_builds(text):
        if not kept(folder):
            continue
        inner = next(
            (f"{folder}/{s}" for s in ("settings.gradle.kts", "settings.gradle")
             if f"{folder}/{s}" in tracked),
            None,
        )  # fmt: skip
        settings = show(path, inner) or "" if inner else ""
        modules = _folders([f"{folder}/{m}" for m in gradle_settings.modules(settings)])
        # A build of one module is named as its settings name its root project.
        if not modules and any(f.startswith(f"{folder}/src/") for f in tracked):
            modules = [Declared(folder, gradle_settings.root_project_name(settings))]
        found += modules
    return found


def artifact_id(path: Path) -> str | None:
    """The root ``pom.xml``'s own ``<artifactId>`` (not its parent's), or None."""
    text = show(path, "pom.xml")
    try:
        root = ElementTree.fromstring(text.encode("utf-8")) if text else None
    except (ElementTree.ParseError, DefusedXmlException):
        return None
    for child in root if root is not None else ():
        if child.tag.rsplit("}", 1)[-1] == "artifactId" and (child.text or "").strip():
            return (child.text or "").strip()
    return None


def _pnpm_globs(text: str) -> list[str]:
    """The ``packages:`` list of a pnpm-workspace.yaml (the only key read), by PyYAML's
    ``safe_load``. A file that is not YAML, or whose ``packages`` is not a list, declares
    no member, as a package.json that is not JSON does: the clone's other build files, or
    its folders, name the services instead."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    packages = loaded.get("packages") if isinstance(loaded, dict) else None
    # A hand-edited file may hold anything there: only a list of strings names members.
    return [g for g in packages if isinstance(g, str)] if isinstance(packages, list) else []


def workspace_globs(path: Path) -> list[str]:
    """npm/yarn ``workspaces`` of package.json and pnpm's workspace packages."""
    globs: list[str] = []
    if (text := show(path, "package.json")) is not None:
        try:
            spaces = json.loads(text).get("workspaces", [])
        except (ValueError, AttributeError):
            spaces = []
        if isinstance(spaces, dict):
            spaces = spaces.get("packages", [])
        # A hand-edited file may hold anything there: only a list of strings names members.
        if isinstance(spaces, list):
            globs += [g for g in spaces if isinstance(g, str)]
    if (text := show(path, "pnpm-workspace.yaml")) is not None:
        globs += _pnpm_globs(text)
    return globs


def _deno_workspace_globs(path: Path) -> list[str]:
    """Deno's ``workspace`` of the root deno.json (else deno.jsonc): a list of member
    folders or globs, or an object whose ``members`` is one."""
    for name in ("deno.json", "deno.jsonc"):
        data = json_object(show(path, name))
        if data is None:
            continue
        spaces = data.get("workspace")
        if isinstance(spaces, dict):
            spaces = spaces.get("members")
        # A hand-edited file may hold anything there: only a list of strings names members.
        return [g for g in spaces if isinstance(g, str)] if isinstance(spaces, list) else []
    return []


def _is_glob(text: str) -> bool:
    try:
        glob_to_regex(text)
    except ValueError:
        return False
    return True


def _workspace_members(
    files: list[str], globs: list[str], manifests: tuple[str, ...] = _NPM_MANIFESTS
) -> list[str]:
    """The folders holding a manifest that a workspace glob names, not those inside
    another member (a package's own fixtures); lit's ``packages/labs/ssr`` is a member, as
    ``packages/labs`` holds no package.json of its own."""
    # npm's and pnpm's globs are shell globs of folders from the root, as riskbrief.toml's
    # (``data.path_globs``): ``*`` within a folder's name, ``**`` across, ``!`` taking out;
    # ``./packages/a`` and ``packages/a/`` are ``packages/a``. One a glob cannot be is skipped.
    spelt = [g.strip().removeprefix("./").rstrip("/") for g in globs]
    usable = [g for g in spelt if _is_glob(g)]
    folders = sorted(
        {f.rpartition("/")[0] for f in files if f.rpartition("/")[2] in manifests and "/" in f}
    )
    members = [d for d in folders if in_globs(usable, d)]
    inside = set(members)
    return [
        d for d in members if not any(d.startswith(f"{other}/") for other in inside if other != d)
    ]


def _go_modules(path: Path, files: list[str], tracked: set[str]) -> Modules | None:
    """Go modules: each nested ``go.mod`` folder, and the root module less its nested ones
    (Go never counts a nested module's files in the module around it)."""
    nested = sorted(f.rpartition("/")[0] for f in files if f.endswith("/go.mod"))
    found = _folders(nested)
    if "go.mod" not in tracked:
        return (found, "Go modules (go.mod)") if found else None
    module = _GO_MODULE.search(show(path, "go.mod") or "")
    # ``github.com/go-chi/chi/v5`` is chi: a major version suffix is no name.
    parts = [p for p in (module[1] if module else "").split("/") if p]
    while parts and re.fullmatch(r"v\d+", parts[-1]):
        parts.pop()
    # Nested modules in a folder that never counts (``_examples/rest``) go with that folder.
    outside = tuple(
        f"!{d}/**" for d in nested if not any(p.lower() in NEVER_IN_SERVICE for p in d.split("/"))
    )
    root = Declared("", parts[-1] if parts else None, excluded=outside)
    if not found:
        return [root], "one Go module (go.mod)"
    return [*found, root], "Go modules (go.mod)"


def _uv_members(path: Path, files: list[str]) -> list[Declared]:
    """A root uv workspace's members (``[tool.uv.workspace]``'s ``members`` globs, less its
    ``exclude``), each named as its pyproject.toml's ``[project]`` names it."""
    try:
        root = tomllib.loads(show(path, "pyproject.toml") or "")
    except tomllib.TOMLDecodeError:
        return []
    tool = root.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    space = uv.get("workspace") if isinstance(uv, dict) else None
    if not isinstance(space, dict):
        return []
    # A hand-edited file may hold anything there: only lists of strings name members.
    members, exclude = (
        [g for g in v if isinstance(g, str)] if isinstance(v, list) else []
        for v in (space.get("members"), space.get("exclude"))
    )
    globs = [*members, *(f"!{g.strip().removeprefix('./')}" for g in exclude)]
    out: list[Declared] = []
    for folder in _workspace_members(files, globs, ("pyproject.toml",)):
        if not kept(folder):
            continue
        try:
            project = tomllib.loads(show(path, f"{folder}/pyproject.toml") or "").get("project")
        except tomllib.TOMLDecodeError:
            project = None
        name = project.get("name") if isinstance(project, dict) else None
        out.append(Declared(folder, name if isinstance(name, str) and name else None))
    return out


def _python_packages(files: list[str]) -> list[str]:
    """Python packages (an ``__init__.py``) right under ``src/``, else right under the root."""
    for prefix in ("src/", ""):
        found = sorted(
            {
                f[: -len("/__init__.py")]
                for f in files
                if f.startswith(prefix)
                and f.endswith("/__init__.py")
                and f[len(prefix) :].count("/") == 1
            }
        )
        if found:
            return found
    return []


def _pyproject_name(path: Path, files: list[str]) -> str | None:
    """The name a root ``pyproject.toml`` gives its project (``[project]`` or Poetry's)."""
    if "pyproject.toml" not in files:
        return None
    try:
        document = tomllib.loads(show(path, "pyproject.toml") or "")
    except tomllib.TOMLDecodeError:
        return None
    tables = (document.get("project"), document.get("tool", {}).get("poetry"))
    names = [t.get("name") for t in tables if isinstance(t, dict)]
    return next((n for n in names if isinstance(n, str) and n), None)


def _import_name(name: str) -> str:
    """A project's name as Python imports it (``gyp-next`` is ``gyp_next``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _python_module(path: Path, files: list[str]) -> Declared | None:
    """A project of one module at the root that a root ``pyproject.toml`` names, and no package
    (emsdk's ``emsdk.py``, setuptools' ``py-modules``): its code is the clone's."""
    name = _pyproject_name(path, files)
    return Declared("", name) if name and f"{_import_name(name)}.py" in files else None


def _namespace_package(path: Path, files: list[str]) -> list[str]:
    """The package a root ``pyproject.toml`` names (``[project]`` or Poetry's ``name``) where it
    holds Python modules with no ``__init__.py``, right under ``src/`` or the root: a namespace
    package (PEP 420), as poetry's ``src/poetry/`` is beside poetry-core's ``poetry.core``."""
    name = _pyproject_name(path, files)
    if name is None:
        return []
    folder = _import_name(name)
    for prefix in ("src/", ""):
        inside = f"{prefix}{folder}/"
        if any(f.startswith(inside) and f.endswith(".py") for f in files):
            return [f"{prefix}{folder}"]
    return []


def jvm_js_go_python(path: Path, files: list[str]) -> Modules | None:
    """The modules a Maven, Gradle, npm/pnpm/yarn, Deno, Nx, Go or Python build declares; None when
    none does. A root build of one module (a ``pom.xml`` without ``<modules>``, a Gradle build that
    includes none) is one module, its code under ``src/main/``: ``src/site``, ``src/changes``
    or ``src/assembly`` are no services of their own."""
    tracked = set(files)
    # A root module of its own (``src/main``) is the build's, whatever builds it includes whole.
    own_module = any(f.startswith("src/main/") for f in files)
    if "pom.xml" in tracked and (found := _folders(_maven_modules(path, "pom.xml"))):
        return found, "Maven <modules>"
    for settings in ("settings.gradle.kts", "settings.gradle"):
        text = show(path, settings) if settings in tracked else None
        if text is not None and (found := _folders(gradle_settings.modules(text))):
            return found, f"Gradle {settings} include"
        if text is not None and not own_module and (found := _included_builds(path, text, tracked)):
            return found, f"Gradle {settings} includeBuild"
    single = next(
        (b for b in ("pom.xml", "build.gradle.kts", "build.gradle") if b in tracked), None
    )
    if single is not None and own_module:
        kind = "Maven" if single == "pom.xml" else "Gradle"
        name = (artifact_id(path) if single == "pom.xml" else None) or path.name
        return [
            Declared("src/main", name, other_source_sets(files))
        ], f"one {kind} module ({single})"
    if (globs := workspace_globs(path)) and (
        found := _packages(path, _workspace_members(files, globs))
    ):
        return found, "package.json/pnpm workspaces"
    if (globs := _deno_workspace_globs(path)) and (
        found := _packages(path, _workspace_members(files, globs, _DENO_MANIFESTS), _DENO_MANIFESTS)
    ):
        return found, "deno.json workspace"
    nx = _workspace_members(files, ["**"], ("project.json",)) if "nx.json" in tracked else []
    if nx and (found := _packages(path, nx, _NX_MANIFESTS)):
        return found, "Nx projects (project.json)"
    if (go := _go_modules(path, files, tracked)) is not None:
        return go
    if "pyproject.toml" in tracked and (found := _uv_members(path, files)):
        return found, "uv workspace (pyproject.toml)"
    if found := _folders(_python_packages(files)) or _folders(_namespace_package(path, files)):
        found = _with_extension_code(found, files)
        if "manage.py" in tracked and (project := _with_django_root(path, found)):
            return project, "Python packages of a Django project (manage.py)"
        return found, "Python packages"
    if (module := _python_module(path, files)) is not None:
        return [module], "the Python module (pyproject.toml)"
    return None


def _with_django_root(path: Path, found: list[Declared]) -> list[Declared] | None:
    """The packages of a Django project with the files at the clone's root (``*``: the
    ``manage.py``, ``Dockerfile`` and ``Procfile`` that run the site) in the project's own
    package, the one its root ``manage.py`` names the settings of (``bakerydemo.settings.dev``);
    its apps stay services of their own. None when ``manage.py`` names no package found."""
    named = _DJANGO_SETTINGS.search(show(path, "manage.py") or "")
    if named is None:
        return None
    project = named.group(1)
    if not any(d.folder == project for d in found):
        return None
    return [replace(d, more=(*d.more, "*")) if d.folder == project else d for d in found]


# The file that builds a Python package's extension modules (``Extension(..., sources=[...])``)
# and sits at the root beside it: a package's build script, as ``build.rs`` is a crate's.
_PYTHON_BUILD_SCRIPT = "setup.py"


def _with_extension_code(found: list[Declared], files: list[str]) -> list[Declared]:
    """The one Python package of a clone with the code its build compiles into it: the C, C++
    or Cython sources beside it under ``src/`` (Pillow's ``src/_imaging.c`` and
    ``src/libImaging/`` build ``PIL._imaging``) and the root ``setup.py`` that compiles them.

    Only where there is one package: which of several packages an extension belongs to
    only the build script's code says."""
    if len(found) != 1:
        return found
    (package,) = found
    more: list[str] = []
    if package.folder.startswith("src/"):
        inside = f"{package.folder}/"
        if any(
            f.startswith("src/") and not f.startswith(inside) and path_kinds(f).code for f in files
        ):
            more.append("src/**")
    if _PYTHON_BUILD_SCRIPT in files:
        more.append(_PYTHON_BUILD_SCRIPT)
    if not more:
        return found
    return [Declared(package.folder, package.name, (*package.more, *more), package.excluded)]
