"""A mined commit as a change: who wrote it, who it credits, what agent made it, what it reverts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from data.config import AgentsConfig
from data.source_values import SourceChange, SourceChangeFile
from data.sources.local_git.gitlog import MinedCommit, reverted_request, reverted_sha, run_git
from data.sources.local_git.merges import request_of
from data.sources.local_git.mined_commit import merged_revert_words
from scoring.authorship import AuthorKind, agent_in_message
from scoring.change_key import ChangeKey

__all__ = ["BranchFacts", "RevertNote", "branch_facts", "commit_record", "revert_notes"]

_TRAILER = re.compile(r"^Co-authored-by:\s*(?P<value>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_HOTFIX = re.compile(r"\bhot-?fix(es)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RevertNote:
    """What one commit message says it reverts: a sha as written, or a GitLab request number."""

    sha: str | None = None
    request: int | None = None
    # The project path GitLab wrote before ``!N`` ("" for this project).
    project: str = ""


def revert_notes(subject: str, body: str) -> list[RevertNote]:
    """What one commit message says it reverts: ``This reverts commit X``, GitLab's ``!N`` and
    GitHub's ``Reverts owner/repo#N`` (or ``Revert #N``)."""
    notes = []
    if (sha := reverted_sha(subject, body)) is not None:
        notes.append(RevertNote(sha=sha))
    if (request := reverted_request(body, subject)) is not None:
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
        reverts[:0] = revert_notes(subject, merged_revert_words(subject, body))
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
) -> SourceChange:
    """The change a mined commit is, keyed as the request it merged when its message says so.

    ``branch`` (for a merge) gives the author and co-authors of the merged
    commits, who wrote the change rather than merged it. The revert is the sha
    the commit's own message names, else the first a merged commit names
    (``RevertTargets.link`` resolves it to the change that landed it).
    A squash or rebase merge (``"Title (#N)"``) is keyed as its request too (the source
    keys a second commit naming the same number by its sha).
    """
    agents = agents or AgentsConfig()
    c = commit.change
    number: int | None = None
    head: str | None = None
    title = c.title
    merge = request_of(commit.parents, c.title, commit.body)
    if merge is not None:
        number, head = merge.number, merge.head
        title = merge.title or c.title
    key = str(
        ChangeKey.pull(repository, number)
        if number is not None
        else ChangeKey.commit(repository, commit.sha)
    )
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
    return SourceChange(
        key=key,
        repository=repository,
        author=author,
        merged_by=merged_by,
        merged_at=c.merged_at,
        merged_utc_offset=c.merged_utc_offset,
        title=title,
        number=number,
        sha=commit.sha,
        body=commit.body or None,
        head_branch=head,
        files=tuple(
            SourceChangeFile(
                f.path,
                f.added,
                f.deleted,
                "modified" if f.previous_path is None else "renamed",
                code_added=f.code_added,
                code_deleted=f.code_deleted,
                previous_path=f.previous_path,
                lines_before=f.lines_before,
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
