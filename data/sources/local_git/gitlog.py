"""Commits of a local git clone as changes, streamed from ``git log``.

One ``git log --no-merges --numstat -z`` process is read as a stream of
NUL-terminated fields, so a history of any length is mined in bounded memory.
Where the lines of code are wanted, the same process prints each commit's patch
after its numstat (``-p``), read a file's patch at a time, from which each code
file's lines of code are counted (``data.sources.local_git.patch_lines``: comments and
blank lines out); other files' patches are passed over unread.
Commits come oldest first (``--reverse`` of git's default order: a parent never
follows its child). Merges are left out because a merge's diff repeats changes
already counted on the branch; with ``--no-merges`` every yielded commit is one
change. Renames are detected (git's default) and reported under the new path, so
a rename counts the lines it changed, not the whole file deleted and added again,
and names the path it came from (``FileChange.previous_path``: the scorer's file
history follows it);
``-z`` gives old and new path as separate fields and never quotes a path,
whatever characters it holds.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

# What ``__all__`` names from git_command and mined_commit stays importable from here
# (``branch_ref`` only for that): a clone's readers (local_git, evaluation, bench)
# import it all from gitlog.
from data.sources.local_git.git_command import (
    branch_ref,
    check_repository,
    first_error_line,
    git_env,
    git_missing,
    has_cut_parents,
    is_shallow,
    repository_name,
    run_git,
    shallow_clone_error,
    unreadable_clone,
)
from data.sources.local_git.log_stream import LogStream
from data.sources.local_git.mined_commit import MinedCommit, reverted_request, reverted_sha
from data.sources.local_git.patch_lines import PATCH_ARGS, file_code_lines
from scoring.authorship import AuthorKind, agent_in_message, identity_kind
from scoring.change_key import ChangeKey
from scoring.facts import ChangeFacts, FileChange
from scoring.fixes import NO_BUG_ISSUES, BugIssues, is_fix_message
from scoring.repeated_edits import once_each

__all__ = [
    "MinedCommit",
    "branch_ref",
    "check_repository",
    "is_fix_message",
    "merged_commits",
    "mine_chain",
    "mine_commits",
    "repository_name",
    "reverted_request",
    "reverted_sha",
    "run_git",
    "utc_offset",
]

# Fields of one commit, NUL-separated; the record starts with RS so that it can be
# told apart from a numstat field, which always starts with a digit or "-".
# The committer's time comes with their clock's local time, whose last word is its offset
# from UTC (``%ci``: "2026-11-04 09:20:00 +0200").
_FORMAT = "%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%ct %ci%x00%s%x00%b"
_FIELDS = 8
_HOTFIX = re.compile(r"\bhot-?fix(es)?\b", re.IGNORECASE)


def _text(field: bytes | None) -> str:
    return "" if field is None else field.decode("utf-8", "replace")


def _lines(count: str) -> int:
    # Binary files have "-" for both counts; they change no lines.
    return 0 if count == "-" else int(count)


@dataclass(slots=True)
class _Pending:
    header: list[str]
    files: list[FileChange]
    old_paths: list[str]


def utc_offset(zone: str) -> int | None:
    """Minutes east of UTC of git's ``+hhmm``/``-hhmm`` offset; ``None`` when it is no offset."""
    if len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit():
        return None
    minutes = int(zone[1:3]) * 60 + int(zone[3:])
    return -minutes if zone[0] == "-" else minutes


def _commit(
    pending: _Pending, repository: str, bugs: BugIssues, is_cut: Callable[[str], bool]
) -> MinedCommit:
    sha, parents, name, email, _authored, committed_at, subject, body = pending.header
    committed, _, local = committed_at.partition(" ")
    zone = local.rpartition(" ")[2]
    reverts = reverted_sha(subject, body)
    kind, _ = identity_kind(name, email)
    change = ChangeFacts(
        key=str(ChangeKey.commit(repository, sha)),
        repository=repository,
        title=subject,
        author=email.strip().lower() or name.strip(),
        # Committer time is when the change landed on the branch, the analogue of a merge.
        merged_at=datetime.fromtimestamp(int(committed), tz=UTC),
        merged_utc_offset=utc_offset(zone),
        files=tuple(pending.files),
        is_revert=subject.startswith('Revert "')
        or reverts is not None
        or reverted_request(body, subject) is not None,
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
        # Only a commit git shows without parents can have had them cut off.
        cut=not parent_list and is_cut(sha),
    )


def _with_code(pending: _Pending, code: dict[str, tuple[int, int]] | None) -> None:
    """Give ``pending``'s files the lines of code its patch counted, when it was read."""
    if not code:
        return
    pending.files = [
        replace(f, code_added=c[0], code_deleted=c[1]) if (c := code.get(f.path)) is not None else f
        for f in pending.files
    ]


