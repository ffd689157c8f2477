"""A page of a tracker's issues into records, and the incidents among them (Jira, Linear).

Each tracker says how one issue becomes a record and which service an incident
belongs to; skipping is the same for both: an issue too badly described to keep,
or an incident no service claims, is counted skipped and logged, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Generic, TypeVar

import structlog

from data.clock import utcnow
from data.config import OrgConfig
from data.handoff import Handoff
from data.source_values import SourceIncident
from data.sources.shared_client import Closable
from data.sources.times import TimeFormatError, parse_time
from data.tracker_issue import TrackerIssueRecord

__all__ = ["BadIssue", "TrackerSource", "issue_time", "read_issues"]

log = structlog.get_logger(__name__)


class BadIssue(ValueError):
    """An issue the answer describes too badly to keep; the message says what is missing."""


def issue_time(item: dict[str, Any], name: str, *, optional: bool = False) -> datetime | None:
    """The time ``name`` of an issue as read (``None`` when ``optional`` and absent), or
    ``BadIssue``."""
    value = item.get(name)
    if value is None and optional:
        return None
    try:
        return parse_time(value, name)
    except TimeFormatError as exc:
        raise BadIssue(str(exc)) from None


ClientT = TypeVar("ClientT", bound=Closable)
SettingsT = TypeVar("SettingsT")


class TrackerSource(Generic[ClientT, SettingsT]):
    """A tracker's issues source: its client, its settings table, the organisation, a clock.

    A subclass names itself (``name``), its cursor's ``scope``, and syncs.
    """

    def __init__(
        self,
        client: ClientT,
        config: SettingsT,
        org: OrgConfig,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.config = config
        self.org = org
        self._clock = clock

    def close(self) -> None:
        """Close the client's connection pool."""
        self.client.close()


def read_issues(
    run: Handoff,
    items: Iterable[Any],
    tracker: str,
    record: Callable[[Any], TrackerIssueRecord],
    incident: Callable[[TrackerIssueRecord, Any], SourceIncident | None],
    unmapped: str,
) -> tuple[list[TrackerIssueRecord], list[SourceIncident]]:
    """A page's issues as records (``BadIssue`` skips one), and its incidents' records.

    ``tracker`` names the log events (``jira_issue_skipped``, ``jira_incident_skipped``);
    ``incident`` is given the record and the issue as read, and ``None`` from it means no
    service claims the incident: ``unmapped`` says why in the log.
    """
    records: list[TrackerIssueRecord] = []
    incidents: list[SourceIncident] = []
    for item in items:
        try:
            issue = record(item)
        except BadIssue as exc:
            run.tally.skipped += 1
            log.warning(f"{tracker}_issue_skipped", reason=str(exc))
            continue
        records.append(issue)
        if not issue.is_incident:
            continue
        found = incident(issue, item)
        if found is None:
            run.tally.skipped += 1
            log.warning(f"{tracker}_incident_skipped", issue=issue.key, reason=unmapped)
        else:
            incidents.append(found)
    return records, incidents
