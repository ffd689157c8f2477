"""A change and what hangs on it: its files and its reviews, and the one filter for history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from data.store.tables.columns import Words, json_column, utc_column

__all__ = ["IS_MERGED", "Change", "ChangeFile", "ChangeState", "ReviewRow", "merged_time"]


class ChangeState(StrEnum):
    """Where a change stands: merged (what every briefing and history reads), or a pull
    request still open, or closed without merging (kept only so it is no longer listed), or
    picked: a cherry-pick or backport of a change stored already (``picked_from_key``, the
    same patch by ``git patch-id``), kept with its link but counted as that change."""

    MERGED = "merged"
    OPEN = "open"
    CLOSED = "closed"
    PICKED = "picked"


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
    opened_at: datetime | None = utc_column(nullable=True)
    merged_at: datetime | None = utc_column(index=True, nullable=True)
    state: ChangeState = Field(
        default=ChangeState.MERGED,
        sa_column=sa.Column(
            Words(ChangeState), nullable=False, server_default="merged", index=True
        ),
    )
    # The pull request's own last update and head commit, which a webhook delivery is
    # compared against so that an older head never overwrites a newer one.
    updated_at: datetime | None = utc_column(nullable=True)
    head_sha: str | None = None
    base_branch: str | None = None
    head_branch: str | None = None
    labels: list[str] = json_column(list, nullable=False)
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
    co_authors: list[str] = json_column(list, nullable=False)
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
    owners: list[str] | None = json_column(None)
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
    submitted_at: datetime = utc_column()
    comments: int = 0
