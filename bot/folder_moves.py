"""Folders a service's code was moved out of, read from git's renames in one ``git log``.

Services are drafted from HEAD's files, so a package that moved (pallets/flask's ``flask/``
to ``src/flask/``) would leave its older history outside every service. A folder ``OLD``
whose files were renamed whole into a service's folder (``OLD/a.py`` to ``NEW/a.py``), most
of them there, and that holds no file at HEAD, is that service's too; the parts of ``OLD``
whose files went elsewhere (flask's ``flask/testsuite`` to ``tests/``) are not.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.service_names import kept

__all__ = ["Moved", "moved_folders"]

# A bound on the history read: the newest commits, where a layout's last move most often is.
_COMMITS = 20_000
_STATUS = re.compile(r"R\d*")


@dataclass(frozen=True, slots=True)
class Moved:
    """An older folder of a service's code (``flask``) and the ``!`` globs of its parts whose
    files went elsewhere (``flask/testsuite``)."""

    folder: str
    excluded: tuple[str, ...] = ()


def _renames(path: Path) -> list[tuple[str, str]]:
    done = subprocess.run(
        ["git", "-C", str(path), "log", "--diff-filter=R", "-M", "--name-status", "--format=",
         "-z", f"--max-count={_COMMITS}", "HEAD"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return []
    tokens = [t.strip("\n") for t in done.stdout.decode("utf-8", "replace").split("\0")]
    out: list[tuple[str, str]] = []
    i = 0
    while i + 2 < len(tokens):
        if _STATUS.fullmatch(tokens[i]):
            out.append((tokens[i + 1], tokens[i + 2]))
            i += 3
        else:
            i += 1
    return out


def _whole(old: str, new: str) -> str | None:
    """The folder a rename moved whole: ``a/b/x/y.py`` to ``c/x/y.py`` is ``a/b``; None when
    the file's name changed."""
    o, n = old.split("/"), new.split("/")
    if o[-1] != n[-1]:
        return None
    while o and n and o[-1] == n[-1]:
        o.pop()
        n.pop()
    return "/".join(o)


def _old_folder(old: str, new: str, folders: tuple[str, ...]) -> str | None:
    """The folder ``old`` was moved out of when ``new`` is in one of ``folders``: ``flask`` for
    ``flask/app.py`` to ``src/flask/app.py``, ``fmt`` for ``fmt/format.h`` to
    ``include/fmt/format.h``; None for a move into none or of a file at the root."""
    if not any(new.startswith(f"{f}/") for f in folders):
        return None
    moved = _whole(old, new)
    if moved is None:
        return None
    # Moved whole from the root into the service: the folder is the root's one it sat in.
    return moved or (old.split("/", 1)[0] if "/" in old else None)


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(f"{b}/") or b.startswith(f"{a}/")


def moved_folders(
    path: Path, folders: dict[str, tuple[str, ...]], files: list[str]
) -> dict[str, tuple[Moved, ...]]:
    """Each service's older folders, by key: ``folders`` maps a key to its code folders at HEAD
    (``src/flask``; ``include`` and ``src``); a service of the whole clone has none."""
    wanted = {k: f for k, f in folders.items() if f}
    renames = _renames(path) if wanted else []
    if not renames:
        return {}
    # Every path at HEAD and its folders: a symlink (serde's ``src``) is a path too.
    held = {"/".join(p[:i]) for f in files if (p := f.split("/")) for i in range(1, len(p) + 1)}
    # Every folder a rename moved whole, and how many files each move took out of it.
    out_of: Counter[str] = Counter()
    for old, new in renames:
        for folder in _ancestors(old):
            if new.endswith(old[len(folder) :]) and new != old:
                out_of[folder] += 1
    found: dict[str, list[Moved]] = {}
    claimed: set[str] = set()
    for key, heads in wanted.items():
        into: Counter[str] = Counter()
        for old, new in renames:
            if (source := _old_folder(old, new, heads)) is not None:
                into[source] += 1
        for source, count in into.most_common():
            busy = source in held
            near = any(_related(source, head) for head in heads)
            if busy or near or source in claimed or not kept(source):
                continue
            # Most of the files moved whole out of the old folder went to this service.
            if count * 2 <= out_of[source]:
                continue
            claimed.add(source)
            found.setdefault(key, []).append(Moved(source, _elsewhere(source, heads, renames)))
    return {k: tuple(v) for k, v in found.items()}


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _elsewhere(
    source: str, heads: tuple[str, ...], renames: list[tuple[str, str]]
) -> tuple[str, ...]:
    """The ``!`` globs of ``source``'s parts whose files were moved whole out of it and none
    into the service's ``heads``; moves inside ``source`` are its own reordering."""
    inside = tuple(f"{h}/" for h in heads)
    gone: set[str] = set()
    for old, new in renames:
        if not old.startswith(f"{source}/") or new.startswith((f"{source}/", *inside)):
            continue
        part = _whole(old, new)
        if part is not None and part.startswith(f"{source}/"):
            gone.add(part)
    # A part some of whose files did go to the service holds its history: it stays.
    into = [old for old, new in renames if new.startswith(inside)]
    gone = {p for p in gone if not any(old.startswith(f"{p}/") for old in into)}
    # A part inside another part that went elsewhere is already out.
    outer = sorted(p for p in gone if not any(p.startswith(f"{q}/") for q in gone))
    return tuple(f"!{p}/**" for p in outer)
