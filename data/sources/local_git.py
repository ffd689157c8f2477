"""A local git clone as a source: what landed on its branch as changes, release tags as deploys.

No token is needed. The branch's first-parent history is streamed from one
``git log`` (``data.sources.gitlog``), so a history of any length is read in
bounded memory and checkpointed every ``batch`` commits: a crash or Ctrl-C
loses at most one batch, and the next sync resumes after the last saved commit.

- A merge a code host wrote for a pull or merge request is one change, diffed
  against its first parent and keyed as that request (``owner/repo#123``, the
  key the GitHub source uses, so the two sources never count one PR twice):
  GitHub's ``Merge pull request #123 from owner/branch``, GitLab's ``Merge
  branch 'x' into 'main'`` with ``See merge request group/proj!123``,
  Bitbucket's and Azure DevOps' own wordings (``pull_request_of``).
- Any other merge (a back-merge or forward-port such as ``Merge branch
  'release-2' into main``, ``Merge remote-tracking branch ...``, ``Merge tag
  ...``, a ``git pull`` merge) is no change of its own: its diff repeats work
  done elsewhere, and scoring it as one would make a giant change by whoever
  merged. The commits it brought in are changes instead, each as it was
  written (a request merged on the other branch stays that request), landed
  when the merge landed; its own conflict resolutions are not counted.
- Any other commit is a change keyed ``<repository>@<12-hex sha>``.
- A revert is linked to the change that landed what it reverts: ``This
  reverts commit X`` in the commit itself (squash, rebase, ``git revert``,
  also ``X, reversing changes made to Y`` for a reverted merge) or in any
  commit a request merged (GitHub's Revert button merged with a merge
  commit), GitLab's ``This reverts merge request !N``, or GitHub's
  ``revert-N-...`` branch name. When X was a commit inside a merged request,
  the request is what was reverted. A revert of something that landed
  together with it (a branch undoing its own commit) reverts nothing that
  landed.
- CODEOWNERS is read from the clone as it stood at each commit of the branch
  (``.github/CODEOWNERS``, ``CODEOWNERS``, ``docs/CODEOWNERS``: the first that
  exists, by GitHub's rules in ``data.codeowners``), re-read only when a
  commit touches one of those paths. Each file of a change then carries its
  owners (empty when no rule covers it), or ``None`` while no CODEOWNERS exists.
- A tag matching ``[sources.git] deploy_tags`` is a successful production
  deploy of every service whose files changed since the previous such tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import structlog

from data.codeowners import CODEOWNERS_LOCATIONS, CodeOwners, parse_codeowners
from data.config import AgentsConfig, OrgConfig, RepositoryConfig
from data.sources.gitlog import (
    MinedCommit,
    branch_ref,
    merged_commits,
    mine_commits,
    reverted_request,
    reverted_sha,
    run_git,
)
from data.sources.records import ChangeRecord, DeployRecord, FileRecord
from data.sync import Cursor, SyncRun
from scoring.authorship import AuthorKind, agent_in_message
from scoring.errors import SourceError

__all__ = [
    "BranchFacts",
    "CloneCodeowners",
    "LocalGitSource",
    "PullRequestMerge",
    "RevertNote",
    "RevertTargets",
    "TagDeploy",
    "branch_facts",
    "commit_record",
    "is_pull_request_merge",
    "landed_commits",
    "pull_request_of",
    "revert_notes",
    "tag_deploys",
]

log = structlog.get_logger(__name__)

# The merge commits code hosts write when they merge a pull (merge) request; the
# subject or body names its number and usually its branch.
_PR_MERGES: tuple[re.Pattern[str], ...] = (
    # GitHub, "About merge methods on GitHub": "Merge pull request #N from owner/branch".
    re.compile(r"^Merge pull request #(?P<number>\d+) from (?:[^/\s]+/)?(?P<head>\S+)"),
    # Bitbucket Data Center: "Merge pull request #N in PROJ/repo from branch to main".
    re.compile(r"^Merge pull request #(?P<number>\d+) in \S+ from (?P<head>\S+) to \S+"),
    # Bitbucket Cloud: "Merged in branch (pull request #N)".
    re.compile(r"^Merged in (?P<head>\S+) \(pull request #(?P<number>\d+)\)"),
    # Azure Repos: "Merged PR N: title".
    re.compile(r"^Merged PR (?P<number>\d+): (?P<title>.+)"),
)
# GitLab's default merge commit template ("Commit templates" in GitLab's docs):
# "Merge branch 'x' into 'main'", the title, and "See merge request group/proj!N".
_GITLAB_MERGE = re.compile(r"^Merge branch '(?P<head>[^']+)' into '[^']+'")
_GITLAB_REQUEST = re.compile(r"^See merge request (?:\S*)!(?P<number>\d+)\s*$", re.MULTILINE)
# GitHub's Revert button opens its PR from "revert-<reverted PR number>-<branch>".
_REVERT_BRANCH = re.compile(r"^revert-(?P<number>\d+)-")
_LOCATIONS = frozenset(CODEOWNERS_LOCATIONS)
# Paths whose owners are remembered under one CODEOWNERS version, at most.
_OWNER_CACHE = 50_000
_TRAILER = re.compile(r"^Co-authored-by:\s*(?P<value>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_HOTFIX = re.compile(r"\bhot-?fix(es)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PullRequestMerge:
    """What a code host's merge commit says of the request it merged."""

    number: int
    head: str | None
    title: str | None


