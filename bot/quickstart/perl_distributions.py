"""A Perl distribution's module, read at HEAD: the ``lib/`` of its modules and the programs it
installs, as its build file (``Makefile.PL``, ``Build.PL`` or Dist::Zilla's ``dist.ini``) says.

ExtUtils::MakeMaker and Module::Build install a distribution's ``lib/`` and the programs its
``EXE_FILES`` (``script_files``) names, wherever they sit (exiftool's ``exiftool`` at the
root); Dist::Zilla's and Module::Build's conventions put those in ``bin/`` and ``script/``. A
distribution of the old style keeps its one module at the root (``Foo.pm``, ``Foo.xs``): its
code is the clone's. The name is the distribution's (``Image-ExifTool``), from
``META.json``/``META.yml`` (the CPAN::Meta specification's ``name``), else the module's name
the build file gives, with ``::`` as ``-``, as CPAN names a distribution.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.declared_modules import declared_module, with_build_files

__all__ = ["perl_distribution"]

_BUILD_FILES = ("Makefile.PL", "Build.PL", "dist.ini")
# The files a distribution's build and its release tools read: what it ships and needs.
_OWN_FILES = (*_BUILD_FILES, "cpanfile", "META.json", "META.yml", "MANIFEST", "MANIFEST.SKIP")
# The module a build file names: ``NAME => 'Image::ExifTool'`` (MakeMaker),
# ``module_name => 'Foo::Bar'`` or ``dist_name => 'Foo-Bar'`` (Module::Build).
_MODULE_NAME = re.compile(r"""\b(?:NAME|module_name|dist_name)\s*=>\s*['"]([\w:-]+)['"]""")
_DZIL_NAME = re.compile(r"^name\s*=\s*(\S+)", re.MULTILINE)
_YAML_NAME = re.compile(r"^name:\s*['\"]?([\w:-]+)", re.MULTILINE)
# The programs it installs: ``EXE_FILES => [ 'exiftool' ]``, ``script_files => [qw(bin/x)]``.
_PROGRAMS = re.compile(
    r"""\b(?:EXE_FILES|script_files)\s*=>\s*(\[[^\]]*\]|qw\s*[(\[{/][^)\]}/]*|['"][^'"]+['"])"""
)
_WORD = re.compile(r"""['"]([^'"]+)['"]|([\w./-]+)""")
# The folders Dist::Zilla's ``[ExecDir]`` and Module::Build install programs from.
_PROGRAM_FOLDERS = ("bin", "script")


def _name(path: Path, files: list[str], build: str) -> str | None:
    """The distribution's name (``Image-ExifTool``)."""
    if "META.json" in files:
        try:
            meta = json.loads(show(path, "META.json") or "null")
        except ValueError:
            meta = None
        if isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"]:
            return str(meta["name"])
    if "META.yml" in files and (named := _YAML_NAME.search(show(path, "META.yml") or "")):
        return named[1].replace("::", "-")
    text = show(path, build) or ""
    named = (_DZIL_NAME if build == "dist.ini" else _MODULE_NAME).search(text)
    return named[1].replace("::", "-") if named else None


def _programs(text: str, files: list[str]) -> list[str]:
    """The tracked files the build's ``EXE_FILES`` or ``script_files`` names."""
    tracked = set(files)
    found: list[str] = []
    for listed in _PROGRAMS.finditer(text):
        body = listed[1].removeprefix("qw").lstrip(" ([{/")
        for word in _WORD.finditer(body.strip("[]")):
            name = (word[1] or word[2] or "").removeprefix("./")
            if name in tracked and name not in found:
                found.append(name)
    return found


def perl_distribution(path: Path, files: list[str]) -> Modules | None:
    """A root Perl distribution's one module (see the module's docstring); None when the
    clone has no Makefile.PL, Build.PL or dist.ini at its root."""
    build = next((b for b in _BUILD_FILES if b in files), None)
    if build is None:
        return None
    name = _name(path, files, build)
    programs = _programs(show(path, build) or "", files)
    folders = [f"{d}/**" for d in _PROGRAM_FOLDERS if any(f.startswith(f"{d}/") for f in files)]
    module = declared_module("", ["lib"], name, files)
    if module is None:
        # The old style: the module at the root (``Foo.pm``, ``Foo.xs``), so the clone's code.
        if not any("/" not in f and f.endswith((".pm", ".xs")) for f in files):
            return None
        module = Declared("", name)
    else:
        module = with_build_files(module, [*folders, *programs], files)
    module = with_build_files(module, list(_OWN_FILES), files)
    return ([module], f"the Perl distribution ({build})") if module else None
