"""The modules Elixir's Mix and Erlang's rebar3 (or erlang.mk) projects declare, read at HEAD."""

from __future__ import annotations

import re
from pathlib import Path

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.declared_modules import (
    declared_module,
    first_with_build_files,
    inner_path,
    manifest_folders,
    with_build_files,
)

__all__ = [
    "mix_projects",
    "rebar_applications",
]


_MIX_APP = re.compile(r"\bapp:\s*:\"?([\w.]+)|@app\s+:([\w.]+)")
_MIX_APPS_PATH = re.compile(r"\bapps_path:\s*\"([^\"]+)\"")
_APP_SRC = re.compile(r"\{\s*application\s*,\s*'?([\w.]+)")


def mix_projects(path: Path, files: list[str]) -> Modules | None:
    """A Mix project: an umbrella's ``apps/*`` each by its ``app:`` name, else the root
    project's ``lib/`` (and Erlang ``src/``) and each nested Mix project's, such as an
    installer shipped as its own package."""
    if "mix.exs" not in files:
        return None
    root = show(path, "mix.exs") or ""
    umbrella = _MIX_APPS_PATH.search(root)
    found: list[Declared] = []
    for folder in manifest_folders(files, "mix.exs"):
        if folder == "" and umbrella:
            continue
        named = _MIX_APP.search(show(path, inner_path(folder, "mix.exs")) or "")
        if folder and named is None:
            continue  # a generator's template (``app: :<%= @app_name %>``), no project
        name = (named[1] or named[2]) if named else None
        module = _with_priv(
            with_build_files(
                declared_module(folder, ["lib", "src"], name, files),
                [inner_path(folder, "mix.exs")],
                files,
            ),
            folder,
            files,
        )
        if module is not None and (not umbrella or folder.startswith(f"{umbrella[1]}/")):
            found.append(module)
    # The root project's configuration, release overlays and web assets ship in its release.
    found = first_with_build_files(
        found, ["mix.exs", "mix.lock", "config/**", "rel/**", "assets/**"], files
    )
    kind = "the Mix umbrella's apps (mix.exs)" if umbrella else "Mix projects (mix.exs)"
    return (found, kind) if found else None


def _with_priv(module: Declared | None, folder: str, files: list[str]) -> Declared | None:
    """``module`` with its OTP application's ``priv/``, which ships in its release (Ecto's
    ``priv/repo/migrations`` and seeds, scripts, templates), less ``priv/static/``: what a
    build wrote (Phoenix's bundles) and the site's images."""
    priv = inner_path(folder, "priv")
    if module is None or not any(f.startswith(f"{priv}/") for f in files):
        return module
    static = f"!{priv}/static/**"
    excluded = module.excluded + (
        (static,) if any(f.startswith(f"{priv}/static/") for f in files) else ()
    )
    return Declared(module.folder, module.name, (*module.more, f"{priv}/**"), excluded)


def _app_name(path: Path, folder: str, files: list[str]) -> str | None:
    """An OTP application's name from its ``src/*.app.src``."""
    src = inner_path(folder, "src/")
    spec = next((f for f in files if f.startswith(src) and f.endswith(".app.src")), None)
    named = _APP_SRC.search(show(path, spec) or "") if spec else None
    return named[1] if named else None


def rebar_applications(path: Path, files: list[str]) -> Modules | None:
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
        module = declared_module(folder, ["src", "include"], name, files)
        # The application's resource file, when committed (erlang.mk writes cowboy's
        # ``ebin/cowboy.app`` from the Makefile and its releases commit it): the version and
        # modules the application ships, the one file of ``ebin/`` that is its own.
        own = [inner_path(folder, "rebar.config")] + (
            [inner_path(folder, f"ebin/{name}.app")] if name else []
        )
        if module is not None and module.folder.endswith("src"):
            found.append(
                _with_priv(
                    with_build_files(module, own, files),
                    folder,
                    files,
                )
                or module
            )
    found = first_with_build_files(found, ["rebar.config", "erlang.mk", "Makefile"], files)
    build = "rebar.config" if "rebar.config" in files else "erlang.mk"
    return (found, f"OTP applications ({build})") if found else None
