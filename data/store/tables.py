"""The store's tables: the whole domain of docs/architecture.md as SQLModel classes.

Times are stored as naive UTC and handed back timezone-aware (``UTCDateTime``),
so SQLite and PostgreSQL behave the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, SQLModel, col

from data.channels import ChannelName, address_of

__all__ = [
    "IS_MERGED",
    "Briefing",
    "Change",
    "ChangeFile",
    "ChangeState",
    "ChannelName",
    "CoverageReportRow",
    "CulpritConfirmation",
    "Delivery",
    "DeliveryStatus",
    "Deploy",
    "DeployChange",
    "DeployCommit",
    "ErrorBudget",
    "GitHubDelivery",
    "Incident",
    "Leader",
    "Person",
    "Repository",
    "ReviewRow",
    "RevokedSession",
    "RiskScoreRow",
    "Service",
    "Subscriber",
    "SubscriberAddress",
    "SubscriberOrigin",
    "SyncState",
    "Team",
    "TrackerIssue",
    "UTCDateTime",
    "merged_time",
]


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, naive UTC on disk."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _ts(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index),
    )


class ChangeState(StrEnum):
    """Where a change stands: merged (what every briefing and history reads), or a pull
    request still open, or closed without merging (kept only so it is no longer listed), or
    picked: a cherry-pick or backport of a change stored already (``picked_from_key``, the
    same patch by ``git patch-id``), kept with its link but counted as that change."""

    MERGED = "merged"
    OPEN = "open"
    CLOSED = "closed"
    PICKED = "picked"


class DeliveryStatus(StrEnum):
    """Where a delivery row stands: in flight, sent, or failed and waiting for a retry."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


class SubscriberOrigin(StrEnum):
    """Who owns a subscriber row: ``riskbrief.toml`` or the reader's ``/risk subscribe``.

    A config subscriber is replaced or retired when the file changes; a Slack one is
    left alone by a config sync, and superseded when the file declares the same member.
    """

    CONFIG = "config"
    SLACK = "slack"


_E = TypeVar("_E", bound=StrEnum)


class _Words(sa.types.TypeDecorator[_E]):
    """A ``StrEnum`` stored as its value in a text column, read back as the member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[_E]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: _E | str | None, dialect: Dialect) -> str | None:
        # ``enum(value)`` refuses a word that is not a member before it reaches the store.
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> _E | None:
        return None if value is None else self.enum(value)


def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[str, Any]:
    return {}


# pydantic asks each default factory for its signature on every row built, and reading a
# builtin's (``list``, ``dict``) costs about 100 µs against 8 µs for a function's: with
# three list columns a tracker issue took 0.5 ms to construct, most of a large sync.
_FACTORIES: dict[Any, Any] = {list: _new_list, dict: _new_dict}


def _json(default: Any = None, *, nullable: bool = True) -> Any:
    if callable(default):
        factory = _FACTORIES.get(default, default)
        return Field(default_factory=factory, sa_column=sa.Column(sa.JSON, nullable=nullable))
    return Field(default=default, sa_column=sa.Column(sa.JSON, nullable=nullable))


class Repository(SQLModel, table=True):
    """A code repository riskbrief reads changes from."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    url: str | None = None
    default_branch: str = "main"


class Team(SQLModel, table=True):
    """A team that owns services."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str


class Service(SQLModel, table=True):
    """A deployable service, found in a repository by path globs."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    repository_id: int | None = Field(default=None, foreign_key="repository.id")
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    path_globs: list[str] = _json(list, nullable=False)


class Person(SQLModel, table=True):
    """A code author or reviewer; ``kind`` is ``human``, ``agent`` (an AI coding agent) or ``bot``.

    A bot (Dependabot, Renovate, CI) has no team and no experience: see ``scoring.authorship``.
    """

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, index=True)
    display_name: str | None = None
    kind: str = Field(default="human", sa_column_kwargs={"server_default": "human"})
    team_id: int | None = Field(default=None, foreign_key="team.id")


