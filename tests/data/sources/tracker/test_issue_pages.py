"""A page of tracker issues: records kept, a bad issue and an unclaimed incident skipped."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from structlog.testing import capture_logs

from data.config import parse_org_config
from data.source_values import SourceIncident
from data.sources.tracker.issue_pages import BadIssue, read_issues
from data.sync import SyncRun
from data.tracker_issue import TrackerIssueRecord
from tests.data.sources.tracker.world import ORG, at


def _record(item: Any) -> TrackerIssueRecord:
    if "key" not in item:
        raise BadIssue("an issue without a key")
    return TrackerIssueRecord(
        "jira", item["key"], at(5), at(4), is_incident=bool(item.get("incident"))
    )


def _incident(record: TrackerIssueRecord, item: Any) -> SourceIncident | None:
    service = item.get("service")
    return SourceIncident(f"jira:{record.key}", service, at(5)) if service else None


def test_bad_issues_and_unclaimed_incidents_are_counted_skipped_and_logged(
    engine: Engine,
) -> None:
    """Both skips count once and log under the tracker's name; the rest come back in order."""
    run = SyncRun(engine, parse_org_config(ORG))
    items = [
        {"key": "OPS-1"},
        {"title": "no key"},
        {"key": "OPS-2", "incident": True, "service": "checkout"},
        {"key": "OPS-3", "incident": True},
    ]
    with capture_logs() as logs:
        records, incidents = read_issues(run, items, "jira", _record, _incident, "unmapped")
    assert [r.key for r in records] == ["OPS-1", "OPS-2", "OPS-3"]
    assert [(i.key, i.service) for i in incidents] == [("jira:OPS-2", "checkout")]
    assert run.tally.skipped == 2
    assert [(e["event"], e.get("issue"), e["reason"]) for e in logs] == [
        ("jira_issue_skipped", None, "an issue without a key"),
        ("jira_incident_skipped", "OPS-3", "unmapped"),
    ]