def pull_request_of(parents: tuple[str, ...], subject: str, body: str) -> PullRequestMerge | None:
    """The pull or merge request a merge commit merged, by the host's wording; ``None`` for
    a commit with one parent and for a merge no code host wrote (a back-merge, a pull)."""
    if len(parents) < 2:
        return None
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    # GitHub, GitLab and Bitbucket Cloud put the request's title on the body's first line.
    first = lines[0] if lines and not lines[0].startswith("See merge request") else None
    for pattern in _PR_MERGES:
        match = pattern.match(subject)
        if match:
            groups = match.groupdict()
            return PullRequestMerge(
                int(match.group("number")), groups.get("head"), groups.get("title") or first
            )
    request = _GITLAB_REQUEST.search(body)
    merge = _GITLAB_MERGE.match(subject)
    if request and merge:
        return PullRequestMerge(int(request.group("number")), merge.group("head"), first)
    return None


def landed_commits(
    path: Path, repository: str, commit: MinedCommit, landed: tuple[str, ...] = ()
) -> Iterator[MinedCommit]:
    """The changes a commit of the branch's first-parent chain landed: itself, unless it is
    a merge no code host wrote, whose merged commits are opened in turn.

    ``landed`` are the first parents of the merges that brought ``commit`` in: what
    they reach is on the branch already and is never landed twice.
    """
    if len(commit.parents) < 2 or pull_request_of(commit.parents, commit.change.title, commit.body):
        yield commit
        return
    for merged in merged_commits(path, repository, commit, landed=landed):
        yield from landed_commits(path, repository, merged, (*landed, commit.parents[0]))


@dataclass(frozen=True, slots=True)
class RevertNote:
    """What one commit message says it reverts: a sha as written, or a GitLab request number."""

    sha: str | None = None
    request: int | None = None
    # The project path GitLab wrote before ``!N`` ("" for this project).
    project: str = ""


def revert_notes(subject: str, body: str) -> list[RevertNote]:
    """What one commit message says it reverts: ``This reverts commit X`` and GitLab's ``!N``."""
    notes = []
    if (sha := reverted_sha(subject, body)) is not None:
        notes.append(RevertNote(sha=sha))
    if (request := reverted_request(body)) is not None:
        notes.append(RevertNote(request=request[1], project=request[0]))
    return notes


