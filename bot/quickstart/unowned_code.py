"""How much of a clone's last year of code changes no service holds, and where that code is.

A code change is one hand-written code file (``scoring.paths.path_kinds``, less build output)
changed by one commit on the first-parent line (a merge counts as its diff against the
branch it was merged into), in the 365 days before the clone's newest commit. Above a tenth
in no service, ``quickstart`` and ``doctor`` warn, naming the biggest folders it sits in.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.quickstart.build_output import is_build_output
from bot.quickstart.clone_files import deleted_paths, index_paths, tracked_sizes
from scoring.example_collections import example_code, is_collection
from scoring.linguist import language_of
from scoring.paths import path_kinds

__all__ = ["UNOWNED_WARNING", "UnownedCode", "code_changes", "deleted_code", "unowned_code"]

# Above this share of the last year's code changes in no service, the draft needs services.
UNOWNED_WARNING = 0.10
_YEAR = timedelta(days=365)
# Folders whose children are the units a service would be (lib/phoenix, packages/x).
_WRAPPERS = frozenset({"src", "lib", "libs", "packages", "apps", "modules", "crates", "cmd"})


@dataclass(frozen=True, slots=True)
class UnownedCode:
    """A clone's code changes of the year before ``newest``, how many no service holds, and
    the folders those sit in with their counts, most first (``""``: files at the root)."""

    changes: int
    unowned: int
    folders: tuple[tuple[str, int], ...]
    newest: datetime | None
    # The folders among ``folders`` that HEAD no longer holds (a module deleted this year):
    # their changes count, but no service can be drafted for them.
    gone: frozenset[str] = frozenset()

    @property
    def share(self) -> float:
        return self.unowned / self.changes if self.changes else 0.0

    @property
    def warns(self) -> bool:
        return self.share > UNOWNED_WARNING

    def line(self) -> str:
        """One sentence: the share, of how many changes, up to which day."""
        if self.newest is None or not self.changes:
            return (
                "Code in no service: none, as no code changed in the year before the newest commit."
            )
        return (
            f"Code in no service: {self.share:.0%} of the last year's code changes "
            f"({self.unowned} of {self.changes} changed code files, first-parent commits in the "
            f"365 days to {self.newest.date().isoformat()})."
        )

    def fix(self, config: str, repository: str) -> str:
        """What to add to riskbrief.toml for the biggest folders no service holds; a folder
        deleted since is named as such and never offered as a service's paths."""
        top = self.folders[:3]
        where = ", ".join(
            (f"{f}/ ({n}, deleted since)" if f in self.gone else f"{f}/ ({n})")
            if f
            else f"files at the root ({n})"
            for f, n in top
        )
        # ``*`` is the files at the root only: a glob's ``*`` stays within a folder.
        globs = ", ".join(f'"{f}/**"' if f else '"*"' for f, _ in top if f not in self.gone)
        if not globs:
            return (
                f"the most is in {where}: code the clone no longer holds, so no service can "
                "hold it; the share falls as the year moves past it."
            )
        return (
            f"the most is in {where}; add a [[services]] entry to {config} with "
            f'repository = "{repository}" and paths = [{globs}] (or those globs to an existing '
            "service's paths), unless that code is no part of what you ship."
        )


def _git(path: Path, *args: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(path), "-c", "core.quotePath=false", *args],
        capture_output=True,
        check=False,
    )
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _folder(path: str) -> str:
    """The folder a change is reported under: the top folder, one deeper under a wrapper."""
    parts = path.split("/")[:-1]
    if len(parts) >= 2 and parts[0].lower() in _WRAPPERS:
        return "/".join(parts[:2])
    return parts[0] if parts else ""


def deleted_code(path: Path, files: list[str]) -> list[str]:
    """The code files the last year's changes (``code_changes``) touched and a commit then
    deleted, of a language Linguist knows, build output aside: a file moved elsewhere is not
    among them (git's rename detection follows it to its new path)."""
    changed, newest = code_changes(path)
    if newest is None:
        return []
    tracked = set(files)
    deleted = deleted_paths(path, (newest - _YEAR).isoformat())
    return [
        p for p in dict.fromkeys(changed)
        if p in deleted and p not in tracked and language_of(p) is not None
        and not is_build_output(p, tracked)
    ]  # fmt: skip


def code_changes(path: Path) -> tuple[list[str], datetime | None]:
    """Each hand-written code file a first-parent commit of the 365 days before the clone at
    ``path``'s newest commit changed, once per commit, and that newest commit's time (``None``
    for a clone with no commit)."""
    newest = _git(path, "log", "-1", "--format=%ct", "HEAD")
    if not newest or not newest.strip():
        return [], None
    end = datetime.fromtimestamp(int(newest.strip()), UTC)
    start = end - _YEAR
    out = _git(
        path, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames",
        "--format=%x01%ct", "--name-only", f"--since={start.isoformat()}", "HEAD",
    )  # fmt: skip
    # A clone without a work tree lists no files: a bundle's map is then not seen beside it.
    # A submodule's path is another repository's commit, no code of this one.
    files, gitlinks = index_paths(path)
    tracked, submodules = set(files), set(gitlinks)
    # A repository of examples: its examples' code is code (``scoring.example_collections``).
    collection = is_collection(tracked_sizes(path, files))
    changed: list[str] = []
    within = False
    for line in (out or "").splitlines():
        if line.startswith("\x01"):
            within = int(line[1:]) > start.timestamp()
            continue
        if not within or not line or line in submodules:
            continue
        if not (path_kinds(line).code or (collection and example_code(line))):
            continue
        if not is_build_output(line, tracked):
            changed.append(line)
    return changed, end


def unowned_code(path: Path, owner: Callable[[str], str | None]) -> UnownedCode:
    """The clone at ``path``'s last year of code changes and those ``owner`` (a path's
    service, or None) puts in no service."""
    changed, end = code_changes(path)
    if end is None:
        return UnownedCode(0, 0, (), None)
    folders = Counter(_folder(p) for p in changed if owner(p) is None)
    unowned = sum(folders.values())
    files, _ = index_paths(path)
    held = {f.split("/", 1)[0] for f in files} | {_folder(f) for f in files}
    gone = frozenset(f for f in folders if f and f not in held)
    return UnownedCode(len(changed), unowned, tuple(folders.most_common()), end, gone)
