"""Commits of a local git clone as changes, streamed from ``git log``.

One ``git log --no-merges --numstat -z`` process is read as a stream of
NUL-terminated fields, so a history of any length is mined in bounded memory.
A second ``git log -p`` over the same commits gives the text of their code
files' changed lines, from which each file's lines of code are counted
(``data.sources.patch_lines``: comments and blank lines out), commit by commit.
Commits come oldest first (``--reverse`` of git's default order: a parent never
follows its child). Merges are left out because a merge's diff repeats changes
already counted on the branch; with ``--no-merges`` every yielded commit is one
change. Renames are detected (git's default) and reported under the new path, so
a renamed file keeps its history; ``-z`` gives old and new path as separate
fields and never quotes a path, whatever characters it holds.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from data.sources.patch_lines import PATCH_ARGS, code_counts
from scoring.authorship import AuthorKind, agent_in_message, identity_kind
from scoring.change_key import ChangeKey
from scoring.errors import SourceError
from scoring.facts import ChangeFacts, FileChange
from scoring.fixes import NO_BUG_ISSUES, BugIssues, is_fix_message

__all__ = [
    "MinedCommit",
    "branch_ref",
    "is_fix_message",
    "merged_commits",
    "mine_commits",
    "repository_name",
    "reverted_request",
    "reverted_sha",
    "run_git",
]

# Fields of one commit, NUL-separated; the record starts with RS so that it can be
# told apart from a numstat field, which always starts with a digit or "-".
_FORMAT = "%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%ct%x00%s%x00%b"
_FIELDS = 8
_CHUNK = 1 << 16

_REVERTS = re.compile(r"This reverts commit ([0-9a-fA-F]{7,40})")
# GitLab's Revert button on a merged merge request writes "This reverts merge
# request !N" (``Commit#revert_description`` in gitlab-org/gitlab), naming no sha;
# ``!N`` may carry the project's path when the request lives in another project.
_REVERTS_REQUEST = re.compile(r"This reverts merge request (?P<project>[\w./-]*)!(?P<number>\d+)")
_HOTFIX = re.compile(r"\bhot-?fix(es)?\b", re.IGNORECASE)


def reverted_sha(subject: str, body: str) -> str | None:
    """The sha a revert commit names (as written, possibly abbreviated), or ``None``.

    ``git revert`` of a merge writes ``This reverts commit X, reversing changes
    made to Y.``: X, the merge, is what was reverted.
    """
    match = _REVERTS.search(body) or _REVERTS.search(subject)
    return match.group(1).lower() if match else None


def reverted_request(body: str) -> tuple[str, int] | None:
    """The merge request GitLab's ``This reverts merge request !N`` names: (project or "", N)."""
    match = _REVERTS_REQUEST.search(body)
    return (match.group("project"), int(match.group("number"))) if match else None


@dataclass(frozen=True, slots=True)
class MinedCommit:
    """One non-merge commit: its full sha, its first parent, the change, and what it reverts."""

    sha: str
    parent: str | None
    change: ChangeFacts
    reverts: str | None = None
    # Every parent (a merge has two or more), the author's name and the message body,
    # for sources that keep more of a commit than the scorer needs.
    parents: tuple[str, ...] = ()
    author_name: str = ""
    body: str = ""
    # The old paths of renamed files (``change.files`` names only the new ones).
    old_paths: tuple[str, ...] = ()


def repository_name(path: Path) -> str:
    """The name changes are keyed by: the clone's directory name, without a ``.git`` suffix."""
    name = path.resolve().name
    return name.removesuffix(".git") or name


def _git_missing() -> SourceError:
    return SourceError("git is not installed or not on PATH; install git and try again.")


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0].removeprefix("fatal: ") if text else "no message"


def run_git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run one short git command in ``repo``; every failure becomes the same kind of SourceError.

    The environment pins the C locale and disables prompts so output parses
    the same everywhere and a credential helper never waits for input.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
            capture_output=True,
            env=_env(),
            check=False,
        )
    except FileNotFoundError:
        raise _git_missing() from None
    if check and done.returncode != 0:
        raise SourceError(
            f"git {args[0]} failed in {repo} ({_first_line(done.stderr)}); "
            "check that it is an intact git clone."
        )
    return done


def _env() -> dict[str, str]:
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


