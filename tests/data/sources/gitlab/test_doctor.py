"""doctor's GitLab checks against the fake: address, token, scopes, each project, one line each."""

from __future__ import annotations

import pytest

from data.sources.gitlab.client import GitLabClient
from data.sources.gitlab.doctor import check_base_url, gitlab_findings
from tests.data.sources.gitlab.world import PROJECT, World

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases


def test_a_good_setup_passes_every_check(world: World) -> None:
    """The address answers as GitLab, the token is known, has read_api and reads the project."""
    findings = gitlab_findings(world.client(), (PROJECT,))
    assert [f.ok for f in findings] == [True, True, True, True]
    assert "17.5.1" in findings[0].message
    assert PROJECT in findings[3].message
    assert all(f.fix is None for f in findings)


def test_a_token_without_read_api_fails_the_scope_check_with_the_fix(world: World) -> None:
    """A read_repository token is known but lacks read_api: the scope check says what to create."""
    findings = gitlab_findings(world.client("glpat-narrow"), (PROJECT,))
    assert [f.ok for f in findings] == [True, True, False]
    assert "read_api" in findings[2].message
    assert findings[2].fix is not None
    assert "read_api" in findings[2].fix


def test_an_unknown_token_and_an_unknown_project_each_say_what_to_do(world: World) -> None:
    """A token GitLab refuses stops at the token check; a missing project names its path."""
    refused = gitlab_findings(world.client("nope"), (PROJECT,))
    assert [f.ok for f in refused] == [True, False]
    assert refused[1].fix is not None
    assert "RISKBRIEF_GITLAB_TOKEN" in refused[1].fix
    missing = gitlab_findings(world.client(), (PROJECT, "acme/gone"))
    assert [f.ok for f in missing] == [True, True, True, True, False]
    assert "acme/gone" in missing[4].message


def test_an_address_that_is_not_gitlab_fails_the_first_check(world: World) -> None:
    """GitLab's web address without its base path answers no GitLab API: the fix names base_url."""
    wrong = GitLabClient(world.fake.server.url, "glpat-test", sleep=lambda _: None)
    finding = check_base_url(wrong)
    assert not finding.ok
    assert finding.fix is not None
    assert "base_url" in finding.fix


def test_a_gitlab_that_hides_the_token_from_itself_still_names_the_scope(world: World) -> None:
    """Where /personal_access_tokens/self needs read_api too, the scope check still says so."""
    world.fake.self_needs_read_api = True
    findings = gitlab_findings(world.client("glpat-narrow"), (PROJECT,))
    assert [f.ok for f in findings] == [True, True, False]
    assert "read_api" in findings[2].message
