"""Which change a revert reverts, asked of the clone."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from data.source_values import SourceChange
from data.sources.local_git.commits import RevertNote
from data.sources.local_git.git_command import is_ancestor, run_git
from data.sources.local_git.line_merges import line_merges
from data.sources.local_git.merges import pull_request_of, request_of
from scoring.change_key import ChangeKey

__all__ = ["RevertTargets"]

# GitHub's Revert button opens its PR from "revert-<reverted PR number>-<branch>".
_REVERT_BRANCH = re.compile(r"^revert-(?P<number>\d+)-")
# A revert named only by the title of what it undid: git's "Revert "<title>"" with the
# sha line edited away, or a squash-merged revert PR whose commit keeps only its title,
# "Revert "<title>" (#N)" (pallets/flask, encode/httpx, pypa/pip).
_REVERT_TITLE = re.compile(r'^Revert "(?P<title>.+)"\s*(?:\(#\d+\))?$')
# The " (#N)" a squash merge or GitHub's pull request title adds.
_NUMBER_TAIL = re.compile(r"\s*\(#\d+\)$")


def _bare(title: str) -> str:
    return _NUMBER_TAIL.sub("", title.strip()).strip()


class RevertTargets:
    """Which change landed a reverted commit on the branch, asked of the clone.

    The change is the commit itself when it is on the branch's first-parent
    chain, the request whose merge brought it in, or, inside a merge no code
    host wrote or one the sync opened into what it brought (``opened``: a merge that carried a
    release's tagged commit, a pull request that merged a whole line, ``line_merges``), which is
    no change of its own, the change it is there.
    """

    def __init__(self, path: Path, repository: str, opened: frozenset[str] = frozenset()) -> None:
        self.path = path
        self.repository = repository
        self.opened = opened
        # Whether a request's merge carried a whole line, asked once per merge: the sync
        # finds only the line merges made since its last run (``line_merges``'s ``after``).
        self._lines: dict[str, bool] = {}

    def _opened(self, merge: str) -> bool:
        """Whether the sync opens ``merge`` (a pull request's merge commit) into its changes."""
        if merge in self.opened:
            return True
        if merge not in self._lines:
            self._lines[merge] = bool(line_merges(self.path, merge, f"{merge}^1"))
        return self._lines[merge]

    def _git(self, *args: str) -> str | None:
        done = run_git(self.path, *args, check=False)
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    def full_sha(self, sha: str) -> str | None:
        """The full sha of a commit named in full or abbreviated; ``None`` when not in the clone."""
        out = self._git("rev-parse", "--verify", "-q", f"{sha}^{{commit}}")
        return out.strip() if out else None

    def _contains(self, ancestor: str, tip: str) -> bool:
        if ancestor == tip:
            return True
        return is_ancestor(self.path, ancestor, tip)

    def landing(self, target: str, tip: str) -> str | None:
        """The commit of ``tip``'s first-parent chain that brought ``target`` (a full sha) in."""
        if target == tip:
            return tip
        if not self._contains(target, tip):
            return None
        chain = self._git("rev-list", "--first-parent", "--parents", f"^{target}", tip) or ""
        rows = [line.split() for line in chain.splitlines() if line]
        if not rows:
            # ``tip`` named as a ref (``HEAD``, ``main``) whose commit is ``target`` itself: a
            # backport of the branch's newest commit is a pick of it all the same.
            return target if self.full_sha(tip) == target else None
        if rows[-1][1:2] == [target]:
            return target  # on the chain: its child's first parent
        descendants = set(
            (self._git("rev-list", "--ancestry-path", f"^{target}", tip) or "").split()
        )
        # Descent from the target is monotone along the chain: the oldest such commit merged it.
        return next((row[0] for row in reversed(rows) if row[0] in descendants), None)

    def key_of(self, target: str, tip: str) -> str | None:
        """The key of the change that landed ``target`` on ``tip``'s first-parent chain."""
        keyed = self.keyed(target, tip)
        return keyed[0] if keyed is not None else None

    def keyed(self, target: str, tip: str) -> tuple[str, str] | None:
        """``key_of``'s key with the commit it keys (a pull request's merge, or the commit
        itself), which may sit on a branch a merge no host wrote brought in."""
        landed = self.landing(target, tip)
        if landed is None:
            return None
        shown = self._git("log", "-1", "--format=%P%x00%s%x00%b", landed)
        if shown is None:
            return None
        parents_text, subject, body = [*shown.split("\0"), "", ""][:3]
        parents = tuple(parents_text.split())
        # Keyed as commit_record keys it: the request it lands, else the commit itself.
        request = request_of(parents, subject, body)
        # A pull request that merged a whole line is no change: its commits are (NewPipe's
        # "Merge pull request #6053 from TeamNewPipe/release_0.21.2" brought a translation a
        # later release line picked; keyed #6053, the pick named a change never stored).
        if request is not None and (len(parents) < 2 or not self._opened(landed)):
            return str(ChangeKey.pull(self.repository, request.number)), landed
        if len(parents) < 2:
            return str(ChangeKey.commit(self.repository, landed)), landed
        if landed == target:
            return None  # a merge no code host wrote is no change of its own
        for parent in parents[1:]:
            if self._contains(target, parent):
                return self.keyed(target, parent)
        return None

    def titled(self, title: str, before: str) -> str | None:
        """The newest commit reachable from ``before`` whose title is ``title`` (either side's
        `` (#N)`` aside; for a pull request's merge commit, the request's title; a title
        GitHub cut with ``…`` by its start)."""
        wanted = _bare(title)
        cut = wanted.endswith("…")
        stem = wanted.rstrip("…").strip() if cut else wanted
        if not stem:
            return None
        out = self._git(
            "log", "--fixed-strings", f"--grep={stem}", "--format=%H%x00%P%x00%s%x00%b%x1e", before
        )
        for entry in (out or "").split("\x1e"):
            sha, parents, subject, body = [*entry.strip("\n").split("\0", 3), "", "", ""][:4]
            if not sha:
                continue
            merge = pull_request_of(tuple(parents.split()), subject, body)
            for name in (subject, merge.title if merge and merge.title else ""):
                bare = _bare(name)
                if bare and (bare.startswith(stem) if cut else bare == wanted):
                    return sha
        return None

    def _by_title(self, record: SourceChange, landed_by: str) -> str | None:
        """The key of the change a ``Revert "<title>"`` that names no sha undid: the newest
        earlier change with that title."""
        # GitHub cuts a long merge subject with "…": the body's first line has it whole.
        first = next((line for line in (record.body or "").splitlines() if line.strip()), "")
        match = _REVERT_TITLE.match(record.title.strip()) or _REVERT_TITLE.match(first.strip())
        if match is None:
            return None
        # Before the revert's own commit: inside a merge no host wrote, that is not before
        # the merge (a maintenance branch's history is not on the merge's first parent).
        parent = self._git("rev-parse", "--verify", "-q", f"{record.sha or landed_by}^1")
        if not parent:
            return None
        found = self.titled(match.group("title"), parent.strip())
        if found is None:
            return None
        key = self.key_of(found, landed_by)
        return key if key != record.key else None

    def _ours(self, project: str) -> bool:
        """GitLab's ``!N`` of this project, or of a path ending in this repository's name."""
        return not project or project.rsplit("/", 1)[-1] == self.repository.rsplit("/", 1)[-1]

    def link(self, record: SourceChange, notes: list[RevertNote], landed_by: str) -> SourceChange:
        """``record`` linked to the first change its revert notes name that landed before it
        (a sha before a request number);
        else to the request its branch (``revert-N-…``) names; else, for a ``Revert "<title>"``
        naming nothing, to the newest earlier change of that title.

        ``landed_by`` is the first-parent commit that landed the record. A note
        git cannot resolve keeps its sha for the store to match; a note whose
        target is in the record's own change (a branch that undid its own commit) is
        dropped. A merge no code host wrote lands each commit as a change of its own
        (a maintenance branch merged forward), so a revert in it of another of its commits
        is a revert of that change.
        """
        unresolved: str | None = None
        # A sha says exactly what was undone; a number may name a request never merged as
        # such (pushed, or rebased without its number): shas first.
        for note in sorted(notes, key=lambda n: n.request is not None):
            if note.request is not None:
                if not self._ours(note.project):
                    continue
                return replace(
                    record,
                    is_revert=True,
                    reverts_key=str(ChangeKey.pull(self.repository, note.request)),
                    reverts_sha=None,
                )
            assert note.sha is not None
            full = self.full_sha(note.sha)
            if full is None:
                unresolved = unresolved or note.sha
                continue
            # The record's own change: undone before it landed, no revert of anything.
            key = self.key_of(full, landed_by)
            if key is not None and key != record.key:
                return replace(record, is_revert=True, reverts_key=key, reverts_sha=None)
        if record.head_branch and (match := _REVERT_BRANCH.match(record.head_branch)):
            return replace(
                record,
                is_revert=True,
                reverts_key=str(ChangeKey.pull(self.repository, int(match.group("number")))),
                reverts_sha=None,
            )
        # Also when its sha is none of the clone's (the commit of another branch, cherry-picked
        # here): the title names the change of this history it undid.
        if (key := self._by_title(record, landed_by)) is not None:
            return replace(record, is_revert=True, reverts_key=key, reverts_sha=None)
        return replace(
            record, reverts_sha=unresolved, is_revert=record.is_revert or bool(unresolved)
        )
