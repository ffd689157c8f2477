"""The one package a clone is, by a package manager whose manifest at the root (or its
versions' folder) names one: a LuaRocks rock (its rockspecs' ``package``), an Alire crate
(``alire.toml``'s ``name``), a Nimble package (its one root ``<name>.nimble``) and a Nextflow
pipeline (``nextflow.config``'s ``manifest.name``). Each is built or run from the root, so the
whole clone is its service: the makefile, install scripts, build tasks and manifest beside the
sources, and a pipeline's ``bin/`` scripts, which Nextflow puts on its processes' path."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.quickstart.build_files import Declared, Modules, show

__all__ = ["package_root"]

# ``manifest { name = 'nf-core/rnaseq' … }`` in a Nextflow configuration (the block's first
# ``name``; a pipeline's parameters sit in ``params``, before or after it).
_NEXTFLOW_NAME = re.compile(
    r"^\s*manifest\s*\{[^}]*?^\s*name\s*=\s*[\"']([^\"']+)[\"']", re.M | re.S
)
_ROCKSPEC_PACKAGE = re.compile(r"^\s*package\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
# Where a rock keeps its rockspecs: at the root, or one per released version in a folder.
_ROCKSPEC_FOLDERS = frozenset({"", "rockspec", "rockspecs"})


def package_root(path: Path, files: list[str]) -> Modules | None:
    """The whole clone as the one rock, crate, Nimble package or Nextflow pipeline its root
    manifests name, or None."""
    return _luarocks(path, files) or _alire(path, files) or _nimble(files) or _nextflow(path, files)


def _luarocks(path: Path, files: list[str]) -> Modules | None:
    """The one rock a clone's rockspecs declare (``package = "luarocks"``), at the root or in a
    ``rockspecs/`` folder of versions: the whole clone, which ``luarocks make`` builds from the
    root; None where they name no package or several."""
    specs = [
        f for f in files
        if f.endswith(".rockspec") and f.rpartition("/")[0].lower() in _ROCKSPEC_FOLDERS
    ]  # fmt: skip
    names = {m.group(1) for f in specs if (m := _ROCKSPEC_PACKAGE.search(show(path, f) or ""))}
    if len(names) != 1:
        return None
    return [Declared("", names.pop())], f"LuaRocks rockspec ({specs[0]})"


def _alire(path: Path, files: list[str]) -> Modules | None:
    """An Alire crate (Ada's package manager) named by a root ``alire.toml``: one crate, built
    from the root by its GNAT project files (``alr`` keeps its sources in ``src/`` and its
    development scripts in ``dev/``); None without one or its name."""
    text = show(path, "alire.toml") if "alire.toml" in files else None
    try:
        crate = tomllib.loads(text) if text is not None else {}
    except tomllib.TOMLDecodeError:
        return None
    name = crate.get("name")
    if not isinstance(name, str) or not name:
        return None
    return [Declared("", name)], "the Alire crate (alire.toml)"


def _nimble(files: list[str]) -> Modules | None:
    """A Nimble package (Nim's package manager), declared by the one ``.nimble`` file at the
    root and named by it (https://github.com/nim-lang/nimble: the package's name is the
    file's): one package built from the root, whose tasks (``task bindings``) build what else
    it ships; None without one, or with several."""
    specs = [f for f in files if "/" not in f and f.endswith(".nimble") and f != ".nimble"]
    if len(specs) != 1:
        return None
    return [Declared("", specs[0].removesuffix(".nimble"))], f"the Nimble package ({specs[0]})"


def _nextflow(path: Path, files: list[str]) -> Modules | None:
    """A Nextflow pipeline: a root ``nextflow.config`` whose ``manifest`` names it beside the
    root ``main.nf`` it runs (https://www.nextflow.io/docs/latest/config.html#scope-manifest),
    named by the name's last part (``rnaseq`` of ``nf-core/rnaseq``); None without either."""
    if "nextflow.config" not in files or "main.nf" not in files:
        return None
    found = _NEXTFLOW_NAME.search(show(path, "nextflow.config") or "")
    name = found.group(1).rstrip("/").rpartition("/")[2] if found else ""
    if not name:
        return None
    return [Declared("", name)], "the Nextflow pipeline (nextflow.config)"
