"""Which change on a clone's branch landed a commit: the merge that brought it in."""

from __future__ import annotations

import re
from pathlib import Path

from data.sources.local_git.git_command import branch_ref, is_ancestor, run_git

__all__ = ["landing_commit"]

_SHA = re.compile(r"[0-9a-f]{7,40}")


def landing_commit(path: Path, sha: str, branch: str = "main") -> str | None:
    """The full sha of the commit on ``branch``'s first-parent chain that brought ``sha`` in
    (a pull request's merge), or ``None``: not a commit of the clone, not on the branch, or
    on the first-parent chain itself (then it is a change of its own, not one a merge landed).
    """
    if not _SHA.fullmatch(sha) or not path.is_dir():
        return None
    tip = branch_ref(path, branch) or "HEAD"
    found = run_git(path, "rev-parse", "--verify", "-q", f"{sha}^{{commit}}", check=False)
    if found.returncode != 0:
        return None
    full = found.stdout.decode("ascii", "replace").strip()
    # The branch's own commits that descend from it, newest first: the last is where it landed.
    chain = run_git(
        path, "rev-list", "--first-parent", "--ancestry-path", f"^{full}", tip, check=False
    )
    shas = chain.stdout.decode("ascii", "replace").split() if chain.returncode == 0 else []
    if not shas:
        return None
    landed = shas[-1]
    # On the chain itself, ``landed`` is its child, whose first parent already holds it.
    return None if is_ancestor(path, full, f"{landed}^1") else landed
