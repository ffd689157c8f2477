"""The steps the language build readers share: a module from its code folders and build files."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.quickstart.build_files import Declared, show
from bot.quickstart.service_names import kept
from data.path_globs import matches

__all__ = [
    "declared_module",
    "first_with_build_files",
    "inner_path",
    "kept_code",
    "manifest_folders",
    "parent_folder",
    "string_list",
    "tracks_folder",
    "with_build_files",
    "yaml_mapping",
]


def tracks_folder(folder: str, files: list[str]) -> bool:
    """True when the clone tracks a file under ``folder`` (``""``: the root)."""
    prefix = f"{folder}/" if folder else ""
    return any(f.startswith(prefix) for f in files)


def parent_folder(path: str) -> str:
    """The folder ``path`` sits in (``""``: the root)."""
    return path.rpartition("/")[0]


def inner_path(folder: str, name: str) -> str:
    """``name`` inside ``folder`` (``""``: the root)."""
    return f"{folder}/{name}" if folder else name


def kept_code(folder: str) -> bool:
    """``kept``, where a ``bin/`` the build names holds its executables' code (dune's, Dart's),
    not a clone's scripts."""
    parent, _, last = folder.rpartition("/")
    if last == "bin":
        return not parent or kept(parent)
    return kept(folder)


def declared_module(
    folder: str, code: list[str], name: str | None, files: list[str]
) -> Declared | None:
    """One module of the package in ``folder``: its first code folder that the clone holds,
    the others as more globs; None when it holds none or is named as no service."""
    held = [
        c for c in dict.fromkeys(inner_path(folder, c) for c in code) if tracks_folder(c, files)
    ]
    held = [c for c in held if kept_code(c)]
    if not held or (name is not None and not kept(name)):
        return None
    return Declared(held[0], name, tuple(f"{c}/**" for c in held[1:]))


def with_build_files(
    module: Declared | None, globs: list[str], files: list[str]
) -> Declared | None:
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


def first_with_build_files(
    found: list[Declared], globs: list[str], files: list[str]
) -> list[Declared]:
    """``found`` with the build files of the whole clone (a root build.sbt, Package.swift)
    given to its first module, the one a file matching several services' globs goes to."""
    if not found:
        return found
    first = with_build_files(found[0], globs, files)
    return [first, *found[1:]] if first is not None else found


def manifest_folders(files: list[str], name: str) -> list[str]:
    """The folders (``""`` for the root) of every build file called ``name``, root first, in
    folders that may be services."""
    found = [parent_folder(f) for f in files if f == name or f.endswith(f"/{name}")]
    return sorted((d for d in found if not d or kept(d)), key=lambda d: (d.count("/"), d))


def yaml_mapping(path: Path, name: str) -> dict[str, object]:
    """A tracked YAML file's mapping at HEAD; empty when it is missing or no mapping."""
    try:
        loaded = yaml.safe_load(show(path, name) or "")
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def string_list(value: object) -> list[str]:
    """The strings of a list read from a build file; none when it is no list."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