@dataclass(frozen=True, slots=True)
class BranchFacts:
    """What a merge brought in: who wrote its commits, who they credit, and what they revert."""

    author: str
    co_authors: tuple[str, ...]
    # The agent any of the commits was made by or credits, when one was.
    agent: str | None = None
    # The first commit's author is a bot (Dependabot, Renovate, …).
    bot: bool = False
    # What the merged commits say they revert, oldest first: a revert PR merged with a
    # merge commit carries "This reverts commit <sha>" there, not in the merge's message.
    reverts: tuple[RevertNote, ...] = ()


def _identity_agent(agents: AgentsConfig, name: str, email: str, message: str) -> str | None:
    """The agent that made a commit (as author or committer) or that its message credits."""
    if agents.kind_of(name, email) is AuthorKind.AGENT:
        return name or email
    return agent_in_message(message, agents.logins)


def branch_facts(
    path: Path, commit: MinedCommit, agents: AgentsConfig | None = None
) -> BranchFacts | None:
    """The author, trailers, agent, bot and revert of the commits a merge brought in."""
    if len(commit.parents) < 2:
        return None
    done = run_git(
        path,
        "log",
        "--no-merges",
        "--format=%x1e%an%x00%ae%x00%cn%x00%ce%x00%B",
        f"{commit.parents[0]}..{commit.parents[1]}",
        check=False,
    )
    if done.returncode != 0:
        return None
    agents = agents or AgentsConfig()
    authors: list[tuple[str, str]] = []
    trailers: list[str] = []
    agent: str | None = None
    reverts: list[RevertNote] = []
    for entry in done.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        name, email, c_name, c_email, message = [*entry.split("\0", 4), "", "", "", ""][:5]
        authors.append((name.strip(), email.strip().lower()))
        trailers.extend(m.group("value") for m in _TRAILER.finditer(message))
        agent = (
            agent
            or _identity_agent(agents, name, email, message)
            or _identity_agent(agents, c_name, c_email, "")
        )
        subject, _, body = message.partition("\n")
        # git log lists newest first: prepend to keep the branch's order.
        reverts[:0] = revert_notes(subject, body)
    if not authors:
        return None
    # git log lists newest first: the branch's first commit names who opened it.
    name, email = authors[-1]
    return BranchFacts(
        email,
        tuple(dict.fromkeys(trailers)),
        agent,
        agents.kind_of(name, email) is AuthorKind.BOT,
        tuple(reverts),
    )


def commit_record(
    commit: MinedCommit,
    repository: str,
    branch: BranchFacts | None = None,
    agents: AgentsConfig | None = None,
) -> ChangeRecord:
    """The change a mined commit is, keyed as the request it merged when its message says so.

    ``branch`` (for a merge) gives the author and co-authors of the merged
    commits, who wrote the change rather than merged it. The revert is the sha
    the commit's own message names, else the first a merged commit names
    (``RevertTargets.link`` resolves it to the change that landed it).
    """
    agents = agents or AgentsConfig()
    c = commit.change
    number: int | None = None
    head: str | None = None
    title = c.title
    merge = pull_request_of(commit.parents, c.title, commit.body)
    if merge is not None:
        number, head = merge.number, merge.head
        title = merge.title or c.title
    key = f"{repository}#{number}" if number is not None else f"{repository}@{commit.sha[:12]}"
    co_authors = tuple(m.group("value") for m in _TRAILER.finditer(commit.body))
    author = c.author
    merged_by: str | None = None
    agent = _identity_agent(agents, commit.author_name, c.author, f"{c.title}\n{commit.body}")
    bot = agents.kind_of(commit.author_name, c.author) is AuthorKind.BOT
    reverts = commit.reverts
    if branch is not None:
        merged_by, author = c.author, branch.author
        co_authors = tuple(dict.fromkeys(co_authors + branch.co_authors))
        agent = agent or branch.agent
        bot = branch.bot
        reverts = reverts or next((n.sha for n in branch.reverts if n.sha), None)
    return ChangeRecord(
        key=key,
        repository=repository,
        author=author,
        merged_by=merged_by,
        merged_at=c.merged_at,
        title=title,
        number=number,
        sha=commit.sha,
        body=commit.body or None,
        head_branch=head,
        files=tuple(FileRecord(f.path, f.added, f.deleted) for f in c.files),
        co_authors=co_authors,
        is_revert=c.is_revert or reverts is not None or title.startswith('Revert "'),
        is_hotfix=c.is_hotfix or bool(head and _HOTFIX.search(head)),
        reverts_sha=reverts,
        author_is_bot=bot,
        made_by_agent=agent is not None,
        reviews_known=False,
    )


