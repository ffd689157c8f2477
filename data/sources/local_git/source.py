"""The local clone's sync: its changes in batches after the saved commit, then its deploy tags.

It keeps two cursors in one repository's scope, each handed to
``run.checkpoint`` with the records it covers: ``git`` (the last commit of the
first-parent chain mined) and ``git-tags`` (the time of the newest deploy tag
read). They are two positions in two orders that move and are lost apart: a
rewritten branch loses the commit, and only the commits are mined again, while
a tag may point at a commit mined long before it was made. One cursor holding
both would also change what every existing store keeps (its ``git-tags`` row
would be left behind and every tag read again), so the two stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import structlog

from data.config import AgentsConfig, OrgConfig, RepositoryConfig
from data.handoff import Cursor, Handoff
from data.source_values import SourceChange, SourcePerson
from data.sources.local_git.carriers import release_carriers
from data.sources.local_git.codeowners import CloneCodeowners
from data.sources.local_git.commits import branch_facts, commit_record, revert_notes
from data.sources.local_git.file_lengths import FileLengths
from data.sources.local_git.generated import GeneratedFiles
from data.sources.local_git.git_command import cut_commits
from data.sources.local_git.gitlog import (
    MinedCommit,
    branch_ref,
    check_repository,
    mine_chain,
    mine_commits,
    run_git,
)
from data.sources.local_git.line_merges import line_merges
from data.sources.local_git.manifests import with_dependency_edits
from data.sources.local_git.merges import landed_commits
from data.sources.local_git.pick_records import PickedChanges
from data.sources.local_git.reverts import RevertTargets
from data.sources.local_git.tags import off_branch_tips, tag_deploys
from scoring.change_key import ChangeKey
from scoring.errors import SourceError

__all__ = ["LocalGitSource"]

log = structlog.get_logger(__name__)


class LocalGitSource:
    """``riskbrief sync --git PATH``, and every ``[[repositories]]`` entry with a ``path``."""

    def __init__(
        self,
        path: Path,
        repository: str,
        *,
        branch: str | None = None,
        deploy_tags: str | None = None,
        batch: int = 500,
        agents: AgentsConfig | None = None,
    ) -> None:
        self.path = path
        self.repository = repository
        self.branch = branch
        self.deploy_tags = deploy_tags
        self.batch = batch
        self.agents = agents or AgentsConfig()

    @classmethod
    def from_config(cls, repo: RepositoryConfig, org: OrgConfig) -> LocalGitSource:
        """The source of a configured repository with a local ``path``."""
        assert repo.path is not None
        git = org.sources.git
        return cls(
            Path(repo.path).expanduser(),
            repo.name,
            branch=git.branch or repo.default_branch,
            deploy_tags=git.deploy_tags,
            agents=org.agents,
        )

    @property
    def name(self) -> str:
        """``git <repository>``."""
        return f"git {self.repository}"

    def _rev(self) -> str:
        if not self.path.is_dir():
            raise SourceError(
                f"{self.path} is not a directory; pass the path of a local git clone."
            )
        if self.branch is None:
            return "HEAD"
        ref = branch_ref(self.path, self.branch)
        if ref is not None:
            return ref
        # A clone whose default branch has another name: mine what is checked out.
        log.info("git_branch_missing", repository=self.repository, branch=self.branch)
        return "HEAD"

    def _known(self, sha: str | None) -> str | None:
        if sha is None:
            return None
        probe = run_git(self.path, "cat-file", "-e", f"{sha}^{{commit}}", check=False)
        if probe.returncode != 0:
            # History rewritten or garbage-collected: mine it all again; upserts make that safe.
            log.warning("git_cursor_lost", repository=self.repository, sha=sha)
            return None
        return sha

    def _record(
        self,
        landed: MinedCommit,
        chain: MinedCommit,
        owners: CloneCodeowners,
        reverts: RevertTargets,
        generated: GeneratedFiles,
        lengths: FileLengths,
    ) -> SourceChange:
        """The change ``landed`` is, landed on the branch by ``chain`` (itself or a merge)."""
        branch = branch_facts(self.path, landed, self.agents)
        record = commit_record(lengths.before(landed), self.repository, branch, self.agents)
        files = generated.files(landed.sha, owners.files(record.files), lengths)
        record = replace(record, files=with_dependency_edits(self.path, landed.sha, files))
        if landed is not chain:
            # It reached the branch when the merge did, whenever it was written.
            record = replace(
                record,
                merged_at=chain.change.merged_at,
                merged_utc_offset=chain.change.merged_utc_offset,
            )
        notes = revert_notes(landed.change.title, landed.body)
        if branch is not None:
            notes += branch.reverts
        # Whether it reverts something is decided by ``link``; a revert title stays a revert.
        own = landed.change.is_revert or record.title.startswith('Revert "')
        return reverts.link(replace(record, is_revert=own, reverts_sha=None), notes, chain.sha)

    def _merged(
        self,
        commit: MinedCommit,
        records: list[SourceChange],
        reverts: RevertTargets,
        claimed: Mapping[str, str],
    ) -> list[SourceChange]:
        """``records``, what ``commit`` landed; where it is a merge opened into its commits,
        each commit it brought in that is the same patch as a commit of its first parent's
        line, or as an earlier one it brought in beside it, stored as a pick of that: a
        maintenance branch merged forward brings its backports of the branch's own fixes,
        each that fix and not a second one."""
        if len(commit.parents) < 2 or all(r.sha == commit.sha for r in records):
            return records
        picked = PickedChanges(self.path, self.repository, reverts)
        return picked.twins(picked.mark(records, commit.parents[0], claimed=claimed))

    def _off_branch(
        self,
        run: Handoff,
        rev: str,
        seen: datetime | None,
        reverts: RevertTargets,
        generated: GeneratedFiles,
        claimed: dict[str, str],
        carriers: frozenset[str],
        lengths: FileLengths,
    ) -> None:
        """The commits of release tags (made after ``seen``) that the branch does not reach, as
        changes: a maintenance branch's own fixes, which its releases ship.

        Each tag's first-parent chain is read down to the branch (and to the tags read
        before it), as the branch's is; merges on it open what they brought in, never the
        branch's own work. A commit landed on the branch later (a maintenance branch merged
        forward) is read again then, at that merge's time.
        """
        assert self.deploy_tags is not None
        hidden = [rev]
        # Each commit of the lines read so far by the key it is counted under (a pick's: its
        # original's): a fix picked onto two maintenance lines from one of them (Ansible's
        # backports from ``stable-2`` to ``stable-1``) is the change read first.
        off_keys: dict[str, str] = {}
        batch: list[SourceChange] = []
        for tip in off_branch_tips(self.path, rev, self.deploy_tags, seen):
            owners: CloneCodeowners | None = None
            records: list[SourceChange] = []
            for commit in mine_chain(self.path, self.repository, tip, hidden):
                if owners is None:
                    owners = CloneCodeowners(self.path, commit.parent)
                owners.follow(commit)
                merged: list[SourceChange] = []
                for landed in landed_commits(self.path, self.repository, commit, (rev,), carriers):
                    if landed.cut:
                        continue
                    record = self._record(landed, commit, owners, reverts, generated, lengths)
                    merged.append(_off_branch_key(record, landed))
                # A merge on the line itself (a ``git pull`` of a rebased branch) can bring a
                # second copy of a commit the line holds: OpenZeppelin's ``zos-release``, 2018.
                records.extend(self._merged(commit, merged, reverts, claimed))
            # A backport of the branch's fix (or a release commit made on both) is that fix.
            records = PickedChanges(self.path, self.repository, reverts).mark(
                records, rev, hidden[1:], off_keys, claimed
            )
            records = [_own_key(record, claimed) for record in records]
            for record in records:
                if record.sha is not None:
                    off_keys[record.sha] = record.picked_from_key or record.key
            batch.extend(records)
            hidden.append(tip)
            if len(batch) >= self.batch:
                run.checkpoint("git-tags", self.repository, changes=batch)
                run.progress.advance(self.name, len(batch), "commits")
                batch = []
        if batch:
            run.checkpoint("git-tags", self.repository, changes=batch)
            run.progress.advance(self.name, len(batch), "commits")

    def _cut(self, run: Handoff) -> tuple[frozenset[str], frozenset[str]]:
        """The clone's commits whose parents are cut off (none unless it is shallow), and
        those an earlier sync found cut whose history has since been fetched.

        The cut commits are saved (cursor ``git-cut``) before any is passed over, so a sync
        after ``git fetch --unshallow`` (or ``--deepen``) knows to mine the clone again from
        its start: the commits before the old cut, and the cut ones, were never read. The
        fetched ones leave the cursor only once that sync is done (``_uncut``). The cursor
        is saved on every sync while it holds a commit, so its age is the sync's.
        """
        cut = cut_commits(self.path)
        saved = frozenset((run.cursor("git-cut", self.repository).cursor or "").split())
        # A saved commit whose parent the clone now has: the history behind it was fetched.
        regained = frozenset(
            sha
            for sha in saved
            if not run_git(
                self.path, "rev-parse", "--verify", "-q", f"{sha}^", check=False
            ).returncode
        )
        if cut | saved:
            run.save_cursor("git-cut", self.repository, Cursor(" ".join(sorted(saved | cut))))
        return cut, regained

    def _uncut(self, run: Handoff, cut: frozenset[str], regained: frozenset[str]) -> None:
        """Once a sync is done, keep in cursor ``git-cut`` only the commits still cut off;
        none left, no cursor."""
        if not regained:
            return
        saved = frozenset((run.cursor("git-cut", self.repository).cursor or "").split())
        kept = (saved - regained) | cut
        if kept:
            run.save_cursor("git-cut", self.repository, Cursor(" ".join(sorted(kept))))
        else:
            run.drop_cursors("git-cut", [self.repository])

    def _shallow_note(self, run: Handoff, passed: int, dropped: list[str]) -> None:
        """One sentence: the clone is shallow, what was left out for it, and the fix."""
        left: list[str] = []
        if passed:
            whose = (
                "commit at the cut, whose diff is"
                if passed == 1
                else "commits at the cut, whose diffs are"
            )
            left.append(f"{passed} {whose} the whole tree, not stored as changes")
        if dropped:
            tags = ", ".join(dropped[:3]) + (" …" if len(dropped) > 3 else "")
            left.append(
                f"{len(dropped)} release {'tag' if len(dropped) == 1 else 'tags'} ({tags}) "
                "whose earlier release is cut off read as no deploy"
            )
        said = f" ({' and '.join(left)})" if left else ""
        run.note(
            f"{self.repository}: {self.path} is a shallow clone, so its history before the "
            f"cut is unknown{said}; run `git fetch --unshallow` in it (fetch-depth: 0 in CI), "
            "then sync again."
        )

    def sync(self, run: Handoff) -> None:
        """Mine commits after the saved one in batches, then deploy tags newer than the saved."""
        with FileLengths(self.path) as lengths:
            self._sync(run, lengths)

    def _sync(self, run: Handoff, lengths: FileLengths) -> None:
        scope = self.repository
        rev = self._rev()
        after = self._known(run.cursor("git", scope).cursor)
        batch: list[SourceChange] = []
        # Each author's name as git has it, stored beside the e-mail address it is keyed by,
        # so readers show "Ada Lovelace", not ada@example.com.
        people: dict[str, SourcePerson] = {}
        last: str | None = None
        generated = GeneratedFiles(self.path, rev)
        claimed: dict[str, str] = {}
        # Checked first: a folder that is no clone gets that one sentence, not a git error.
        known = check_repository(self.path, rev)
        cut, regained = self._cut(run) if known else (frozenset(), frozenset())
        if regained:
            # The history before the old cut was fetched: read it all; upserts make that safe.
            log.info("git_history_fetched", repository=self.repository)
            after = None
        owners = CloneCodeowners(self.path, after)
        carriers = (
            release_carriers(self.path, rev, self.deploy_tags)
            if self.deploy_tags and known
            else frozenset()
        )
        if known:
            # A pull request that merged a whole line brings that line's requests: each its own.
            carriers |= line_merges(self.path, rev, after)
        # A change these merges landed is keyed as what they brought, never as the merge.
        reverts = RevertTargets(self.path, self.repository, carriers)
        passed = 0
        for commit in mine_commits(self.path, rev, after=after, first_parent=True, shallow=True):
            owners.follow(commit)
            records: list[SourceChange] = []
            for landed in landed_commits(self.path, self.repository, commit, (), carriers):
                if landed.cut:
                    # No one made its whole tree then: no change to store or score.
                    passed += 1
                    continue
                record = self._record(landed, commit, owners, reverts, generated, lengths)
                records.append(record)
                if landed.author_name.strip() and record.author:
                    people[record.author] = SourcePerson(record.author, landed.author_name.strip())
            records = self._merged(commit, records, reverts, claimed)
            batch.extend(_own_key(record, claimed) for record in records)
            last = commit.sha
            if len(batch) >= self.batch:
                run.checkpoint(
                    "git", scope, cursor=Cursor(last), names=list(people.values()), changes=batch
                )
                run.progress.advance(self.name, len(batch), "commits")
                batch = []
                people = {}
        if batch or last is not None:
            run.checkpoint(
                "git", scope, cursor=Cursor(last), names=list(people.values()), changes=batch
            )
            run.progress.advance(self.name, len(batch), "commits")
        dropped: list[str] = []
        if self.deploy_tags:
            seen = None if regained else run.cursor("git-tags", scope).watermark
            self._off_branch(run, rev, seen, reverts, generated, claimed, carriers, lengths)
            deploys = list(
                tag_deploys(
                    self.path,
                    self.repository,
                    run.org,
                    self.deploy_tags,
                    seen,
                    cut=cut,
                    dropped=dropped,
                )
            )
            newest = max((d.finished_at for d in deploys), default=seen)
            run.checkpoint("git-tags", scope, cursor=Cursor(watermark=newest), deploys=deploys)
            run.progress.advance(self.name, len(deploys), "deploys")
        self._uncut(run, cut, regained)
        if cut:
            self._shallow_note(run, passed, dropped)


def _off_branch_key(record: SourceChange, landed: MinedCommit) -> SourceChange:
    """``record``, a commit of a maintenance branch, keyed by its sha when only its subject
    names a pull request (``Fix (#7)``): such a commit is mostly a backport of #7, which
    landed on the branch under that key."""
    if record.number is None or len(landed.parents) > 1 or record.sha is None:
        return record
    return replace(record, key=str(ChangeKey.commit(record.repository, record.sha)))


def _own_key(record: SourceChange, claimed: dict[str, str]) -> SourceChange:
    """``record`` under a key no other commit of this sync holds.

    A pull request's number is not unique in a clone's history: merges of a fork's own
    pull requests ("Merge pull request #1 from someone/fork", werkzeug's 2013 history)
    name numbers of another repository. The first commit keeps ``repo#N``; a later one
    is keyed by its sha, so neither overwrites the other (it still answers to ``#N``).
    """
    sha = record.sha
    if sha is None or claimed.setdefault(record.key, sha) == sha:
        return record
    return replace(record, key=str(ChangeKey.commit(record.repository, sha)))
