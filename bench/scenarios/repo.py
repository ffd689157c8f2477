"""A git history written with ``git fast-import``: PR branches merged as GitHub merges them.

The writer keeps every file's lines in memory, so a change is described by the
lines it adds and deletes per path and the history comes out with exactly
those ``git log --numstat`` figures. A message may name an earlier commit's
sha as ``{sha:<mark>}``; the stream is flushed and the marks read back before
such a commit is written, as a GitHub Revert button's message needs.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["Commit", "FastImportRepo"]

_SHA = re.compile(r"\{sha:(\d+)\}")


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit to write: who, when, what message and which lines change per path."""

    author: str
    at: datetime
    message: str
    # path → (lines added, lines deleted); a path with ``None`` is the file's whole new text.
    changes: dict[str, tuple[int, int]]
    texts: dict[str, str] | None = None


class FastImportRepo:
    """A repository under construction; ``close`` writes what is left and packs nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
        self._marks_file = path / ".git" / "bench-marks"
        self._stream: list[bytes] = []
        self._files: dict[str, list[str]] = {}
        self._serial = itertools.count(1)
        self._mark = itertools.count(1)
        self._shas: dict[int, str] = {}
        self._written_marks = False
        self.main_tip: int | None = None

    # -- building -------------------------------------------------------------------

    def _apply(self, path: str, added: int, deleted: int) -> str:
        lines = self._files.setdefault(path, [])
        if deleted:
            # From the middle, so a later append does not read as a rewrite of the end.
            start = max(0, (len(lines) - deleted) // 2)
            del lines[start : start + deleted]
        lines.extend(f"{path} line {next(self._serial)}" for _ in range(added))
        return "".join(line + "\n" for line in lines)

    def _data(self, text: str) -> None:
        raw = text.encode()
        self._stream.append(f"data {len(raw)}\n".encode() + raw + b"\n")

    def _resolve(self, message: str) -> str:
        marks = [int(m) for m in _SHA.findall(message)]
        if any(m not in self._shas for m in marks):
            self._flush()
        return _SHA.sub(lambda m: self._shas[int(m.group(1))], message)

    def commit(
        self, ref: str, commit: Commit, *, parent: int | None, merge: int | None = None
    ) -> int:
        """Write ``commit`` on ``ref`` after ``parent`` (and merging ``merge``); its mark."""
        message = self._resolve(commit.message)
        mark = next(self._mark)
        when = int(commit.at.timestamp())
        head = [f"commit {ref}", f"mark :{mark}"]
        head.append(f"author {commit.author} {when} +0000")
        head.append(f"committer {commit.author} {when} +0000")
        self._stream.append(("\n".join(head) + "\n").encode())
        self._data(message)
        if parent is not None:
            self._stream.append(f"from :{parent}\n".encode())
        if merge is not None:
            self._stream.append(f"merge :{merge}\n".encode())
        for path, (added, deleted) in commit.changes.items():
            text = (commit.texts or {}).get(path)
            if text is None:
                text = self._apply(path, added, deleted)
            else:
                self._files[path] = text.splitlines()
            self._stream.append(f"M 100644 inline {path}\n".encode())
            self._data(text)
        self._stream.append(b"\n")
        return mark

    def merge_pr(
        self,
        number: int,
        branch: str,
        commits: list[Commit],
        merged_at: datetime,
        title: str,
        merger: str,
        org: str = "acme",
    ) -> tuple[int, int]:
        """A PR's commits on their branch, merged into main with GitHub's merge commit.

        Returns the marks of the merge commit and of the branch's last commit.
        """
        base = self.main_tip
        tip = base
        touched: dict[str, None] = {}
        for c in commits:
            tip = self.commit(f"refs/heads/{branch}", c, parent=tip)
            touched.update(dict.fromkeys(c.changes))
        # The merge's tree is main's plus the branch's files as they now stand.
        texts = {p: "".join(line + "\n" for line in self._files[p]) for p in touched}
        merge = Commit(
            merger,
            merged_at,
            f"Merge pull request #{number} from {org}/{branch}\n\n{title}",
            dict.fromkeys(texts, (0, 0)),
            texts,
        )
        self.main_tip = self.commit("refs/heads/main", merge, parent=base, merge=tip)
        assert tip is not None
        return self.main_tip, tip

    def direct(self, commit: Commit) -> int:
        """A commit pushed straight to main."""
        self.main_tip = self.commit("refs/heads/main", commit, parent=self.main_tip)
        return self.main_tip

    # -- writing --------------------------------------------------------------------

    def _flush(self) -> None:
        if not self._stream:
            return
        args = ["git", "-C", str(self.path), "fast-import", "--quiet"]
        args.append(f"--export-marks={self._marks_file}")
        if self._written_marks:
            args.append(f"--import-marks={self._marks_file}")
        subprocess.run(args, input=b"".join(self._stream), check=True)
        self._stream.clear()
        self._written_marks = True
        for line in self._marks_file.read_text().splitlines():
            mark, sha = line.split()
            self._shas[int(mark[1:])] = sha

    def close(self) -> None:
        """Write what is buffered and check out main, as a clone would have it."""
        self._flush()
        subprocess.run(["git", "-C", str(self.path), "checkout", "-q", "-f", "main"], check=True)
