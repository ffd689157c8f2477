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

from data.sources.gitlog import run_git
from data.sources.local_git.tags import release_tags

__all__ = ["release_carriers"]


def _first_parent_chain(path: Path, rev: str) -> frozenset[str]:
    done = run_git(path, "rev-list", "--first-parent", rev, check=False)
    return frozenset(done.stdout.decode("ascii", "replace").split())


def release_carriers(path: Path, rev: str, pattern: str) -> frozenset[str]:
    """The merges (in what ``rev`` and the release tags reach) that brought the commit of a
    release tag matching ``pattern`` in through a parent other than their first: for each
    tag off ``rev``'s first-parent chain, the merges descending from it whose first parent
    does not."""
    tags = release_tags(path, pattern)
    if not tags:
        return frozenset()
    chain = _first_parent_chain(path, rev)
    off = sorted({t.sha for t in tags if t.sha not in chain})
    tips = sorted({rev, *(t.sha for t in tags)})
    carriers: set[str] = set()
    for sha in off:
        # Every commit descending from the tagged one, with its parents: one walk per tag.
        done = run_git(
            path, "rev-list", "--parents", "--ancestry-path", f"^{sha}", *tips, check=False
        )
        rows = [line.split() for line in done.stdout.decode("ascii", "replace").splitlines()]
        descendants = {row[0] for row in rows} | {sha}
        carriers.update(row[0] for row in rows if len(row) > 2 and row[1] not in descendants)
    return frozenset(carriers)