class Change(SQLModel, table=True):
    """A change: a pull request, or a commit where there are no PRs.

    Only a ``merged`` one has a ``merged_at`` and is history; an ``open`` pull request
    is scored as of now and listed, never briefed (``MERGED_ONLY`` is every reader's filter).
    """

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('merged', 'open', 'closed', 'picked')", name="ck_change_state"
        ),
        # Every window reads merged changes by merge time: with the state index alone,
        # SQLite (which has no statistics unless ANALYZE ran) takes state = 'merged' for
        # the narrower condition and reads every merged change.
        sa.Index("ix_change_state_merged_at", "state", "merged_at"),
        # The merged changes' stamp (``data.store.stamp``: their count, newest id and update),
        # which every week page reads, from the index alone: half the time of reading each
        # row (12 against 35 ms on PostgreSQL, 12 against 24 on SQLite, 100,000 changes).
        sa.Index("ix_change_merged_stamp", "state", "updated_at", "id"),
        # Reverts only: almost every change reverts nothing, and an index holding their
        # NULLs looks to SQLite's planner too coarse to read a few reverts by (a scan of
        # every change, 26 ms on 100,000, for what takes 0.3 ms with this one).
        sa.Index(
            "ix_change_reverts_key",
            "reverts_key",
            sqlite_where=sa.text("reverts_key IS NOT NULL"),
            postgresql_where=sa.text("reverts_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    repository_id: int = Field(foreign_key="repository.id", index=True)
    number: int | None = None
    sha: str | None = None
    title: str = ""
    body: str | None = None
    url: str | None = None
    author_id: int = Field(foreign_key="person.id", index=True)
    merged_by_id: int | None = Field(default=None, foreign_key="person.id")
    opened_at: datetime | None = _ts(nullable=True)
    merged_at: datetime | None = _ts(index=True, nullable=True)
    state: ChangeState = Field(
        default=ChangeState.MERGED,
        sa_column=sa.Column(
            _Words(ChangeState), nullable=False, server_default="merged", index=True
        ),
    )
    # The pull request's own last update and head commit, which a webhook delivery is
    # compared against so that an older head never overwrites a newer one.
    updated_at: datetime | None = _ts(nullable=True)
    head_sha: str | None = None
    base_branch: str | None = None
    head_branch: str | None = None
    labels: list[str] = _json(list, nullable=False)
    # Minutes east of UTC on the committer's clock when it merged (a git history's), or
    # None where the source gave UTC alone: timing reads it until the organisation names
    # its zone.
    merged_utc_offset: int | None = None
    is_revert: bool = False
    is_hotfix: bool = False
    # Indexed: a change's page asks which changes revert it.
    reverts_key: str | None = None
    # The change a picked one (``ChangeState.PICKED``) is the same patch as.
    picked_from_key: str | None = None
    co_authors: list[str] = _json(list, nullable=False)
    co_authored_by_agent: bool = False
    ci_status: str | None = None
    # Line coverage's change on the files it touched, in points; the column keeps its first
    # name so stores and migrations need no rename.
    line_coverage_delta: float | None = Field(
        default=None,
        sa_column=sa.Column("coverage_delta", sa.Float, key="line_coverage_delta", nullable=True),
    )
    # Covered ÷ coverable lines the change added, in percent, and how many of them could
    # run; the coverage of its main service's files at its head (``data.rules.coverage``).
    patch_coverage: float | None = None
    patch_coverable: int | None = None
    service_coverage: float | None = None
    review_comments: int | None = None
    # False when only a git history reported the change: its review is unknown.
    reviews_known: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # Marked draft (GitHub's isDraft, GitLab's draft) as last read; false where a source
    # cannot say (a git history), which keeps what a code host stored.
    draft: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


# Every reader that means "history" (briefings, scoring, linking, lookups) filters on this.
IS_MERGED = col(Change.state) == ChangeState.MERGED


def merged_time(at: datetime | None, key: str) -> datetime:
    """``at``, the merge time of a change read through ``IS_MERGED``, which always has one."""
    if at is None:
        raise ValueError(f"change {key} is merged but has no merge time")
    return at


class ChangeFile(SQLModel, table=True):
    """One file a change touched, with its service and its CODEOWNERS owners as of the change.

    ``owners`` is ``None`` when unknown and an empty list when no rule covers the file.
    """

    __tablename__ = "change_file"

    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change.id", index=True, ondelete="CASCADE")
    # Indexed for the changes that later touched an incident's files (its culprits' fixes).
    path: str = Field(index=True)
    added: int = 0
    deleted: int = 0
    change_type: str = "modified"
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    owners: list[str] | None = _json(None)
    # The source says the file is generated or vendored (a ``.gitattributes`` marker,
    # a "generated" header): it counts in neither the change's size nor its spread.
    generated: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Lines of code among ``added``/``deleted`` (comments and blank lines out) where the
    # source read the lines' text (a clone); NULL where it has only counts (a code host).
    code_added: int | None = None
    code_deleted: int | None = None
    # The path the file had before, when the change renamed it: the history carries the
    # file's past (changes, authors, fixes, lines) to its new path. NULL otherwise, or where
    # the source does not say (GitHub's files name no earlier path).
    previous_path: str | None = None
    # The lines the file held just before the change, where a clone read them from git; NULL
    # elsewhere (the history's running sum of lines added less deleted stands in).
    lines_before: int | None = None
    # What the clone's ``.gitattributes`` says the file is (``scoring.facts.Marked``):
    # ``generated``, ``documentation`` or ``hand-written``; NULL where it says nothing.
    marked: str | None = None


class ReviewRow(SQLModel, table=True):
    """One review of a change."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="person.id")
    state: str
    submitted_at: datetime = _ts()
    comments: int = 0


class Deploy(SQLModel, table=True):
    """A deploy of a service to an environment; ``status`` is ``success`` or ``failure``."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    environment: str = "production"
    sha: str | None = None
    started_at: datetime | None = _ts(nullable=True)
    finished_at: datetime = _ts(index=True)
    status: str = "success"
    source: str = "manual"


class DeployCommit(SQLModel, table=True):
    """A commit a deploy shipped, when its source knows them (a release tag: ``prev..tag``).

    A deploy with such rows ships exactly the changes landed by these commits;
    one without is linked by the rule (what merged since the previous deploy).
    """

    __tablename__ = "deploy_commit"

    deploy_id: int = Field(foreign_key="deploy.id", primary_key=True, ondelete="CASCADE")
    sha: str = Field(primary_key=True)


class DeployChange(SQLModel, table=True):
    """Which changes a deploy shipped."""

    __tablename__ = "deploy_change"

    deploy_id: int = Field(foreign_key="deploy.id", primary_key=True, ondelete="CASCADE")
    # Indexed on its own: the key leads with the deploy, and a change's page asks by change.
    change_id: int = Field(
        foreign_key="change.id", primary_key=True, ondelete="CASCADE", index=True
    )


class Incident(SQLModel, table=True):
    """A production incident, linked to the deploy that most likely caused it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    title: str = ""
    opened_at: datetime = _ts(index=True)
    resolved_at: datetime | None = _ts(nullable=True)
    severity: str | None = None
    source: str = "manual"
    deploy_id: int | None = Field(default=None, foreign_key="deploy.id", index=True)


class ErrorBudget(SQLModel, table=True):
    """A span in which a service had spent its error budget: from ``exhausted_at`` until restored.

    ``restored_at`` is ``None`` while the budget is still spent. A change merged in
    the span (``exhausted_at`` ≤ merged < ``restored_at``) is gated to critical.
    """

    __tablename__ = "error_budget"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    exhausted_at: datetime = _ts(index=True)
    restored_at: datetime | None = _ts(nullable=True)
    source: str = "manual"


class RiskScoreRow(SQLModel, table=True):
    """A score of a change or deploy, with its signal breakdown and the scorer version."""

    __tablename__ = "risk_score"
    __table_args__ = (
        sa.UniqueConstraint(
            "subject_kind", "subject_key", "scorer_version", name="uq_risk_score_subject_version"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_kind: str  # "change" or "deploy"
    subject_key: str = Field(index=True)
    score: int
    band: str
    signals: list[dict[str, Any]] = _json(list, nullable=False)
    gates: list[dict[str, Any]] = _json(list, nullable=False)
    scorer_version: str
    computed_at: datetime = _ts()
    # What a change was scored as, kept so that weekly briefings read one row per change.
    # Indexed: a service's page reads a year of its own scores, not the organisation's.
    service: str | None = Field(default=None, index=True)
    # The names of the top signals, most points first.
    top_signals: list[str] = Field(
        default_factory=_new_list,
        sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]"),
    )
    owner_files_known: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    owner_files_covered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    agent_involved: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # None when no source could see the review (a git history): unknown, never "not reviewed".
    human_reviewed: bool | None = Field(default=None)
    # A change's kind of work (a ``WorkKind`` value) and lines of hand-written code added and
    # deleted, as scored: a week's readers take them from here. None for a deploy, and for a
    # change scored before they were kept (its readers classify it again).
    work_kind: str | None = Field(default=None)
    source_lines: int | None = Field(default=None)


class SubscriberAddress(SQLModel, table=True):
    """A subscriber's address on one channel whose address is not a column of ``subscriber``.

    ``channel`` is a ``ChannelName`` value, unchecked text as ``delivery.channel`` is, so a
    new channel stores its addresses here without a migration.
    """

    __tablename__ = "subscriber_address"
    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "channel", name="uq_subscriber_address"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id", index=True)
    channel: str
    # May be a secret (a Teams webhook URL is its own credential): never logged whole.
    address: str


class Subscriber(SQLModel, table=True):
    """A manager who receives the weekly briefing, and the scope it covers."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    # The two addresses that are also who the subscriber is: the Slack member ``/risk``
    # answers, and the email ``/risk subscribe`` sets. Other channels' are ``addresses``.
    slack_user_id: str | None = None
    email: str | None = None
    timezone: str = "UTC"
    # The organisation's teams (and services) the briefing covers: its scope.
    teams: list[str] = _json(list, nullable=False)
    services: list[str] = _json(list, nullable=False)
    active: bool = True
    origin: SubscriberOrigin = Field(
        default=SubscriberOrigin.CONFIG,
        sa_column=sa.Column(_Words(SubscriberOrigin), nullable=False),
    )
    # Loaded with the row (one more query per batch of rows), so that a row read in a
    # session that has ended still answers ``address_on``; replaced whole by ``sync_org``.
    # (A relationship of its own: SQLModel cannot read this module's string annotations.)
    addresses: list[SubscriberAddress] = Relationship(
        sa_relationship=relationship(
            SubscriberAddress, lazy="selectin", cascade="all, delete-orphan", uselist=True
        )
    )

    def address_on(self, channel: ChannelName) -> str | None:
        """Where this subscriber is reached on ``channel``, or ``None`` when they are not."""
        declared = address_of(channel)
        if declared.identity:
            found: str | None = getattr(self, declared.key)
            return found
        return next((a.address for a in self.addresses if a.channel == channel), None)

    def give_address(self, channel: ChannelName, address: str | None) -> None:
        """Reach this subscriber at ``address`` on ``channel`` from now on; ``None``: not at all."""
        declared = address_of(channel)
        if declared.identity:
            setattr(self, declared.key, address)
            return
        held = next((a for a in self.addresses if a.channel == channel), None)
        if held is not None and not address:
            # Deleted at the flush: the relationship's cascade removes orphans.
            self.addresses.remove(held)
        elif held is not None and address:
            # Updated, not replaced: a delete and an insert of one (subscriber, channel)
            # in one flush would meet the unique key in the wrong order.
            held.address = address
        elif address:
            self.addresses.append(SubscriberAddress(channel=channel, address=address))


class Briefing(SQLModel, table=True):
    """A subscriber's briefing for one ISO week: the payload, the narrative and what it cost."""

    __table_args__ = (sa.UniqueConstraint("subscriber_id", "week", name="uq_briefing_week"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    week: str  # ISO week, e.g. "2026-W46"
    payload: dict[str, Any] = _json(dict, nullable=False)
    narrative: dict[str, Any] = _json(dict, nullable=False)
    narrative_source: str = "deterministic"
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    created_at: datetime = _ts()


class Delivery(SQLModel, table=True):
    """One send of a briefing on one channel; the unique key makes it happen at most once."""

    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "week", "channel", name="uq_delivery_once"),
        sa.CheckConstraint("status IN ('claimed', 'sent', 'failed')", name="ck_delivery_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    briefing_id: int | None = Field(default=None, foreign_key="briefing.id")
    week: str
    channel: ChannelName = Field(sa_column=sa.Column(_Words(ChannelName), nullable=False))
    status: DeliveryStatus = Field(
        default=DeliveryStatus.CLAIMED,
        sa_column=sa.Column(_Words(DeliveryStatus), nullable=False),
    )
    attempts: int = 0
    last_error: str | None = None
    external_id: str | None = None  # what the channel named the sent message (Slack ts...)
    # Where the latest attempt sent (a Slack channel id, an email address, a Teams
    # webhook's host), so that a retry looks for an earlier attempt's message where it went.
    destination: str | None = None
    claimed_at: datetime = _ts()
    # When the latest attempt began: a claim whose attempt is old has crashed and is retried.
    attempted_at: datetime | None = _ts(nullable=True)
    sent_at: datetime | None = _ts(nullable=True)
    # The scheduler's term that claimed the latest attempt (``None`` for a send by hand):
    # a claim of an ended term has lost its sender and is retried at once.
    term: int | None = None


class Leader(SQLModel, table=True):
    """Which replica runs the scheduler: its term, its instance and its last heartbeat.

    The replica holding the leader advisory lock adds one to ``term`` when it takes the
    lead and stamps ``heartbeat_at`` (the database's clock) while it works, so the
    others can tell a leader that stopped ticking from one that is busy.
    """

    name: str = Field(primary_key=True)
    term: int = 0
    holder: str | None = None
    taken_at: datetime | None = _ts(nullable=True)
    heartbeat_at: datetime | None = _ts(nullable=True)


class CoverageReportRow(SQLModel, table=True):
    """Line coverage of one commit of a repository, from CI (``ci``) or Codecov (``codecov``).

    ``files`` maps each repository path to ``[coverable, covered]`` line numbers as
    compact ranges (``"1-4,7"``, ``data.coverage_report.encode_lines``). Codecov's
    commit totals without lines keep ``files`` empty.
    """

    __tablename__ = "coverage_report"
    __table_args__ = (
        sa.UniqueConstraint("repository_id", "sha", "origin", name="uq_coverage_report"),
    )

    id: int | None = Field(default=None, primary_key=True)
    repository_id: int = Field(foreign_key="repository.id", index=True)
    sha: str = Field(index=True)
    origin: str = "ci"
    format: str
    recorded_at: datetime = _ts()
    coverable: int = 0
    covered: int = 0
    files: dict[str, list[str]] = _json(dict, nullable=False)


class SyncState(SQLModel, table=True):
    """Where a source's last sync stopped, so the next one resumes there."""

    __tablename__ = "sync_state"
    __table_args__ = (sa.UniqueConstraint("source", "scope", name="uq_sync_state"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str
    scope: str
    cursor: str | None = None
    watermark: datetime | None = _ts(nullable=True)
    updated_at: datetime = _ts()


class GitHubDelivery(SQLModel, table=True):
    """A GitHub webhook delivery answered once: a redelivery of the same id does nothing."""

    __tablename__ = "github_delivery"

    id: str = Field(primary_key=True)
    event: str
    received_at: datetime = _ts()


class RevokedSession(SQLModel, table=True):
    """A web view session signed out: its cookie opens nothing until it would have expired.

    ``id`` is the random id the signed session cookie carries; ``expires_at`` is when the
    cookie expires anyway, after which the row is no longer needed and is deleted.
    """

    __tablename__ = "revoked_session"

    id: str = Field(primary_key=True)
    expires_at: datetime = _ts(index=True)


class TrackerIssue(SQLModel, table=True):
    """An issue of a tracker (Jira, Linear, GitHub Issues): whether it is a bug, and its PRs.

    ``key`` is the tracker's own key (``PROJ-123``, ``ENG-123``, ``owner/repo#12``),
    unique within its ``source``. ``linked_changes`` are the change keys the tracker
    links to the issue (Linear's attachments, Jira's remote links); a change linked to
    a bug fixes it whatever its message says. ``status_changes`` are
    ``[time, from, to]`` triples from the tracker's history.
    """

    __tablename__ = "tracker_issue"
    __table_args__ = (sa.UniqueConstraint("source", "key", name="uq_tracker_issue"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str
    key: str = Field(index=True)
    title: str = ""
    url: str | None = None
    issue_type: str | None = None
    labels: list[str] = _json(list, nullable=False)
    status: str | None = None
    priority: str | None = None
    severity: str | None = None
    is_bug: bool = False
    is_incident: bool = False
    opened_at: datetime = _ts()
    updated_at: datetime = _ts(index=True)
    resolved_at: datetime | None = _ts(nullable=True)
    resolution: str | None = None
    linked_changes: list[str] = _json(list, nullable=False)
    status_changes: list[list[str]] = _json(list, nullable=False)


class CulpritConfirmation(SQLModel, table=True):
    """Someone's word on whether a change caused an incident, with who said it and when.

    One row per (incident, change, Slack member): the same button clicked again changes
    nothing, the other button changes their word. It never changes a past briefing.
    """

    __tablename__ = "culprit_confirmation"
    __table_args__ = (
        sa.UniqueConstraint(
            "incident_key", "change_key", "slack_user_id", name="uq_culprit_confirmation_who"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_key: str = Field(index=True)
    change_key: str = Field(index=True)
    confirmed: bool
    slack_user_id: str
    # The member's subscriber, when they are one: who they are in riskbrief.toml.
    subscriber_key: str | None = None
    said_at: datetime = _ts()
