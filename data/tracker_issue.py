"""A tracker's issue as a frozen record: its kind (bug, incident), times, and linked changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["StatusChange", "TrackerIssueRecord"]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One move of an issue between statuses, from the tracker's history."""

    at: datetime
    from_status: str
    to_status: str


@dataclass(frozen=True, slots=True)
class TrackerIssueRecord:
    """One issue of ``source`` (``jira``, ``linear``, ``github``), keyed as the tracker keys it.

    ``linked_changes`` are change keys (``owner/repo#7``, ``group/project!3``)
    of the pull or merge requests the tracker links to the issue.
    """

    source: str
    key: str
    opened_at: datetime
    updated_at: datetime
    title: str = ""
    url: str | None = None
    issue_type: str | None = None
    labels: tuple[str, ...] = ()
    status: str | None = None
    priority: str | None = None
    severity: str | None = None
    is_bug: bool = False
    is_incident: bool = False
    resolved_at: datetime | None = None
    resolution: str | None = None
    linked_changes: tuple[str, ...] = ()
    status_changes: tuple[StatusChange, ...] = ()
