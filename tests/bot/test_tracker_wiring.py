"""The trackers wired into the app: `riskbrief sync`'s sources and `doctor`'s lines."""

from __future__ import annotations

from bot.composition.sources import registered_sources
from bot.doctor.registered import check_registered_sources
from bot.settings import Settings
from data.config import parse_org_config
from fakes.jira_server import FakeJira

ORG = '[[repositories]]\nname = "acme/shop"\n'


def test_sync_runs_jira_and_linear_from_their_tables() -> None:
    """`[sources.jira]` and `[sources.linear]` each give their source, with their variables."""
    org = parse_org_config(
        f'{ORG}[sources.jira]\nbase_url = "https://acme.atlassian.net"\nprojects = ["SHOP"]\n'
        '[sources.linear]\nteams = ["ENG"]\n'
    )
    env = {
        "RISKBRIEF_JIRA_TOKEN": "t",
        "RISKBRIEF_JIRA_EMAIL": "me@acme.test",
        "RISKBRIEF_LINEAR_API_KEY": "lin_api_x",
    }
    names = [s.name for s in registered_sources(Settings(), org, env)]
    assert names == ["jira SHOP", "linear ENG"]


def test_github_bug_labels_add_a_bug_issue_source_per_repository() -> None:
    """`bug_labels` in `[sources.github]` adds the bug issues of each repository it reads."""
    org = parse_org_config(f'{ORG}[sources.github]\nbug_labels = ["bug"]\n')
    env = {"GITHUB_TOKEN": "ghp_test"}
    names = [s.name for s in registered_sources(Settings(), org, env)]
    assert "github bug issues acme/shop" in names
    plain = parse_org_config(f"{ORG}[sources.github]\n")
    assert not any("bug issues" in s.name for s in registered_sources(Settings(), plain, env))


def test_doctor_prints_the_jira_lines() -> None:
    """Against the fake Jira: the credentials and the project pass, one line each."""
    with FakeJira("cloud") as fake:
        fake.add_project("SHOP")
        org = parse_org_config(
            f'{ORG}[sources.jira]\nbase_url = "{fake.base_url}"\nprojects = ["SHOP"]\n'
        )
        env = {"RISKBRIEF_JIRA_TOKEN": fake.token, "RISKBRIEF_JIRA_EMAIL": fake.email}
        lines = list(check_registered_sources(Settings(), org, None, env))
    assert [c.status for c in lines] == ["pass", "pass"]
