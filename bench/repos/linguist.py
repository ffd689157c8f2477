"""What a file is by GitHub Linguist's rules (go-enry's binding, ``enry``), read apart from the
product's own classification so the suite judges it from outside.

A file is code when Linguist names a language of type ``programming`` for it and calls it none
of vendored, generated (by path or content), documentation, configuration or test, and the
suite's own rule (``kinds.is_docs_or_tests``) puts it under no docs, tests or examples folder:
Linguist's test matchers know few layouts, and a test a service need not hold is no code it
leaves out. ``.gitattributes`` wins, as on GitHub: ``linguist-generated``,
``linguist-vendored`` and ``linguist-documentation`` set or unset.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from bench.repos import kinds

__all__ = ["attributes", "contents", "is_code"]

_ATTRS = ("linguist-generated", "linguist-vendored", "linguist-documentation")
# Enough of a file for Linguist's content rules (headers, minified lines, generated markers).
_HEAD = 64 * 1024


def is_code(path: str, content: bytes = b"", attrs: Mapping[str, str] | None = None) -> bool:
    """True for a programming-language source file that is hand-written product code."""
    # Imported on first use: go-enry starts a Go runtime, which a process forked after it
    # started cannot use (it hangs), so no parent that forks workers should have loaded it.
    import enry

    given = attrs or {}
    checks: dict[str, Callable[[], bool]] = {
        "linguist-generated": lambda: enry.is_generated(path, content),
        "linguist-vendored": lambda: enry.is_vendor(path),
        "linguist-documentation": lambda: enry.is_documentation(path),
    }
    for attr, rule in checks.items():
        value = given.get(attr, "unspecified")
        if value in ("set", "true") or (value == "unspecified" and rule()):
            return False
    if enry.is_configuration(path) or enry.is_test(path) or kinds.is_docs_or_tests(path):
        return False
    if kinds.is_ci(path):
        return False
    if content and enry.is_binary(content):
        return False
    language = _language(enry, path, content)
    return bool(language) and str(enry.get_language_type(language)) == "programming"


def _language(enry: Any, path: str, content: bytes) -> str:
    """go-enry's language of ``path``, where its content classifier's guess is one Linguist
    gives the file's extension; else the extension's own (an Octave function's Texinfo help
    made go-enry call ``inst/cl_multinom.m`` Texinfo, which no ``.m`` file is)."""
    language = str(enry.get_language(path, content) or "")
    name = path.rpartition("/")[2]
    extension = f".{name.rpartition('.')[2].lower()}" if "." in name.lstrip(".") else ""
    if not language or not extension:
        return language
    if extension in (e.lower() for e in enry.get_language_extensions(language) or ()):
        return language
    by_extension = str(enry.get_language_by_extension(path).language or "")
    return by_extension or language


def attributes(path: Path, files: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each file's Linguist attributes by git's own lookup (``git check-attr``), only those
    said (``set``, ``unset`` or a value)."""
    names = sorted(set(files))
    if not names:
        return {}
    done = subprocess.run(
        ["git", "-C", str(path), "check-attr", "--stdin", "-z", *_ATTRS],
        input="\0".join(names).encode("utf-8"), capture_output=True, check=True,
    )  # fmt: skip
    fields = done.stdout.decode("utf-8", "replace").split("\0")
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(fields) - 2, 3):
        name, attr, value = fields[i : i + 3]
        if value != "unspecified":
            out.setdefault(name, {})[attr] = value
    return out


def contents(path: Path, specs: Iterable[str]) -> dict[str, bytes]:
    """The first 64 KiB of each blob ``REV:PATH`` of ``specs`` (``git cat-file --batch``); a
    spec naming no blob (a deleted file) is left out."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    done = subprocess.run(
        ["git", "-C", str(path), "cat-file", "--batch"],
        input="".join(f"{s}\n" for s in wanted).encode("utf-8"),
        capture_output=True, check=True,
    )  # fmt: skip
    raw = done.stdout
    out: dict[str, bytes] = {}
    at = 0
    for spec in wanted:
        end = raw.index(b"\n", at)
        header = raw[at:end]
        at = end + 1
        # "SPEC missing" (the spec may hold spaces) or "SHA TYPE SIZE" followed by the object.
        if header.endswith((b" missing", b" ambiguous")):
            continue
        _, kind, size = header.rsplit(b" ", 2)
        if kind == b"blob":
            out[spec] = raw[at : at + min(int(size), _HEAD)]
        at += int(size) + 1
    return out
