"""A clone's files as quickstart reads them: HEAD's tracked files (its submodules apart) and
the paths its newest history added."""

from __future__ import annotations

import subprocess
from pathlib import Path

from data.sources.local_git.git_command import blob_sizes
from scoring.errors import ConfigError

__all__ = ["deleted_paths", "history_paths", "index_paths", "tracked_files", "tracked_sizes"]


# A bound on the history whose paths are read: the newest commits.
_HISTORY = 20_000


def history_paths(path: Path) -> list[str]:
    """Every path a commit of the newest history added, HEAD's or gone since (a ``website/``
    deleted, ``_examples/`` moved to a repository of their own), so that what never counts
    in a service is taken out of its older changes too."""
    return sorted(_logged_paths(path, "--diff-filter=A", "--no-renames", f"--max-count={_HISTORY}"))


def _logged_paths(path: Path, *options: str) -> set[str]:
    """The paths ``git log --name-only`` names with ``options`` from HEAD; none when git fails."""
    done = subprocess.run(
        ["git", "-C", str(path), "log", "--format=", "--name-only", "-z", *options, "HEAD"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return set()
    names = (p.strip("\n") for p in done.stdout.decode("utf-8", "replace").split("\0"))
    return {p for p in names if p}


def deleted_paths(path: Path, since: str) -> frozenset[str]:
    """The paths a commit since ``since`` (an ISO date) deleted, a file moved elsewhere not
    among them (git's rename detection pairs it with its new path)."""
    return frozenset(_logged_paths(path, "-M", "--diff-filter=D", f"--since={since}"))


# The index's mode of a submodule: a commit of another repository, not a file of this one.
_GITLINK = "160000"


def index_paths(path: Path) -> tuple[list[str], list[str]]:
    """HEAD's tracked files as they are (no quoting of non-ASCII names), and apart from them
    its submodules' paths: OpenZeppelin's ``lib/forge-std`` is another repository, and an
    extensionless path read as code of an unknown language made ``lib/`` a service."""
    done = subprocess.run(
        ["git", "-C", str(path), "ls-files", "--stage", "-z"], capture_output=True, check=False
    )
    if done.returncode != 0:
        raise ConfigError(f"{path} is not a git clone; pass the path of a local clone")
    files: list[str] = []
    gitlinks: list[str] = []
    for entry in done.stdout.decode("utf-8", "replace").split("\0"):
        # ``<mode> <object> <stage>\t<path>``
        meta, _, name = entry.partition("\t")
        if name:
            (gitlinks if meta.split(" ", 1)[0] == _GITLINK else files).append(name)
    return files, gitlinks


def tracked_files(path: Path) -> list[str]:
    """HEAD's tracked files, its submodules left out (``index_paths``)."""
    return index_paths(path)[0]


def tracked_sizes(path: Path, files: list[str]) -> dict[str, int]:
    """{path: bytes} of ``files`` as HEAD holds them (0 for one HEAD does not hold, a
    submodule's or a missing blob's), for the rules that weigh files by size
    (``scoring.example_collections``)."""
    sizes = blob_sizes(path, "HEAD")
    return {f: sizes.get(f, 0) for f in files}
