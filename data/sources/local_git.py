"""A local git clone as a source: what landed on its branch as changes, release tags as deploys.

No token is needed. The branch's first-parent history is streamed from one
``git log`` (``data.sources.gitlog``), so a history of any length is read in
bounded memory and checkpointed every ``batch`` commits: a crash or Ctrl-C
loses at most one batch, and the next sync resumes after the last saved commit.

- A merge on the branch is one change, diffed against its first parent; when
  its subject is GitHub's ``Merge pull request #123 from owner/branch`` it is
  keyed as that pull request (``owner/repo#123``), the key the GitHub source
  uses, so the two sources never count one PR twice.
- Any other commit is a change keyed ``<repository>@<12-hex sha>``.
- ``This reverts commit <sha>`` links a revert to what it reverts.
- A tag matching ``[sources.git] deploy_tags`` is a successful production
  deploy of every service whose files changed since the previous such tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog

from data.config import AgentsConfig, OrgConfig, RepositoryConfig
from data.sources.github.codeowners import CODEOWNERS_LOCATIONS, CodeownersHistory
from data.sources.gitlog import MinedCommit, branch_ref, mine_commits, reverted_sha, run_git
from data.sources.records import ChangeRecord, DeployRecord, FileRecord
from data.sync import Cursor, SyncRun
from scoring.authorship import AuthorKind, agent_in_message
from scoring.errors import SourceError

__all__ = [
    "BranchFacts",
    "LocalGitSource",
    "TagDeploy",
    "branch_facts",
    "clone_codeowners",
    "commit_record",
    "is_pull_request_merge",
    "tag_deploys",
]

log = structlog.get_logger(__name__)

_MERGE_PR = re.compile(r"^Merge pull request #(?P<number>\d+) from (?P<head>\S+)")
# GitLab's merge commit: "Merge branch 'x' into 'main'" with "See merge request group/p!12".
_MERGE_REQUEST = re.compile(r"^See merge request \S*!(?P<number>\d+)\s*$", re.MULTILINE)
_GITLAB_BRANCH = re.compile(r"^Merge branch '(?P<head>[^']+)'")
_TRAILER = re.compile(r"^Co-authored-by:\s*(?P<value>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_HOTFIX = re.compile(r"\bhot-?fix(es)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BranchFacts:
    """What a merge brought in: who wrote its commits, who they credit, and what they revert."""

    author: str
    co_authors: tuple[str, ...]
    # The agent any of the commits was made by or credits, when one was.
    agent: str | None = None
    # The first commit's author is a bot (Dependabot, Renovate, …).
    bot: bool = False
    # "This reverts commit <sha>" in a merged commit: a revert PR merged with a merge commit.
    reverts: str | None = None


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
    reverts: str | None = None
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
        reverts = reverted_sha(subject, body) or reverts
    if not authors:
        return None
    # git log lists newest first: the branch's first commit names who opened it.
    name, email = authors[-1]
    return BranchFacts(
        email,
        tuple(dict.fromkeys(trailers)),
        agent,
        agents.kind_of(name, email) is AuthorKind.BOT,
        reverts,
    )


def clone_codeowners(path: Path, rev: str) -> CodeownersHistory:
    """Every version of the clone's CODEOWNERS files on its branch, to ask owners as of a time.

    Only the commits that touched one of GitHub's three locations are read, so
    a long history costs one ``git log`` and a ``git show`` per version.
    """
    done = run_git(
        path,
        "log",
        "--first-parent",
        "--format=%H%x00%ct",
        rev,
        "--",
        *CODEOWNERS_LOCATIONS,
        check=False,
    )
    texts: dict[str, list[tuple[datetime, str, str | None]]] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        sha, _, stamp = line.partition("\0")
        if not stamp:
            continue
        at = datetime.fromtimestamp(int(stamp), tz=UTC)
        for location in CODEOWNERS_LOCATIONS:
            shown = run_git(path, "show", f"{sha}:{location}", check=False)
            text = shown.stdout.decode("utf-8", "replace") if shown.returncode == 0 else None
            texts.setdefault(location, []).append((at, sha, text))
    return CodeownersHistory.from_texts(texts)


def commit_record(
    commit: MinedCommit,
    repository: str,
    branch: BranchFacts | None = None,
    agents: AgentsConfig | None = None,
    owners: CodeownersHistory | None = None,
) -> ChangeRecord:
    """The change a mined commit is, keyed as the PR it merged when its subject says so.

    ``branch`` (for a merge) gives the author and co-authors of the merged
    commits, who wrote the change rather than merged it; ``owners`` the
    clone's CODEOWNERS history, which gives each file its owners as of the merge.
    """
    agents = agents or AgentsConfig()
    c = commit.change
    number: int | None = None
    head: str | None = None
    title = c.title
    merge = _merge_request(commit)
    if merge is not None:
        number, head = merge
        # GitHub puts the PR's title on the merge commit's first body line.
        if _MERGE_PR.match(c.title) and commit.body.strip():
            title = commit.body.strip().splitlines()[0]
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
        reverts = reverts or branch.reverts
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
        files=tuple(
            FileRecord(
                f.path,
                f.added,
                f.deleted,
                owners=owners.owners_of(f.path, c.merged_at) if owners is not None else None,
            )
            for f in c.files
        ),
        co_authors=co_authors,
        is_revert=c.is_revert or reverts is not None or title.startswith('Revert "'),
        is_hotfix=c.is_hotfix or bool(head and _HOTFIX.search(head)),
        reverts_sha=reverts,
        author_is_bot=bot,
        made_by_agent=agent is not None,
        reviews_known=False,
    )


def _merge_request(commit: MinedCommit) -> tuple[int, str | None] | None:
    """The PR (GitHub) or merge request (GitLab) number a merge commit lands, and its branch."""
    if len(commit.parents) < 2:
        return None
    github = _MERGE_PR.match(commit.change.title)
    if github:
        return int(github.group("number")), github.group("head").split("/", 1)[-1]
    gitlab = _MERGE_REQUEST.search(commit.body)
    if gitlab:
        branch = _GITLAB_BRANCH.match(commit.change.title)
        return int(gitlab.group("number")), branch.group("head") if branch else None
    return None


def is_pull_request_merge(commit: MinedCommit) -> bool:
    """True for a merge commit that lands a pull or merge request; False for back-merges."""
    return _merge_request(commit) is not None


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
        self._owners: CodeownersHistory | None = None

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

    def _records(self, commit: MinedCommit) -> list[ChangeRecord]:
        """The changes one first-parent commit landed.

        A pull or merge request's merge is one change. A back-merge or
        forward-port ("Merge branch 'release' into main", "Merge remote-tracking
        branch …") is not one giant change: the commits it brought onto the
        branch are changes of their own, as if they had landed one by one.
        """
        owners = self._owners
        if len(commit.parents) < 2 or is_pull_request_merge(commit):
            branch = branch_facts(self.path, commit, self.agents)
            return [commit_record(commit, self.repository, branch, self.agents, owners)]
        merged = mine_commits(self.path, commit.parents[1], after=commit.parents[0])
        return [commit_record(c, self.repository, None, self.agents, owners) for c in merged]

    def sync(self, run: SyncRun) -> None:
        """Mine commits after the saved one in batches, then deploy tags newer than the saved."""
        scope = self.repository
        rev = self._rev()
        after = self._known(run.cursor("git", scope).cursor)
        history = clone_codeowners(self.path, rev)
        self._owners = history if history.versions else None
        batch: list[ChangeRecord] = []
        last: str | None = None
        for commit in mine_commits(self.path, rev, after=after, first_parent=True):
            batch.extend(self._records(commit))
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
