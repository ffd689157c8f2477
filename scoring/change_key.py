"""A change's key: the one place it is made and read back.

A pull request is ``owner/repo#123`` (a Bitbucket Cloud one ``workspace/repo#123``,
a Bitbucket Data Center one ``PROJECT/repo#123``, a personal repository's
``~USER/repo#123``), a GitLab merge request
``group/sub/project!123`` (GitLab's own reference), a commit without one
``owner/repo@<12 hex digits>``; the repository is written as the store names it
(``owner/name`` from a code host or a clone's ``origin``, the folder's name for a
clone without one). Sources make keys with ``ChangeKey.pull`` / ``ChangeKey.merge_request`` /
``ChangeKey.commit``
and the store keeps ``str(key)``; readers parse a stored or typed key with
``ChangeKey.parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SHA_SHOWN", "ChangeKey"]

# How much of a commit's sha its key keeps: enough to be unique in any real history.
SHA_SHOWN = 12

_PULL = re.compile(r"^(?P<repo>[^#!@\s]*)(?P<mark>[#!])(?P<number>\d+)$")
# How a request's number is marked: ``#`` on GitHub (and clones), ``!`` for a GitLab merge request.
_MARKS = ("#", "!")
_COMMIT = re.compile(r"^(?:(?P<repo>[^#@\s]+)@)?(?P<sha>[0-9a-fA-F]{7,64})$")


@dataclass(frozen=True, slots=True)
class ChangeKey:
    """A change by its repository and either its request number or its commit's sha."""

    repository: str
    number: int | None = None
    sha: str | None = None
    mark: str = "#"

    def __post_init__(self) -> None:
        if (self.number is None) == (self.sha is None):
            raise ValueError("a change key has a number or a sha, not both or neither")
        if self.mark not in _MARKS:
            raise ValueError(f"a request's number is marked with # or !, not {self.mark!r}")

    @classmethod
    def pull(cls, repository: str, number: int) -> ChangeKey:
        """The key of pull request ``number`` of ``repository``."""
        return cls(repository, number=number)

    @classmethod
    def merge_request(cls, project: str, iid: int) -> ChangeKey:
        """The key of GitLab merge request ``iid`` of ``project`` (``group/sub/project!iid``)."""
        return cls(project, number=iid, mark="!")

    @classmethod
    def commit(cls, repository: str, sha: str) -> ChangeKey:
        """The key of a commit without a request; the sha is kept to ``SHA_SHOWN`` digits."""
        return cls(repository, sha=sha[:SHA_SHOWN].lower())

    @classmethod
    def parse(cls, text: str) -> ChangeKey | None:
        """``owner/repo#7``, ``#7``, ``group/project!7``, ``repo@sha`` or a bare sha (7+ hex
        digits), else ``None``;
        the repository is ``""`` where the text names none."""
        text = text.strip()
        pull = _PULL.match(text)
        if pull is not None:
            return cls(pull["repo"], number=int(pull["number"]), mark=pull["mark"])
        commit = _COMMIT.match(text)
        if commit is not None:
            return cls(commit["repo"] or "", sha=commit["sha"].lower())
        return None

    def __str__(self) -> str:
        if self.number is not None:
            return f"{self.repository}{self.mark}{self.number}"
        return f"{self.repository}@{self.sha}"
