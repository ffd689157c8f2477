"""`riskbrief doctor`'s lines on the Bitbucket check: on, off, or what is missing, per edition."""

from __future__ import annotations

import pytest

from bot.doctor import Check, check_code_host_checks
from bot.settings import Settings
from data.config import OrgConfig
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.sources.sample import sample_org_config


def _org(
    cloud: BitbucketCloudConfig | None = None, dc: BitbucketDataCenterConfig | None = None
) -> OrgConfig:
    org = sample_org_config()
    sources = org.sources.model_copy(update={"bitbucket": cloud, "bitbucket_dc": dc})
    return org.model_copy(update={"sources": sources})


def check_bitbucket_webhook(settings: Settings, org: OrgConfig, error: str | None) -> list[Check]:
    """The doctor's lines on the Bitbucket check, one per edition it prints."""
    lines = check_code_host_checks(settings, org, error)
    return [line for line in lines if line.name.startswith("bitbucket")]


def test_nothing_of_bitbucket_set_is_no_line() -> None:
    """No secret and no Bitbucket table: the doctor has nothing to say of the Bitbucket check."""
    assert check_bitbucket_webhook(Settings(), _org(), None) == []


def test_bitbucket_synced_without_the_secret_is_skipped_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[sources.bitbucket] without BITBUCKET_WEBHOOK_SECRET: skipped, saying what turns it on."""
    monkeypatch.setenv("RISKBRIEF_BITBUCKET_TOKEN", "tok")
    (line,) = check_bitbucket_webhook(
        Settings(), _org(BitbucketCloudConfig(repositories=("ws/a",))), None
    )
    assert line.status == "skip"
    assert "set BITBUCKET_WEBHOOK_SECRET" in line.detail


def test_a_dc_secret_without_the_token_fails_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Data Center secret set but its token's variable not: failed, the fix naming it."""
    monkeypatch.delenv("RISKBRIEF_BITBUCKET_DC_TOKEN", raising=False)
    monkeypatch.setenv("BITBUCKET_DC_WEBHOOK_SECRET", "s" * 24)
    settings = Settings()
    (line,) = check_bitbucket_webhook(
        settings, _org(dc=BitbucketDataCenterConfig(repositories=("P/a",))), None
    )
    assert line.name == "bitbucket dc check"
    assert line.status == "fail"
    assert line.fix is not None
    assert "RISKBRIEF_BITBUCKET_DC_TOKEN" in line.fix


def test_everything_set_is_on_and_says_the_write_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secret, repositories and token: passed, naming the repositories' count and the scope."""
    monkeypatch.setenv("RISKBRIEF_BITBUCKET_TOKEN", "tok")
    monkeypatch.setenv("BITBUCKET_WEBHOOK_SECRET", "s" * 24)
    settings = Settings()
    (line,) = check_bitbucket_webhook(
        settings, _org(BitbucketCloudConfig(repositories=("ws/a", "ws/b"))), None
    )
    assert line.status == "pass"
    assert "2 repository(ies)" in line.detail
    assert "repository:write" in line.detail
