"""`riskbrief doctor`'s line on the GitLab check: on, off, or what is missing."""

from __future__ import annotations

import os

import pytest

from bot.doctor import Check, check_code_host_checks
from bot.gitlab import check_states
from bot.settings import Settings
from data.config import OrgConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.sources.sample import sample_org_config
from scoring.errors import ConfigError


def _org(gitlab: GitLabSourceConfig | None) -> OrgConfig:
    org = sample_org_config()
    return org.model_copy(update={"sources": org.sources.model_copy(update={"gitlab": gitlab})})


def check_gitlab_webhook(settings: Settings, org: OrgConfig, error: str | None) -> Check | None:
    """The doctor's line on the GitLab check, if it prints one."""
    lines = check_code_host_checks(settings, org, error)
    return next((line for line in lines if line.name == "gitlab check"), None)


def test_nothing_of_gitlab_set_is_no_line() -> None:
    """No secret and no [sources.gitlab]: the doctor has nothing to say of the GitLab check."""
    assert check_gitlab_webhook(Settings(), _org(None), None) is None


def test_gitlab_synced_without_the_secret_is_skipped_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[sources.gitlab] without GITLAB_WEBHOOK_SECRET: skipped, saying what turns it on."""
    monkeypatch.setenv("RISKBRIEF_GITLAB_TOKEN", "glpat-x")
    check = check_gitlab_webhook(Settings(), _org(GitLabSourceConfig(projects=("a/b",))), None)
    assert check is not None
    assert check.status == "skip"
    assert "set GITLAB_WEBHOOK_SECRET" in check.detail


def test_a_secret_without_the_token_fails_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The secret set but the token's variable not: failed, the fix naming that variable."""
    monkeypatch.delenv("RISKBRIEF_GITLAB_TOKEN", raising=False)
    monkeypatch.setenv("GITLAB_WEBHOOK_SECRET", "s" * 24)
    settings = Settings()
    check = check_gitlab_webhook(settings, _org(GitLabSourceConfig(projects=("a/b",))), None)
    assert check is not None
    assert check.status == "fail"
    assert check.fix is not None
    assert "RISKBRIEF_GITLAB_TOKEN" in check.fix
    assert "api scope" in check.fix


def test_everything_set_is_on_and_says_the_api_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secret, projects and token: passed, naming the projects' count and the api scope."""
    monkeypatch.setenv("RISKBRIEF_GITLAB_TOKEN", "glpat-x")
    monkeypatch.setenv("GITLAB_WEBHOOK_SECRET", "s" * 24)
    settings = Settings()
    check = check_gitlab_webhook(settings, _org(GitLabSourceConfig(projects=("a/b", "a/c"))), None)
    assert check is not None
    assert check.status == "pass"
    assert "2 project(s)" in check.detail
    assert "api scope" in check.detail


def test_a_malformed_signing_token_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """A signing token that is not GitLab's whsec_ form: `serve` stops on the sentence naming
    the variable (never its value), and the doctor fails the check with the same words."""
    monkeypatch.setenv("RISKBRIEF_GITLAB_TOKEN", "glpat-x")
    monkeypatch.setenv("GITLAB_WEBHOOK_SECRET", "s" * 24)
    monkeypatch.setenv("GITLAB_WEBHOOK_SIGNING_TOKEN", "not-a-token")
    org = _org(GitLabSourceConfig(projects=("a/b",)))
    with pytest.raises(ConfigError) as caught:
        check_states(Settings(), org, os.environ)
    assert str(caught.value) == (
        "the environment variable GITLAB_WEBHOOK_SIGNING_TOKEN is not valid; set it to the "
        "GitLab webhook's signing token (whsec_…), or leave it unset"
    )
    (line,) = (c for c in check_code_host_checks(Settings(), org, None) if "gitlab" in c.name)
    assert line.status == "fail"
    assert "GITLAB_WEBHOOK_SIGNING_TOKEN is not valid" in line.detail
    assert "not-a-token" not in line.detail
