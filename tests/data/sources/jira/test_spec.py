"""Jira and Linear through the source seam: riskbrief.toml's tables, sync and doctor lines."""

from __future__ import annotations

import pytest

from data.config import parse_org_config
from data.sources.jira.spec import JIRA
from data.sources.linear.spec import LINEAR
from data.sources.registry import configured
from data.sources.spec import SourceContext
from tests.data.sources.jira.conftest import JiraWorld
from tests.data.sources.tracker.world import ORG

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases


def _org(fake_url: str) -> str:
    return f'{ORG}\n[sources.jira]\nbase_url = "{fake_url}"\nprojects = ["SHOP"]\n'


def test_a_jira_table_is_a_registered_source_with_its_own_settings(jira: JiraWorld) -> None:
    """``[sources.jira]`` is read through the registry into the Jira settings and one source."""
    org = parse_org_config(_org(jira.fake.base_url))
    assert [s for s, _ in configured(org) if s.key == "jira"] == [JIRA]
    settings = JIRA.settings_of(org)
    assert settings is not None
    env = {"RISKBRIEF_JIRA_TOKEN": "jira-token", "RISKBRIEF_JIRA_EMAIL": "bot@example.com"}
    sources = JIRA.sources(settings, SourceContext(org, env))
    assert [s.name for s in sources] == ["jira SHOP"]
    assert org.sources.incidents_known


def test_doctor_lines_without_and_with_credentials(jira: JiraWorld) -> None:
    """Unset variables are one finding naming them; set ones check the site and project."""
    text = _org(jira.fake.base_url)
    if jira.config.deployment.value == "server":
        text += 'deployment = "server"\n'
    org = parse_org_config(text)
    settings = JIRA.settings_of(org)
    assert settings is not None
    [missing] = JIRA.findings(settings, SourceContext(org, {}))
    assert not missing.ok
    assert "RISKBRIEF_JIRA_TOKEN" in missing.message
    env = {"RISKBRIEF_JIRA_TOKEN": "jira-token", "RISKBRIEF_JIRA_EMAIL": "bot@example.com"}
    found = JIRA.findings(settings, SourceContext(org, env))
    assert [f.ok for f in found] == [True, True]


def test_a_linear_table_without_its_key_is_one_doctor_line() -> None:
    """``[sources.linear]`` is registered; a missing API key is named with where to make one."""
    org = parse_org_config(f'{ORG}\n[sources.linear]\nteams = ["ENG"]\n')
    settings = LINEAR.settings_of(org)
    assert settings is not None
    assert settings.teams == ("ENG",)
    [missing] = LINEAR.findings(settings, SourceContext(org, {}))
    assert not missing.ok
    assert missing.fix is not None
    assert "RISKBRIEF_LINEAR_API_KEY" in missing.fix
