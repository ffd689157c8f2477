"""A commit mined from a local clone's history, and the reverts its message names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.facts import ChangeFacts

__all__ = ["MinedCommit", "merged_revert_words", "reverted_request", "reverted_sha"]

_REVERTS = re.compile(r"This reverts commit ([0-9a-fA-F]{7,40})")
# GitLab's Revert button on a merged merge request writes "This reverts merge
# request !N" (``Commit#revert_description`` in gitlab-org/gitlab), naming no sha;
# ``!N`` may carry the project's path when the request lives in another project.
_REVERTS_REQUEST = re.compile(r"This reverts merge request (?P<project>[\w./-]*)!(?P<number>\d+)")
# GitHub's Revert button opens a pull request whose description is "Reverts owner/repo#N";
# squash-merged with its description, the commit's body says it. People write the same by
# hand on a line of its own, or as the subject: "Revert #2636 - it broke …" (pypa/pip).
_REVERTS_PULL = re.compile(
    r"^\s*Reverts?\s+(?P<project>[\w.-]+/[\w.-]+)?#(?P<number>\d+)\b",
    re.IGNORECASE | re.MULTILINE,
)


# A squash merge's body lists each squashed commit as "* <its subject>" with its body below.
_SQUASH_ITEM = re.compile(r"^\* (?P<subject>\S.*)$", re.MULTILINE)
_REVERT_SUBJECT = re.compile(r"^\s*Revert\b", re.IGNORECASE)


def merged_revert_words(subject: str, body: str) -> str:
    """What a commit a request merged says of itself about what it reverts, for the request.

    Inside a merged branch, a squash of several commits (GitHub's "* subject" list) whose
    own subject is no revert is other work that also carried a revert: "add custom Delims
    support (#860)" listing ``* Revert "Merge pull request #753 …"`` with its "This
    reverts commit …" line, inside gin-gonic/gin's develop branch merged as #871 long after
    #753's revert had landed on its own. The request merging it is then no revert of
    anything, unless every squashed commit was one (a revert PR of several reverts). A
    squash that landed on the branch itself keeps its note (``reverted_sha``): "Add a test
    for GROOVY-8223 (#1055)" listing the revert of the refactoring that broke it is a
    revert of that refactoring.
    """
    if _REVERT_SUBJECT.match(subject):
        return body
    items = [m.group("subject") for m in _SQUASH_ITEM.finditer(body)]
    if len(items) >= 2 and not all(_REVERT_SUBJECT.match(item) for item in items):
        return ""
    return body


def reverted_sha(subject: str, body: str) -> str | None:
    """The sha a revert commit names (as written, possibly abbreviated), or ``None``.

    ``git revert`` of a merge writes ``This reverts commit X, reversing changes
    made to Y.``: X, the merge, is what was reverted.
    """
    match = _REVERTS.search(body) or _REVERTS.search(subject)
    return match.group(1).lower() if match else None


def reverted_request(body: str, subject: str = "") -> tuple[str, int] | None:
    """The request a revert names by number: GitLab's ``This reverts merge request !N``,
    GitHub's ``Reverts owner/repo#N``, or a subject ``Revert #N`` (project or "", N)."""
    match = (
        _REVERTS_REQUEST.search(body) or _REVERTS_PULL.search(body) or _REVERTS_PULL.match(subject)
    )
    return (match.group("project") or "", int(match.group("number"))) if match else None


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
