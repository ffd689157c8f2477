"""Short git commands in a local clone, and the checks before a history is read from it.

``run_git`` runs one command with its output captured; every failure, git
missing included, becomes the same kind of ``SourceError``. ``gitlog`` streams
the long ``git log`` with the same environment and error messages.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from scoring.errors import SourceError

__all__ = [
    "UNSHALLOW",
    "bare_repository",
    "blob_sizes",
    "branch_ref",
    "check_repository",
    "cut_commits",
    "first_error_line",
    "git_env",
    "git_missing",
    "has_cut_parents",
    "is_ancestor",
    "is_shallow",
    "read_blobs",
    "repository_name",
    "run_git",
    "shallow_clone_error",
    "unreadable_clone",
]

# What fills in a shallow clone's missing history, for every sentence that names the fix.
UNSHALLOW = "fetch the whole history (`git fetch --unshallow`, or fetch-depth: 0 in CI)"


def repository_name(path: Path) -> str:
    """The name changes are keyed by: the clone's directory name, without a ``.git`` suffix."""
    name = path.resolve().name
    return name.removesuffix(".git") or name


def git_missing() -> SourceError:
    """The error for a machine without git, the same whichever command found it missing."""
    return SourceError("git is not installed or not on PATH; install git and try again.")


def first_error_line(stderr: bytes) -> str:
    """The first line of git's error output, without ``fatal:`` or ``error:``, for a
    one-sentence error."""
    text = stderr.decode("utf-8", "replace").strip()
    if not text:
        return "no message"
    return text.splitlines()[0].removeprefix("fatal: ").removeprefix("error: ")


def run_git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run one short git command in ``repo``; every failure becomes the same kind of SourceError.

    The environment pins the C locale and disables prompts so output parses
    the same everywhere and a credential helper never waits for input.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except FileNotFoundError:
        raise git_missing() from None
    if check and done.returncode != 0:
        raise unreadable_clone(repo, f"git {args[0]} failed ({first_error_line(done.stderr)})")
    return done


def bare_repository(repo: Path) -> SourceError | None:
    """The one sentence for a bare repository (``git clone --bare``, a server's copy): it has
    no working tree to read files from, and nothing in it is damaged; ``None`` otherwise."""
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--is-bare-repository"],
        capture_output=True,
        env=git_env(),
        check=False,
    )
    if done.returncode != 0 or done.stdout.strip() != b"true":
        return None
    return SourceError(
        f"{repo} is a bare repository (no working tree); make a working clone with "
        f"`git clone {repo} <folder>` and pass that folder."
    )


def unreadable_clone(repo: Path, failed: str) -> SourceError:
    """The one sentence for a git command that ``failed`` in a clone it should read: the
    clone is not whole (a missing or damaged object), and how to find and mend it; a bare
    repository, where a command needing a working tree fails, is told to make a clone."""
    if (bare := bare_repository(repo)) is not None:
        return bare
    return SourceError(
        f"{failed} in {repo}, so the clone cannot be read whole; `git fsck` there names "
        "what is missing or damaged, and a fresh clone restores it."
    )


def is_shallow(repo: Path) -> bool:
    """Whether ``repo`` is a shallow clone (``git clone --depth``): its history is cut off."""
    done = run_git(repo, "rev-parse", "--is-shallow-repository", check=False)
    return done.returncode == 0 and done.stdout.strip() == b"true"


def is_ancestor(repo: Path, ancestor: str, sha: str) -> bool:
    """Whether commit ``ancestor`` is in ``sha``'s history (``sha`` itself included)."""
    return run_git(repo, "merge-base", "--is-ancestor", ancestor, sha, check=False).returncode == 0


def has_cut_parents(repo: Path, sha: str) -> bool:
    """Whether commit ``sha``, which git shows without parents, has parents the clone cut off.

    A shallow clone's oldest commits (and a graft's) keep their ``parent`` lines in the
    commit object while git's history shows them as roots, so their diff is their whole
    tree; a real first commit names no parent. ``--no-replace-objects`` reads the object
    as it was written, not as a ``git replace --graft`` shows it.
    """
    done = run_git(repo, "--no-replace-objects", "cat-file", "commit", sha, check=False)
    if done.returncode != 0:
        return False
    header = done.stdout.partition(b"\n\n")[0]
    return any(line.startswith(b"parent ") for line in header.splitlines())