def is_pull_request_merge(commit: MinedCommit) -> bool:
    """True for a merge commit that lands a pull or merge request; False for back-merges."""
    return pull_request_of(commit.parents, commit.change.title, commit.body) is not None


class RevertTargets:
    """Which change landed a reverted commit on the branch, asked of the clone.

    The change is the commit itself when it is on the branch's first-parent
    chain, the request whose merge brought it in, or, inside a merge no code
    host wrote (which is no change of its own), the change it is there.
    """

    def __init__(self, path: Path, repository: str) -> None:
        self.path = path
        self.repository = repository

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
        done = run_git(self.path, "merge-base", "--is-ancestor", ancestor, tip, check=False)
        return done.returncode == 0

    def landing(self, target: str, tip: str) -> str | None:
        """The commit of ``tip``'s first-parent chain that brought ``target`` (a full sha) in."""
        if target == tip:
            return tip
        if not self._contains(target, tip):
            return None
        chain = self._git("rev-list", "--first-parent", "--parents", f"^{target}", tip) or ""
        rows = [line.split() for line in chain.splitlines() if line]
        if not rows:
            return None
        if rows[-1][1:2] == [target]:
            return target  # on the chain: its child's first parent
        descendants = set(
            (self._git("rev-list", "--ancestry-path", f"^{target}", tip) or "").split()
        )
        # Descent from the target is monotone along the chain: the oldest such commit merged it.
        return next((row[0] for row in reversed(rows) if row[0] in descendants), None)

    def key_of(self, target: str, tip: str) -> str | None:
        """The key of the change that landed ``target`` on ``tip``'s first-parent chain."""
        landed = self.landing(target, tip)
        if landed is None:
            return None
        shown = self._git("log", "-1", "--format=%P%x00%s%x00%b", landed)
        if shown is None:
            return None
        parents_text, subject, body = [*shown.split("\0"), "", ""][:3]
        parents = tuple(parents_text.split())
        if len(parents) < 2:
            return f"{self.repository}@{landed[:12]}"
        request = pull_request_of(parents, subject, body)
        if request is not None:
            return f"{self.repository}#{request.number}"
        if landed == target:
            return None  # a merge no code host wrote is no change of its own
        for parent in parents[1:]:
            if self._contains(target, parent):
                return self.key_of(target, parent)
        return None

    def _ours(self, project: str) -> bool:
        """GitLab's ``!N`` of this project, or of a path ending in this repository's name."""
        return not project or project.rsplit("/", 1)[-1] == self.repository.rsplit("/", 1)[-1]

    def link(self, record: ChangeRecord, notes: list[RevertNote], landed_by: str) -> ChangeRecord:
        """``record`` linked to the first change its revert notes name that landed before it.

        ``landed_by`` is the first-parent commit that landed the record. A note
        git cannot resolve keeps its sha for the store to match; a note whose
        target landed with the revert itself is dropped.
        """
        unresolved: str | None = None
        for note in notes:
            if note.request is not None:
                if not self._ours(note.project):
                    continue
                return replace(
                    record,
                    is_revert=True,
                    reverts_key=f"{self.repository}#{note.request}",
                    reverts_sha=None,
                )
            assert note.sha is not None
            full = self.full_sha(note.sha)
            if full is None:
                unresolved = unresolved or note.sha
                continue
            if self.landing(full, landed_by) == landed_by:
                continue  # undone before it landed: no revert of anything on the branch
            key = self.key_of(full, landed_by)
            if key is not None and key != record.key:
                return replace(record, is_revert=True, reverts_key=key, reverts_sha=None)
        if record.head_branch and (match := _REVERT_BRANCH.match(record.head_branch)):
            return replace(
                record,
                is_revert=True,
                reverts_key=f"{self.repository}#{match.group('number')}",
                reverts_sha=None,
            )
        return replace(
            record, reverts_sha=unresolved, is_revert=record.is_revert or bool(unresolved)
        )


