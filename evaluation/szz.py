"""SZZ-style labels: which commits induced the bugs that later commits fixed.

For each bug fix (a commit whose message says it fixes something) the lines it
deleted or changed in files that already existed are blamed in the fix's
parent; the commits that last touched those lines are bug-inducing. A revert
is a fix whose culprit is named outright, so the reverted commit is labelled
directly and the revert itself is not blamed. Whitespace-only differences are
ignored (``blame -w``), and only lines of hand-written code are blamed: blank or
comment-only lines are not, nor are files that are no code by the product's own
rule (``scoring.change_files.lexed_path``: tests, docs, examples, test data, CI,
project files, dependency manifests and lock files, generated files), nor a
submodule's entry (a gitlink), which holds no lines. A fix's edit to an example, a
changelog or a version pin is no defect that shipped, and labelling the commit that
wrote that line bug-inducing would reward ranking by lines of anything over lines
of code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from data.sources.local_git.gitlog import MinedCommit, run_git
from scoring.change_files import lexed_path
from scoring.fixes import is_fix_commit

__all__ = ["blame_lines", "bug_inducing", "deleted_ranges", "modified_files"]

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")
_BLAME_HEADER = re.compile(r"^([0-9a-f]{40}) \d+ \d+")
# Lines that are only a comment; C preprocessor directives start with "#" but are code.
_COMMENT = re.compile(
    r"^\s*(#(?!\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif|pragma)\b)"
    r"|//|/\*|\*|<!--|--\s)"
)


def _skipped(path: str) -> bool:
    return not lexed_path(path)


# A submodule's entry (a gitlink) has this mode: it names a commit of another repository,
# with no lines to blame.
_GITLINK = b"160000"


def modified_files(repo: Path, parent: str, fix: str, *, plain: bool = False) -> list[str]:
    """Paths of code the fix modified (not added or deleted), without submodules (a gitlink,
    which git cannot blame), in git's order; with ``plain``, every modified file's path."""
    done = run_git(repo, "diff", "--no-renames", "--diff-filter=M", "-z", "--raw", parent, fix)
    # --raw -z: ":<old mode> <new mode> <old sha> <new sha> M" NUL <path> NUL, per file.
    fields = done.stdout.split(b"\0")
    paths: list[str] = []
    for meta, raw in zip(fields[0::2], fields[1::2], strict=False):
        modes = meta.lstrip(b":").split(b" ")[:2]
        if raw and _GITLINK not in modes:
            paths.append(raw.decode("utf-8", "surrogateescape"))
    return paths if plain else [p for p in paths if not _skipped(p)]


def deleted_ranges(repo: Path, parent: str, fix: str, path: str) -> list[tuple[int, int]]:
    """``(first line, count)`` in the parent of each block of lines the fix deleted or changed.

    Pure additions (an old-side count of 0) touch no earlier line and are left out.
    """
    done = run_git(
        repo,
        "--literal-pathspecs",
        "diff",
        "-U0",
        "--no-renames",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        parent,
        fix,
        "--",
        path,
    )
    ranges: list[tuple[int, int]] = []
    for line in done.stdout.splitlines():
        match = _HUNK.match(line)
        if match:
            start, count = int(match.group(1)), int(match.group(2) or b"1")
            if count > 0:
                ranges.append((start, count))
    return ranges


def blame_lines(
    repo: Path, rev: str, path: str, ranges: Iterable[tuple[int, int]]
) -> Iterator[tuple[str, int, str]]:
    """``(sha, committer unix time, line text)`` for each line of ``ranges`` in ``path`` at ``rev``.

    All ranges of one file go to a single ``git blame`` call.
    """
    spans = [f"-L{start},+{count}" for start, count in ranges]
    if not spans:
        return
    done = run_git(repo, "blame", "--porcelain", "-w", *spans, rev, "--", path)
    times: dict[str, int] = {}
    sha = ""
    for raw in done.stdout.decode("utf-8", "replace").splitlines():
        if raw.startswith("\t"):
            yield sha, times.get(sha, 0), raw[1:]
            continue
        header = _BLAME_HEADER.match(raw)
        if header:
            sha = header.group(1)
        elif raw.startswith("committer-time "):
            # Porcelain gives a commit's details only on its first line, so remember them.
            times[sha] = int(raw.split()[1])


def _code(text: str) -> bool:
    return bool(text.strip()) and not _COMMENT.match(text)


def _blame_fix(repo: Path, commit: MinedCommit, plain: bool = False) -> set[str]:
    if commit.parent is None:
        return set()
    fixed_at = int(commit.change.merged_at.timestamp())
    found: set[str] = set()
    for path in modified_files(repo, commit.parent, commit.sha, plain=plain):
        ranges = deleted_ranges(repo, commit.parent, commit.sha, path)
        for sha, committed, text in blame_lines(repo, commit.parent, path, ranges):
            # Only commits that landed before the fix can have induced its bug; a
            # rebased history can give an ancestor a later time, and such ones are left out.
            if committed < fixed_at and (plain or _code(text)):
                found.add(sha)
    return found


def _resolve(repo: Path, sha: str) -> str | None:
    done = run_git(repo, "rev-parse", "--verify", "-q", f"{sha}^{{commit}}", check=False)
    if done.returncode != 0:
        return None
    return done.stdout.decode().strip() or None


def bug_inducing(
    repo: Path | str, commits: Iterable[MinedCommit], *, plain: bool = False
) -> set[str]:
    """Full shas of the commits that induced a bug fixed or reverted by one of ``commits``.

    Commits that are neither fixes nor reverts are ignored, so the whole
    mined history may be passed. A revert naming a sha that is not in the
    repository labels nothing. ``plain`` blames every line git blames, in every
    file: labels that owe nothing to riskbrief's own idea of what code is, for
    benches that must not grade the product by its own definitions.
    """
    repo = Path(repo)
    found: set[str] = set()
    to_blame: list[MinedCommit] = []
    for commit in commits:
        if commit.reverts is not None:
            target = _resolve(repo, commit.reverts)
            if target is not None:
                found.add(target)
        elif is_fix_commit(commit.change):
            # A revert that does not name its target is blamed like a fix, which
            # finds the reverted commit through the lines it takes back.
            to_blame.append(commit)
    # git blame dominates the cost and runs in its own process, so threads give
    # real parallelism; the union of sets does not depend on completion order.
    workers = max(1, min(8, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for blamed in pool.map(lambda c: _blame_fix(repo, c, plain), to_blame):
            found |= blamed
    return found
