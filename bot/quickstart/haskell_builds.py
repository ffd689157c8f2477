"""The modules Haskell's Cabal packages (or an hpack package.yaml) declare, read at HEAD."""

from __future__ import annotations

import re
from pathlib import Path

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.declared_modules import (
    declared_module,
    inner_path,
    parent_folder,
    string_list,
    tracks_folder,
    with_build_files,
    yaml_mapping,
)
from bot.quickstart.service_names import kept

__all__ = [
    "cabal_packages",
]


_CABAL_NAME = re.compile(r"^name\s*:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


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
    spec = yaml_mapping(path, "package.yaml") if "package.yaml" in files else {}
    name = spec.get("name")
    if not isinstance(name, str):
        return None
    dirs: list[str] = []
    stanzas = [spec.get("library"), *_values(spec.get("executables"))]
    for stanza in (s for s in stanzas if isinstance(s, dict)):
        where = stanza.get("source-dirs")
        dirs += [where] if isinstance(where, str) else string_list(where)
    module = declared_module("", [d.strip("/") for d in dirs] or ["src"], name, files)
    module = with_build_files(module, ["package.yaml", "Setup.hs"], files)
    return ([module], "the hpack package (package.yaml)") if module else None


def _values(value: object) -> list[object]:
    return list(value.values()) if isinstance(value, dict) else []


def cabal_packages(path: Path, files: list[str]) -> Modules | None:
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
        folder = parent_folder(cabal)
        if folder and not kept(folder):
            continue
        text = show(path, cabal) or ""
        named = _CABAL_NAME.search(text)
        dirs = ["" if d == "." else d for d in _cabal_dirs(text)]
        code = [inner_path(folder, d) if d else folder for d in dirs]
        held = [c for c in dict.fromkeys(code) if tracks_folder(c, files) and (not c or kept(c))]
        if held:
            more = tuple(f"{c}/**" for c in held[1:])
            module = Declared(held[0], named[1] if named else None, more)
            found.append(
                with_build_files(module, [cabal, inner_path(folder, "Setup.hs")], files) or module
            )
    kind = "Cabal packages (cabal.project)" if listed else f"the Cabal package ({chosen[0]})"
    return (found, kind) if found else None
