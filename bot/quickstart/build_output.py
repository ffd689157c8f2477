"""What a build wrote rather than a person: never a service's code, nor code left out of one.

Output folders (``dist/``, ``_build/``, OTP's ``ebin/`` and an application's
``priv/static/``, and ``build/``, ``out/``, ``target/`` at the root, unless they hold Go
source, which no build writes there, or Rust outside ``target/``, Cargo's only output), bundles
named as
bundles (``.min.js``, ``.cjs.js``, ``.umd.js``, ``.esm.js``, ``.bundle.js``, an ``.mjs`` in
a ``static/`` folder), a ``.js`` committed with its source map beside it, and source maps
themselves.
"""

from __future__ import annotations

import re
from collections.abc import Collection

__all__ = ["is_build_output", "output_globs"]

# Folders that hold what a build wrote, at any depth.
_ANYWHERE = ("dist", "_build", "ebin")
# Folders that hold build output at the root; deeper they are as often a package of the code
# (a Java package ``build``, a Go package ``target``).
_AT_ROOT = frozenset({"build", "out", "target", "dist", "_build", "ebin"})
# Bundlers' names for what they wrote.
# Go's toolchain writes no Go source, and ``go build ./...`` compiles every folder of ``.go``
# files but ``testdata``, whatever its name: a root ``build/`` of them is the module's own
# packages (a Mattermost plugin's ``build/pluginctl``, with its tests), not a build's output.
# Cargo writes only into ``target/`` (a build script's generated Rust in its ``OUT_DIR``), so a
# root ``build/`` of Rust is the crate's own (scryer-prolog's ``build = "build/main.rs"`` and the
# modules it includes).
_NEVER_WRITTEN = (".go",)
_RUST = ".rs"
_BUNDLE_SUFFIXES = (".min.js", ".cjs.js", ".umd.js", ".esm.js", ".bundle.js", ".min.mjs")
_SOURCE_MAP = re.compile(r"\.(?:c|m)?js\.map$|\.css\.map$")


def _output_folder(folders: list[str], name: str = "") -> str | None:
    """The output folder on a path's ``folders`` (of a file ``name``), as a glob's middle
    part, or None."""
    lowered = [f.lower() for f in folders]
    if lowered and lowered[0] in _AT_ROOT and not _hand_written(lowered[0], name.lower()):
        return folders[0]
    for i, name in enumerate(lowered):
        if name in _ANYWHERE:
            return folders[i]
        if name == "priv" and lowered[i + 1 : i + 2] == ["static"]:
            return "/".join(folders[i : i + 2])
    return None


def _hand_written(folder: str, name: str) -> bool:
    """Whether a file ``name`` in the root folder ``folder`` (both lower-case), a build's output
    folder by its name, is source no build writes there."""
    return name.endswith(_NEVER_WRITTEN) or (name.endswith(_RUST) and folder != "target")


def is_build_output(path: str, tracked: Collection[str] = ()) -> bool:
    """True for a file a build wrote (see the module's docstring); ``tracked`` holds the
    clone's files, to see a ``.js`` with its source map beside it."""
    *folders, name = path.split("/")
    lowered = name.lower()
    if _output_folder(folders, name) is not None or lowered.endswith(_BUNDLE_SUFFIXES):
        return True
    if _SOURCE_MAP.search(lowered):
        return True
    if lowered.endswith(".mjs") and "static" in (f.lower() for f in folders):
        return True
    return lowered.endswith(".js") and f"{path}.map" in tracked


def output_globs(prefix: str, inside: list[str], tracked: Collection[str]) -> list[str]:
    """The ``!`` globs that take the build output among ``inside`` (paths from the root, under
    ``prefix``, a service's folder with its ``/``) out of its service: output folders as
    folders, bundles by their names."""
    out: dict[str, None] = {}
    # A root folder holding source no build writes there is the module's code, no output folder.
    source_roots = {
        top
        for p in inside
        if "/" in p and _hand_written((top := p.split("/", 1)[0]).lower(), p.lower())
    }
    for path in inside:
        if not is_build_output(path, tracked):
            continue
        *folders, name = path.split("/")
        folder = _output_folder(folders, name)
        if folder is not None:
            at_root = folders[0] == folder and "/" not in folder
            if at_root and folder in source_roots:
                continue
            out[f"!{folder}/**" if at_root else f"!{prefix}**/{folder}/**"] = None
        elif name.lower().endswith(_BUNDLE_SUFFIXES):
            suffix = next(s for s in _BUNDLE_SUFFIXES if name.lower().endswith(s))
            out[f"!{prefix}**/*{suffix}"] = None
        elif _SOURCE_MAP.search(name.lower()):
            out[f"!{prefix}**/*.map"] = None
        else:
            out[f"!{path}"] = None
    return list(out)
