"""How many lines each file a commit touched held just before it, as git has the file.

The scorer's history otherwise knows a file's length only as the sum of every change's
lines added less deleted, which drifts where a history holds the same work twice (a
maintenance branch's commits beside their cherry-picked twins, a squash of a branch whose
own commits land too) or a binary file turned into text. A clone can say exactly: the
blob at the commit's parent, read through one long-lived ``git cat-file --batch``, one
object at a time (git flushes each answer, so a request never waits on a full pipe).
"""

from __future__ import annotations

import subprocess
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import IO

from data.sources.local_git.git_command import git_env, git_missing
from data.sources.local_git.mined_commit import MinedCommit
from scoring.errors import SourceError
from scoring.facts import FileChange

__all__ = ["FileLengths", "line_count"]


def line_count(blob: bytes) -> int:
    """The lines of a blob as ``wc -l`` counts them; a binary blob (a NUL byte in it) has none."""
    if b"\0" in blob:
        return 0
    return blob.count(b"\n")


class FileLengths:
    """Gives mined commits' files the lines they held at the commit's parent."""

    def __init__(self, path: Path) -> None:
        self._path = path
        # Started at the first question, so a folder that is no clone costs no process.
        self._git: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> FileLengths:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the git process, if one was started."""
        git, self._git = self._git, None
        if git is None:
            return
        if git.stdin is not None:
            # A git that died (no clone there) leaves the last question unsent in the buffer,
            # which closing would try to flush into the closed pipe.
            with suppress(BrokenPipeError):
                git.stdin.close()
        git.wait()
        if git.stdout is not None:
            git.stdout.close()

    def before(self, commit: MinedCommit) -> MinedCommit:
        """``commit`` with each file's ``lines_before``: 0 for a file its parent lacks (or a
        commit with no parent), ``None`` where git cannot be asked (a path with a line break)."""
        files = commit.change.files
        held = (
            self.at(commit.parent, files)
            if commit.parent is not None
            else tuple(replace(f, lines_before=0) for f in files)
        )
        return replace(commit, change=replace(commit.change, files=held))

    def at(self, rev: str, files: tuple[FileChange, ...]) -> tuple[FileChange, ...]:
        """``files`` with the lines each held at commit ``rev`` (under its old path, if moved)."""
        return tuple(
            replace(f, lines_before=self._lines(rev, f.previous_path or f.path)) for f in files
        )

    def _lines(self, parent: str, path: str) -> int | None:
        if "\n" in path:
            return None
        blob = self.blob(parent, path)
        return 0 if blob is None else line_count(blob)

    def blob(self, rev: str, path: str) -> bytes | None:
        """The file ``path`` at commit ``rev``, through the same git process; ``None`` where
        ``rev`` has no such file (or the path holds a line break, which git cannot be asked)."""
        if "\n" in path:
            return None
        stdin, stdout = self._pipes()
        try:
            stdin.write(f"{rev}:{path}\n".encode())
            stdin.flush()
        except BrokenPipeError:
            head = b""
        else:
            head = stdout.readline()
        if not head:
            raise SourceError(
                f"git could not read the files of {self._path}; check it is a clone git can "
                "read, then sync again."
            )
        # "<oid> <type> <size>" and the object, or "<name> missing" for a path the commit
        # does not have. Any object is read whole, so the next answer starts where it should.
        fields = head.rsplit(b" ", 2)
        if len(fields) != 3 or not fields[2].strip().isdigit():
            return None
        size = int(fields[2])
        blob = stdout.read(size + 1)[:size]
        return blob if fields[1] == b"blob" else None

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._git is None:
            try:
                self._git = subprocess.Popen(
                    ["git", "-C", str(self._path), "cat-file", "--batch"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=git_env(),
                )
            except FileNotFoundError:
                raise git_missing() from None
        stdin, stdout = self._git.stdin, self._git.stdout
        assert stdin is not None
        assert stdout is not None
        return stdin, stdout