def _parse(
    reader: LogStream,
    repository: str,
    bugs: BugIssues,
    patches: bool = False,
    is_cut: Callable[[str], bool] = lambda _sha: False,
) -> Iterator[MinedCommit]:
    """The commits of a ``git log --numstat -z`` stream; ``patches`` when it holds ``-p`` too.

    ``is_cut`` says whether a commit shown without parents had them cut off.

    A commit's patch follows its numstat after an empty field and runs up to the next
    commit's RS; its code files get their lines of code.
    """
    pending: _Pending | None = None
    counts: dict[str, tuple[int, int]] | None = None
    while (raw := reader.until(b"\0")) is not None:
        field = raw.lstrip(b"\n")
        if field.startswith(b"\x1e"):
            if pending is not None:
                _with_code(pending, counts)
                yield _commit(pending, repository, bugs, is_cut)
            header = [_text(field[1:])]
            for _ in range(_FIELDS - 1):
                header.append(_text(reader.until(b"\0")))
            header[-1] = header[-1].strip()
            pending, counts = _Pending(header, [], []), None
        elif field and pending is not None:
            added, deleted, path = _text(field).split("\t", 2)
            previous = None
            if not path:
                # A rename: the old path and then the new one follow as their own fields.
                previous = _text(reader.until(b"\0"))
                pending.old_paths.append(previous)
                path = _text(reader.until(b"\0"))
            pending.files.append(
                FileChange(path, _lines(added), _lines(deleted), previous_path=previous)
            )
        elif patches and pending is not None and not field:
            code = {}
            for patch in reader.file_patches():
                found = file_code_lines(patch)
                if found is not None:
                    code[found[0]] = found[1]
            # The same edit in many files is read once (``scoring.repeated_edits``).
            counts = once_each(code)
    if pending is not None:
        _with_code(pending, counts)
        yield _commit(pending, repository, bugs, is_cut)


def mine_commits(
    repo: Path | str,
    rev: str = "HEAD",
    *,
    after: str | None = None,
    first_parent: bool = False,
    bug_keys: frozenset[str] | None = None,
    code_lines: bool = True,
    shallow: bool = False,
) -> Generator[MinedCommit, None, None]:
    """Every non-merge commit reachable from ``rev``, oldest first, one at a time.

    ``after`` (a sha) leaves out what it already reaches, for incremental mining.
    ``first_parent`` mines what landed on the branch instead: its first-parent
    chain, where a merge is one change whose diff is against its first parent
    (a merged pull request, as a code host shows it).
    ``bug_keys`` are the tracker's bug issue keys, which decide whether a
    message naming an issue is a fix (``scoring.fixes``).
    ``code_lines`` reads each commit's patch for its files' lines of code
    (``FileChange.code_added``); without it files have their counts alone, which
    is all a history's index needs, at a fraction of the cost.
    ``shallow`` mines a shallow clone too, its cut commits marked ``cut`` (no change);
    without it a shallow clone is refused, since what is scored against its history (a
    backtest, its labels) would be made up by the cut.
    An empty repository yields nothing; closing the generator early stops git.
    Raises ``SourceError`` when git is missing, ``repo`` is not a git
    repository, ``rev`` is not a commit there, ``repo`` is a shallow clone (unless
    ``shallow``), or ``git log`` fails part way.
    """
    repo = Path(repo)
    if not check_repository(repo, rev):
        return
    if not shallow and is_shallow(repo):
        raise shallow_clone_error(
            repo, "the history its changes would be scored and labelled against is cut off"
        )
    # Named after the clone itself even when ``repo`` is a folder inside it.
    top = run_git(repo, "rev-parse", "--show-toplevel", check=False)
    shown = top.stdout.decode("utf-8", "replace").strip()
    repository = repository_name(Path(shown) if top.returncode == 0 and shown else repo)
    revs = [f"{after}..{rev}" if after else rev]
    yield from _log(repo, repository, revs, first_parent, bug_keys, code_lines=code_lines)


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


def mine_chain(
    repo: Path,
    repository: str,
    tip: str,
    hidden: Sequence[str] = (),
    bug_keys: frozenset[str] | None = None,
) -> Iterator[MinedCommit]:
    """The first-parent chain from ``tip`` down to what ``hidden`` reaches, oldest first: the
    commits of a branch that is not the mined one (a maintenance branch's release)."""
    return _log(repo, repository, [*(f"^{sha}" for sha in hidden), tip], True, bug_keys)


def _log(
    repo: Path,
    repository: str,
    revs: list[str],
    first_parent: bool,
    bug_keys: frozenset[str] | None = None,
    *,
    code_lines: bool = True,
) -> Generator[MinedCommit, None, None]:
    """Stream ``git log --numstat`` of ``revs`` as mined commits, oldest first.

    With ``code_lines`` the same process prints each commit's patch too (``-p``).
    """
    args = [
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
        "--numstat",
        *(PATCH_ARGS if code_lines else ()),
        "-z",
        "--no-color",
        "--no-ext-diff",
        f"--format={_FORMAT}",
        *revs,
        "--",
    ]
    # stderr goes to a file: a pipe nobody reads could fill and stall git.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=git_env())
        except FileNotFoundError:
            raise git_missing() from None
        out = proc.stdout
        assert out is not None
        try:
            bugs = BugIssues(bug_keys) if bug_keys else NO_BUG_ISSUES
            yield from _parse(
                LogStream(out.read),
                repository,
                bugs,
                code_lines,
                lambda sha: has_cut_parents(Path(repo), sha),
            )
        finally:
            out.close()
            returncode = proc.wait()
        if returncode != 0:
            errors.seek(0)
            raise unreadable_clone(repo, f"git log failed ({first_error_line(errors.read())})")
