"""Pull requests that merged one line of work into another, found once per sync.

A pull request is one change: its merge commit stands for the commits it brought. Some
pull requests carry a whole line instead: OpenZeppelin's "Merge master in next-v5.0 (#4280)"
brought master's own pull requests (#4223, #4263, #4273, #4274) into the line that became
master, and SDWebImage's "Merge pull request #2664 from SDWebImage/5.0" the 125 pull requests
reviewed into its 5.0 branch. Read as one change, such a merge is a critical change no one
wrote, and the requests inside it are never changes of their own. Such a merge is opened into
what it brought, as a merge no code host wrote is (``merges.landed_commits``).

A merge is such a line's when it brought two requests or more of this repository besides its
own. A contributor's fork has pull requests of its own (Pillow's #4746 brought its author's
fork's #53 and #55, a reviewer's suggestions): their numbers start again at 1, so a request
inside counts only when its number is at least half the merge's own, which a fork's seldom
reach and this repository's recent ones always do.
"""

from __future__ import annotations

from pathlib import Path

from data.sources.local_git.gitlog import run_git
from data.sources.local_git.merges import pull_request_of, request_of

__all__ = ["line_merges"]

# Requests of this repository a merge must bring, besides its own, to be a line's.
_LINE_REQUESTS = 2


def line_merges(path: Path, rev: str, after: str | None = None) -> frozenset[str]:
    """The merges of ``rev``'s first-parent chain (made since ``after``) that are pull
    requests bringing in two or more of this repository's other requests."""
    span = [rev, f"^{after}"] if after else [rev]
    chain = run_git(path, "rev-list", "--first-parent", "--reverse", *span, check=False)
    if chain.returncode != 0:
        return frozenset()
    first = chain.stdout.decode("ascii", "replace").split()
    if not first:
        return frozenset()
    # Subjects of every commit, bodies of merges only: a host's merge names its request in the
    # body (GitLab's "See merge request"), a squash merge in its subject, and the bodies of a
    # long history's every commit would cost hundreds of megabytes.
    shown = run_git(path, "log", "-z", "--format=%H %P%x1f%s", *span, check=False)
    merged = run_git(path, "log", "-z", "--merges", "--format=%H%x1f%b", *span, check=False)
    if shown.returncode != 0 or merged.returncode != 0:
        return frozenset()
    bodies: dict[str, str] = {}
    for entry in merged.stdout.decode("utf-8", "replace").split("\0"):
        sha, _, body = entry.lstrip("\n").partition("\x1f")
        if sha:
            bodies[sha] = body
    parents: dict[str, tuple[str, ...]] = {}
    words: dict[str, tuple[str, str]] = {}
    for entry in shown.stdout.decode("utf-8", "replace").split("\0"):
        head, _, subject = entry.lstrip("\n").partition("\x1f")
        shas = head.split()
        if not shas:
            continue
        parents[shas[0]] = tuple(shas[1:])
        words[shas[0]] = (subject, bodies.get(shas[0], ""))
    on_chain = set(first)
    # Each commit off the chain is read once, by the oldest merge that reaches it: the merge
    # that brought it (a later merge's first parent reaches it already).
    seen: set[str] = set()
    out: set[str] = set()
    for merge in first:
        sides = parents.get(merge, ())
        if len(sides) < 2:
            continue
        own = pull_request_of(sides, *words[merge])
        numbers: set[int] = set()
        stack = list(sides[1:])
        while stack:
            sha = stack.pop()
            if sha in seen or sha in on_chain or sha not in parents:
                continue
            seen.add(sha)
            stack.extend(parents[sha])
            inner = request_of(parents[sha], *words[sha])
            if (
                own is not None
                and inner is not None
                and inner.number < own.number
                and 2 * inner.number >= own.number
            ):
                numbers.add(inner.number)
        if len(numbers) >= _LINE_REQUESTS:
            out.add(merge)
    return frozenset(out)
