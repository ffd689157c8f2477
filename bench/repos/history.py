"""What git says of a history beyond its tags: the last year's first-parent commits and their
files, each commit's patch id (``git patch-id --stable``), ancestry, and what a revert
reverts. Plain git commands only."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from bench.repos.gitfacts import git

__all__ = ["YEAR", "is_revert_of_revert", "patch_ids", "reaches", "year_commits"]

YEAR = 365 * 86_400
_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")
_REVERT_TITLE = re.compile(r'^Revert "')


def year_commits(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """HEAD's first-parent commits in the 365 days before its newest, each with the files it
    changed against its first parent."""
    newest = int(git(path, "log", "-1", "--format=%ct", "HEAD").strip() or 0)
    out = git(
        path, "-c", "core.quotepath=off", "log", "--first-parent", "--diff-merges=first-parent",
        "--no-renames", "--format=%x1e%H", "--name-only", "-z", f"--since={newest - YEAR}",
        "HEAD",
    )  # fmt: skip
    commits: list[tuple[str, tuple[str, ...]]] = []
    for entry in out.split("\x1e")[1:]:
        head, _, rest = entry.partition("\n")
        files = tuple(p.strip("\n") for p in rest.split("\0") if p.strip("\n"))
        commits.append((head.strip("\0\n"), files))
    return commits


def patch_ids(path: Path, shas: Iterable[str]) -> dict[str, str]:
    """Each commit's stable patch id (a merge's, of its diff against its first parent); a
    commit with no diff has none."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    log = subprocess.run(
        ["git", "-C", str(path), "log", "--no-walk=unsorted", "--stdin", "-p", "--no-renames",
         "--diff-merges=first-parent", "--format=commit %H"],
        input="".join(f"{s}\n" for s in wanted).encode(), capture_output=True, check=True,
    )  # fmt: skip
    ids = subprocess.run(
        ["git", "-C", str(path), "patch-id", "--stable"],
        input=log.stdout, capture_output=True, check=True,
    )  # fmt: skip
    out: dict[str, str] = {}
    for line in ids.stdout.decode().splitlines():
        patch, _, sha = line.partition(" ")
        out[sha] = patch
    return out


def reaches(path: Path, later: str, earlier: str) -> bool:
    """True when ``earlier`` is an ancestor of ``later`` (one line of history)."""
    done = subprocess.run(
        ["git", "-C", str(path), "merge-base", "--is-ancestor", earlier, later],
        capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0


def _message(path: Path, rev: str) -> str | None:
    try:
        return git(path, "log", "-1", "--format=%B", rev)
    except subprocess.CalledProcessError:
        return None


def is_revert_of_revert(path: Path, sha: str) -> bool:
    """True when the revert ``sha`` reverts a commit that is itself a revert: its title is
    ``Revert "Revert …"``, or the commit its "This reverts commit X" names is a revert."""
    message = _message(path, sha) or ""
    if message.startswith('Revert "Revert '):
        return True
    for reverted in _REVERTS.findall(message):
        text = _message(path, reverted)
        if text is not None and (_REVERT_TITLE.match(text) or _REVERTS.search(text)):
            return True
    return False
