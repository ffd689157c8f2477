"""A Jira issue (REST v2 or v3 JSON) as a tracker issue record and, when it is one, an incident.

Read fields: ``summary``, ``issuetype.name``, ``labels``, ``priority.name``,
``status.name``, ``components``, ``created``, ``updated``,
``resolutiondate`` and ``resolution.name``, and the ``status`` items of
``changelog.histories`` (asked for with ``expand=changelog``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from data.config import OrgConfig
from data.config.sources.jira import JiraSourceConfig
from data.source_values import SourceIncident
from data.sources.times import TimeFormatError, parse_time
from data.sources.tracker.issue_pages import BadIssue, issue_time
from data.tracker_issue import StatusChange, TrackerIssueRecord

__all__ = ["SEARCH_FIELDS", "BadIssue", "incident_of", "issue_record"]

SEARCH_FIELDS = (
    "summary,issuetype,labels,priority,status,components,created,updated,resolutiondate,resolution"
)
_SERVICE_PREFIX = re.compile(r"^(?:service|svc)\s*[:/=]\s*", re.IGNORECASE)


def _name(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def _history(issue: dict[str, Any]) -> tuple[StatusChange, ...]:
    changelog = issue.get("changelog")
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    out: list[StatusChange] = []
    for history in histories if isinstance(histories, list) else ():
        if not isinstance(history, dict):
            continue
        try:
            at = parse_time(history.get("created"), "created")
        except TimeFormatError:
            continue
        for item in history.get("items") or ():
            if isinstance(item, dict) and item.get("field") == "status":
                out.append(
                    StatusChange(
                        at, str(item.get("fromString") or ""), str(item.get("toString") or "")
                    )
                )
    return tuple(sorted(out, key=lambda s: s.at))


def issue_record(
    issue: Any, config: JiraSourceConfig, links: Sequence[str] = ()
) -> TrackerIssueRecord:
    """The record of one issue of a search answer; ``BadIssue`` when it lacks a key or times."""
    if not isinstance(issue, dict) or not isinstance(issue.get("key"), str):
        raise BadIssue("an issue without a key")
    fields = issue.get("fields")
    if not isinstance(fields, dict):
        raise BadIssue(f"issue {issue['key']} without fields")
    key = str(issue["key"]).upper()
    issue_type = _name(fields.get("issuetype"))
    raw_labels = fields.get("labels")
    labels = (
        tuple(str(x) for x in raw_labels if isinstance(x, str))
        if isinstance(raw_labels, list)
        else ()
    )
    priority = _name(fields.get("priority"))
    opened = issue_time(fields, "created")
    updated = issue_time(fields, "updated")
    assert opened is not None
    assert updated is not None
    summary = fields.get("summary")
    is_incident = config.is_incident(issue_type, labels)
    return TrackerIssueRecord(
        source="jira",
        key=key,
        opened_at=opened,
        updated_at=updated,
        title=summary if isinstance(summary, str) else "",
        url=f"{config.base_url}/browse/{key}",
        issue_type=issue_type,
        labels=labels,
        status=_name(fields.get("status")),
        priority=priority,
        severity=config.severity(priority) if is_incident else None,
        is_bug=config.is_bug(issue_type, labels),
        is_incident=is_incident,
        resolved_at=issue_time(fields, "resolutiondate", optional=True),
        resolution=_name(fields.get("resolution")),
        linked_changes=tuple(links),
        status_changes=_history(issue),
    )


def _components(issue: Any) -> list[str]:
    fields = issue.get("fields") if isinstance(issue, dict) else None
    found = fields.get("components") if isinstance(fields, dict) else None
    return [n for n in (_name(c) for c in found or ()) if n] if isinstance(found, list) else []


def incident_of(
    record: TrackerIssueRecord, issue: Any, org: OrgConfig, config: JiraSourceConfig
) -> SourceIncident | None:
    """The incident an incident issue is, placed on a service; ``None`` when none is named."""
    if not record.is_incident:
        return None
    services = {s.key.casefold(): s.key for s in org.services}
    service = None
    for name in (*_components(issue), *record.labels):
        wanted = _SERVICE_PREFIX.sub("", name.strip()).casefold()
        if wanted in services:
            service = services[wanted]
            break
    if service is None:
        service = config.services.get(record.key.rsplit("-", 1)[0])
    if service is None:
        return None
    return SourceIncident(
        key=f"jira-incident:{record.key}",
        service=service,
        opened_at=record.opened_at,
        title=record.title,
        resolved_at=record.resolved_at,
        severity=record.severity,
        source="jira",
    )
