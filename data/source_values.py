"""What sources hand to the store: frozen records of people, changes, deploys, incidents, budgets
and coverage.

Every source (GitHub, a local clone, PagerDuty, Opsgenie, a file, a CI pipeline)
turns what it reads into these values; ``data.ingest`` upserts them on their
natural keys, so reading the same thing twice never makes a second row.
Names are logins and keys as the outside system spells them; the ingest maps
them onto people, services and agents by ``riskbrief.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.deploy_rule import FoundBy
from scoring.facts import ReviewState

__all__ = [
    "REVIEW_STATES",
    "SourceBudgetSample",
    "SourceChange",
    "SourceChangeCoverage",
    "SourceChangeFile",
    "SourceCoverageTotals",
    "SourceDeploy",
    "SourceErrorBudget",
    "SourceIncident",
    "SourcePerson",
    "SourceReview",
]

# The review states the store keeps (``ReviewState``'s values, lower case); a
# source drops any other (GitHub's PENDING), and the ingest refuses them.
REVIEW_STATES: frozenset[str] = frozenset(ReviewState)


@dataclass(frozen=True, slots=True)
class SourcePerson:
    """Someone a source knows by more than a login: an org's member list, a git author's name.

    ``name`` is the name to show (``None`` keeps what the store has). Whether
    the person is an agent and which team they are in still follow riskbrief.toml.
    """

    login: str
    name: str | None = None
    # The code host marks the account as an app (a CI bot, Dependabot).
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class SourceChangeFile:
    """One file a change touched.

    ``owners`` are the CODEOWNERS owners of the path as of the change: ``None``
    when the source does not know, an empty tuple when no rule covers the file.
    ``change_type`` is ``added``, ``modified``, ``deleted``, ``renamed`` or ``copied``.
    """

    path: str
    added: int = 0
    deleted: int = 0
    change_type: str = "modified"
    owners: tuple[str, ...] | None = None
    # Generated or vendored by the repository's own markers (``.gitattributes``'s
    # ``linguist-generated``, a "Code generated … DO NOT EDIT" header): no hand-written size.
    generated: bool = False
    # Lines of code among ``added`` and ``deleted`` (``scoring.code_lines``: comments and
    # blank lines out) where the source read the lines' text (a clone's patches, a diff);
    # ``None`` where it has only counts (a code host's API).
    code_added: int | None = None
    code_deleted: int | None = None
    # The path the file had before, when the change renamed it (``None`` otherwise, or where
    # the source does not say: GitHub's GraphQL files name no earlier path).
    previous_path: str | None = None
    # The lines the file held just before the change, where a clone read them from git.
    lines_before: int | None = None
    # What the clone's ``.gitattributes`` says the file is (``scoring.facts.Marked``'s value):
    # ``generated``, ``documentation`` or ``hand-written``; ``None`` where it says nothing.
    marked: str | None = None


@dataclass(frozen=True, slots=True)
class SourceReview:
    """One review; ``state`` is one of ``REVIEW_STATES``."""

    reviewer: str
    state: str
    submitted_at: datetime
    comments: int = 0
    # The code host marks the reviewer as an app (Copilot's reviewer, a CI bot).
    reviewer_is_bot: bool = False


@dataclass(frozen=True, slots=True)
class SourceChange:
    """A change: a pull request (``number``) or a commit (``sha``), merged unless ``state`` says.

    ``state`` is ``merged``, ``open`` or ``closed`` (a pull request closed
    unmerged); for one not merged, ``merged_at`` is the time it is known as of
    (its last update) and the store keeps no merge time. ``updated_at`` and
    ``head_sha`` are the pull request's last update and head commit, when known.

    ``key`` is the natural key: ``owner/repo#123`` for a pull request,
    ``repo@<12-hex sha>`` for a commit. ``co_authors`` are the names and
    addresses of ``Co-authored-by`` trailers (``Name <email>``). A revert names
    what it reverts by key (``reverts_key``, e.g. from a ``revert-123-…``
    branch) or by sha (``reverts_sha``, full or abbreviated, from the message).
    ``reviews_known`` is false for sources that cannot see reviews (a git
    history): the change's review is then unknown, not "merged without review",
    and reviews another source stored for the same change are kept.
    """

    key: str
    repository: str
    author: str
    merged_at: datetime
    title: str = ""
    number: int | None = None
    sha: str | None = None
    body: str | None = None
    url: str | None = None
    author_is_bot: bool = False
    # An AI agent made one of its commits or is credited in one (git histories).
    made_by_agent: bool = False
    merged_by: str | None = None
    opened_at: datetime | None = None
    base_branch: str | None = None
    head_branch: str | None = None
    labels: tuple[str, ...] = ()
    files: tuple[SourceChangeFile, ...] = ()
    reviews: tuple[SourceReview, ...] = ()
    review_comments: int | None = None
    co_authors: tuple[str, ...] = ()
    ci_status: str | None = None
    line_coverage_delta: float | None = None
    is_revert: bool = False
    is_hotfix: bool = False
    reverts_key: str | None = None
    reverts_sha: str | None = None
    reviews_known: bool = True
    state: str = "merged"
    updated_at: datetime | None = None
    head_sha: str | None = None
    # Marked draft by its author when last read (GitHub's isDraft, GitLab's draft).
    draft: bool = False
    # Minutes east of UTC on the committer's clock when it merged, where the source knows
    # it (a git history's ``%cz``); code hosts' APIs give UTC alone.
    merged_utc_offset: int | None = None
    # With state "picked": the key of the change this one is a cherry-pick or backport of
    # (the same patch, ``git patch-id``), counted as that change.
    picked_from_key: str | None = None


@dataclass(frozen=True, slots=True)
class SourceDeploy:
    """A deploy of ``service`` (a ``[[services]]`` key) that finished at ``finished_at``.

    ``status`` is ``success`` or ``failure``; ``key`` is the natural key, unique
    across sources (e.g. ``github-deployment:owner/repo:123``). ``shipped`` are
    the full shas of the commits the deploy shipped when the source knows them
    (a release tag: ``git rev-list previous..tag``); the deploy then ships
    exactly the changes those commits landed. ``None`` leaves it to the rule:
    what merged since the previous deploy of the service. ``found_by`` is the source's rule
    that made it a deploy and what the rule matched (``data.deploy_rule``).
    """

    key: str
    service: str
    finished_at: datetime
    environment: str = "production"
    sha: str | None = None
    started_at: datetime | None = None
    status: str = "success"
    source: str = "manual"
    shipped: tuple[str, ...] | None = None
    found_by: FoundBy | None = None


@dataclass(frozen=True, slots=True)
class SourceIncident:
    """A production incident of ``service`` (a ``[[services]]`` key); open until resolved."""

    key: str
    service: str
    opened_at: datetime
    title: str = ""
    resolved_at: datetime | None = None
    severity: str | None = None
    source: str = "manual"


@dataclass(frozen=True, slots=True)
class SourceErrorBudget:
    """A span in which ``service`` (a ``[[services]]`` key) had spent its error budget.

    The span runs from ``exhausted_at`` (inclusive) until ``restored_at``
    (exclusive), or on and on while ``restored_at`` is ``None``. ``key`` is the
    natural key, e.g. ``payments@2026-11-16T00:00:00+00:00``.
    """

    key: str
    service: str
    exhausted_at: datetime
    restored_at: datetime | None = None
    source: str = "manual"


@dataclass(frozen=True, slots=True)
class SourceBudgetSample:
    """The fraction of ``service``'s error budget left at ``at``, as ``source`` read it.

    ``remaining`` is a ratio whatever the source says (1: untouched, 0 or below: spent; a
    percentage is divided by 100 before it gets here), over the SLO's rolling window of
    ``window_days``. The natural key is ``(source, service, at)``.
    """

    service: str
    at: datetime
    remaining: float
    source: str
    window_days: int = 30


@dataclass(frozen=True, slots=True)
class SourceCoverageTotals:
    """A commit's coverage totals as a coverage service reports them (Codecov's commit list):
    lines coverable and covered, no lines by file; ``origin`` says whose report it is."""

    repository: str
    sha: str
    coverable: int
    covered: int
    recorded_at: datetime
    origin: str = "codecov"


@dataclass(frozen=True, slots=True)
class SourceChangeCoverage:
    """A stored change's coverage facts as a coverage service compared them (``key`` is the
    change's), each ``None`` where unknown, with its head commit's totals when reported."""

    key: str
    patch_coverage: float | None
    patch_coverable: int | None
    line_coverage_delta: float | None
    head: SourceCoverageTotals | None = None
