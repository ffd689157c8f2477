"""The Jira source against a fake Jira Cloud and Server: pages, watermark, incidents, limits."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from data.config.sources.jira import JiraDeployment
from data.sources.jira.source import jira_credentials, jira_sources
from data.store.tables import Incident
from data.sync import run_sources
from fakes.http import Answer
from fakes.jira_server import FakeJiraIssue
from scoring.errors import ConfigError
from tests.data.sources.jira.conftest import JiraWorld
from tests.data.sources.tracker.world import NOW, at, stored_issues

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases


def _sync(jira: JiraWorld) -> list[str | None]:
    sources = jira_sources(jira.config, jira.org, client=jira.client(), clock=lambda: NOW)
    return [s.error for s in run_sources(jira.engine, jira.org, sources)]


def _searches(jira: JiraWorld) -> list[dict[str, str]]:
    return [dict(r.query) for r in jira.fake.server.requests if "/search" in r.path]


@pytest.mark.store_decides
def test_issues_are_read_page_by_page_with_type_labels_priority_history(jira: JiraWorld) -> None:
    """Bugs by type or label, an incident by type, status history and resolution are stored."""
    fake = jira.fake
    fake.add_issue(
        FakeJiraIssue(
            "SHOP-1",
            at(50),
            issue_type="Bug",
            summary="Checkout fails",
            resolution="Fixed",
            resolved=at(49),
            status="Done",
            status_changes=((at(52), "Open", "In Progress"), (at(49), "In Progress", "Done")),
        )
    )
    fake.add_issue(FakeJiraIssue("SHOP-2", at(40), issue_type="Story", labels=("regression",)))
    fake.add_issue(FakeJiraIssue("SHOP-3", at(30), issue_type="Story"))
    fake.add_issue(
        FakeJiraIssue(
            "SHOP-4",
            at(20),
            issue_type="Incident",
            priority="Highest",
            components=("checkout",),
            summary="Payments down",
            resolved=at(19),
        )
    )
    fake.add_issue(FakeJiraIssue("SHOP-5", at(10), issue_type="Bug", labels=("search",)))
    jira.config = jira.config.model_copy(update={"bug_labels": ("regression",)})

    assert _sync(jira) == [None]

    issues = stored_issues(jira.engine)
    assert {k for k, v in issues.items() if v.is_bug} == {"SHOP-1", "SHOP-2", "SHOP-5"}
    assert issues["SHOP-1"].status_changes == [
        [at(52).isoformat(), "Open", "In Progress"],
        [at(49).isoformat(), "In Progress", "Done"],
    ]
    assert (issues["SHOP-1"].resolution, issues["SHOP-1"].resolved_at) == ("Fixed", at(49))
    assert issues["SHOP-4"].is_incident
    assert issues["SHOP-4"].severity == "sev1"
    assert issues["SHOP-1"].url == f"{jira.fake.base_url}/browse/SHOP-1"
    with Session(jira.engine) as session:
        incident = session.exec(select(Incident)).one()
    assert (incident.key, incident.title, incident.severity) == (
        "jira-incident:SHOP-4",
        "Payments down",
        "sev1",
    )
    assert (incident.opened_at, incident.resolved_at) == (at(20), at(19))
    # Five issues, two a page: three pages.
    assert len(_searches(jira)) == 3


def test_a_resync_asks_from_the_watermark_in_the_users_time_zone(jira: JiraWorld) -> None:
    """The second search starts lag minutes before the newest update, written in Berlin time."""
    jira.fake.add_issue(FakeJiraIssue("SHOP-1", at(30), issue_type="Bug"))
    jira.fake.add_issue(FakeJiraIssue("SHOP-2", at(3), issue_type="Bug"))
    assert _sync(jira) == [None]
    jira.fake.add_issue(FakeJiraIssue("SHOP-3", at(1), issue_type="Bug"))
    assert _sync(jira) == [None]

    # at(3) is 09:00 UTC on 2 March, 10:00 in Berlin; 5 minutes less is 09:55 there.
    second = _searches(jira)[-1]["jql"]
    assert second == 'project in ("SHOP") AND updated >= "2026/03/02 09:55" ORDER BY updated ASC'
    assert set(stored_issues(jira.engine)) == {"SHOP-1", "SHOP-2", "SHOP-3"}


@pytest.mark.store_decides
def test_a_resync_with_nothing_new_keeps_the_watermark(jira: JiraWorld) -> None:
    """Syncing again and again reads the same overlap: the watermark never walks back."""
    jira.fake.add_issue(FakeJiraIssue("SHOP-1", at(3), issue_type="Bug"))
    for _ in range(3):
        assert _sync(jira) == [None]
    queries = {s["jql"] for s in _searches(jira)[1:]}
    assert len(queries) == 1


@pytest.mark.store_decides
def test_an_interrupted_sync_resumes_without_loss_or_duplicates(jira: JiraWorld) -> None:
    """A refusal on the second page keeps the first page; the next sync reads the rest."""
    for n in range(1, 6):
        jira.fake.add_issue(FakeJiraIssue(f"SHOP-{n}", at(50 - n), issue_type="Bug"))
    search = (
        "/rest/api/3/search"
        if jira.config.deployment is JiraDeployment.CLOUD
        else "/rest/api/2/search"
    )
    calls = {"n": 0}
    original = jira.fake.server._answer

    def failing(request):  # type: ignore[no-untyped-def]
        if request.path.startswith(search):
            calls["n"] += 1
            if calls["n"] == 2:
                return Answer(403, {"errorMessages": ["no"]})
        return original(request)

    jira.fake.server._answer = failing  # type: ignore[method-assign]
    errors = _sync(jira)
    assert errors[0] is not None
    assert "403" in errors[0]
    assert set(stored_issues(jira.engine)) == {"SHOP-1", "SHOP-2"}

    assert _sync(jira) == [None]
    assert set(stored_issues(jira.engine)) == {f"SHOP-{n}" for n in range(1, 6)}


def test_a_429_waits_retry_after_and_asks_again(jira: JiraWorld) -> None:
    """Jira's 429 with Retry-After is waited out, and the sync completes."""
    jira.fake.add_issue(FakeJiraIssue("SHOP-1", at(3), issue_type="Bug"))
    jira.fake.server.fail_next("/rest/api", Answer(429, {}, headers={"Retry-After": "7"}))
    client = jira.client()
    sources = jira_sources(jira.config, jira.org, client=client, clock=lambda: NOW)
    assert [s.error for s in run_sources(jira.engine, jira.org, sources)] == [None]
    assert client.waits == [7.0]
    assert "SHOP-1" in stored_issues(jira.engine)


