"""What a package's own build says it writes: the paths its build or clean scripts delete whole.

A ``package.json`` whose ``build`` script starts ``rimraf material && ts-node tools/build``
(squidfunk/mkdocs-material, whose published Python package is that build's copy of ``src/``)
says ``material/`` is the build's output, committed or not: every change of the source is made
twice, once by hand and once by the build. Only scripts named for building or cleaning are read
(``build``, ``prebuild``, ``build:all``, ``clean``), only literal paths inside the package
(no wildcard, no variable, nothing above it, not ``node_modules``), and the deletion must be
whole (``rimraf``, ``del``/``del-cli``, ``rm -r``/``-rf``, ``shx rm -rf``). A shell script at
the clone's root named for building or cleaning (``build.sh``: prometheus-operator/kube-prometheus
starts with ``rm -rf manifests`` and writes every manifest anew from its Jsonnet) is read the
same way, line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator

__all__ = ["cleaned_paths", "in_cleaned", "is_build_script", "script_cleaned_paths"]

# A deletion command and its arguments, up to the next ``&&``, ``||``, ``;`` or ``|``.
_DELETE = re.compile(
    r"(?:^|&&|\|\||;)\s*(?:npx\s+)?(?:shx\s+)?"
    r"(?:rimraf|del-cli|del|rm\s+-(?:rf|fr|r|Rf|fR|R))\s+([^&;|]+)"
)
_SCRIPT_NAME = re.compile(r"build|clean", re.IGNORECASE)
_NOT_LITERAL = re.compile(r"[*?\[\]{}$%<>`~]")


def _literal(argument: str) -> str | None:
    """The package-relative path an argument names, or ``None`` for an option, a pattern, a
    variable or a path outside the package's own files."""
    name = argument.strip("'\"").removeprefix("./").rstrip("/")
    if not name or name.startswith(("-", "/", ".")) or _NOT_LITERAL.search(name):
        return None
    parts = name.split("/")
    if ".." in parts or "node_modules" in parts:
        return None
    return name


def cleaned_paths(package_json: str, folder: str = "") -> tuple[str, ...]:
    """The paths (from the clone's root, the package being at ``folder``) that the build or
    clean scripts of ``package_json`` delete whole; none when it is not a package's JSON."""
    try:
        package = json.loads(package_json)
    except ValueError:
        return ()
    scripts = package.get("scripts") if isinstance(package, dict) else None
    if not isinstance(scripts, dict):
        return ()
    found: dict[str, None] = {}
    for name, command in scripts.items():
        if not isinstance(command, str) or not _SCRIPT_NAME.search(str(name)):
            continue
        for path in _deleted(command):
            found[f"{folder}/{path}" if folder else path] = None
    return tuple(found)


def _deleted(command: str) -> Iterator[str]:
    """The literal paths a command line deletes whole (``_literal``), up to a comment."""
    for deletion in _DELETE.finditer(command):
        for argument in deletion.group(1).split():
            if argument.startswith("#"):
                return
            if (path := _literal(argument)) is not None:
                yield path


# A shell script at the root named for building or cleaning: ``build.sh``, ``clean.sh``,
# ``build-all.sh``.
_BUILD_SCRIPT = re.compile(r"(?:build|clean)[\w.-]*\.sh", re.IGNORECASE)


def is_build_script(path: str) -> bool:
    """Whether ``path`` is a shell script at the clone's root named for building or cleaning."""
    return "/" not in path and _BUILD_SCRIPT.fullmatch(path) is not None


# A change of directory: the script's later relative paths are no longer the clone's.
_CD = re.compile(r"(?:^|&&|\|\||;)\s*(?:cd|pushd)\b")


def script_cleaned_paths(script: str) -> tuple[str, ...]:
    """The paths (from the clone's root, where the script runs) that a shell build or clean
    script deletes whole, line by line, until it changes directory; comments are none."""
    found: dict[str, None] = {}
    for line in script.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        moved = _CD.search(line)
        if moved is not None:
            line = line[: moved.start()]
        found.update(dict.fromkeys(_deleted(line)))
        if moved is not None:
            break
    return tuple(found)


def in_cleaned(path: str, cleaned: Collection[str]) -> bool:
    """Whether ``path`` is one of ``cleaned`` or inside one: each of its folders looked up, so
    a monorepo's hundreds of cleaned ``dist/`` folders cost no more than one (pass a set)."""
    if not cleaned:
        return False
    end = path.find("/")
    while end >= 0:
        if path[:end] in cleaned:
            return True
        end = path.find("/", end + 1)
    return path in cleaned
