"""Paths a service's code was moved out of, read from every rename git reports in one ``git log``.

Services are drafted from HEAD's files, so code that moved (pallets/flask's ``flask/`` to
``src/flask/``, a Maven ``src/java/`` to ``src/main/java/``, a single header to
``single_include/``) would leave its older history outside every service. One rule reads
every rename: each renamed file's old path is followed to where it is at HEAD (through
later renames) and so to the service that holds it there, or to none (tests, docs).

- An old folder that holds no file at HEAD is a service's when most of the files moved out
  of it went to that service (flask's ``flask/``; a Maven ``src/java/``). Its parts none of
  whose files went there (flask's ``flask/testsuite`` to ``tests/``, an old ``src/c/tests``,
  a folder named as tests) are taken out of it, and such a part is another service's when
  most of its files went to that one (an old ``src/java/main/org/acme/jute`` split off into
  its own module).
- An old folder most of whose files went to no service is none's; its parts are judged
  in turn.
- A renamed file whose folder still holds files at HEAD (``src/`` beside ``src/main/``, the
  root), or whose folder went to no service, is its service's by its own path (nlohmann's
  ``src/json.hpp`` that became ``single_include/nlohmann/json.hpp``).

Nothing already in a service, nothing at HEAD, and nothing named as tests, docs or the like
is added.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from bot.quickstart.service_names import is_test_module, kept
from data.path_globs import in_globs

__all__ = ["Moved", "moved_folders"]

# A bound on the history read: the newest commits, where a layout's last move most often is.
_COMMITS = 20_000
_STATUS = re.compile(r"R\d*")


@dataclass(frozen=True, slots=True)
class Moved:
    """An older path of a service's code: a folder's glob (``flask/**``) or a file's path,
    and the ``!`` globs of a folder's parts whose files went elsewhere (``flask/testsuite``)."""

    glob: str
    excluded: tuple[str, ...] = ()


def _renames(path: Path) -> list[tuple[str, str]]:
    """Every rename of the history read, newest first: (old path, new path)."""
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


def _at_head(renames: list[tuple[str, str]], files: set[str]) -> list[tuple[str, str]]:
    """Each rename's old path with where its file is at HEAD, through the later renames of it
    (``a/x`` → ``b/x`` → ``c/x`` gives both ``a/x`` and ``b/x`` ``c/x``); a file deleted
    since is left out."""
    later: dict[str, str] = {}
    out: list[tuple[str, str]] = []
    for old, new in renames:  # newest first: a later rename of ``new`` is already read
        head = later.get(new, new)
        later[old] = head
        if head in files and old != head:
            out.append((old, head))
    return out


def _service(services: Sequence[tuple[str, tuple[str, ...]]], path: str) -> str | None:
    """The key of the first service whose globs hold ``path`` (as riskbrief.toml reads them)."""
    return next((key for key, globs in services if in_globs(globs, path)), None)


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


@dataclass(slots=True)
class _Folder:
    """An old folder no file at HEAD is in: where its renamed files went, its sub-folders and
    its own renamed files."""

    went: Counter[str | None] = field(default_factory=Counter)
    children: set[str] = field(default_factory=set)
    files: dict[str, str | None] = field(default_factory=dict)


def moved_folders(
    path: Path, services: Sequence[tuple[str, tuple[str, ...]]], files: list[str]
) -> dict[str, tuple[Moved, ...]]:
    """Each service's older paths, by key: ``services`` are the drafted services in order, each
    with its globs (``!`` globs too), as riskbrief.toml will read them."""
    if not any(any(g != "**" for g in globs) for _, globs in services):
        return {}
    renames = _renames(path)
    if not renames:
        return {}
    head = set(files)
    # Every folder a file at HEAD is in: such a folder stays; only its old files can move.
    held = {"/".join(p[:i]) for f in files if (p := f.split("/")) for i in range(1, len(p))}
    tree: dict[str, _Folder] = defaultdict(_Folder)
    tops: set[str] = set()
    loose: dict[str, str] = {}
    for old, new in _at_head(renames, head):
        if old in head or _service(services, old) is not None:
            continue
        went = _service(services, new)
        folder = _parent(old)
        if folder in held or not folder:
            # Its folder is still there (``src/`` beside ``src/main/``, the root): the file alone.
            if went is not None and (not folder or kept(folder)):
                loose[old] = went
            continue
        parts = folder.split("/")
        chain = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        unheld = [f for f in chain if f not in held and f not in head]
        if not unheld:
            continue
        tops.add(unheld[0])
        for outer, inner in pairwise(unheld):
            tree[outer].children.add(inner)
        for f in unheld:
            tree[f].went[went] += 1
        tree[folder].files.setdefault(old, went)
    found: dict[str, list[Moved]] = defaultdict(list)
    for old, went in sorted(loose.items()):
        found[went].append(Moved(old))
    for top in sorted(tops):
        _judge(top, None, tree, found, [])
    # Folders first, then files, each in path order.
    order = {
        k: sorted(v, key=lambda m: (not m.glob.endswith("/**"), m.glob)) for k, v in found.items()
    }
    return {k: tuple(v) for k, v in order.items()}


def _judge(
    folder: str,
    owner: str | None,
    tree: dict[str, _Folder],
    found: dict[str, list[Moved]],
    out_of_owner: list[str],
) -> None:
    """Judge ``folder`` inside a folder of ``owner`` (``None``: of no service): keep it in the
    owner, take it out (``out_of_owner`` gets its ``!`` glob), or give it to the service most
    of its files went to; then its parts, then its own files when no service holds it."""
    node = tree[folder]
    if owner is not None and _out(folder, owner, tree):
        out_of_owner.append(f"!{folder}/**")
        owner = None
    if owner is None and kept(folder):
        best = [(n, key) for key, n in node.went.items() if key is not None]
        if best:
            count, key = max(best, key=lambda b: (b[0], b[1]))
            # A part none of whose files went there (flask's ``testsuite``) is taken out of
            # the folder whatever its size: its files do not count against it.
            apart = sum(sum(tree[c].went.values()) for c in node.children if _out(c, key, tree))
            if count * 2 > sum(node.went.values()) - apart:
                excluded: list[str] = []
                for child in sorted(node.children):
                    _judge(child, key, tree, found, excluded)
                found[key].append(Moved(f"{folder}/**", tuple(excluded)))
                return
    for child in sorted(node.children):
        _judge(child, owner, tree, found, out_of_owner)
    if owner is None:
        for old, went in sorted(node.files.items()):
            if went is not None and kept(folder):
                found[went].append(Moved(old))


def _out(folder: str, owner: str, tree: dict[str, _Folder]) -> bool:
    """Whether a part of an old folder of ``owner`` is out of it: none of its files went to
    ``owner``, or it is named as tests, docs or examples."""
    return tree[folder].went[owner] == 0 or is_test_module(folder.rsplit("/", 1)[-1])
