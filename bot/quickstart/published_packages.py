"""The folders of a clone holding a package it publishes beside the build quickstart read.

A build's modules may leave a folder out that is no helper: sass/dart-sass's root Dart package
leaves out ``pkg/sass-parser`` (an npm package it publishes) and ``pkg/sass_api`` (a Dart
package it publishes), and their changes sat in no service. A package whose own manifest says
it is published (an npm ``package.json`` with a name and a version and not ``private``, a
``pubspec.yaml`` with a name not ``publish_to: none``, a ``Cargo.toml`` package not
``publish = false``, a ``pyproject.toml`` project with a name) ships to its users as surely as
the build's modules do, so its top folder is a service as a workspace member's is; a private
app, a playground or build logic stays a helper.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.quickstart.build_files import json_object, show

__all__ = ["published_tops"]

_MANIFESTS = ("package.json", "pubspec.yaml", "Cargo.toml", "pyproject.toml")
# ``publish_to: none`` in a pubspec: a package pub never publishes (an app's).
_PUB_PRIVATE = re.compile(r"^publish_to:\s*['\"]?none['\"]?\s*$", re.MULTILINE)
_PUB_NAME = re.compile(r"^name:\s*\S", re.MULTILINE)


def _toml(text: str | None) -> dict[str, object]:
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _publishes(name: str, text: str | None) -> bool:
    """Whether the manifest ``name`` (its file name) with ``text`` says its package is published."""
    if name == "package.json":
        data = json_object(text)
        return (
            data is not None
            and isinstance(data.get("name"), str)
            and isinstance(data.get("version"), str)
            and data.get("private") is not True
        )
    if name == "pubspec.yaml":
        return text is not None and bool(_PUB_NAME.search(text)) and not _PUB_PRIVATE.search(text)
    table = _toml(text)
    if name == "Cargo.toml":
        package = table.get("package")
        return isinstance(package, dict) and package.get("publish", True) is not False
    project = table.get("project")
    return isinstance(project, dict) and isinstance(project.get("name"), str)


def published_tops(path: Path, files: list[str], left: list[str]) -> set[str]:
    """The top folders of the packages below the root of the clone at ``path`` that hold some of
    the code the build left out (``left``) and whose manifests say they are published."""
    folders = {f.rpartition("/")[0] for f in left}
    tops: set[str] = set()
    for manifest in files:
        folder, _, name = manifest.rpartition("/")
        if not folder or name not in _MANIFESTS or folder.split("/", 1)[0] in tops:
            continue
        holds = any(d == folder or d.startswith(f"{folder}/") for d in folders)
        if holds and _publishes(name, show(path, manifest)):
            tops.add(folder.split("/", 1)[0])
    return tops