class CloneCodeowners:
    """The CODEOWNERS in force along the branch, read from the clone's blobs.

    Follows the first-parent chain commit by commit and re-reads the three
    locations only when a commit touched one of them (added, changed, deleted,
    renamed to or from), so a long history costs a git call per CODEOWNERS change.
    """

    def __init__(self, path: Path, at: str | None = None) -> None:
        self.path = path
        self._blobs: dict[str, str] = {}
        self._parsed: dict[str, CodeOwners] = {}
        self._in_force: CodeOwners | None = None
        self._owners: dict[str, tuple[str, ...]] = {}
        if at is not None:
            self._read(at)

    def follow(self, commit: MinedCommit) -> None:
        """Take in a commit of the chain: re-read CODEOWNERS when it touched one."""
        if any(f.path in _LOCATIONS for f in commit.change.files) or any(
            p in _LOCATIONS for p in commit.old_paths
        ):
            self._read(commit.sha)

    def _read(self, sha: str) -> None:
        listed = run_git(self.path, "ls-tree", "-z", sha, "--", *CODEOWNERS_LOCATIONS)
        blobs: dict[str, str] = {}
        for entry in listed.stdout.decode("utf-8", "replace").split("\0"):
            meta, _, location = entry.partition("\t")
            fields = meta.split()
            # A regular file only: GitHub does not follow a symlink or read a folder.
            if len(fields) == 3 and fields[1] == "blob" and fields[0].startswith("1006"):
                blobs[location] = fields[2]
        for location, blob in blobs.items():
            if self._blobs.get(location) != blob:
                text = run_git(self.path, "cat-file", "blob", blob).stdout
                parsed = parse_codeowners(text.decode("utf-8", "replace"))
                if parsed.errors:
                    log.info(
                        "git_codeowners_lines_skipped", location=location, errors=parsed.errors
                    )
                self._parsed[location] = parsed
        self._blobs = blobs
        self._parsed = {k: v for k, v in self._parsed.items() if k in blobs}
        self._in_force = next(
            (self._parsed[loc] for loc in CODEOWNERS_LOCATIONS if loc in self._parsed), None
        )
        self._owners.clear()

    def owners(self, path: str) -> tuple[str, ...] | None:
        """The owners of ``path`` now: empty when no rule covers it, ``None`` with no CODEOWNERS."""
        if self._in_force is None:
            return None
        owners = self._owners.get(path)
        if owners is None:
            if len(self._owners) >= _OWNER_CACHE:
                self._owners.clear()
            owners = self._owners[path] = self._in_force.owners(path)
        return owners

    def files(self, files: tuple[FileRecord, ...]) -> tuple[FileRecord, ...]:
        """``files`` with their owners now; unchanged (unknown) while no CODEOWNERS exists."""
        if self._in_force is None:
            return files
        return tuple(replace(f, owners=self.owners(f.path)) for f in files)


@dataclass(frozen=True, slots=True)
class TagDeploy:
    """A release tag: its name, the commit it points at and when it was made."""

    name: str
    sha: str
    at: datetime


