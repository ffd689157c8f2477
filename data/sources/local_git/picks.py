"""Cherry-picks and backports: commits that are the same patch as a commit of the branch.

A fix landed on ``main`` and picked onto a release branch (``git cherry-pick``, a
backport pull request) is one change made twice: git sees one, by its patch id
(``git patch-id --stable``: the diff with line numbers and whitespace aside), and
``git cherry`` lists it as already upstream. So does a release commit made on both
branches. Such a commit of a maintenance branch (read from a release tag off the branch,
or landed by a merge that brought the branch forward) is stored as a pick of the branch's
commit (``picked_from_key``), counted as that one change and never again.

Only the commits the branch made since the two histories parted can be the original: one
before is in both histories already. They are read by the picked commits' paths, with their
whole diffs (``--full-diff``), so that a commit touching one more file is another patch.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from data.sources.local_git.git_command import git_env, git_missing, is_ancestor

__all__ = ["patch_ids", "picked_by_trailer", "picked_from", "same_files"]

# ``git cherry-pick -x``'s trailer, one per pick of a pick: the first names the original.
_TRAILER = re.compile(r"^\(cherry picked from commit ([0-9a-f]{7,40})\)\s*$", re.MULTILINE)

# Shas per ``git show``: well under any system's limit on a command line.
_CHUNK = 400
# What makes every diff read here the same whatever the user's configuration of diffs says;
# a merge's is its diff from its first parent (a pull request merged with a merge commit).
_DIFF = (
    "-p",
    "--diff-merges=first-parent",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--format=commit %H",
)
# Past this many paths the branch's commits are read whole rather than named on a command line.
_MAX_PATHS = 1000


def _git(path: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of one git command (empty when it fails: no pick is then known)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path), "-c", "core.quotepath=off", *args],
            input=stdin,
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except FileNotFoundError:
        raise git_missing() from None
    return done.stdout if done.returncode == 0 else b""


def _ids(path: Path, patches: bytes) -> list[tuple[str, str]]:
    """``(commit, patch id)`` of each commit of a ``commit <sha>``-headed patch stream, in
    its order; a commit without a diff (an empty one) has none."""
    if not patches:
        return []
    out = _git(path, "patch-id", "--stable", stdin=patches)
    pairs = []
    for line in out.decode("ascii", "replace").splitlines():
        patch_id, _, sha = line.partition(" ")
        if sha:
            pairs.append((sha, patch_id))
    return pairs


def patch_ids(path: Path, shas: Sequence[str]) -> dict[str, str]:
    """The stable patch id of each of ``shas`` that has a diff (merges have none here)."""
    found: dict[str, str] = {}
    for start in range(0, len(shas), _CHUNK):
        chunk = shas[start : start + _CHUNK]
        found.update(_ids(path, _git(path, "show", *_DIFF, *chunk)))
    return found


def _file_sets(path: Path, *revs: str) -> dict[str, frozenset[str]]:
    """The files each commit ``revs`` select changed (a merge: from its first parent)."""
    out = _git(
        path, "log", "--format=commit %H", "--name-only", "--diff-merges=first-parent", *revs
    )
    sets: dict[str, set[str]] = {}
    files: set[str] = set()
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("commit "):
            files = sets.setdefault(line[7:].strip(), set())
        elif line:
            files.add(line)
    return {sha: frozenset(f) for sha, f in sets.items()}


def picked_from(
    path: Path, picks: Sequence[str], branch: str, others: Sequence[str] = ()
) -> dict[str, str]:
    """``{commit of picks: the branch's commit it is a pick of}``, by patch id.

    ``picks`` are commits of another line that ``branch`` does not reach, oldest first. The
    original is a commit of ``branch`` made since the oldest of them (not in its history), or
    of one of ``others`` (the other maintenance lines read before: a fix picked onto two of
    them is one change), with the same patch (a merge's: from its first parent); of several,
    the oldest. A commit of the branch the line merged after the pick counts too: the same fix
    made on ``main`` and on ``release-3`` by two pull requests, then ``main`` merged into
    ``release-3`` (kubebuilder's #2212 and #2214), is one change. Only commits that changed
    the same files are compared by their patches: diffs cost most.
    """
    wanted: dict[str, frozenset[str]] = {}
    for start in range(0, len(picks), _CHUNK):
        chunk = picks[start : start + _CHUNK]
        wanted.update(_file_sets(path, "--no-walk=unsorted", *chunk))
    wanted = {sha: files for sha, files in wanted.items() if files}
    paths = sorted(set().union(*wanted.values())) if wanted else []
    if not paths:
        return {}
    limit = ("--full-diff", "--", *paths) if len(paths) <= _MAX_PATHS else ()
    shapes = set(wanted.values())
    # Oldest first: of several commits with one patch, the first made is the original.
    since = f"^{_parted(path, picks)}"
    branch_sets = _file_sets(path, "--reverse", branch, *others, since, *limit)
    if limit:
        # A walk limited to paths leaves out a merge whose files are as one of its parents left
        # them (git's history simplification, ``--first-parent`` or not): a pull request
        # merged with a merge commit, the change itself, whose backport is merged the same way
        # (cert-manager's "[release-1.0] Cast conversion request …", #3243, is #3242's patch).
        # The chains' own merges are read whole too (no more than the pull requests merged
        # since the lines parted), after the rest, so an original found before stays it.
        merges = _file_sets(path, "--reverse", "--first-parent", "--merges", branch, *others, since)
        for sha, files in merges.items():
            branch_sets.setdefault(sha, files)
    candidates = {sha: files for sha, files in branch_sets.items() if files in shapes}
    if not candidates:
        return {}
    made: dict[str, list[str]] = {}
    ids = patch_ids(path, list(candidates))
    for sha in candidates:
        if sha in ids:
            made.setdefault(ids[sha], []).append(sha)
    matched = set(candidates.values())
    same = [sha for sha, files in wanted.items() if files in matched]
    found: dict[str, str] = {}
    for sha, pid in patch_ids(path, same).items():
        # The first made that the pick was not made on top of: one in its history is that
        # change landed again (after a revert), a change of its own.
        original = next((o for o in made.get(pid, ()) if not is_ancestor(path, o, sha)), None)
        if original is not None:
            found[sha] = original
    return found


def _parted(path: Path, picks: Sequence[str]) -> str:
    """Where the picks' histories parted from the branch: the commit all of them reach
    (``merge-base --octopus``), else the oldest pick. Not the oldest pick alone: a merge
    opened into its commits brings several lines, and the first of them may reach the branch's
    original while a later one holds its copy (NewPipe's "Merge remote-tracking branch
    'origin/dev' into dev" brought a dev commit made after a Weblate translation and, through
    master, the same translation pushed to master too)."""
    bases = [picks[0]]
    for start in range(0, len(picks), _CHUNK):
        out = _git(path, "merge-base", "--octopus", *bases, *picks[start : start + _CHUNK])
        found = out.decode("ascii", "replace").split()
        if not found:
            return picks[0]
        bases = found[:1]
    return bases[0]


def same_files(path: Path, one: str, other: str) -> bool:
    """Whether commits ``one`` and ``other`` changed the same files (a merge: from its first
    parent): a backport that kept only part of its original (its tests) is not that change."""
    sets = _file_sets(path, "--no-walk=unsorted", one, other)
    return one in sets and other in sets and sets[one] == sets[other]


def picked_by_trailer(body: str | None) -> tuple[str, ...]:
    """The commits a message's ``(cherry picked from commit X)`` trailers name, the original
    first: ``git cherry-pick -x`` says so even where resolving a conflict changed the patch
    (a backport adapted to an older branch), which patch ids cannot see."""
    return tuple(_TRAILER.findall(body or ""))
