"""The change ``riskbrief check`` scores when it is a diff: read from a file or stdin, its
author found, and the key its answer goes by; and how a check that cannot run fails."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from data.config import OrgConfig
    from scoring.proposal import Proposal

__all__ = [
    "EXIT_ERROR",
    "CheckError",
    "clone_change",
    "diff_proposal",
    "is_clone",
    "keyed_by",
    "read_diff",
]

# A check that could not run exits 2, told apart from a risky change (1).
EXIT_ERROR = 2


class CheckError(click.ClickException):
    """A check that could not run: one sentence on stderr, exit 2."""

    exit_code = EXIT_ERROR


def is_clone(path: Path) -> bool:
    """Whether ``path`` is a folder git knows as a clone."""
    from data.sources.local_git.gitlog import run_git

    return path.is_dir() and run_git(path, "rev-parse", "--git-dir", check=False).returncode == 0


def _uncommitted(path: Path) -> bool:
    """Whether the clone's working tree holds changes not committed (new files included)."""
    from data.sources.local_git.gitlog import run_git

    done = run_git(path, "status", "--porcelain", check=False)
    return done.returncode == 0 and bool(done.stdout.strip())


def clone_change(
    path: Path, org: OrgConfig | None, base: str | None, head: str | None, author: str | None
) -> Proposal:
    """The change ``head`` makes to ``base``; with no ``--head`` and nothing committed since
    HEAD left the default branch, the working tree's uncommitted changes (``--head WORKTREE``),
    which is what a user who has not committed yet means."""
    from dataclasses import replace

    from data.sources.local_git.proposal import WORKTREE, clone_proposal
    from scoring.errors import SourceError

    try:
        return clone_proposal(path, org, base=base, head=head, author=author)
    except SourceError:
        if head is not None or not _uncommitted(path):
            raise
    proposal = clone_proposal(path, org, base=base, head=WORKTREE, author=author)
    note = (
        f"nothing is committed between {base or 'the default branch'} and HEAD, so this checks "
        "the uncommitted changes (as --head WORKTREE does)"
    )
    return replace(proposal, notes=(note, *proposal.notes))


def read_diff(source: str) -> bytes:
    """The diff in the file ``source`` (``-``: stdin), cut one byte past the most parsed."""
    from data.sources.diff import MAX_DIFF_BYTES

    if source == "-":
        data = sys.stdin.buffer.read(MAX_DIFF_BYTES + 1)
    else:
        with Path(source).open("rb") as f:
            data = f.read(MAX_DIFF_BYTES + 1)
    return data


def diff_proposal(
    path: Path, clone: bool, diff: bytes, author: str | None, org: OrgConfig | None
) -> Proposal:
    from data.sources.diff import parse_diff
    from data.sources.local_git.clone import clone_repository
    from data.sources.local_git.gitlog import run_git
    from data.sources.local_git.proposal import diff_proposal

    files = parse_diff(diff)
    if author is None and clone:
        done = run_git(path, "config", "user.email", check=False)
        author = done.stdout.decode("utf-8", "replace").strip().lower() or None
    if not author:
        raise CheckError(
            "the diff names no author; pass --author with the author's e-mail or login"
        )
    if clone:
        repository = clone_repository(path, org)
    elif org is not None and org.repositories:
        repository = org.repositories[0].name
    else:
        repository = "local"
    return diff_proposal(files, repository, author, org, path=path if clone else None)


def keyed_by(p: Proposal, sent: bytes | None) -> tuple[str, str]:
    """What the answer is keyed by, and what that key names: a diff's digest (no commit
    exists), the head commit, or the working tree on top of HEAD; as the MCP tool says."""
    from data.sources.diff import diff_key

    if sent is not None:
        return diff_key(sent), "diff"
    return p.change.key, "head commit" if p.head is not None else "working tree"
