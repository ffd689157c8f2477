"""Which merge commits a code host wrote for a pull or merge request, and what each landed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from data.sources.local_git.gitlog import MinedCommit, merged_commits

__all__ = [
    "PullRequestMerge",
    "is_pull_request_merge",
    "landed_commits",
    "pull_request_of",
    "request_of",
    "squashed_request_of",
]

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
# GitHub's squash and rebase merges ("About merge methods on GitHub") write one commit whose
# subject is the request's title followed by its number: "Add a cache (#123)".
_SQUASHED = re.compile(r"^(?P<title>.*\S)\s+\(#(?P<number>\d+)\)$")


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
    # GitHub's merge commit when the repository's default message is the pull request's
    # title ("Configuring commit merging"): "Title (#N)" with two parents (pallets/click).
    titled = _SQUASHED.match(subject.strip())
    if titled:
        return PullRequestMerge(int(titled.group("number")), None, titled.group("title"))
    return None


def squashed_request_of(parents: tuple[str, ...], subject: str) -> PullRequestMerge | None:
    """The pull request a squash or rebase merge landed, from its ``"Title (#N)"`` subject;
    ``None`` for a merge commit or a subject without the number."""
    if len(parents) > 1:
        return None
    match = _SQUASHED.match(subject.strip())
    if match is None:
        return None
    return PullRequestMerge(int(match.group("number")), None, match.group("title"))


def request_of(parents: tuple[str, ...], subject: str, body: str) -> PullRequestMerge | None:
    """The request a commit of the branch lands, by a host's merge commit or a squash
    merge's ``"Title (#N)"``; ``None`` for any other commit."""
    return pull_request_of(parents, subject, body) or squashed_request_of(parents, subject)


def landed_commits(
    path: Path,
    repository: str,
    commit: MinedCommit,
    landed: tuple[str, ...] = (),
    carriers: frozenset[str] = frozenset(),
) -> Iterator[MinedCommit]:
    """The changes a commit of the branch's first-parent chain landed: itself, unless it is
    a merge no code host wrote or one of ``carriers`` (a merge that brought a release's
    tagged commit in: ``carriers.release_carriers``), whose merged commits are opened in turn.

    ``landed`` are the first parents of the merges that brought ``commit`` in: what
    they reach is on the branch already and is never landed twice.
    """
    if len(commit.parents) < 2 or (
        commit.sha not in carriers
        and pull_request_of(commit.parents, commit.change.title, commit.body)
    ):
        yield commit
        return
    for merged in merged_commits(path, repository, commit, landed=landed):
        yield from landed_commits(path, repository, merged, (*landed, commit.parents[0]), carriers)


def is_pull_request_merge(commit: MinedCommit) -> bool:
    """True for a merge commit that lands a pull or merge request; False for back-merges."""
    return pull_request_of(commit.parents, commit.change.title, commit.body) is not None
