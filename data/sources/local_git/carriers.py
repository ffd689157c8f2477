"""The merges that carried a release's commit onto another branch: opened, never one change.

A release tag cut off the synced branch's first-parent chain (on a maintenance
branch, or on a pull request's branch: flask's ``2.2.3`` and click's ``8.1.4``
point at "release version" commits merged by a pull request after the tag was
made) ships its own commits. When a merge later brings that tagged commit onto
another branch (a pull request merging the release branch, a maintenance branch
merged forward into main, guzzle's ``Merge pull request #2483 from …/merge650-to-master``),
keeping the merge as one change would hide the released commits inside a change
that no release of theirs reaches, and the next release would ship them again
under the merge's name. Such a merge is opened instead, as a back-merge is: the
commits it brought in are changes of their own, each shipped by the release that
reaches it, and the merge itself ships nothing a second time.
"""

from __future__ import annotations

from pathlib import Path

from data.sources.local_git.gitlog import run_git
from data.sources.local_git.tags import release_tags

__all__ = ["release_carriers"]


def _graph(path: Path, tips: list[str]) -> list[list[str]]:
    """Every commit ``tips`` reach with its parents, parents before children."""
    done = run_git(path, "rev-list", "--parents", "--topo-order", "--reverse", *tips, check=False)
    return [line.split() for line in done.stdout.decode("ascii", "replace").splitlines()]


def _own(tag: str, parents: dict[str, list[str]], chain: frozenset[str]) -> set[str]:
    """The commits ``tag`` reaches without passing through the branch's first-parent chain:
    its maintenance branch's and pull requests' own work, which its releases ship."""
    own: set[str] = set()
    stack = [tag]
    while stack:
        sha = stack.pop()
        if sha in own or sha in chain or sha not in parents:
            continue
        own.add(sha)
        stack.extend(parents[sha])
    return own


def release_carriers(path: Path, rev: str, pattern: str) -> frozenset[str]:
    """The merges that brought in, through a parent other than their first, a commit of a
    release tag matching ``pattern`` that does not reach them.

    A tag's commits are the ones it reaches off ``rev``'s first-parent chain (``_own``);
    a tag on that chain has none, and nothing carries it.
    """
    tags = release_tags(path, pattern)
    if not tags:
        return frozenset()
    done = run_git(path, "rev-list", "--first-parent", rev, check=False)
    chain = frozenset(done.stdout.decode("ascii", "replace").split())
    graph = _graph(path, sorted({rev, *(t.sha for t in tags)}))
    parents = {commit: rest for commit, *rest in graph}
    owners: dict[str, set[str]] = {}
    for tag in {t.sha for t in tags if t.sha not in chain}:
        for sha in _own(tag, parents, chain):
            owners.setdefault(sha, set()).add(tag)
    if not owners:
        return frozenset()
    shas = sorted(owners)
    bit = {sha: 1 << i for i, sha in enumerate(shas)}
    # Each commit's mask: the tags' commits it reaches.
    masks: dict[str, int] = {}
    carriers: set[str] = set()
    for commit, *rest in graph:
        reached = [masks.get(parent, 0) for parent in rest]
        mask = bit.get(commit, 0)
        for one in reached:
            mask |= one
        masks[commit] = mask
        if len(reached) < 2:
            continue
        brought = (mask & ~reached[0]) & ~bit.get(commit, 0)
        part_of = owners.get(commit, set())
        while brought:
            low = brought & -brought
            if not owners[shas[low.bit_length() - 1]] <= part_of:
                carriers.add(commit)
                break
            brought ^= low
    return frozenset(carriers)