def _check_repository(repo: Path, rev: str) -> bool:
    """Raise SourceError unless ``repo`` is a git repository with ``rev``; False when empty."""
    if not repo.is_dir():
        raise SourceError(f"{repo} is not a directory; pass the path of a local git clone.")
    if run_git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise SourceError(f"{repo} is not a git repository; pass the path of a local git clone.")
    if run_git(repo, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False).returncode:
        unborn = run_git(repo, "symbolic-ref", "-q", "HEAD", check=False).returncode == 0
        if rev == "HEAD" and unborn:
            return False
        raise SourceError(f"{rev!r} is not a commit in {repo}; name a branch, tag or sha there.")
    return True


def _fields(stream: Iterator[bytes]) -> Iterator[str]:
    """NUL-terminated fields of a byte stream, read in chunks so memory stays bounded."""
    tail = b""
    for chunk in stream:
        parts = (tail + chunk).split(b"\0")
        tail = parts.pop()
        for part in parts:
            yield part.decode("utf-8", "replace")
    if tail:
        yield tail.decode("utf-8", "replace")


def _lines(count: str) -> int:
    # Binary files have "-" for both counts; they change no lines.
    return 0 if count == "-" else int(count)


@dataclass(slots=True)
class _Pending:
    header: list[str]
    files: list[FileChange]
    old_paths: list[str]


def _commit(pending: _Pending, repository: str, bugs: BugIssues) -> MinedCommit:
    sha, parents, name, email, _authored, committed, subject, body = pending.header
    reverts = reverted_sha(subject, body)
    kind, _ = identity_kind(name, email)
    change = ChangeFacts(
        key=str(ChangeKey.commit(repository, sha)),
        repository=repository,
        title=subject,
        author=email.strip().lower() or name.strip(),
        # Committer time is when the change landed on the branch, the analogue of a merge.
        merged_at=datetime.fromtimestamp(int(committed), tz=UTC),
        files=tuple(pending.files),
        is_revert=subject.startswith('Revert "')
        or reverts is not None
        or reverted_request(body) is not None,
        is_hotfix=bool(_HOTFIX.search(subject)),
        is_fix=is_fix_message(subject, body, bugs),
        # A history records no reviews: whether anyone reviewed it is unknown.
        reviews_known=False,
        # Who made it, by scoring.authorship's table (an organisation's additions apply
        # where the clone is synced into the store).
        author_is_agent=kind is AuthorKind.AGENT,
        author_is_bot=kind is AuthorKind.BOT,
        co_authored_by_agent=kind is not AuthorKind.AGENT and agent_in_message(body) is not None,
    )
    parent_list = tuple(parents.split())
    return MinedCommit(
        sha,
        parent_list[0] if parent_list else None,
        change,
        reverts,
        parents=parent_list,
        author_name=name.strip(),
        body=body,
        old_paths=tuple(pending.old_paths),
    )


_Code = Iterator[tuple[str, dict[str, tuple[int, int]]]]


def _with_code(pending: _Pending, code: _Code | None) -> bool:
    """Give ``pending``'s files their lines of code from the patch stream's next commit.

    False when that stream ended or is not at the same commit (it then is read no
    further, and files keep only their counts).
    """
    if code is None:
        return False
    entry = next(code, None)
    if entry is None or entry[0] != pending.header[0]:
        return False
    counts = entry[1]
    if counts:
        pending.files = [
            replace(f, code_added=c[0], code_deleted=c[1])
            if (c := counts.get(f.path)) is not None
            else f
            for f in pending.files
        ]
    return True


def _parse(
    fields: Iterator[str], repository: str, bugs: BugIssues, code: _Code | None = None
) -> Iterator[MinedCommit]:
    pending: _Pending | None = None
    for raw in fields:
        field = raw.lstrip("\n")
        if field.startswith("\x1e"):
            if pending is not None:
                if not _with_code(pending, code):
                    code = None
                yield _commit(pending, repository, bugs)
            header = [field[1:]]
            for _ in range(_FIELDS - 1):
                header.append(next(fields, ""))
            header[-1] = header[-1].strip()
            pending = _Pending(header, [], [])
        elif field and pending is not None:
            added, deleted, path = field.split("\t", 2)
            if not path:
                # A rename: the old path and then the new one follow as their own fields.
                pending.old_paths.append(next(fields, ""))
                path = next(fields, "")
            pending.files.append(FileChange(path, _lines(added), _lines(deleted)))
    if pending is not None:
        _with_code(pending, code)
        yield _commit(pending, repository, bugs)


