"""Which changes turned out badly, by what the store knows happened after them.

A change is labelled bad when a production deploy that shipped it was
followed by an incident linked to that deploy, when a later change reverted
it (a revert that names a failure: not a re-landing nor a planned revert,
``scoring.planned_reverts``), or when the SZZ pass (``evaluation.szz``) over a configured
local clone blames it for a bug a later fix repaired. These outcomes are what
``riskbrief calibrate`` fits weights to, and what the scorer's record counts.

The team's word from Slack (``data.store.team_word``) is a label too: a change the team
confirmed as an incident's cause is bad, whatever shipped it. A change the team said did
not cause an incident is not labelled bad through that incident's deploy link (sharing a
deploy with the culprit is not causing it); a revert, SZZ, another incident's link or
another confirmation still label it.

SZZ needs the clone itself, so it runs only for ``[[repositories]]`` entries
with a ``path``, and only over fixes made since the oldest change the store
holds for that repository, which bounds ``git blame`` to the stored history.
A clone's commits are matched to stored changes by sha: a commit on the
branch is its own change (``<repository>@<sha12>``); a commit brought in by a
merge on the branch belongs to that merge's change (``<repository>#<PR>``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.config import OrgConfig, RepositoryConfig
from data.sources.local_git.gitlog import MinedCommit, branch_ref, mine_commits, run_git
from data.store.bug_issues import known_bug_issues
from data.store.confirmations import confirmations_on
from data.store.tables import (
    IS_MERGED,
    Change,
    Deploy,
    DeployChange,
    Incident,
    Repository,
    merged_time,
)
from data.store.team_word import team_word
from evaluation.szz import bug_inducing
from scoring.change_key import ChangeKey
from scoring.errors import SourceError
from scoring.fixes import is_fix_commit
from scoring.planned_reverts import names_a_failure

__all__ = ["Outcomes", "SzzLabels", "change_outcomes", "kept_szz_labels", "szz_labels"]


@dataclass(frozen=True, slots=True)
class SzzLabels:
    """Stored changes SZZ blamed in one configured clone, or why the clone was skipped."""

    repository: str
    bad: frozenset[str] = frozenset()
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Changes that led to an incident, a revert, an SZZ-blamed fix or that the team confirmed
    as an incident's cause, and how many each source found (a change may be in several)."""

    bad: frozenset[str]
    by_incident: int
    by_revert: int
    by_szz: int = 0
    # One entry per configured local clone; empty when the organisation has none.
    szz: tuple[SzzLabels, ...] = field(default_factory=tuple)
    # Changes the team confirmed in Slack as an incident's cause.
    by_confirmation: int = 0
    # Changes shipped by a deploy with a linked incident but not counted through it, because
    # the team said they did not cause it (and no other linked incident labels them).
    rejected_links: int = 0


def _failed_by_revert(
    session: Session, reverts: list[tuple[str | None, str, str | None]]
) -> frozenset[str]:
    """The changes ``reverts`` (each: what it reverts, its title and body) say failed: not
    those a revert re-landed (they were reverts themselves), nor those reverted on purpose."""
    targets = sorted({k for k, _, _ in reverts if k is not None})
    were_reverts: set[str] = set()
    for start in range(0, len(targets), 900):
        were_reverts.update(
            session.exec(
                select(Change.key).where(
                    col(Change.key).in_(targets[start : start + 900]), col(Change.is_revert)
                )
            )
        )
    return frozenset(
        k
        for k, title, body in reverts
        if k is not None and names_a_failure(title, body, k in were_reverts)
    )


def change_outcomes(
    session: Session,
    org: OrgConfig | None = None,
    keys: Collection[str] | None = None,
    fixes_since: datetime | None = None,
) -> Outcomes:
    """Label changes from linked incidents, reverts, the team's confirmations and, given
    ``org``, SZZ over its clones.

    ``keys`` limits the labelling to those changes (a page asking about a few hundred need
    not label the whole history); SZZ runs only without it. ``fixes_since`` blames only
    the fixes made since then (a briefing's record needs the fixes of its window, not of
    the whole history).
    """
    # Each change with each incident linked to a production deploy that shipped it.
    shipping = (
        select(Change.key, Incident.key)
        .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
        .join(Deploy, col(Deploy.id) == col(DeployChange.deploy_id))
        .join(Incident, col(Incident.deploy_id) == col(Deploy.id))
        .where(col(Deploy.environment) == "production")
    )
    reverting = select(Change.reverts_key, Change.title, Change.body).where(
        col(Change.reverts_key).is_not(None), IS_MERGED
    )
    if keys is not None:
        shipping = shipping.where(col(Change.key).in_(list(keys)))
        reverting = reverting.where(col(Change.reverts_key).in_(list(keys)))
    word = team_word(confirmations_on(session, keys))
    links = set(session.exec(shipping).all())
    shipped = frozenset(c for c, i in links if (i, c) not in word.rejected)
    unlinked = frozenset(c for c, _ in links) - shipped
    confirmed = frozenset(c for _, c in word.confirmed)
    reverted = _failed_by_revert(session, list(session.exec(reverting).all()))
    if keys is not None:
        org = None
    szz = szz_labels(session, org, fixes_since) if org is not None else ()
    blamed = frozenset().union(*(s.bad for s in szz))
    return Outcomes(
        bad=shipped | reverted | blamed | confirmed,
        by_incident=len(shipped),
        by_revert=len(reverted),
        by_szz=len(blamed),
        szz=szz,
        by_confirmation=len(confirmed),
        rejected_links=len(unlinked),
    )


