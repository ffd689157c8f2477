"""A tracker's issues."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.store.tables.columns import json_column, utc_column

__all__ = ["TrackerIssue"]


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
    labels: list[str] = json_column(list, nullable=False)
    status: str | None = None
    priority: str | None = None
    severity: str | None = None
    is_bug: bool = False
    is_incident: bool = False
    opened_at: datetime = utc_column()
    updated_at: datetime = utc_column(index=True)
    resolved_at: datetime | None = utc_column(nullable=True)
    resolution: str | None = None
    linked_changes: list[str] = json_column(list, nullable=False)
    status_changes: list[list[str]] = json_column(list, nullable=False)