def cut_commits(repo: Path) -> frozenset[str]:
    """The commits of a shallow clone whose parents are cut off; none in a whole clone."""
    if not is_shallow(repo):
        return frozenset()
    done = run_git(repo, "rev-list", "--max-parents=0", "--all", check=False)
    roots = done.stdout.decode("ascii", "replace").split()
    return frozenset(sha for sha in roots if has_cut_parents(repo, sha))


def shallow_clone_error(repo: Path, what: str, fix: str | None = None) -> SourceError:
    """The one sentence for a shallow clone where its whole history is needed: ``what`` says
    what the cut leaves unknown, ``fix`` what to do (by default, fetch the history)."""
    return SourceError(
        f"{repo} is a shallow clone, so {what}; {fix or UNSHALLOW + ', then run this again'}."
    )


def git_env() -> dict[str, str]:
    """This process's environment with the C locale, no prompts and no pager, for any git run."""
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"})
    return env


def branch_ref(repo: Path, branch: str) -> str | None:
    """The ref a branch is mined from: the branch, else its ``origin/`` copy, else None."""
    for candidate in (branch, f"origin/{branch}"):
        probe = run_git(repo, "rev-parse", "--verify", "-q", f"{candidate}^{{commit}}", check=False)
        if probe.returncode == 0:
            return candidate
    return None


def check_repository(repo: Path, rev: str) -> bool:
    """Raise SourceError unless ``repo`` is a git repository with ``rev``; False when empty."""
    if not repo.is_dir():
        raise SourceError(f"{repo} is not a directory; pass the path of a local git clone.")
    if run_git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise SourceError(f"{repo} is not a git repository; pass the path of a local git clone.")
    if (bare := bare_repository(repo)) is not None:
        raise bare
    if run_git(repo, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False).returncode:
        unborn = run_git(repo, "symbolic-ref", "-q", "HEAD", check=False).returncode == 0
        if rev == "HEAD" and unborn:
            return False
        raise SourceError(f"{rev!r} is not a commit in {repo}; name a branch, tag or sha there.")
    return True


def read_blobs(repo: Path, names: list[str]) -> list[bytes | None]:
    """The contents of ``rev:path`` names, in their order, from one ``git cat-file --batch``;
    ``None`` for a name git has no blob of. A name holding a newline cannot be asked."""
    asked = [n for n in names if "\n" not in n]
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "cat-file", "--batch"],
            input=b"".join(f"{n}\n".encode() for n in asked),
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except FileNotFoundError:
        raise git_missing() from None
    out, at = done.stdout, 0
    found: dict[str, bytes | None] = {}
    for name in asked:
        end = out.find(b"\n", at)
        if end < 0:
            break
        # "<oid> blob <size>", or "<name> missing" for a name git has no blob of.
        fields = out[at:end].rsplit(b" ", 2)
        at = end + 1
        if len(fields) != 3 or not fields[2].isdigit():
            found[name] = None
            continue
        size = int(fields[2])
        found[name] = out[at : at + size]
        at += size + 1
    return [found.get(n) for n in names]


def blob_sizes(repo: Path, rev: str) -> dict[str, int]:
    """{path: bytes} of every file of ``rev``'s tree (``git ls-tree -r -l``); 0 for a
    submodule's commit or a blob the clone lacks, whose size git gives as ``-``."""
    listed = run_git(repo, "ls-tree", "-r", "-l", "-z", rev, check=False)
    sizes: dict[str, int] = {}
    for entry in listed.stdout.decode("utf-8", "replace").split("\0"):
        # ``<mode> <type> <object> <size>\t<path>``
        meta, _, name = entry.partition("\t")
        if name:
            size = meta.rsplit(" ", 1)[-1].strip()
            sizes[name] = int(size) if size.isdigit() else 0
    return sizes
