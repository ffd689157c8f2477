"""A Jira issue's JSON as a record: what is read, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data.config.sources.jira import JiraSourceConfig
from data.sources.jira.records import BadIssue, issue_record
from fakes.jira_server import FakeJiraIssue

CONFIG = JiraSourceConfig(base_url="https://acme.atlassian.net", projects=("SHOP",))
AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_a_v3_issue_is_read_with_its_history_in_time_order() -> None:
    """Type, labels, priority, status, resolution and status moves (sorted) are kept."""
    issue = FakeJiraIssue(
        "shop-7",
        AT,
        issue_type="Bug",
        labels=("ux",),
        priority="High",
        status="Done",
        resolution="Fixed",
        resolved=AT,
        status_changes=(
            (AT, "In Progress", "Done"),
            (datetime(2026, 2, 1, tzinfo=UTC), "Open", "In Progress"),
        ),
    ).json(changelog=True)
    record = issue_record(issue, CONFIG)
    assert (record.key, record.issue_type, record.labels, record.priority) == (
        "SHOP-7",
        "Bug",
        ("ux",),
        "High",
    )
    assert (record.is_bug, record.is_incident, record.severity) == (True, False, None)
    assert [s.to_status for s in record.status_changes] == ["In Progress", "Done"]
    assert (record.resolution, record.resolved_at) == ("Fixed", AT)


@pytest.mark.parametrize(
    "issue",
    [
        {"fields": {}},
        {"key": "SHOP-1"},
        {
            "key": "SHOP-1",
            "fields": {"created": "yesterday", "updated": "2026-03-01T09:30:00.000+0000"},
        },
        "SHOP-1",
    ],
)
def test_an_issue_without_key_fields_or_times_is_refused(issue: object) -> None:
    """Such an issue is a ``BadIssue`` the source counts as skipped."""
    with pytest.raises(BadIssue):
        issue_record(issue, CONFIG)
