"""``riskbrief doctor``'s Jira findings against the fake: credentials and each project."""

from __future__ import annotations

import pytest

from data.sources.jira.doctor import jira_findings
from tests.data.sources.jira.conftest import JiraWorld

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases


def test_good_credentials_and_a_readable_project_pass(jira: JiraWorld) -> None:
    """``/myself`` names the user and the project is found."""
    findings = jira_findings(jira.client())
    assert [f.ok for f in findings] == [True, True]
    assert "Risk Bot" in findings[0].message
    assert "SHOP (Shop)" in findings[1].message


def test_refused_credentials_say_what_to_set_and_stop(jira: JiraWorld) -> None:
    """A 401 is one finding whose fix names the variables; projects are not asked."""
    [finding] = jira_findings(jira.client(token="nope"))
    assert not finding.ok
    assert finding.fix is not None
    assert "RISKBRIEF_JIRA_TOKEN" in finding.fix


def test_a_missing_project_is_a_finding_with_its_fix(jira: JiraWorld) -> None:
    """A project key Jira does not have fails with what to check."""
    jira.config = jira.config.model_copy(update={"projects": ("SHOP", "OPS")})
    findings = jira_findings(jira.client())
    assert [f.ok for f in findings] == [True, True, False]
    assert "OPS" in findings[2].message
    assert findings[2].fix is not None
