"""The synthetic pull requests of the code host sync benches, one spread for every host.

``bench.bitbucket_sync`` and ``bench.gitlab_sync`` draw the same changes from the same
seed and map them to their fakes' records, so their figures compare like with like.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

__all__ = ["NOW", "Change", "org_toml", "spread"]

# The benches' now: every change was updated in the 60 days before it.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
_DIRS = ("checkout", "search", "payments", "identity", "infra", "docs")
_ORG = """
[[repositories]]
name = "{repo}"

[[services]]
key = "checkout"
repository = "{repo}"
paths = ["checkout/**", "payments/**"]

[[services]]
key = "search"
repository = "{repo}"
paths = ["search/**"]
"""


@dataclass(frozen=True, slots=True)
class Change:
    """One synthetic pull request in no host's words; each bench maps it to its fake's record."""

    number: int
    updated: datetime
    created: datetime
    state: Literal["merged", "open", "closed"]
    # (path, added lines, deleted lines, ``modified`` or ``added``)
    files: tuple[tuple[str, int, int, str], ...]
    # (message, author's name, author's e-mail)
    commits: tuple[tuple[str, str, str], ...]
    # (who, approved at, is a bot)
    approvals: tuple[tuple[str, datetime, bool], ...]
    comments: int
    labels: tuple[str, ...]

    @property
    def author(self) -> str:
        """The change's author: one of 25 developers."""
        return f"dev{self.number % 25}"


def spread(n: int, seed: int, *, labels: bool = False) -> Iterator[Change]:
    """``n`` changes over the 60 days before ``NOW``: 90% merged, 7% open, 3% closed.

    Each has 1–8 files, 1–3 commits (5% with an agent's ``Co-authored-by``) and is 80%
    approved by one or two people. ``labels`` also draws a ``backend`` label for 30%:
    GitLab's bench has always drawn it and Bitbucket's never, and the draws of one
    change move every later one's, so each keeps the changes it always had.
    """
    rng = random.Random(seed)
    for number in range(1, n + 1):
        updated = NOW - timedelta(seconds=rng.randrange(60, 60 * 86400))
        roll = rng.random()
        state: Literal["merged", "open", "closed"] = (
            "merged" if roll < 0.90 else "open" if roll < 0.97 else "closed"
        )
        files = tuple(
            (
                f"{rng.choice(_DIRS)}/m{rng.randrange(400)}/f{rng.randrange(50)}.py",
                rng.randrange(1, 80),
                rng.randrange(0, 30),
                rng.choice(("modified", "modified", "modified", "added")),
            )
            for _ in range(rng.randrange(1, 9))
        )
        commits = tuple(
            (
                f"Change {number} part {c}"
                + (
                    "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
                    if rng.random() < 0.05
                    else ""
                ),
                f"Dev {number % 25}",
                f"dev{number % 25}@example.com",
            )
            for c in range(rng.randrange(1, 4))
        )
        approvers = rng.sample(["bob", "carol", "dan", "erin"], rng.choice((1, 1, 2)))
        approvals = (
            tuple((who, updated - timedelta(minutes=30), False) for who in approvers)
            if rng.random() < 0.8
            else ()
        )
        created = updated - timedelta(hours=rng.randrange(1, 72))
        comments = rng.randrange(0, 6)
        drawn = ("backend",) if labels and rng.random() < 0.3 else ()
        yield Change(number, updated, created, state, files, commits, approvals, comments, drawn)


def org_toml(repo: str) -> str:
    """The organisation of the benches: ``repo`` with a checkout and a search service."""
    return _ORG.format(repo=repo)
