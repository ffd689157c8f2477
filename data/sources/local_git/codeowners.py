"""The CODEOWNERS in force at each commit of the branch, read from the clone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import structlog

from data.codeowners import CODEOWNERS_LOCATIONS, CodeOwners, parse_codeowners
from data.source_values import SourceChangeFile
from data.sources.local_git.gitlog import MinedCommit, run_git

__all__ = ["CloneCodeowners"]

log = structlog.get_logger(__name__)

_LOCATIONS = frozenset(CODEOWNERS_LOCATIONS)
# Paths whose owners are remembered under one CODEOWNERS version, at most.
_OWNER_CACHE = 50_000


class CloneCodeowners:
    """The CODEOWNERS in force along the branch, read from the clone's blobs.

    Follows the first-parent chain commit by commit and re-reads the three
    locations only when a commit touched one of them (added, changed, deleted,
    renamed to or from), so a long history costs a git call per CODEOWNERS change.
    """

    def __init__(self, path: Path, at: str | None = None) -> None:
        self.path = path
        self._blobs: dict[str, str] = {}
        self._parsed: dict[str, CodeOwners] = {}
        self._in_force: CodeOwners | None = None
        self._owners: dict[str, tuple[str, ...]] = {}
        if at is not None:
            self._read(at)

    def follow(self, commit: MinedCommit) -> None:
        """Take in a commit of the chain: re-read CODEOWNERS when it touched one."""
        if any(f.path in _LOCATIONS for f in commit.change.files) or any(
            p in _LOCATIONS for p in commit.old_paths
        ):
            self._read(commit.sha)

    def _read(self, sha: str) -> None:
        listed = run_git(self.path, "ls-tree", "-z", sha, "--", *CODEOWNERS_LOCATIONS)
        blobs: dict[str, str] = {}
        for entry in listed.stdout.decode("utf-8", "replace").split("\0"):
            meta, _, location = entry.partition("\t")
            fields = meta.split()
            # A regular file only: GitHub does not follow a symlink or read a folder.
            if len(fields) == 3 and fields[1] == "blob" and fields[0].startswith("1006"):
                blobs[location] = fields[2]
        for location, blob in blobs.items():
            if self._blobs.get(location) != blob:
                text = run_git(self.path, "cat-file", "blob", blob).stdout
                parsed = parse_codeowners(text.decode("utf-8", "replace"))
                if parsed.errors:
                    log.info(
                        "git_codeowners_lines_skipped", location=location, errors=parsed.errors
                    )
                self._parsed[location] = parsed
        self._blobs = blobs
        self._parsed = {k: v for k, v in self._parsed.items() if k in blobs}
        self._in_force = next(
            (self._parsed[loc] for loc in CODEOWNERS_LOCATIONS if loc in self._parsed), None
        )
        self._owners.clear()

    def owners(self, path: str) -> tuple[str, ...] | None:
        """The owners of ``path`` now: empty when no rule covers it, ``None`` with no CODEOWNERS."""
        if self._in_force is None:
            return None
        owners = self._owners.get(path)
        if owners is None:
            if len(self._owners) >= _OWNER_CACHE:
                self._owners.clear()
            owners = self._owners[path] = self._in_force.owners(path)
        return owners

    def files(self, files: tuple[SourceChangeFile, ...]) -> tuple[SourceChangeFile, ...]:
        """``files`` with their owners now; unchanged (unknown) while no CODEOWNERS exists."""
        if self._in_force is None:
            return files
        return tuple(replace(f, owners=self.owners(f.path)) for f in files)
