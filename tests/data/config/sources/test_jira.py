"""``[sources.jira]`` settings: addresses, project keys, what a bug and an incident are."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from data.config.sources.jira import JiraSourceConfig


def test_a_pasted_api_or_browse_url_is_taken_back_to_the_site() -> None:
    """``/rest/api/3`` and ``/browse/KEY`` are stripped; a path under a proxy stays."""
    assert JiraSourceConfig(base_url="https://acme.atlassian.net/rest/api/3/").base_url == (
        "https://acme.atlassian.net"
    )
    assert JiraSourceConfig(base_url="https://acme.atlassian.net/browse/SHOP-1").base_url == (
        "https://acme.atlassian.net"
    )
    server = JiraSourceConfig(base_url="https://tools.acme.test/jira/", deployment="server")
    assert server.api_url == "https://tools.acme.test/jira/rest/api/2"


@pytest.mark.parametrize("projects", [("shop",), ("SHOP", "SHOP"), ("SHOP-1",)])
def test_project_keys_must_be_jira_keys(projects: tuple[str, ...]) -> None:
    """Lower case, repeated or issue keys are refused with what to write."""
    with pytest.raises(ValidationError, match="project"):
        JiraSourceConfig(base_url="https://acme.atlassian.net", projects=projects)


def test_bugs_and_incidents_by_type_or_label_in_any_case() -> None:
    """Types and labels compare without case; a label alone is enough."""
    config = JiraSourceConfig(
        base_url="https://acme.atlassian.net",
        bug_types=("Bug", "Defect"),
        bug_labels=("Regression",),
    )
    assert config.is_bug("defect", ())
    assert config.is_bug("Story", ("regression",))
    assert not config.is_bug("Story", ("ux",))
    assert config.is_incident("Incident", ())
    assert config.is_incident("Task", ("INCIDENT",))


def test_severity_from_priority_defaults_and_overrides() -> None:
    """Jira's default priorities map to sev levels; an unmapped one keeps its name."""
    config = JiraSourceConfig(base_url="https://acme.atlassian.net", severities={"P0": "sev0"})
    assert config.severity("p0") == "sev0"
    # Settings of one's own replace the defaults.
    assert config.severity("Highest") == "highest"
    default = JiraSourceConfig(base_url="https://acme.atlassian.net")
    assert default.severity("Blocker") == "sev1"
    assert default.severity("Medium") == "sev3"
    assert default.severity("Whenever") == "whenever"
    assert default.severity(None) is None