def mine_commits(
    repo: Path | str,
    rev: str = "HEAD",
    *,
    after: str | None = None,
    first_parent: bool = False,
    bug_keys: frozenset[str] | None = None,
) -> Generator[MinedCommit, None, None]:
    """Every non-merge commit reachable from ``rev``, oldest first, one at a time.

    ``after`` (a sha) leaves out what it already reaches, for incremental mining.
    ``first_parent`` mines what landed on the branch instead: its first-parent
    chain, where a merge is one change whose diff is against its first parent
    (a merged pull request, as a code host shows it).
    ``bug_keys`` are the tracker's bug issue keys, which decide whether a
    message naming an issue is a fix (``scoring.fixes``).
    An empty repository yields nothing; closing the generator early stops git.
    Raises ``SourceError`` when git is missing, ``repo`` is not a git
    repository, ``rev`` is not a commit there, or ``git log`` fails part way.
    """
    repo = Path(repo)
    if not _check_repository(repo, rev):
        return
    # Named after the clone itself even when ``repo`` is a folder inside it.
    top = run_git(repo, "rev-parse", "--show-toplevel", check=False)
    shown = top.stdout.decode("utf-8", "replace").strip()
    repository = repository_name(Path(shown) if top.returncode == 0 and shown else repo)
    revs = [f"{after}..{rev}" if after else rev]
    yield from _log(repo, repository, revs, first_parent, bug_keys)


def merged_commits(
    repo: Path,
    repository: str,
    merge: MinedCommit,
    bug_keys: frozenset[str] | None = None,
    landed: tuple[str, ...] = (),
) -> Iterator[MinedCommit]:
    """What a merge brought in from its other parents, oldest first, as first-parent chains.

    The commits reachable from the merged parents but not from the first one,
    nor from any of ``landed`` (the first parents of the merges this one was
    itself brought in by), walked along first parents: a merge among them is
    again one change diffed against its first parent, so every commit is
    counted exactly once whether the caller keeps such a merge or opens it in
    turn, even when a merged branch had merged the main branch back in.
    """
    if len(merge.parents) < 2:
        return iter(())
    hidden = [f"^{sha}" for sha in (*landed, merge.parents[0])]
    return _log(repo, repository, [*hidden, *merge.parents[1:]], True, bug_keys)


def _log(
    repo: Path,
    repository: str,
    revs: list[str],
    first_parent: bool,
    bug_keys: frozenset[str] | None = None,
) -> Generator[MinedCommit, None, None]:
    """Stream ``git log --numstat`` of ``revs`` as mined commits, oldest first.

    A second ``git log -p`` of the same commits runs beside it for the lines of code
    (``data.sources.patch_lines``); its failure leaves the files with their counts alone.
    """
    common = [
        "git",
        "-C",
        str(repo),
        "-c",
        "core.quotepath=off",
        "-c",
        "diff.suppressBlankEmpty=false",
        "log",
        *(["--first-parent", "--diff-merges=first-parent"] if first_parent else ["--no-merges"]),
        "--reverse",
    ]
    args = [
        *common,
        "--numstat",
        "-z",
        "--no-color",
        "--no-ext-diff",
        f"--format={_FORMAT}",
        *revs,
        "--",
    ]
    # stderr goes to a file: a pipe nobody reads could fill and stall git.
    with tempfile.TemporaryFile() as errors, contextlib.ExitStack() as stack:
        try:
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=_env())
            patches = subprocess.Popen(
                [*common, *PATCH_ARGS, *revs, "--"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_env(),
            )
        except FileNotFoundError:
            raise _git_missing() from None
        stack.callback(_stop, patches)
        out = proc.stdout
        assert out is not None
        assert patches.stdout is not None
        try:
            bugs = BugIssues(bug_keys) if bug_keys else NO_BUG_ISSUES
            fields = _fields(iter(lambda: out.read(_CHUNK), b""))
            yield from _parse(fields, repository, bugs, code_counts(patches.stdout))
        finally:
            out.close()
            returncode = proc.wait()
        if returncode != 0:
            errors.seek(0)
            raise SourceError(
                f"git log failed in {repo} ({_first_line(errors.read())}); "
                "check that it is an intact git clone."
            )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End a ``git log`` read no further: close its output, stop it, and reap it."""
    if proc.stdout is not None:
        proc.stdout.close()
    if proc.poll() is None:
        proc.kill()
    proc.wait()
