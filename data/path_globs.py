"""Shell-style path globs: riskbrief.toml's service ``paths`` (docs/configuration.md), and
the folder globs of the builds quickstart reads (Cargo's workspace ``members``, npm's and
pnpm's workspaces), which mean the same.

From the repository's root (a leading ``/`` changes nothing); ``*`` and ``?`` stay within a
part, ``**`` crosses folders wherever it stands (``src/**.py``); a trailing ``/`` is
``/**``; ``[…]`` is a character class as ``re`` reads it; a glob names only the paths it
spells (``services/checkout`` is not ``services/checkout/main.go``). In a list
(``in_globs``), a ``!`` glob takes what it matches out whatever its place.

CODEOWNERS and ``.gitattributes`` are gitignore's dialect instead (``data.codeowners``, by
pathspec), which differs in each of those places: a name with no inner slash matches at
any depth, a folder's pattern reaches below it, ``**`` inside a part is a lone ``*``, the
last matching line wins. So these globs are compiled here, not by pathspec.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["glob_to_regex", "in_globs", "matches"]


@lru_cache(maxsize=4096)
def glob_to_regex(glob: str) -> re.Pattern[str]:
    """Compile a path glob; a trailing ``/`` or ``/**`` matches everything below the directory."""
    if not glob or glob.strip() != glob or glob == "!":
        raise ValueError(f"{glob!r} is not a path glob")
    pattern = glob.removeprefix("!").lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                raise ValueError(f"{glob!r} has an unclosed '['")
            out.append(pattern[i : end + 1])
            i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(glob: str, path: str) -> bool:
    """True when ``path`` (relative to the repository root) matches ``glob``."""
    return glob_to_regex(glob).match(path.lstrip("/")) is not None


def in_globs(globs: Iterable[str], path: str) -> bool:
    """True when ``path`` matches one of ``globs`` and none of its ``!`` globs (``"!docs/**"``
    takes a service's docs out of it, whatever order the globs come in)."""
    found = False
    for glob in globs:
        if glob.startswith("!"):
            if matches(glob, path):
                return False
        elif not found:
            found = matches(glob, path)
    return found