def _tags(path: Path, pattern: str) -> list[TagDeploy]:
    """Tags matching ``pattern``, oldest first (annotated tags by tagger date)."""
    done = run_git(
        path,
        "for-each-ref",
        "refs/tags",
        "--format=%(refname:strip=2)%00%(*objectname)%00%(objectname)%00"
        "%(taggerdate:unix)%00%(committerdate:unix)%00%(*committerdate:unix)",
    )
    regex = re.compile(pattern, re.IGNORECASE)
    out: list[TagDeploy] = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        name, peeled, obj, tagged, committed, peeled_committed = (line.split("\0") + [""] * 6)[:6]
        if not regex.search(name):
            continue
        stamp = tagged or committed or peeled_committed
        if not stamp.isdigit():
            continue
        out.append(TagDeploy(name, peeled or obj, datetime.fromtimestamp(int(stamp), tz=UTC)))
    out.sort(key=lambda t: (t.at, t.name))
    return out


def tag_deploys(
    path: Path, repository: str, org: OrgConfig, pattern: str, after: datetime | None = None
) -> Iterator[DeployRecord]:
    """A deploy per service changed between consecutive matching tags (tags after ``after``)."""
    tags = _tags(path, pattern)
    previous: TagDeploy | None = None
    for tag in tags:
        if after is not None and tag.at <= after:
            previous = tag
            continue
        if previous is None:
            names = run_git(path, "ls-tree", "-r", "--name-only", "-z", tag.sha).stdout
        else:
            names = run_git(
                path, "diff", "--name-only", "-z", "--no-renames", previous.sha, tag.sha
            ).stdout
        services = {
            s
            for p in names.decode("utf-8", "replace").split("\0")
            if p and (s := org.service_for_path(repository, p))
        }
        for service in sorted(services):
            yield DeployRecord(
                key=f"git-tag:{repository}:{tag.name}:{service}",
                service=service,
                finished_at=tag.at,
                environment="production",
                sha=tag.sha,
                status="success",
                source="git-tag",
            )
        previous = tag


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
    ) -> ChangeRecord:
        """The change ``landed`` is, landed on the branch by ``chain`` (itself or a merge)."""
        branch = branch_facts(self.path, landed, self.agents)
        record = commit_record(landed, self.repository, branch, self.agents)
        record = replace(record, files=owners.files(record.files))
        if landed is not chain:
            # It reached the branch when the merge did, whenever it was written.
            record = replace(record, merged_at=chain.change.merged_at)
        notes = revert_notes(landed.change.title, landed.body)
        if branch is not None:
            notes += branch.reverts
        # Whether it reverts something is decided by ``link``; a revert title stays a revert.
        own = landed.change.is_revert or record.title.startswith('Revert "')
        return reverts.link(replace(record, is_revert=own, reverts_sha=None), notes, chain.sha)

    def sync(self, run: SyncRun) -> None:
        """Mine commits after the saved one in batches, then deploy tags newer than the saved."""
        scope = self.repository
        rev = self._rev()
        after = self._known(run.cursor("git", scope).cursor)
        batch: list[ChangeRecord] = []
        last: str | None = None
        owners = CloneCodeowners(self.path, after)
        reverts = RevertTargets(self.path, self.repository)
        for commit in mine_commits(self.path, rev, after=after, first_parent=True):
            owners.follow(commit)
            for landed in landed_commits(self.path, self.repository, commit):
                batch.append(self._record(landed, commit, owners, reverts))
            last = commit.sha
            if len(batch) >= self.batch:
                run.checkpoint("git", scope, cursor=Cursor(last), changes=batch)
                run.progress.advance(self.name, len(batch), "commits")
                batch = []
        if batch or last is not None:
            run.checkpoint("git", scope, cursor=Cursor(last), changes=batch)
            run.progress.advance(self.name, len(batch), "commits")
        if self.deploy_tags:
            seen = run.cursor("git-tags", scope).watermark
            deploys = list(tag_deploys(self.path, self.repository, run.org, self.deploy_tags, seen))
            newest = max((d.finished_at for d in deploys), default=seen)
            run.checkpoint("git-tags", scope, cursor=Cursor(watermark=newest), deploys=deploys)
            run.progress.advance(self.name, len(deploys), "deploys")
