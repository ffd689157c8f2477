"""A commit mined from a local clone's history, and the reverts its message names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.facts import ChangeFacts

__all__ = ["MinedCommit", "reverted_request", "reverted_sha"]

_REVERTS = re.compile(r"This reverts commit ([0-9a-fA-F]{7,40})")
# GitLab's Revert button on a merged merge request writes "This reverts merge
# request !N" (``Commit#revert_description`` in gitlab-org/gitlab), naming no sha;
# ``!N`` may carry the project's path when the request lives in another project.
_REVERTS_REQUEST = re.compile(r"This reverts merge request (?P<project>[\w./-]*)!(?P<number>\d+)")


def reverted_sha(subject: str, body: str) -> str | None:
    """The sha a revert commit names (as written, possibly abbreviated), or ``None``.

    ``git revert`` of a merge writes ``This reverts commit X, reversing changes
    made to Y.``: X, the merge, is what was reverted.
    """
    match = _REVERTS.search(body) or _REVERTS.search(subject)
    return match.group(1).lower() if match else None


def reverted_request(body: str) -> tuple[str, int] | None:
    """The merge request GitLab's ``This reverts merge request !N`` names: (project or "", N)."""
    match = _REVERTS_REQUEST.search(body)
    return (match.group("project"), int(match.group("number"))) if match else None


@dataclass(frozen=True, slots=True)
class MinedCommit:
    """One non-merge commit: its full sha, its first parent, the change, and what it reverts."""

    sha: str
    parent: str | None
    change: ChangeFacts
    reverts: str | None = None
    # Every parent (a merge has two or more), the author's name and the message body,
    # for sources that keep more of a commit than the scorer needs.
    parents: tuple[str, ...] = ()
    author_name: str = ""
    body: str = ""
    # The old paths of renamed files (``change.files`` names only the new ones).
    old_paths: tuple[str, ...] = ()
    # Its parents are cut off (a shallow clone's oldest commit): git shows its whole tree
    # as added, which no one changed then, so it is no change (``git_command.has_cut_parents``).
    cut: bool = False