def test_wrong_credentials_end_in_one_sentence_naming_the_variables(jira: JiraWorld) -> None:
    """A 401 is the source's summary line, naming what to set."""
    sources = jira_sources(
        jira.config, jira.org, client=jira.client(token="wrong"), clock=lambda: NOW
    )
    [summary] = run_sources(jira.engine, jira.org, sources)
    assert summary.error is not None
    assert "401" in summary.error
    assert "RISKBRIEF_JIRA_TOKEN" in summary.error
    assert "\n" not in summary.error


def test_remote_links_to_pull_requests_become_linked_changes(jira: JiraWorld) -> None:
    """With remote_links on, a bug's GitHub PR and GitLab MR links are stored as change keys."""
    jira.fake.add_issue(
        FakeJiraIssue(
            "SHOP-1",
            at(3),
            issue_type="Bug",
            links=(
                "https://github.com/acme/shop/pull/42",
                "https://gitlab.example.com/acme/platform/api/-/merge_requests/7",
                "https://docs.example.com/postmortem",
            ),
        )
    )
    jira.fake.add_issue(
        FakeJiraIssue("SHOP-2", at(2), links=("https://github.com/acme/shop/pull/9",))
    )
    jira.config = jira.config.model_copy(update={"remote_links": True})
    assert _sync(jira) == [None]
    issues = stored_issues(jira.engine)
    assert issues["SHOP-1"].linked_changes == ["acme/shop#42", "acme/platform/api!7"]
    # Only bugs' links are read: a task's PR fixes nothing.
    assert issues["SHOP-2"].linked_changes == []


def test_credentials_are_read_from_the_environment_or_refused_in_one_sentence(
    jira: JiraWorld,
) -> None:
    """Cloud needs the email and the token; Server the token alone."""
    env = {"RISKBRIEF_JIRA_TOKEN": "t", "RISKBRIEF_JIRA_EMAIL": "me@acme.test"}
    if jira.config.deployment is JiraDeployment.CLOUD:
        assert jira_credentials(jira.config, env) == ("t", "me@acme.test")
        with pytest.raises(ConfigError, match="RISKBRIEF_JIRA_EMAIL"):
            jira_credentials(jira.config, {"RISKBRIEF_JIRA_TOKEN": "t"})
    else:
        assert jira_credentials(jira.config, {"RISKBRIEF_JIRA_TOKEN": "t"}) == ("t", None)
