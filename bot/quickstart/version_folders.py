"""One project kept in folders named for versions (.NET MAUI's samples in ``9.0/``, ``10.0/``
and, in the history, ``8.0/``): one service across every version folder.

A repository that keeps a copy of its projects for each version of a platform makes a service
of each copy, keyed apart by its path (``calculator`` and ``9.0-apps-calculator-…``), and
leaves the history of a version folder it has since deleted in no service at all: git sees a
new version's folder as files added, not as a move, so ``folder_moves`` cannot follow it.
Here the services whose globs differ only in one folder named as a version (``8.0``, ``v2``,
``3.x``) are one, under the key the build gave the first of them, and that service also holds
the same paths under each version folder the history shows and HEAD no longer has.

A folder is read as a version only where at least two folders of version names sit side by
side (at HEAD or in the history), so a lone ``v1/`` of an API stays a folder like any other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

__all__ = ["KeyedGlobs", "across_versions"]

# A folder named as a version: ``8.0``, ``10.0``, ``v2``, ``v1.4``, ``3.x``, ``2.x``.
_VERSION = re.compile(r"(?:v?\d+(?:\.\d+)+|v\d+|\d+(?:\.\d+)*\.x)", re.IGNORECASE)
# Where a glob's literal part ends: its first wildcard.
_WILD = re.compile(r"[*?\[{]")


# A drafted service as this module reads it: its key, its globs and its ``!`` globs.
KeyedGlobs = tuple[str, tuple[str, ...], tuple[str, ...]]


def _version_at(glob: str) -> int | None:
    """The index of the first folder of ``glob``'s literal part named as a version."""
    parts = glob.split("/")
    for i, part in enumerate(parts[:-1]):
        if _WILD.search(part):
            return None
        if _VERSION.fullmatch(part):
            return i
    return None


def _template(glob: str, at: int) -> tuple[str, ...]:
    """``glob`` split around its folder ``at``: the parts before it and after it, as one key."""
    parts = glob.split("/")
    return (*parts[:at], "\0", *parts[at + 1 :])


def _put(template: tuple[str, ...], version: str) -> str:
    return "/".join(version if p == "\0" else p for p in template)


def _versions(
    prefixes: set[tuple[str, ...]], paths: Sequence[str]
) -> dict[tuple[str, ...], set[str]]:
    """The folder names of version form right below each prefix among ``paths``."""
    found: dict[tuple[str, ...], set[str]] = defaultdict(set)
    depths = {len(p) for p in prefixes}
    for path in paths:
        parts = path.split("/")
        for depth in depths:
            if len(parts) > depth + 1 and tuple(parts[:depth]) in prefixes:
                name = parts[depth]
                if _VERSION.fullmatch(name):
                    found[tuple(parts[:depth])].add(name)
    return found


def across_versions(
    services: Sequence[KeyedGlobs], files: Sequence[str], history: Sequence[str]
) -> list[KeyedGlobs]:
    """``services`` with each project kept in version folders made one service (the first
    one's key, every copy's globs) that also holds its paths under the version folders the
    history shows and HEAD no longer has (``history``: every path a commit added)."""
    firsts = [globs[0] if globs else "" for _, globs, _ in services]
    at = [_version_at(g) for g in firsts]
    prefixes = {tuple(g.split("/")[:i]) for g, i in zip(firsts, at, strict=True) if i is not None}
    if not prefixes:
        return list(services)
    now = _versions(prefixes, files)
    ever = _versions(prefixes, [*files, *history])
    # Version folders only where two sit side by side.
    groups: dict[tuple[str, ...], list[KeyedGlobs]] = defaultdict(list)
    # Each service alone by its place, or the shape of its group where the group's first was.
    order: list[int | tuple[str, ...]] = []
    for n, (service, first, i) in enumerate(zip(services, firsts, at, strict=True)):
        if i is None or len(ever.get(tuple(first.split("/")[:i]), ())) < 2:
            order.append(n)
            continue
        shape = _template(first, i)
        if shape not in groups:
            order.append(shape)
        groups[shape].append(service)
    out: list[KeyedGlobs] = []
    for item in order:
        if isinstance(item, int):
            out.append(services[item])
            continue
        members = groups[item]
        depth = item.index("\0")
        prefix = item[:depth]
        key, globs, excluded = members[0]
        named = "/".join(globs[0].split("/")[: depth + 1]) + "/"
        # A version folder HEAD no longer has holds the first copy's paths: its globs and
        # ``!`` globs naming its version folder, with that version put in.
        olds = [
            (_put(_template(g, depth), v), [f"!{_put(_template(x[1:], depth), v)}"
             for x in excluded if x.startswith(f"!{named}")])
            for v in sorted(ever[prefix] - now.get(prefix, set()))
            for g in globs if g.startswith(named)
        ]  # fmt: skip
        merged_globs = [g for _, gs, _ in members for g in gs] + [g for g, _ in olds]
        merged_out = [x for _, _, xs in members for x in xs] + [x for _, xs in olds for x in xs]
        out.append((key, tuple(dict.fromkeys(merged_globs)), tuple(dict.fromkeys(merged_out))))
    return out
