"""Path globs as services' ``paths`` use them: ``**`` crosses directories, ``*`` does not;
a service's ``!`` glob takes the paths it matches out of the service.

Also read for Cargo's workspace ``members`` and the build layouts ``bot`` guesses; CODEOWNERS
patterns are ``data.codeowners``'s, with GitHub's rules.

Compiled here rather than by pathspec (a dependency, for gitignore-style files) because
no pattern kind of pathspec means what these globs are documented to mean
(docs/configuration.md); its ``gitignore`` patterns, each given a leading ``/`` to anchor
it, differ in four places:

- a gitignore pattern matching a folder matches everything below it: ``services/checkout``
  takes ``services/checkout/main.go``, where here a glob names only the paths it spells
  (Cargo's ``members = ["crates/core"]`` too: a crate nested in it is no member);
- ``**`` inside a part (``src/**.py``, ``a**b``) is a lone ``*`` to gitignore; here ``**``
  always crosses directories;
- ``[!a]`` is a negated class to gitignore; here a bracket goes to ``re`` as written;
- a leading ``#`` makes a comment and trailing spaces are dropped; here those are refused
  or literal.

Nor is ``in_globs``'s ``!`` gitignore's: there the last matching line wins, here a ``!``
glob takes its paths out whatever its place in the list.
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