def szz_labels(
    session: Session, org: OrgConfig, fixes_since: datetime | None = None
) -> tuple[SzzLabels, ...]:
    """SZZ's bad changes for every ``[[repositories]]`` entry with a local ``path``, blamed
    from the fixes made since the oldest stored change (or ``fixes_since``, if later).

    A clone that cannot be read (moved, not a git repository) is skipped with
    the reason rather than failing the whole calibration.
    """
    out: list[SzzLabels] = []
    bugs = known_bug_issues(session, org).keys
    for repo in org.repositories:
        if not repo.path:
            continue
        try:
            out.append(_labels_of(session, repo, org.sources.git.branch, bugs, fixes_since))
        except SourceError as exc:
            out.append(SzzLabels(repo.name, skipped=str(exc)))
    return tuple(out)


# SZZ blames every fix's lines in the clone: seconds on a busy history. A reader asking again
# (the agents page, MCP ``agent_activity``) gets the kept answer while the clones' heads, the
# stored changes and the bug list are as they were; a handful of windows is all one asks.
_KEPT: OrderedDict[tuple[object, ...], tuple[SzzLabels, ...]] = OrderedDict()
_KEPT_MOST = 8
_KEPT_LOCK = threading.Lock()


def _head(repo: RepositoryConfig, branch: str | None) -> str | None:
    """The commit the clone's branch is at, or None when the clone cannot be read."""
    assert repo.path is not None
    path = Path(repo.path).expanduser()
    if not path.is_dir():
        return None
    rev = branch_ref(path, branch or repo.default_branch) or "HEAD"
    probe = run_git(path, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
    if probe.returncode != 0:
        return None
    return probe.stdout.decode().strip() or None


def kept_szz_labels(
    session: Session, org: OrgConfig, fixes_since: datetime | None = None
) -> tuple[SzzLabels, ...]:
    """``szz_labels``, kept in the process until a clone's head, the stored merged changes or
    the bug list move."""
    branch = org.sources.git.branch
    clones = tuple((r.name, r.path, _head(r, branch)) for r in org.repositories if r.path)
    if not clones:
        return ()
    stored = tuple(
        session.exec(select(sa.func.count(), sa.func.max(col(Change.id))).where(IS_MERGED)).one()
    )
    key = (clones, stored, fixes_since, known_bug_issues(session, org).keys)
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    labels = szz_labels(session, org, fixes_since)
    with _KEPT_LOCK:
        _KEPT[key] = labels
        while len(_KEPT) > _KEPT_MOST:
            _KEPT.popitem(last=False)
    return labels


def _labels_of(
    session: Session,
    repo: RepositoryConfig,
    branch: str | None,
    bugs: frozenset[str],
    since: datetime | None = None,
) -> SzzLabels:
    assert repo.path is not None
    path = Path(repo.path).expanduser()
    stored = session.exec(
        select(Change.key, Change.sha, Change.merged_at)
        .join(Repository, col(Repository.id) == col(Change.repository_id))
        .where(col(Repository.name) == repo.name, IS_MERGED)
    ).all()
    if not stored:
        return SzzLabels(repo.name)
    oldest = min(merged_time(at, key) for key, _, at in stored)
    if since is not None:
        oldest = max(oldest, since)
    rev = branch_ref(path, branch or repo.default_branch) or "HEAD"
    fixes: list[MinedCommit] = []
    # Mining stops at the newest commit older than the first fix wanted: a briefing's
    # window need not read the whole history.
    before = _newest_before(path, rev, oldest) if since is not None else None
    for commit in mine_commits(path, rev, after=before, bug_keys=bugs, code_lines=False):
        # A fix older than every stored change can only blame changes the store lacks.
        if commit.change.merged_at >= oldest and is_fix_commit(commit.change):
            fixes.append(commit)
    blamed = bug_inducing(path, fixes)
    if not blamed:
        return SzzLabels(repo.name)
    by_sha = {sha: key for key, sha, _ in stored if sha}
    by_sha12 = {
        parsed.sha: key
        for key, _, _ in stored
        if (parsed := ChangeKey.parse(key)) is not None and parsed.sha is not None
    }
    bad: set[str] = set()
    unmatched: set[str] = set()
    for sha in blamed:
        key = by_sha.get(sha) or by_sha12.get(sha[:12])
        if key is not None:
            bad.add(key)
        else:
            unmatched.add(sha)
    if unmatched:
        # Blamed commits made on a branch belong to the stored merge that brought them in.
        for sha, brought in _merged_commits(path, rev, by_sha):
            if brought & unmatched:
                bad.add(by_sha[sha])
    return SzzLabels(repo.name, frozenset(bad))


def _newest_before(path: Path, rev: str, when: datetime) -> str | None:
    """The newest commit on ``rev`` committed before ``when``; ``None`` when there is none."""
    found = run_git(path, "rev-list", "-1", f"--before={when.isoformat()}", rev, check=False)
    sha = found.stdout.decode().strip()
    return sha if found.returncode == 0 and sha else None


def _merged_commits(path: Path, rev: str, stored: Iterable[str]) -> Iterator[tuple[str, set[str]]]:
    """For each stored merge on the branch, the commits it brought onto the branch."""
    merges = run_git(path, "rev-list", "--first-parent", "--min-parents=2", rev).stdout.split()
    for sha in sorted(set(stored) & {m.decode() for m in merges}):
        done = run_git(path, "rev-list", f"{sha}^1..{sha}", check=False)
        if done.returncode == 0:
            yield sha, set(done.stdout.decode().split())
