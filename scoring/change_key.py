"""A change's key: the one place it is made and read back.

A pull (or merge) request is ``owner/repo#123``, a commit without one
``owner/repo@<12 hex digits>``; the repository is written as the store names it
(``owner/name`` from a code host or a clone's ``origin``, the folder's name for a
clone without one). Sources make keys with ``ChangeKey.pull`` / ``ChangeKey.commit``
and the store keeps ``str(key)``; readers parse a stored or typed key with
``ChangeKey.parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SHA_SHOWN", "ChangeKey"]

# How much of a commit's sha its key keeps: enough to be unique in any real history.
SHA_SHOWN = 12

_PULL = re.compile(r"^(?P<repo>[^#@\s]*)#(?P<number>\d+)$")
_COMMIT = re.compile(r"^(?:(?P<repo>[^#@\s]+)@)?(?P<sha>[0-9a-fA-F]{7,64})$")


@dataclass(frozen=True, slots=True)
class ChangeKey:
    """A change by its repository and either its request number or its commit's sha."""

    repository: str
    number: int | None = None
    sha: str | None = None

    def __post_init__(self) -> None:
        if (self.number is None) == (self.sha is None):
            raise ValueError("a change key has a number or a sha, not both or neither")

    @classmethod
    def pull(cls, repository: str, number: int) -> ChangeKey:
        """The key of pull request ``number`` of ``repository``."""
        return cls(repository, number=number)

    @classmethod
    def commit(cls, repository: str, sha: str) -> ChangeKey:
        """The key of a commit without a request; the sha is kept to ``SHA_SHOWN`` digits."""
        return cls(repository, sha=sha[:SHA_SHOWN].lower())

    @classmethod
    def parse(cls, text: str) -> ChangeKey | None:
        """``owner/repo#7``, ``#7``, ``repo@sha`` or a bare sha (7+ hex digits), else ``None``;
        the repository is ``""`` where the text names none."""
        text = text.strip()
        pull = _PULL.match(text)
        if pull is not None:
            return cls(pull["repo"], number=int(pull["number"]))
        commit = _COMMIT.match(text)
        if commit is not None:
            return cls(commit["repo"] or "", sha=commit["sha"].lower())
        return None

    def __str__(self) -> str:
        if self.number is not None:
            return f"{self.repository}#{self.number}"
        return f"{self.repository}@{self.sha}"
